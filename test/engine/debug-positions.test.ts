import { mkdtempSync, writeFileSync } from "node:fs";
import inspector from "node:inspector";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import vm from "node:vm";
import { Worker } from "node:worker_threads";
import { cellPositions, modulePositions, type PositionMap } from "../../dist/runtime/engine/debug-positions.js";
import { transpileCell } from "../../dist/runtime/engine/object-literal.js";
import { preloadOxc } from "../../dist/runtime/engine/oxc.js";
import { compileModule } from "../../dist/runtime/engine/project/compile.js";
import { projectConfig } from "../../dist/runtime/engine/project/tsconfig.js";
import { replTransform } from "../../dist/runtime/engine/repl-transform.js";
import { ROOT } from "../helpers/node-script.js";

/**
 * For each line of a cell or file with code: the start of the script line
 * at toScript's position (its indentation skipped), and the line V8 puts a
 * breakpoint set there on, mapped back with toSource (a breakpoint on a
 * line without a break location moves on: on a function's first line, to
 * its first statement, as in Chrome's devtools). Lines not listed have no
 * code: toScript gives undefined.
 */
type Expected = Record<number, [code: string, breaksOn: number | undefined]>;

const session = new inspector.Session();
const parsed = new Map<string, string>();
const resolved = new Map<string, { lineNumber: number; columnNumber: number }>();

function post<T = any>(method: string, params: object = {}): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))));
}

beforeAll(async () => {
  // The engine requires oxc-transform, an ES module: jest's require cannot load one.
  await preloadOxc();
  session.connect();
  session.on("Debugger.scriptParsed", (message) => parsed.set(message.params.url, message.params.scriptId));
  session.on("Debugger.breakpointResolved", (message) => resolved.set(message.params.breakpointId, message.params.location));
  await post("Debugger.enable");
  // Resolved where V8 would break, and never stopping this thread.
  await post("Debugger.setBreakpointsActive", { active: false });
});
afterAll(() => session.disconnect());

/** The script as V8 has it, and where V8 resolves a breakpoint set at toScript of each line; `run` makes V8 parse the script. */
async function throughV8(url: string, map: PositionMap, lines: number, run: () => void): Promise<{ script: string[]; breaks: Map<number, number | undefined> }> {
  const ids = new Map<number, string>();
  for (let line = 1; line <= lines; line++) {
    const at = map.toScript(line);
    if (at === undefined) continue;
    const { breakpointId } = await post("Debugger.setBreakpointByUrl", { url, lineNumber: at.line - 1, columnNumber: at.column - 1 });
    ids.set(line, breakpointId);
  }
  run();
  await new Promise((resolve) => setTimeout(resolve, 20));
  const { scriptSource } = await post<{ scriptSource: string }>("Debugger.getScriptSource", { scriptId: parsed.get(url) });
  const breaks = new Map<number, number | undefined>();
  for (const [line, id] of ids) {
    const location = resolved.get(id);
    breaks.set(line, location === undefined ? undefined : map.toSource(location.lineNumber + 1, location.columnNumber + 1)?.line);
    await post("Debugger.removeBreakpoint", { breakpointId: id });
  }
  return { script: scriptSource.split("\n"), breaks };
}

function expectLines(source: string, map: PositionMap, script: string[], breaks: Map<number, number | undefined>, expected: Expected): void {
  const lines = source.split("\n").length;
  const seen: Record<number, [string, number | undefined]> = {};
  for (let line = 1; line <= lines; line++) {
    const at = map.toScript(line);
    if (at === undefined) continue;
    // Every position toScript gives goes back to its own line.
    expect([line, map.toSource(at.line, at.column)?.line]).toEqual([line, line]);
    seen[line] = [script[at.line - 1]!.slice(at.column - 1).trimStart().slice(0, expected[line]?.[0].length ?? 20), breaks.get(line)];
  }
  expect(seen).toEqual(expected);
  expect(map.breakableLines()).toEqual(Object.keys(expected).map(Number));
}

let cells = 0;

/** A cell as Session runs it: transpileCell, then replTransform, under a file name V8 reports as a file:// URL. */
async function checkCell(code: string, expected: Expected): Promise<void> {
  const file = `/tmp/greenlet-ts-debug-test/${++cells}.ts`;
  const map = cellPositions(code);
  const script = replTransform(transpileCell(code, "cell").code).code;
  // What a cell's module syntax calls into the session with, stubbed: the script runs, to be parsed.
  const context = vm.createContext({ __greenlet_import__: async () => ({ inspect: () => "" }), __greenlet_bind_imports__: () => undefined });
  const v8 = await throughV8(pathToFileURL(file).href, map, code.split("\n").length, () => {
    const value = new vm.Script(script, { filename: file }).runInContext(context);
    (value as Promise<unknown> | undefined)?.then?.(undefined, () => undefined);
  });
  expect(v8.script.join("\n")).toBe(script);
  expectLines(code, map, v8.script, v8.breaks, expected);
}

