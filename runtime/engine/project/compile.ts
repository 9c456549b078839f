import { createHash } from "node:crypto";
import path from "node:path";
import vm from "node:vm";
import * as acorn from "acorn";
import type * as Swc from "@swc/core";
import { swc } from "../swc.js";
import { applyEdits, type Anchors, type Edit } from "../edits.js";
import { importReferenceEdits } from "../repl/module-syntax.js";
import { toSyntaxError } from "../transpile.js";
import type { CompileSettings } from "./tsconfig.js";

/** The names a module's code is given by the function it is wrapped in. */
export const MODULE_PARAMETERS = ["exports", "require", "module", "__filename", "__dirname", "__greenlet_module_import__"] as const;
const IMPORT_NAME = MODULE_PARAMETERS[5];

/** A source file compiled into the body of a function that the loader calls to evaluate it. */
export interface CompiledModule {
  /**
   * `(function (exports, require, module, ...) { ... })`, or an async
   * function when the module awaits at top level; compiled once, run in the
   * context of every session that loads the file.
   */
  readonly script: vm.Script;
  /** The module uses top-level await: evaluating it gives a promise, and `require()` cannot load it. */
  readonly async: boolean;
  /**
   * The module is an ES module (import/export syntax): the specifiers its
   * top-level code requires, in order, are its static imports, loaded
   * before it runs, as ES modules are. A CommonJS file requires as it goes.
   */
  readonly esm: boolean;
  /** The string specifiers the module's top-level code requires, in source order. */
  readonly imports: readonly string[];
  /**
   * swc's source map (JSON) from the transformed code to the file, made
   * when a stack first points into the module: swc makes the same code
   * without one about twice as fast, and most modules never throw.
   */
  map(): string;
  /** The edits made after swc, for mapping positions back through them. */
  readonly anchors: Anchors;
}

/** A file that does not compile, where and why (the loader turns it into the SyntaxError a user sees). */
export class ModuleSyntaxError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly detail: string,
  ) {
    super(`${detail} (${file}:${line}:${column})`);
  }
}

const TYPESCRIPT = new Set([".ts", ".tsx", ".mts", ".cts"]);
/** Extensions whose files are CommonJS whatever their syntax says. */
const COMMONJS = new Set([".cts", ".cjs"]);

/**
 * Compiled files by path: the hash of the text and the settings they were
 * compiled with, so that a file compiled once is not compiled again until it
 * changes (a reload re-evaluates the importers of a changed file: they are
 * found here). One entry per file: an old version is replaced.
 */
const compiled = new Map<string, { hash: string; key: string; module: CompiledModule }>();

/** Compiles a project file (TypeScript or JavaScript, with or without JSX), from the cache when its text is unchanged. */
export function compileModule(file: string, source: string, settings: CompileSettings): CompiledModule {
  const hash = createHash("sha1").update(source).digest("base64");
  const cached = compiled.get(file);
  if (cached !== undefined && cached.hash === hash && cached.key === settings.key) return cached.module;
  const module = compile(file, source, settings);
  compiled.set(file, { hash, key: settings.key, module });
  return module;
}

function compile(file: string, source: string, settings: CompileSettings): CompiledModule {
  const extension = path.extname(file).toLowerCase();
  const esm = !COMMONJS.has(extension) && (extension === ".mts" || extension === ".mjs" || looksLikeEsm(source));
  const output = transform(file, source, settings, esm, false);
  let map: string | undefined;
  return wrap(file, output.code, esm, () => (map ??= transform(file, source, settings, esm, true).map!));
}

