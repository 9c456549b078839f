import { echoed, printed, runSession } from "../helpers/engine.js";
import { fixture } from "../helpers/cli.js";

/**
 * A user's own TypeScript project, imported by cells: each test builds a
 * small project in a temporary directory and runs cells in a session whose
 * working directory is that project, in a process of its own.
 */

const LIBRARY = {
  "package.json": JSON.stringify({ name: "my-lib", version: "1.0.0", exports: { ".": "./src/index.ts", "./extra": "./src/extra.ts" } }),
  "tsconfig.json": `{
    // comments and trailing commas, as tsc allows
    "compilerOptions": { "target": "ES2022", "baseUrl": ".", "paths": { "@lib/*": ["src/lib/*"] }, },
  }`,
  "src/math.ts": [
    "export interface Pair { a: number; b: number }",
    "export function add(a: number, b: number): number {",
    "  return a + b;",
    "}",
    "export let calls = 0;",
    "export function count(): number { return ++calls; }",
    "export function fail(message: string): never {",
    "  throw new RangeError(message);",
    "}",
  ].join("\n"),
  "src/lib/strings.ts": "export const shout = (s: string): string => `${s.toUpperCase()}!`;\n",
  "src/util/index.ts": "export const fromIndex = 'index.ts';\n",
  "src/index.ts": [
    'export { add, count, calls } from "./math.js";',
    'export { shout } from "@lib/strings";',
    'import data from "./data.json";',
    "export const version: string = data.version;",
    "export default function greet(name: string): string { return `hello ${name}`; }",
  ].join("\n"),
  "src/data.json": '{ "version": "1.2.3" }',
  "src/extra.ts": 'import { fromIndex } from "./util";\nconst awaited = await Promise.resolve(40);\nexport const answer = awaited + 2;\nexport { fromIndex };\n',
};

