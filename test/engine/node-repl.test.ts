import { echoed, printed, runSession } from "../helpers/engine.js";

// What the Node 20 REPL does, observed with `repl.start` on piped input, is in the comments.
describe("a cell that starts with { is an object literal when it parses as one", () => {
  test("objects, shorthand, several lines, TypeScript; blocks stay blocks", async () => {
    const s = await runSession([
      "{ a: 1 }", // node: { a: 1 }
      "{ a: 1, b: 2 }", // node: { a: 1, b: 2 } (a block would be a SyntaxError)
      "{ a: 1 };", // node: 1 (ends with ';': a block with a label)
      "{}", // node: {}
      "{};", // node: undefined
      "const x = 5",
      "{ x }", // node: { x: 5 }
      "{ let y = 1; y }", // node: 1 (the parenthesized text does not parse: a block)
      "{\n  a: 1,\n  b: [1, 2]\n}", // node: { a: 1, b: [ 1, 2 ] }
      "{ a: 1 as number, b: 'two' satisfies string }",
      "  { a: await Promise.resolve(3) }  ", // node: { a: 3 }
      "{ a: 1 }.a", // node: 1 (the whole cell is one expression)
      "{\n  a: 1,\n} // a note", // node reads `{ a: 1 } // note` as a block; the `)` on a line of its own reads it as an object
    ]);
    expect(s.results.map((r) => r.status)).toEqual(Array(13).fill("ok"));
    expect([1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13].map((cell) => echoed(s, cell))).toEqual([
      "{ a: 1 }",
      "{ a: 1, b: 2 }",
      "1",
      "{}",
      undefined,
      "{ x: 5 }",
      "1",
      "{ a: 1, b: [ 1, 2 ] }",
      "{ a: 1, b: 'two' }",
      "{ a: 3 }",
      "1",
      "{ a: 1 }",
    ]);
  });

  test("errors in an object literal cell name the user's lines and columns; syntax errors those of the cell as written", async () => {
    const s = await runSession([
      "{ a: 1, b: nope }",
      "\n  { x: 1 as number, y: (nope as any) }",
      "{\n  f() { throw new Error('in f') },\n}",
      "_.f()",
      { code: "{ a: 1, b: 2 c }", filename: "page.md", lineOffset: 10 },
      "{ let y = ; }",
    ]);
    expect(s.results[0].error.traceback).toEqual(["ReferenceError: nope is not defined", "    at cell[1]:1:12"]);
    expect(s.results[1].error.traceback).toEqual(["ReferenceError: nope is not defined", "    at cell[2]:2:25"]);
    expect(s.results[3].error.traceback).toEqual(["Error: in f", "    at Object.f (cell[3]:2:15)", "    at cell[4]:1:3"]);
    expect(s.results[4].error.ename).toBe("SyntaxError");
    expect(s.results[4].error.traceback[1]).toBe("    at page.md:11:10");
    expect(s.results[5].error.traceback).toEqual(["SyntaxError: Unexpected token", "    at cell[6]:1:11"]);
  });

  test("a cell with top-level await that throws before its first await: no frame of the transform's wrapper", async () => {
    const s = await runSession(["function f() { throw new Error('x') }\nf(); await 1"]);
    expect(s.results[0].error.traceback).toEqual(["Error: x", "    at f (cell[1]:1:22)", "    at cell[1]:2:1"]);
  });

  test("isComplete: an object literal of several properties is complete", async () => {
    const s = await runSession([{ isComplete: "{ a: 1, b: 2 }" }, { isComplete: "{ a: 1," }, { isComplete: "{ let y = 1; y }" }]);
    expect(s.results).toEqual([{ status: "complete" }, { status: "incomplete", indent: "  " }, { status: "complete" }]);
  });
});