function transform(file: string, source: string, settings: CompileSettings, esm: boolean, sourceMaps: boolean): Swc.Output {
  const extension = path.extname(file).toLowerCase();
  const typescript = TYPESCRIPT.has(extension);
  const jsx = extension === ".tsx" || extension === ".jsx" || (!typescript && extension === ".js");
  try {
    return swc().transformSync(source, {
      filename: file,
      swcrc: false,
      configFile: false,
      sourceMaps,
      // CommonJS output: swc rewrites every use of an imported name to a property read on its module
      // (`(0, _math.add)(1, 2)`), which keeps ES modules' live bindings without a module loader of node's.
      module: { type: "commonjs", ignoreDynamic: true, strictMode: esm, importInterop: "swc" },
      jsc: {
        parser: typescript ? { syntax: "typescript", tsx: jsx, decorators: true } : { syntax: "ecmascript", jsx, decorators: true },
        target: "es2022",
        transform: {
          ...(settings.legacyDecorators ? { legacyDecorator: true, decoratorMetadata: settings.decoratorMetadata } : { decoratorVersion: "2022-03" }),
          useDefineForClassFields: settings.useDefineForClassFields,
          react:
            settings.jsx.runtime === "automatic"
              ? { runtime: "automatic", importSource: settings.jsx.importSource, development: settings.jsx.development }
              : { runtime: "classic", pragma: settings.jsx.factory, pragmaFrag: settings.jsx.fragment },
        },
      },
    });
  } catch (error) {
    const at = toSyntaxError(error, source);
    throw new ModuleSyntaxError(file, at.line, at.column, at.message);
  }
}

/**
 * An ES module has import or export statements (or import.meta); a file
 * without them is CommonJS, whose requires run where they are written.
 */
function looksLikeEsm(source: string): boolean {
  return /^[ \t]*(?:import[\s{*"'](?!\s*\()|export[\s{*])/m.test(source) || /\bimport\.meta\b/.test(source);
}

type AnyNode = acorn.Node & Record<string, any>;

/**
 * The function around swc's output, with `import()` sent to the loader, and
 * the specifiers its top-level code requires. Parsing swc's output again
 * (acorn, ~7 ms for 500 lines in a fresh process) is done only for a module
 * with a dynamic import; the rest is read from the layout swc prints.
 */
function wrap(file: string, js: string, esm: boolean, map: () => string): CompiledModule {
  const edits: Edit[] = /\bimport\s*\(/.test(js) ? dynamicImports(file, js) : [];
  const imports = topLevelRequires(js);
  for (const async of [false, true]) {
    // On the first line, which is swc's "use strict" or its first statement: no line moves.
    const edited = applyEdits(js, [...edits, { start: 0, end: 0, text: `(${async ? "async " : ""}function (${MODULE_PARAMETERS.join(", ")}) {`, header: true }]);
    const code = `${edited.code}\n})`;
    try {
      const script = new vm.Script(code, { filename: file });
      return { script, async, esm, imports, map, anchors: edited.anchors };
    } catch (error) {
      // Top-level await: V8 says so when the plain function will not compile, and the module becomes an async function.
      if (async || !(error instanceof SyntaxError) || !/await/.test(error.message)) throw new ModuleSyntaxError(file, 1, 1, `swc's output does not compile: ${String((error as Error).message)}`);
    }
  }
  throw new Error("unreachable");
}

/** Edits that send the module's `import()` calls to the loader. */
function dynamicImports(file: string, js: string): Edit[] {
  let program: AnyNode;
  try {
    program = acorn.parse(js, { ecmaVersion: "latest", sourceType: "script", allowAwaitOutsideFunction: true, allowReturnOutsideFunction: true, allowHashBang: true }) as AnyNode;
  } catch (error) {
    throw new ModuleSyntaxError(file, 1, 1, `swc's output could not be parsed: ${(error as Error).message}`);
  }
  return importReferenceEdits(program, IMPORT_NAME);
}

/**
 * The string specifiers required by top-level statements, in order. swc
 * prints every top-level statement from column 0 and indents everything
 * nested, so its import requires (`const _m = require("./m")`,
 * `_export_star(require("./m"), exports)`, `require("./m")`) are found on
 * lines of their own; requires inside functions are left for when they run.
 */
function topLevelRequires(js: string): string[] {
  const found: string[] = [];
  for (const match of js.matchAll(/^(?:const [\w$]+ = )?(?:\/\*#__PURE__\*\/ )?(?:[\w$]+\()?require\("((?:[^"\\\n]|\\.)*)"\)/gm)) {
    found.push(JSON.parse(`"${match[1]}"`) as string);
  }
  return found;
}