describe("cells import the project's TypeScript", () => {
  test("relative .ts, .js naming a .ts, extensionless, directory index, paths aliases, self-reference with exports, JSON, default export", async () => {
    const dir = fixture(LIBRARY);
    const s = await runSession(
      [
        'import { add } from "./src/math.ts"; add(1, 2)',
        'import { add as add2 } from "./src/math.js"; add2(2, 2)',
        'import { shout } from "./src/lib/strings"; shout("hi")',
        'import { fromIndex } from "./src/util"; fromIndex',
        'import { shout as s2 } from "@lib/strings"; s2("alias")',
        'import greet, { version } from "my-lib"; greet(version)',
        'const { answer } = await import("my-lib/extra"); answer',
        "add === add2",
      ],
      { cwd: dir },
    );
    expect(s.results.map((r) => r.status)).toEqual(Array(8).fill("ok"));
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((cell) => echoed(s, cell))).toEqual(["3", "4", "'HI!'", "'index.ts'", "'ALIAS!'", "'hello 1.2.3'", "42", "true"]);
  });

  test("ES module semantics: live bindings, cycles, top-level await, the namespace as node shows it; require() and import() of the same modules", async () => {
    const dir = fixture({
      ...LIBRARY,
      "src/a.ts": 'import { b } from "./b.js";\nexport const a = "a";\nexport function both(): string { return a + b; }\n',
      "src/b.ts": 'import { a, both } from "./a.js";\nexport const b = "b";\nexport function viaA(): string { return both() + (typeof a); }\n',
    });
    const s = await runSession(
      [
        // `calls` is a live binding, as in an ES module: read after count() ran twice.
        'import { count, calls } from "./src/math.ts"; count(); count(); [calls, (await import("./src/math.ts")).calls]',
        'import { viaA } from "./src/b.ts"; viaA()',
        'const m = await import("./src/math.ts"); m',
        'require("./src/math").add(20, 22)',
        'require("./src/math") === (await import("./src/math.ts") as any).default',
        'require("./src/extra.ts")',
      ],
      { cwd: dir },
    );
    expect(echoed(s, 1)).toBe("[ 2, 2 ]");
    expect(echoed(s, 2)).toBe("'abstring'");
    expect(echoed(s, 3)).toBe("[Module: null prototype] {\n  add: [Function: add],\n  calls: 2,\n  count: [Function: count],\n  fail: [Function: fail]\n}");
    expect(echoed(s, 4)).toBe("42");
    // A TypeScript module's namespace has no default export: its exports object is not one.
    expect(echoed(s, 5)).toBe("false");
    expect(s.results[5].error.evalue).toBe("require() cannot be used on src/extra.ts: it uses top-level await; use import() or a static import instead");
  });

  test("the project's modules run in the session's realm: instanceof holds between cells and modules", async () => {
    const dir = fixture({
      "src/check.ts": "export const isArray = (value: unknown): boolean => value instanceof Array;\nexport const isMap = (value: unknown): boolean => value instanceof Map;\nexport const makeList = (): number[] => [1, 2];\n",
    });
    const s = await runSession(['import { isArray, isMap, makeList } from "./src/check.ts"; [isArray([1]), isMap(new Map()), makeList() instanceof Array]'], { cwd: dir });
    expect(echoed(s, 1)).toBe("[ true, true, true ]");
  });

  test("installed packages: an ES-module-only package and a CommonJS one, imported by a project module", async () => {
    const dir = fixture({
      "node_modules/esm-only/package.json": JSON.stringify({ name: "esm-only", type: "module", exports: { ".": { import: "./index.js" } } }),
      "node_modules/esm-only/index.js": "export default 'esm default';\nexport const named = 'esm named';\n",
      "node_modules/cjs-pkg/package.json": JSON.stringify({ name: "cjs-pkg", main: "main.js" }),
      "node_modules/cjs-pkg/main.js": "module.exports = function cjs() { return 'cjs'; };\nmodule.exports.extra = 'cjs extra';\n",
      "src/uses.ts": 'import esm, { named } from "esm-only";\nimport cjs, { extra } from "cjs-pkg";\nimport { readFileSync } from "node:fs";\nexport const all = [esm, named, cjs(), extra, typeof readFileSync];\n',
    });
    const s = await runSession(['import { all } from "./src/uses.ts"; all'], { cwd: dir });
    expect(echoed(s, 1)).toBe("[ 'esm default', 'esm named', 'cjs', 'cjs extra', 'function' ]");
  });

  test("tsconfig.json: JSX settings and legacy decorators; CommonJS files (.cts) with module.exports", async () => {
    const dir = fixture({
      "tsconfig.json": JSON.stringify({ compilerOptions: { jsx: "react", jsxFactory: "h", experimentalDecorators: true } }),
      "src/view.tsx": "const h = (tag: string, props: unknown, ...children: unknown[]) => ({ tag, props, children });\nexport const view = <p class=\"x\">hi</p>;\n",
      "src/decorated.ts": [
        "function logged(target: any, key: string, descriptor: PropertyDescriptor) {",
        "  const original = descriptor.value;",
        "  descriptor.value = function (...args: any[]) { return `logged ${original.apply(this, args)}`; };",
        "}",
        "export class Greeter {",
        "  @logged hello(): string { return 'hello'; }",
        "}",
      ].join("\n"),
      "src/old.cts": "const path = require('node:path');\nmodule.exports = { base: path.basename('/a/b.txt') };\n",
    });
    const s = await runSession(
      ['import { view } from "./src/view.tsx"; view', 'import { Greeter } from "./src/decorated.ts"; new Greeter().hello()', 'import old from "./src/old.cts"; old'],
      { cwd: dir },
    );
    expect(echoed(s, 1)).toBe("{ tag: 'p', props: { class: 'x' }, children: [ 'hi' ] }");
    expect(echoed(s, 2)).toBe("'logged hello'");
    expect(echoed(s, 3)).toBe("{ base: 'b.txt' }");
  });

  test("errors: stacks name src/x.ts:LINE:COL; a missing module in node's words; a syntax error names FILE:LINE:COL; the session goes on", async () => {
    const dir = fixture({
      ...LIBRARY,
      "src/broken.ts": "export const ok = 1;\nexport const broken = (a: number => a;\n",
      "src/imports-missing.ts": 'import { gone } from "./gone.js";\nexport const x = gone;\n',
    });
    const s = await runSession(
      [
        'import { fail } from "./src/math.ts"; fail("boom")',
        'import { nope } from "./src/nope.ts"',
        'import { gone } from "./src/imports-missing.ts"',
        'require("./src/nope")',
        'import { broken } from "./src/broken.ts"',
        'import missing from "no-such-package"',
        "1 + 1",
      ],
      { cwd: dir },
    );
    expect(s.results.map((r) => r.status)).toEqual(["error", "error", "error", "error", "error", "error", "ok"]);
    expect(s.results[0].error.traceback.slice(0, 3)).toEqual(["RangeError: boom", "    at fail (src/math.ts:8:9)", "    at cell[1]:1:39"]);
    expect(s.results[1].error.evalue).toBe(`Cannot find module '${dir}/src/nope.ts' imported from cell[2]`);
    expect(s.results[1].error.uncaught).toContain("code: 'ERR_MODULE_NOT_FOUND'");
    expect(s.results[2].error.evalue).toBe(`Cannot find module '${dir}/src/gone.js' imported from ${dir}/src/imports-missing.ts`);
    expect(s.results[3].error.evalue).toBe(`Cannot find module './src/nope'\nRequire stack:\n- cell[4]`);
    expect(s.results[4].error).toMatchObject({ ename: "SyntaxError", evalue: "Expected `,` or `)` but found `=>` (src/broken.ts:2:34)" });
    expect(s.results[5].error.evalue).toBe("Cannot find package 'no-such-package' imported from cell[6]");
    expect(echoed(s, 7)).toBe("2");
  });

  test("a type error in a source does not stop it; with typeCheck(true) the warnings name the imported file", async () => {
    const dir = fixture({ "src/typed.ts": 'export const n: number = "not a number";\nexport const ok = 1;\n' });
    const s = await runSession(['import { n } from "./src/typed.ts"; n', "typeCheck(true)", 'import { ok } from "./src/typed.ts"; ok'], { cwd: dir });
    expect(echoed(s, 1)).toBe("'not a number'");
    expect(echoed(s, 3)).toBe("1");
    expect(printed(s, 3)).toBe("src/typed.ts:1:14 - error TS2322: Type 'string' is not assignable to type 'number'.\n");
  });

  test("reloading: a changed file is evaluated again, with the modules that import it; unchanged ones keep their state; old objects keep old code", async () => {
    const dir = fixture({
      "src/shape.ts": "export class Shape { area(): number { return 1; } }\n",
      "src/uses-shape.ts": 'import { Shape } from "./shape.js";\nexport const make = (): Shape => new Shape();\n',
      "src/counter.ts": "export let n = 0;\nexport const bump = (): number => ++n;\n",
    });
    const s = await runSession(
      [
        'import { make } from "./src/uses-shape.ts"; import { bump } from "./src/counter.ts"; const old = make(); bump(); [old.area(), bump()]',
        { write: "src/shape.ts", text: "export class Shape { area(): number { return 2; } }\n" },
        'import { make } from "./src/uses-shape.ts"; import { bump } from "./src/counter.ts"; const fresh = make(); [fresh.area(), old.area(), old instanceof fresh.constructor, bump()]',
      ],
      { cwd: dir },
    );
    expect(echoed(s, 1)).toBe("[ 1, 2 ]");
    // counter.ts did not change: its state (n = 2) is kept.
    expect(echoed(s, 2)).toBe("[ 2, 1, false, 3 ]");
  });
});