describe("_ and _error", () => {
  test("_ is the last echoed value, _error the last thrown error; cells that echo nothing leave _ alone", async () => {
    const s = await runSession([
      "_", // node: undefined
      "40 + 2",
      "_ + 1", // node: 43
      "const unseen = 'no echo'",
      "_", // 43: a cell that echoes nothing leaves it (node would have set it to undefined)
      "Promise.resolve('awaited')",
      "_",
      "throw new RangeError('boom')",
      "_error.message", // node: 'boom'
      "setTimeout(() => { throw new TypeError('later') }, 10); 'cell 10'",
      "await new Promise((r) => setTimeout(r, 50)); _error.message", // node: the domain makes a timer's error _error too
    ]);
    expect(echoed(s, 1)).toBeUndefined();
    expect(echoed(s, 3)).toBe("43");
    expect(echoed(s, 5)).toBe("43");
    expect(echoed(s, 7)).toBe("'awaited'");
    expect(echoed(s, 9)).toBe("'boom'");
    expect(echoed(s, 11)).toBe("'later'");
  });

  test("assigning _ or _error makes it the user's, with node's message once; a declaration takes it over silently", async () => {
    const s = await runSession([
      "1 + 1",
      "_ = 5", // node: "Expression assignment to _ now disabled." then 5
      "3",
      "_", // node: 5
      "_ = 6",
      "throw 1",
      "var _error = 'mine'", // node: "Expression assignment to _error now disabled."
      "throw 2",
      "_error", // node: 'mine'
    ]);
    expect(printed(s, 2)).toBe("Expression assignment to _ now disabled.\n");
    expect(echoed(s, 4)).toBe("5");
    expect(printed(s, 5)).toBe("");
    expect(printed(s, 7)).toBe("Expression assignment to _error now disabled.\n");
    expect(echoed(s, 9)).toBe("'mine'");

    const declared = await runSession([
      "'first'",
      "const _ = 10", // node: a lexical declaration shadows _, no message
      "_",
      "'later'",
      "_", // node: 10
      "const _ = await Promise.resolve(11)",
      "'again'",
      "_",
      "import _error from 'node:path'",
      "throw 3",
      "typeof _error.join",
      "function _f() {}; const [_, second] = [12, 13]; second",
      "_",
    ]);
    expect(declared.results.map((r) => r.status)).toEqual(["ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "error", "ok", "ok", "ok"]);
    expect(declared.events.filter((e) => e.kind === "stream")).toEqual([]);
    expect(echoed(declared, 3)).toBe("10");
    expect(echoed(declared, 5)).toBe("10");
    expect(echoed(declared, 8)).toBe("11");
    expect(echoed(declared, 11)).toBe("'function'");
    expect(echoed(declared, 12)).toBe("13");
    expect(echoed(declared, 13)).toBe("12");
  });

  test("completion and type checking know _ and _error", async () => {
    const s = await runSession(
      [
        "const greeting = 'hi'",
        "greeting",
        "_.toUpperCase()",
        "throw new Error('x')",
        "(_error as Error).message",
        "_error.message",
        { complete: "_err" },
      ],
      { typeCheck: "warn" },
    );
    expect(echoed(s, 3)).toBe("'HI'");
    expect(printed(s, 3)).toBe("");
    expect(printed(s, 5)).toBe("");
    // unknown, as a caught value is in TypeScript: the cell runs anyway, with the warning.
    expect(printed(s, 6)).toMatch(/cell\[6\]:1:1 - error TS18046: '_error' is of type 'unknown'/);
    expect(s.results.at(-1).matches).toContain("_error");
  });
});

describe("display protocol methods that return a promise (Deno's convention, used by anywidget)", () => {
  const widget = "const widget = { async [Symbol.for('Jupyter.display')]() { await new Promise((r) => setTimeout(r, 30)); return { 'text/html': '<b>widget</b>' } } }";

  test("a result whose display method is async is awaited and shown rich", async () => {
    const s = await runSession([widget, "widget", "_ === widget"]);
    const result = s.events.find((e) => e.kind === "result" && e.cell === 2);
    expect(result.data["text/html"]).toBe("<b>widget</b>");
    expect(result.data["text/plain"]).toContain("Jupyter.display");
    expect(echoed(s, 3)).toBe("true");
  });

  test("display() of it returns a promise; the output keeps the order of the calls, awaited or not, and belongs to the cell", async () => {
    const s = await runSession([
      widget,
      "console.log('before'); display(widget); console.log('after'); 'end'",
      "const shown = display(widget, { id: 'w' }); console.log(shown instanceof Promise); (await shown).id",
      "setTimeout(() => { display(widget); console.log('timer after') }, 5); 'cell 4'",
      "await new Promise((r) => setTimeout(r, 100)); 'cell 5'",
    ]);
    const order = (cell: number): string[] =>
      s.events.filter((e) => e.cell === cell).map((e) => (e.kind === "stream" ? e.text.trim() : e.kind === "result" ? `result ${e.data["text/plain"]}` : `${e.kind} ${e.data["text/html"]}`));
    expect(order(2)).toEqual(["before", "display <b>widget</b>", "after", "result 'end'"]);
    // What the cell prints after the call, before the bundle comes, waits for it.
    expect(order(3)).toEqual(["display <b>widget</b>", "true", "result 'w'"]);
    expect(s.events.find((e) => e.kind === "display" && e.cell === 3).displayId).toBe("w");
    expect(order(4)).toEqual(["result 'cell 4'", "display <b>widget</b>", "timer after"]);
    expect(order(5)).toEqual(["result 'cell 5'"]);
  });

  test("a rejected promise or a bundle that is no object is a clear error", async () => {
    const s = await runSession([
      "({ [Symbol.for('Jupyter.display')]: () => Promise.reject(new Error('no widget here')) })",
      "await display({ [Symbol.for('Jupyter.display')]: () => Promise.reject(new Error('no widget here')) })",
      "({ [Symbol.for('Jupyter.display')]: async () => 42 })",
      "display({ [Symbol.for('Jupyter.display')]: () => 'html' })",
      "'the session goes on'",
    ]);
    expect(s.results.map((r) => r.status)).toEqual(["error", "error", "error", "error", "ok"]);
    expect(s.results[0].error.traceback).toEqual(["Error: no widget here", "    at [Jupyter.display] (cell[1]:1:58)"]);
    expect(s.results[1].error.traceback).toEqual(["Error: no widget here", "    at [Jupyter.display] (cell[2]:1:71)", "    at cell[2]:1:7"]);
    expect(s.results[2].error.uncaught).toBe('Uncaught TypeError: [Symbol.for("Jupyter.display")]() must return a MIME bundle object or a promise of one; its promise resolved to 42');
    expect(s.results[3].error.traceback).toEqual(['TypeError: [Symbol.for("Jupyter.display")]() must return a MIME bundle object or a promise of one; it returned \'html\'', "    at cell[4]:1:1"]);
  });

  test("a display that never comes: the cell waits for it until interrupted, then the session goes on", async () => {
    const s = await runSession([
      { code: "console.log('before'); display({ [Symbol.for('Jupyter.display')]: () => new Promise(() => {}) }); console.log('held')", interruptAfterMs: 300 },
      "'next'",
    ]);
    expect(s.results.map((r) => r.status)).toEqual(["interrupted", "ok"]);
    expect(printed(s, 1)).toBe("before\nheld\n");
    expect(echoed(s, 2)).toBe("'next'");
  });
});
