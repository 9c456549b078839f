import { runSession } from "../helpers/engine.js";

describe("errors", () => {
  test("an uncaught error fails the cell with name, message and a stack at the cell's TypeScript lines", async () => {
    const s = await runSession([
      "interface Shape { area(): number }\n\nfunction area(shape: Shape): number {\n  return shape.area();\n}\narea(null as unknown as Shape)",
      "throw new RangeError('out of range')",
      "throw 'oops'",
      "throw { code: 42 }",
      "const fine = 1; fine",
    ]);
    expect(s.results.map((r) => r.status)).toEqual(["error", "error", "error", "error", "ok"]);
    const first = s.results[0].error;
    expect(first.ename).toBe("TypeError");
    expect(first.evalue).toBe("Cannot read properties of null (reading 'area')");
    expect(first.traceback).toEqual(["TypeError: Cannot read properties of null (reading 'area')", "    at area (cell[1]:4:16)", "    at cell[1]:6:1"]);
    expect(first.uncaught.split("\n")[0]).toBe("Uncaught TypeError: Cannot read properties of null (reading 'area')");
    expect(s.results[1].error.uncaught.split("\n")[0]).toBe("Uncaught RangeError: out of range");
    expect(s.results[1].error.traceback).toEqual(["RangeError: out of range", "    at cell[2]:1:7"]);
    expect(s.results[2].error).toMatchObject({ ename: "string", evalue: "'oops'", uncaught: "Uncaught 'oops'" });
    expect(s.results[3].error).toMatchObject({ ename: "object", uncaught: "Uncaught { code: 42 }" });
    // Engine frames are cut: nothing from dist/ or node's internals.
    for (const r of s.results.slice(0, 2)) expect(r.error.traceback.join("\n")).not.toMatch(/dist\/runtime|node:internal|node:vm/);
  });

  test("a function from an early cell still throws at its own TypeScript lines hundreds of cells later", async () => {
    const early = { code: "type Point = { x: number };\n\nexport function norm(p: Point): number {\n  if (p.x < 0) throw new RangeError(`negative: ${p.x}`);\n  return Math.abs(p.x);\n}", filename: "guide.md", lineOffset: 40 };
    const filler = Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? `const v${i}: number = ${i}; v${i}` : `{ const s: string = "x".repeat(${i % 7}); s.length }`));
    const s = await runSession([early, ...filler, "norm({ x: -1 })", { code: "\n\nnorm({ x: -2 })", filename: "other.md", lineOffset: 5 }]);
    expect(s.results.at(-2).error.traceback).toEqual(["RangeError: negative: -1", "    at norm (guide.md:44:22)", "    at cell[302]:1:1"]);
    expect(s.results.at(-1).error.traceback).toEqual(["RangeError: negative: -2", "    at norm (guide.md:44:22)", "    at other.md:8:1"]);
  });

  test("syntax errors name the cell's line and column", async () => {
    const s = await runSession(["const ok = 1;\nlet broken = (1 + ;", { code: "const x = ;", filename: "README.md", lineOffset: 10 }]);
    expect(s.results[0].error.ename).toBe("SyntaxError");
    expect(s.results[0].error.traceback[1]).toBe("    at cell[1]:2:19");
    expect(s.results[1].error.traceback[1]).toBe("    at README.md:11:11");
  });

  test("errors thrown in async code report the cell's line, also with a line offset", async () => {
    const s = await runSession([{ code: "async function fail() {\n  await null;\n  throw new Error('later');\n}\nawait fail()", filename: "docs/page.md", lineOffset: 20 }]);
    expect(s.results[0].error.traceback).toEqual(["Error: later", "    at fail (docs/page.md:23:9)", "    at async docs/page.md:25:1"]);
  });

  test("late errors from timers and unhandled rejections are reported against their cell and the session lives on", async () => {
    const s = await runSession([
      "setTimeout(() => { throw new Error('timer boom') }, 20); 'cell 1'",
      "Promise.reject(new TypeError('rejected later')); 'cell 2'",
      "await new Promise((r) => setTimeout(r, 100)); 'cell 3 still runs'",
      "1 + 1",
    ]);
    const late = s.events.filter((e) => e.kind === "error" && e.late).map((e) => [e.cell, e.error.ename, e.error.evalue]);
    expect(late).toEqual(
      expect.arrayContaining([
        [1, "Error", "timer boom"],
        [2, "TypeError", "rejected later"],
      ]),
    );
    expect(s.results.map((r) => r.status)).toEqual(["ok", "ok", "ok", "ok"]);
  });
});
