import { runSession } from "../helpers/engine.js";

describe("introspection for the kernel", () => {
  test("completion from the language service over the cells run so far, and from runtime values", async () => {
    const s = await runSession([
      { languageServiceLoaded: true },
      "const answer = 42; const documented = { alpha: 1, beta: 'b' }; const untyped: any = { zeta: 1, zebra: 2 }",
      { languageServiceLoaded: true },
      { complete: "ans" },
      { complete: "documented." },
      { complete: "untyped.ze" },
      { complete: "Math.ma" },
      { complete: "getcur" },
      { complete: "'é😀' + answ" },
      { complete: "answ + 1", cursor: 4 },
      { languageServiceLoaded: true },
    ]);
    // The language service loads on first use only.
    expect(s.results[0]).toEqual({ loaded: false });
    expect(s.results[2]).toEqual({ loaded: false });
    expect(s.results[3]).toMatchObject({ matches: ["answer"], cursorStart: 0, cursorEnd: 3 });
    expect(s.results[4].matches).toEqual(["alpha", "beta"]);
    expect(s.results[5].matches).toEqual(["zebra", "zeta"]);
    expect(s.results[6].matches).toEqual(["max"]);
    expect(s.results[7].matches).toEqual(["getcurrent"]);
    // Cursor positions count code points: "'é😀' + answ" is 11 code points (12 UTF-16 units).
    expect(s.results[8]).toMatchObject({ matches: ["answer"], cursorStart: 7, cursorEnd: 11 });
    expect(s.results[9]).toMatchObject({ matches: ["answer"], cursorStart: 0, cursorEnd: 4 });
    expect(s.results[10]).toEqual({ loaded: true });
  });

  test("inspection: types, signatures and documentation; detail 1 adds the value", async () => {
    const s = await runSession([
      "/** Doubles a number. */\nfunction twice(n: number): number { return n * 2 }\nconst untyped: any = { z: 1 }",
      { inspect: "twice", cursor: 2 },
      { inspect: "twice(", cursor: 6 },
      { inspect: "untyped", cursor: 3, detail: 1 },
      { inspect: "nothingHere", cursor: 3 },
    ]);
    expect(s.results[1]).toEqual({ found: true, data: { "text/plain": "function twice(n: number): number\n\nDoubles a number." } });
    expect(s.results[2].found).toBe(true);
    expect(s.results[3].data["text/plain"]).toBe("const untyped: any\n\nvalue: { z: 1 }");
    expect(s.results[4]).toEqual({ found: false, data: {} });
  });

  test("every pre-bound name is declared for the language service, and so are a host's extra globals", async () => {
    const prebound = ["greenlet", "Greenlet", "getcurrent", "GreenletExit", "GreenletError", "settrace", "gettrace", "collect", "finalize", "display", "clearOutput", "autoCollect", "typeCheck", "_", "_error"];
    const s = await runSession(
      [
        ...prebound.map((name) => ({ inspect: name, cursor: 1 })),
        { complete: "hostAns" },
        { inspect: "hostAnswer", cursor: 1 },
        "const g: Greenlet = getcurrent(); let e: GreenletExit | GreenletError = new GreenletExit(); const n: string = hostAnswer",
      ],
      { globals: { hostAnswer: 42 }, declarations: "/** The host's answer. */\nconst hostAnswer: number;", typeCheck: "warn" },
    );
    // Declared, not found only as a runtime value (which would show as `[Function: ...]` or a value).
    const shown = prebound.map((name, i) => [name, /^(const|function|var|namespace) /.test(s.results[i].data["text/plain"])]);
    expect(shown).toEqual(prebound.map((name) => [name, true]));
    expect(s.results[prebound.length].matches).toEqual(["hostAnswer"]);
    expect(s.results[prebound.length + 1].data["text/plain"]).toBe("const hostAnswer: number\n\nThe host's answer.");
    // The classes are types too; the host's declaration is checked.
    const stderr = s.events.filter((e) => e.kind === "stream" && e.name === "stderr").map((e) => e.text);
    expect(stderr).toEqual([expect.stringMatching(/^cell\[1\]:1:\d+ - error TS2322: Type 'number' is not assignable to type 'string'\.\n$/)]);
  });

  test("isComplete: complete, incomplete with an indent, invalid", async () => {
    const s = await runSession([
      { isComplete: "1 + 1" },
      { isComplete: "function f() {" },
      { isComplete: "if (a) {\n  if (b) {" },
      { isComplete: "let x = [1," },
      { isComplete: "x = )" },
      { isComplete: "const t = `open" },
    ]);
    expect(s.results).toEqual([
      { status: "complete" },
      { status: "incomplete", indent: "  " },
      { status: "incomplete", indent: "    " },
      { status: "incomplete", indent: "  " },
      { status: "invalid" },
      { status: "incomplete", indent: "" },
    ]);
  });

  test("isComplete: invalid when no further line can make the cell valid, incomplete only when one can", async () => {
    // [code, expected status, indent when incomplete, why]
    const table: Array<[string, "complete" | "incomplete" | "invalid", string?]> = [
      // Complete.
      ["1 + 1", "complete"],
      ["const x: number = 1", "complete"],
      ["function f() { return 1 }", "complete"],
      ["a\n.b", "complete"],
      // Incomplete: the parser runs out of input while it still needs tokens.
      ["function f() {", "incomplete", "  "], // open brace
      ["if (a) {\n  if (b) {", "incomplete", "    "], // nested braces
      ["let x = [1,", "incomplete", "  "], // open bracket
      ["foo(", "incomplete", "  "], // open parenthesis
      ["x = { a: 1,\n", "incomplete", "  "], // open object over lines
      ["const t = `open", "incomplete", ""], // unterminated template
      ["`${1 +", "incomplete", ""], // open substitution
      ["/* open", "incomplete", ""], // unterminated block comment
      ["if (x)", "incomplete", ""], // statement with no body yet
      ["while (x)", "incomplete", ""],
      ["if (x) {} else", "incomplete", ""],
      ["try {}", "incomplete", ""], // catch or finally still to come
      ["1 +", "incomplete", ""], // trailing binary operator
      ["x = 1 + // more below", "incomplete", ""],
      ["a ? b :", "incomplete", ""],
      ["a.", "incomplete", ""], // member name still to come
      ["let x =", "incomplete", ""],
      ["let x: ", "incomplete", ""], // type still to come
      ["type T =", "incomplete", ""],
      ["x =>", "incomplete", ""],
      ["@dec", "incomplete", ""], // a decorated class below
      ["let", "incomplete", ""], // `let` then a name on the next line
      ["'abc\\", "incomplete", ""], // a string continued with a backslash
      ["await", "incomplete", ""], // its operand on the next line: oxc, which compiles the cells, allows the line break
      // Invalid: the error is before the end, or inside the last token, and nothing after it helps.
      ["let 1x = 3;", "invalid"], // identifier right after a number
      ["const = 7q", "invalid"],
      ["x = )", "invalid"],
      ["let let = 1 +* 2", "invalid"],
      ["foo(1 2", "invalid"], // missing comma: more arguments do not help
      ["x = {\n  a: 1\n} 5", "invalid"],
      ["}", "invalid"],
      ["else", "invalid"],
      ["0x", "invalid"], // a number cannot continue on the next line
      ["1e", "invalid"],
      ["\"unterminated", "invalid"], // a string cannot continue on the next line
      ["a = /re", "invalid"], // neither can a regular expression
      ["return 1", "invalid"], // no return outside a function
    ];
    const s = await runSession(table.map(([code]) => ({ isComplete: code })));
    const got = table.map(([code], i) => [code, s.results[i]]);
    const expected = table.map(([code, status, indent]) => [code, status === "incomplete" ? { status, indent } : { status }]);
    expect(got).toEqual(expected);
  });

  test("type checking: off by default; warn prints the errors and runs the cell anyway", async () => {
    const off = await runSession(["const n: number = 'text' as any as string; n", { languageServiceLoaded: true }]);
    expect(off.results[1]).toEqual({ loaded: false });
    const warn = await runSession(["const n: number = 'text'; n", "const n = 2; n"], { typeCheck: "warn" });
    expect(warn.results.map((r) => r.status)).toEqual(["ok", "ok"]);
    const stderr = warn.events.filter((e) => e.kind === "stream" && e.name === "stderr").map((e) => [e.cell, e.text]);
    expect(stderr).toEqual([[1, "cell[1]:1:7 - error TS2322: Type 'string' is not assignable to type 'number'.\n"]]);
  });
});
