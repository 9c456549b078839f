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

  test("type checking: off by default; warn prints the errors and runs the cell anyway", async () => {
    const off = await runSession(["const n: number = 'text' as any as string; n", { languageServiceLoaded: true }]);
    expect(off.results[1]).toEqual({ loaded: false });
    const warn = await runSession(["const n: number = 'text'; n", "const n = 2; n"], { typeCheck: "warn" });
    expect(warn.results.map((r) => r.status)).toEqual(["ok", "ok"]);
    const stderr = warn.events.filter((e) => e.kind === "stream" && e.name === "stderr").map((e) => [e.cell, e.text]);
    expect(stderr).toEqual([[1, "cell[1]:1:7 - error TS2322: Type 'string' is not assignable to type 'number'.\n"]]);
  });
});
