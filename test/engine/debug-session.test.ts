import { mkdtempSync, realpathSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { echoed, printed, runSession } from "../helpers/engine.js";
import { ROOT } from "../helpers/node-script.js";
import { runProcess } from "../helpers/spawn.js";

describe("a session under a debugger", () => {
  test("cells run under a debugger's script name: V8's file:// URL, breakpoints on TypeScript lines, stacks with the cell's own name", async () => {
    const directory = realpathSync(mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-debug-session-")));
    const child = await runProcess(process.execPath, [path.join(ROOT, "test/engine/inspector-session.mjs")], { cwd: directory, timeoutMs: 25000 });
    const last = child.stdout.trim().split("\n").pop() ?? "";
    let seen: any;
    try {
      seen = JSON.parse(last);
    } catch {
      throw new Error(`the session process ended with ${child.code}:\n${child.stdout}\n${child.stderr}`);
    }
    const dumps = `file://${directory}/dumps`;
    // An absolute script name is reported as a file:// URL; any other name (the default `[5]#6`, cell 6's) as it is.
    expect(seen.cellUrl).toBe(`${dumps}/4017367593.ts`);
    expect(seen.urls).toEqual([`${dumps}/4017367593.ts`, `${dumps}/4017367593.ts`, `${dumps}/4017367593.ts`, `${dumps}/2.ts`, `${dumps}/3.ts`, "[5]#6", `${dumps}/4.ts`, `file://${directory}/counter.ts`]);
    expect(seen.contextName).toBe("greenlet-ts session 1");
    // The same code run three times under one name: the breakpoint, set after the first run, stops the next two, on line 3.
    expect([seen.first, seen.second, seen.third]).toEqual(Array(3).fill({ status: "ok", value: 42 }));
    expect(seen.cellPauses).toHaveLength(2);
    for (const pause of seen.cellPauses) {
      expect(pause).toMatchObject({ url: `${dumps}/4017367593.ts`, offset: 2, globals: ["answer", "base"], state: { suspended: 0, parents: 0 } });
      expect(pause.source.line).toBe(3);
    }
    expect(seen.thrown.traceback).toEqual(["Error: boom", "    at fail ([3]:2:9)", "    at [3]:4:1"]);
    expect(seen.errorValue.value).toBe("Error: here\n    at [4]:2:1");
    expect(seen.plain).toEqual({ status: "ok", value: 2 });
    // A project file's breakpoint, set by its file:// URL before it was loaded, stops on its TypeScript line.
    expect(seen.bumped).toEqual({ status: "ok", value: 5 });
    expect(seen.modulePauses).toEqual([expect.objectContaining({ url: `file://${directory}/counter.ts`, by: 5, source: { line: 3, column: 3 } })]);
    expect(seen.modules).toEqual([{ id: `${directory}/counter.ts`, name: "counter.ts", path: `${directory}/counter.ts` }]);
    expect(seen.idleGlobals).toEqual(["answer", "base", "fail", "bump"]);
  });
});

describe("the debug helper in a session's context", () => {
  const helper = "__greenlet_debug__";

  test("userGlobals: what cells declared and imported, not built-ins, pre-bound names or _ until the user takes it", async () => {
    const s = await runSession([
      "const a = 1; let b: string = 'x'; var c = [1]; function f() {} class K {}",
      "import { inspect } from 'node:util'",
      "await Promise.resolve(); let later = 2",
      "1 + 1",
      `console.log(JSON.stringify(Object.keys(${helper}.userGlobals())))`,
      // A pre-bound name the user redefines, a lazily loaded global of node used, `_` assigned.
      "var display = 'mine'; void performance; void fetch",
      "_ = 3",
      `console.log(JSON.stringify(Object.keys(${helper}.userGlobals())))`,
      `Object.getPrototypeOf(${helper}.userGlobals()) === null && Array.isArray(${helper}.inspectAll()) && ${helper}.inspectAll() instanceof Array`,
    ]);
    expect(s.results.map((r) => r.status)).toEqual(Array(9).fill("ok"));
    // In the order the context's global object lists them.
    expect(JSON.parse(printed(s, 5)).sort()).toEqual(["K", "a", "b", "c", "f", "inspect", "later"]);
    expect(JSON.parse(printed(s, 8)).sort()).toEqual(["K", "_", "a", "b", "c", "display", "f", "inspect", "later"]);
    // Objects of the context: a null-prototype record, arrays of the context's Array.
    expect(echoed(s, 9)).toBe("true");
  });

  test("hidden: not enumerable, not writable, not completed, not described as a user global", async () => {
    const s = await runSession([
      `Object.keys(globalThis).includes("${helper}")`,
      { complete: "__greenlet_d" },
      `var ${helper} = 5; typeof ${helper}`,
      `Object.keys(${helper}.userGlobals())`,
    ]);
    expect(echoed(s, 1)).toBe("false");
    expect(s.results[1].matches).toEqual([]);
    // Cells 2 and 3 (the completion request is no cell).
    expect(echoed(s, 2)).toBe("'object'");
    expect(echoed(s, 3)).toBe("[]");
  });

  test("runtimeState: the current greenlet, its parents up to main, how many are suspended, live finalizers", async () => {
    const s = await runSession([
      `let seen: any; const outer = greenlet(async () => { const inner = greenlet(async () => { seen = ${helper}.runtimeState(); await outer.switch(); }); await inner.switch(); await getcurrent().parent!.switch(); })`,
      "await outer.switch(); finalize({}, () => {});",
      "const main = getcurrent(); [seen.current.parent === outer, seen.parents.length, seen.parents[0] === outer, seen.parents[1] === main, seen.main === main, seen.suspended]",
      `const now = ${helper}.runtimeState(); [now.current === main, now.parents.length, now.main === main, now.suspended, now.liveFinalizers]`,
    ], { autoCollect: false });
    expect(s.results.map((r) => r.status)).toEqual(Array(4).fill("ok"));
    expect(echoed(s, 3)).toBe("[ true, 2, true, true, true, 2 ]");
    expect(echoed(s, 4)).toBe("[ true, 0, true, 2, 1 ]");
  });

  test("bundle: the display protocol's bundle, at once; a display method's promise or error gives text", async () => {
    const s = await runSession([
      `const rich = { [Symbol.for("Jupyter.display")]() { return { "text/html": "<b>rich</b>" }; } };`,
      `console.log(JSON.stringify(${helper}.bundle(rich)))`,
      `console.log(JSON.stringify(${helper}.bundle([1, "two"])))`,
      `console.log(JSON.stringify(${helper}.bundle({ [Symbol.for("Jupyter.display")]: async () => ({ "text/html": "later" }) }).metadata))`,
      `console.log(JSON.stringify(${helper}.bundle({ [Symbol.for("Jupyter.display")]() { throw new Error("nope"); } }).metadata))`,
    ]);
    expect(JSON.parse(printed(s, 2))).toEqual({ data: { "text/html": "<b>rich</b>", "text/plain": expect.stringContaining("[Symbol(Jupyter.display)]") }, metadata: {} });
    expect(JSON.parse(printed(s, 3))).toEqual({ data: { "text/plain": "[ 1, 'two' ]" }, metadata: {} });
    expect(JSON.parse(printed(s, 4))).toEqual({ "greenlet-ts": "its display method returns a promise: shown as text" });
    expect(JSON.parse(printed(s, 5))).toEqual({ "greenlet-ts": "its display method failed: nope" });
  });

  test("inspectAll: each user global with a short type and a short text", async () => {
    const s = await runSession([
      "const n = 42; const text = 'x'.repeat(500); const list = [1, [2, [3, [4]]]]; const map = new Map([[1, 'a']]); class Point { constructor(public x = 1) {} } const p = new Point(); const nothing = null; function f() {} const bare = Object.create(null)",
      `console.log(JSON.stringify(${helper}.inspectAll()))`,
    ]);
    const all: Array<{ name: string; type: string; value: string }> = JSON.parse(printed(s, 2));
    const byName = Object.fromEntries(all.map((g) => [g.name, [g.type, g.value]]));
    expect(byName.n).toEqual(["number", "42"]);
    expect(byName.text![0]).toBe("string");
    expect(byName.text![1]).toHaveLength(200);
    expect(byName.list).toEqual(["Array", "[ 1, [ 2, [Array] ] ]"]);
    expect(byName.map).toEqual(["Map", "Map(1) { 1 => 'a' }"]);
    expect(byName.Point).toEqual(["class", "[class Point]"]);
    expect(byName.p).toEqual(["Point", "Point { x: 1 }"]);
    expect(byName.nothing).toEqual(["null", "null"]);
    expect(byName.f).toEqual(["function", "[Function: f]"]);
    expect(byName.bare).toEqual(["Object: null prototype", "[Object: null prototype] {}"]);
  });
});
