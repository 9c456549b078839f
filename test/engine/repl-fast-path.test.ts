import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "../../dist/doctest/documents.js";
import { parseNotebook } from "../../dist/doctest/notebook/notebook-parser.js";
import { transpileCell } from "../../dist/runtime/engine/object-literal.js";
import { preloadOxc } from "../../dist/runtime/engine/oxc.js";
import { needsNoEdit, replTransform, transformParsed } from "../../dist/runtime/engine/repl-transform.js";
import { ROOT } from "../helpers/node-script.js";

// replTransform skips acorn's parse for a cell in which no pass has anything
// to edit; what it gives must be exactly what the passes give (or the same
// error). Checked over every example of the repository's pages and
// notebooks, compiled by oxc as the session compiles them, and over cells
// written to trip the word test: the words in strings, comments, longer
// names; `_`; code the transpiler may let through that acorn or V8 rejects.

/** What a transform gives, or the error it throws (a CellSyntaxError with acorn's position). */
function outcome(transform: (js: string) => unknown, js: string): unknown {
  try {
    return { ok: transform(js) };
  } catch (error) {
    const { name, message, line, column } = error as { name: string; message: string; line?: number; column?: number };
    return { threw: { name, message, line, column, type: (error as object).constructor.name } };
  }
}

/** Every example and setup block of the Markdown pages, and every code cell of the notebooks, as TypeScript. */
function repositoryCells(): string[] {
  const cells: string[] = [];
  const pages = [...readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => path.join(ROOT, "docs", f)), path.join(ROOT, "README.md")];
  for (const page of pages) {
    const doc = parseDocument(readFileSync(page, "utf8"), page);
    for (const block of doc.blocks) {
      if (block.code !== undefined) cells.push(block.code);
      for (const example of block.examples) cells.push(example.source);
    }
  }
  const notebooks = readdirSync(path.join(ROOT, "notebooks")).filter((f) => f.endsWith(".ipynb"));
  for (const file of notebooks) for (const example of parseNotebook(readFileSync(path.join(ROOT, "notebooks", file), "utf8"), file).examples) cells.push(example.source);
  return cells;
}

/** JavaScript given to the transform as it is (not through the transpiler): what it would never write is tried too. */
const TRICKY_JS = [
  "",
  " ",
  "\n\n",
  "// only a comment",
  "/* block */",
  "#!/usr/bin/env node\n1 + 1",
  "1 + 1",
  "1 + 1;\n",
  "x = 1",
  "_",
  "_error",
  "_ = 5",
  "_error.message",
  "_.length + _error",
  "'let x = 1'",
  '"const y = 2"',
  "`import ${a} from 'b'`",
  "`${`nested ${'await x'}`}`",
  "// var z\n1",
  "/* export default 1 */ 2",
  "/let|const|class/.test(s)",
  "letter + constant + classes + functional + imports + exported + awaited + variable + usingX",
  "$let + let$ + _const + const_",
  "obj.let + obj.const + obj.class + obj.function + obj.import + obj.export + obj.await + obj.var",
  "({ let: 1, const: 2, class: 3, function: 4, import: 5, export: 6, await: 7, var: 8 })",
  "let = 1",
  "let\n[a] = [1]",
  "var x",
  "var _ = 5",
  "let _ = 5",
  "const _error = 1",
  "class _ {}",
  "function _error() {}",
  "let x = 1",
  "const {a, b: [c]} = o",
  "class A {}",
  "function f() {}",
  "async function g() {}",
  "async () => 1",
  "(async () => { await 1 })()",
  "await 1",
  "for await (const x of y) {}",
  "import x from 'y'",
  "import('y')",
  "import.meta.url",
  "export const q = 1",
  "export default 1",
  "export {}",
  "using r = s",
  "l\\u0065t x = 1",
  "\\u0061wait",
  "'\\u0041'",
  "if (x) { y } else { z }",
  "for (;;) break",
  "do { i++ } while (i < 3)",
  "switch (x) { case 1: 'one'; break; default: 'other' }",
  "try { throw 1 } catch { 2 } finally { 3 }",
  "label: { 1; break label }",
  "{ a: 1 }",
  "({ a: 1 })",
  "x => x * 2",
  "a?.b ?? c",
  "a ||= b",
  "new Foo()",
  "typeof x === 'undefined'",
  "[1, 2].map((n) => n * 2)",
  "/(?<year>\\d{4})/.exec('2024')",
  "'use strict'; x",
  "x;\r\ny",
  "'a'\n'b'\n'c'",
  // Not JavaScript that runs: acorn or V8 (or both) reject it.
  "super()",
  "super.x",
  "'use strict'; delete x",
  "(b, b) => 1",
  "({ __proto__: 1, __proto__: 2 })",
  "#x in y",
  "this.#p",
  "/(?<a>x)(?<a>y)/",
  "new import.meta",
  "1 +",
  "}",
  "a b",
  "return 1",
  "yield 1",
];