describe("debug positions of a cell: TypeScript lines ↔ the script V8 runs", () => {
  test("types, blank lines and comments have no code; a function's first line breaks at its first statement", async () => {
    const code = [
      "interface Shape { area(): number }",
      "",
      "// a comment",
      "const x: number = 1; let y = 2",
      "function f(a: number): number {",
      "  /* only a comment */",
      "  return a * 2; // and a comment after code",
      "}",
      "type T = string;",
      "f(x)",
    ].join("\n");
    await checkCell(code, {
      4: ["var   x = 1;", 4],
      5: ["function f(a) {", 7],
      7: ["return a * 2;", 7],
      // V8 has no break location on the `}` after a return: the return's end.
      8: ["}", 7],
      10: ["f(x);", 10],
    });
  });

  test("an object-literal cell, on one line and on two", async () => {
    await checkCell("{ a: 1 }", { 1: ["({", 1] });
    // V8 breaks nowhere in an object literal's second line: the script's end, no line of the cell.
    await checkCell("  { a: 1,\n  b: 2 }", { 1: ["({", 1], 2: ["b: 2", undefined] });
  });

  test("top-level await: an import, an interface-only line, declarations, a class, an export, the value", async () => {
    const code = [
      "import { inspect } from 'node:util';",
      "interface P { x: number }",
      "const v = await Promise.resolve(3);",
      "let w = v + 1",
      "class C {}",
      "export function g() { return 1 }",
      "g();",
      "w",
    ].join("\n");
    // Never in the async wrapper's header on line 1: inside the function, where the statement runs.
    await checkCell(code, {
      1: ["__greenlet_bind_imports__(await", 1],
      3: ["( v = await", 3],
      4: ["( w = v + 1);", 4],
      5: ["C = class C {", 5],
      6: ["function g() {", 6],
      7: ["g();", 7],
      8: ["return (w);", 8],
    });
  });

  test("a multi-line function and a call over two lines", async () => {
    const code = [
      "function sum(values: number[]): number {",
      "  let total = 0;",
      "  for (const v of values) {",
      "    total += v;",
      "  }",
      "  return total;",
      "}",
      "const r = sum([1, 2,",
      "  3]);",
      "r",
    ].join("\n");
    await checkCell(code, {
      1: ["function sum(values) {", 2],
      2: ["let total = 0;", 2],
      3: ["for (const v of values) {", 3],
      4: ["total += v;", 4],
      // The loop's `}`: V8 breaks at the next statement.
      5: ["}", 6],
      6: ["return total;", 6],
      7: ["}", 6],
      8: ["var   r = sum([", 8],
      9: ["3", 10],
      10: ["r;", 10],
    });
  });
});

describe("debug positions of a project file: TypeScript lines ↔ the module's function", () => {
  test("imports, type-only imports and declarations, exports, a default class", async () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-debug-positions-"));
    const file = path.join(directory, "adder.ts");
    const source = [
      'import { readFileSync } from "node:fs";',
      'import type { Stats } from "node:fs";',
      'import * as path from "node:path";',
      "",
      "// A counter.",
      "export interface Options { step: number }",
      "",
      "export let calls = 0;",
      "",
      "export function add(a: number, b: number): number {",
      "  calls++;",
      "  return a + b;",
      "}",
      "",
      "export default class Adder {",
      "  total = 0;",
      "  push(n: number): this {",
      "    this.total = add(this.total, n);",
      "    return this;",
      "  }",
      "}",
      "export const here = path.basename(readFileSync.name);",
    ].join("\n");
    writeFileSync(file, source);
    const map = modulePositions(file, source);
    // The module's function as the loader compiles it (the same cached compilation), run to be parsed: it only makes the function.
    const compiled = compileModule(file, source, projectConfig(directory).compile);
    const v8 = await throughV8(pathToFileURL(file).href, map, source.split("\n").length, () => compiled.script.runInContext(vm.createContext({})));
    // The function's header shares line 1 with the compiled code's first line: a position there is after the header.
    expect(v8.script[0]).toMatch(/^\(function \(exports, require, module, __filename, __dirname, __vite_ssr_import__, __vite_ssr_dynamic_import__, __vite_ssr_exportAll__, __vite_ssr_import_meta__, __vite_ssr_exports__\) \{"use strict";Object.defineProperty\(__vite_ssr_exports__, "calls", \{$/);
    expectLines(source, map, v8.script, v8.breaks, {
      // An import is a load of its module: toScript gives the start of that line.
      1: ['const __vite_ssr_import_0__ = __vite_ssr_import__("node:fs"', 1],
      3: ['const __vite_ssr_import_1__ = __vite_ssr_import__("node:path");', 3],
      8: ["let calls = 0;", 8],
      10: ["function add(a, b) {", 11],
      11: ["calls++;", 11],
      12: ["return a + b;", 12],
      13: ["}", 12],
      // Not the export's getter at the top of the compiled module (`return Adder;`): the class.
      15: ["class Adder {", 15],
      16: ["total = 0;", 16],
      17: ["push(n) {", 18],
      18: ["this.total = add(this.total, n);", 18],
      19: ["return this;", 19],
      20: ["}", 19],
      21: ["}", 21],
      22: ["const here = __vite_ssr_import_1__.basename(", 22],
    });
    // A position in the header itself is no code of the file's.
    expect(map.toSource(1, 5)).toBeUndefined();
  });
});

test("the maps are made in a worker thread too (the kernel's control thread), with no session loaded there", async () => {
  const module = pathToFileURL(path.join(ROOT, "dist/runtime/engine/debug-positions.js")).href;
  const worker = new Worker(
    `import(${JSON.stringify(module)}).then(({ cellPositions }) => {
       const map = cellPositions("interface I {}\\nconst x: number = 1\\nx");
       require("node:worker_threads").parentPort.postMessage([map.toScript(1), map.toScript(2), map.toScript(3)]);
     })`,
    { eval: true },
  );
  const answer = await new Promise((resolve, reject) => worker.once("message", resolve).once("error", reject));
  await worker.terminate();
  expect(answer).toEqual([undefined, { line: 1, column: 1 }, { line: 2, column: 1 }]);
});