/** TypeScript cells, through the transpiler as the session compiles them. */
const TRICKY_TS = [
  "const n: number = 1; n",
  "let s = 'x' as string",
  "type T = { let: 1 }; 1",
  "interface I { a: string }",
  "enum E { A, B }",
  "declare const d: number",
  "(x as any).y",
  "<T,>(a: T) => a",
  "abstract class Z {}",
  "namespace N { export const a = 1 }",
  "{ a: 1, b: 2 }",
  "{ let y = 1; y }",
  "1 satisfies number",
  "x!",
  "x?.y!.z",
  "@dec class D {}",
  "using u = res()",
];

describe("the REPL transform's fast path", () => {
  let all: string[] = [];
  beforeAll(async () => {
    // jest's require cannot load oxc-transform (an ES module) on node 20: loaded by import() first.
    await preloadOxc();
    const compiled = [...repositoryCells(), ...TRICKY_TS].flatMap((cell) => {
      try {
        return [transpileCell(cell, "cell.ts").code];
      } catch {
        return [];
      }
    });
    all = [...compiled, ...TRICKY_JS];
  });

  test("gives exactly what the passes give, or throws the same error, for every cell", () => {
    const differing = all.filter((js) => JSON.stringify(outcome(replTransform, js)) !== JSON.stringify(outcome(transformParsed, js)));
    expect(differing).toEqual([]);
    // Exact, not only as JSON: the same code, anchors, flags and names.
    for (const js of all) expect(outcome(replTransform, js)).toStrictEqual(outcome(transformParsed, js));
  });

  test("is taken for the cells that need no edit, and for none that does", () => {
    const fast = all.filter((js) => needsNoEdit(js));
    // Most pages' examples call await or declare something; a good third do neither.
    expect(fast.length).toBeGreaterThan(60);
    for (const js of fast) {
      const parsed = transformParsed(js);
      expect(parsed.code.startsWith(js)).toBe(true);
      expect(parsed.topLevelAwait).toBe(false);
    }
    for (const js of ["_", "_ = 5", "letter + constant + classes", "1 + 1", "{ a: 1 }", "#!/usr/bin/env node\n1 + 1", ""]) expect(needsNoEdit(js)).toBe(true);
    // A word a pass reacts to, anywhere (in a string, a comment, a property name; after a `$`, which is no word character to \b): the parse decides.
    for (const js of ["let = 1", "obj.await", "'const'", "`import`", "x // class", "'let x = 1'", "l\\u0065t x = 1", "using r = s", "$let"]) expect(needsNoEdit(js)).toBe(false);
    // What acorn rejects and the transpiler let through fails as it always did: V8 rejects it too, so the parse runs.
    for (const js of ["super()", "(b, b) => 1", "'use strict'; delete x", "#x in y", "1 +"]) {
      expect(needsNoEdit(js)).toBe(false);
      expect(() => replTransform(js)).toThrow(SyntaxError);
    }
  });
});
