import { createHash } from "node:crypto";
import path from "node:path";
import vm from "node:vm";
import type { SourceMapInput } from "@jridgewell/trace-mapping";
import type { TransformOptions } from "oxc-transform";
import { applyEdits, type Anchors, type Edit } from "../edits.js";
import { keepsDecorators, needsHelper } from "../left-to-swc.js";
import { firstError, oxc } from "../oxc.js";
import { swc, swcError } from "../swc.js";
import { composeMaps } from "./compose-maps.js";
import type { CompileSettings } from "./tsconfig.js";

/**
 * The names a module's code is given by the function it is wrapped in:
 * CommonJS's, then those of oxc's module-runner output (Vite's SSR format),
 * which the loader provides: static imports, `import()`, `export *`,
 * `import.meta` and the exports object.
 */
export const MODULE_PARAMETERS = [
  "exports",
  "require",
  "module",
  "__filename",
  "__dirname",
  "__vite_ssr_import__",
  "__vite_ssr_dynamic_import__",
  "__vite_ssr_exportAll__",
  "__vite_ssr_import_meta__",
  "__vite_ssr_exports__",
] as const;

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
   * top-level code imports, in order, are its static imports, loaded
   * before it runs, as ES modules are. A CommonJS file requires as it goes.
   */
  readonly esm: boolean;
  /** The specifiers of the module's static imports (and re-exports), in source order. */
  readonly imports: readonly string[];
  /**
   * The source map from the compiled code to the file, made when a stack
   * first points into the module: the code is made without one (faster),
   * and most modules never throw.
   */
  map(): SourceMapInput;
  /** The edits made after the transpiler, for mapping positions back through them. */
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

/**
 * Two steps, both oxc's: the types are stripped (as for a cell, with the
 * settings of the file's tsconfig.json), then the import and export syntax
 * becomes calls into the loader (oxc's module-runner transform: every use
 * of an imported name becomes a property read on its module,
 * `(0, __vite_ssr_import_0__.add)(1, 2)`, which keeps ES modules' live
 * bindings; exports are getters on the exports object). swc strips the
 * types instead when oxc would import a helper, or when V8 refuses oxc's
 * code because it keeps a decorator (V8's compile is the test every module
 * pays for anyway: parsing for an `@` would cost JSDoc-commented files
 * several times oxc's time).
 */
function compile(file: string, source: string, settings: CompileSettings): CompiledModule {
  const extension = path.extname(file).toLowerCase();
  const esm = !COMMONJS.has(extension) && (extension === ".mts" || extension === ".mjs" || looksLikeEsm(source));
  const stripped = stripTypes(file, source, settings, esm, false);
  if (stripped !== undefined) {
    try {
      return build(file, source, settings, esm, stripped.code, "oxc");
    } catch (error) {
      if (!(error instanceof ModuleSyntaxError) || !keepsDecorators(stripped.code)) throw error;
    }
  }
  return build(file, source, settings, esm, swcStripTypes(file, source, settings, esm, false).code, "swc");
}

type Stripper = "oxc" | "swc";

/** The linked module in its function; its map is made, when asked for, by the same steps with maps (the same text: maps do not change the code). */
function build(file: string, source: string, settings: CompileSettings, esm: boolean, js: string, stripper: Stripper): CompiledModule {
  const linked = hasModuleSyntax(js) ? link(file, js, esm, false).code : js;
  let map: SourceMapInput | undefined;
  return wrap(file, linked, esm, () => (map ??= sourceMap(file, source, settings, esm, stripper)));
}

function sourceMap(file: string, source: string, settings: CompileSettings, esm: boolean, stripper: Stripper): SourceMapInput {
  const stripped = stripper === "oxc" ? stripTypes(file, source, settings, esm, true)! : swcStripTypes(file, source, settings, esm, true);
  if (!hasModuleSyntax(stripped.code)) return stripped.map!;
  return composeMaps(link(file, stripped.code, esm, true).map!, stripped.map!);
}

/** JavaScript with ES module syntax (oxc's output is read, where a word in a comment would only cost a needless step). */
function hasModuleSyntax(js: string): boolean {
  return /\b(?:import|export)\b/.test(js);
}

function isTypeScript(file: string): boolean {
  return TYPESCRIPT.has(path.extname(file).toLowerCase());
}

/** JSX is allowed in .tsx and .jsx files, and in .js files (as swc allowed it). */
function allowsJsx(file: string): boolean {
  const extension = path.extname(file).toLowerCase();
  return extension === ".tsx" || extension === ".jsx" || extension === ".js";
}

/** The types stripped by oxc; undefined when oxc would import a helper (swc's, then). */
function stripTypes(file: string, source: string, settings: CompileSettings, esm: boolean, sourcemap: boolean): { code: string; map?: SourceMapInput } | undefined {
  const typescript = isTypeScript(file);
  const jsx = allowsJsx(file);
  const options: TransformOptions = {
    lang: typescript ? (jsx ? "tsx" : "ts") : jsx ? "jsx" : "js",
    sourceType: esm ? "module" : "commonjs",
    target: "es2022",
    sourcemap,
    typescript: settings.useDefineForClassFields ? {} : { removeClassFieldsWithoutInitializer: true },
    assumptions: settings.useDefineForClassFields ? {} : { setPublicClassFields: true },
    decorator: { legacy: settings.legacyDecorators, emitDecoratorMetadata: settings.decoratorMetadata },
    jsx:
      settings.jsx.runtime === "automatic"
        ? { runtime: "automatic", importSource: settings.jsx.importSource, development: settings.jsx.development }
        : { runtime: "classic", pragma: settings.jsx.factory, pragmaFrag: settings.jsx.fragment },
  };
  const output = oxc().transformSync(file, source, options);
  if (output.errors.length > 0) {
    const at = firstError(output.errors, source);
    throw new ModuleSyntaxError(file, at.line, at.column, at.message);
  }
  return needsHelper(output) ? undefined : { code: output.code, map: output.map as SourceMapInput | undefined };
}

/** What oxc leaves undone (TC39 decorators; legacy ones and `using`, whose helpers swc writes into its output), by swc, to ES module JavaScript too. */
function swcStripTypes(file: string, source: string, settings: CompileSettings, esm: boolean, sourceMaps: boolean): { code: string; map?: SourceMapInput } {
  const typescript = isTypeScript(file);
  const jsx = allowsJsx(file);
  try {
    const output = swc().transformSync(source, {
      filename: file,
      swcrc: false,
      configFile: false,
      isModule: esm ? true : "unknown",
      sourceMaps,
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
    return { code: output.code, map: output.map };
  } catch (error) {
    const at = swcError(error, source);
    throw new ModuleSyntaxError(file, at.line, at.column, at.message);
  }
}

/** The module-runner step, on the stripped JavaScript (a CommonJS file parsed as one: sloppy mode). */
function link(file: string, js: string, esm: boolean, sourcemap: boolean): { code: string; map?: SourceMapInput } {
  const output = oxc().moduleRunnerTransformSync(`${file}.${esm ? "mjs" : "cjs"}`, js, { sourcemap });
  if (output.errors.length > 0) {
    const at = firstError(output.errors, js);
    throw new ModuleSyntaxError(file, 1, 1, `the stripped JavaScript does not link: ${at.message} (line ${at.line}, column ${at.column})`);
  }
  return { code: output.code, map: output.map as SourceMapInput | undefined };
}

/**
 * An ES module has import or export statements (or import.meta); a file
 * without them is CommonJS, whose requires run where they are written.
 */
function looksLikeEsm(source: string): boolean {
  return /^[ \t]*(?:import[\s{*"'](?!\s*\()|export[\s{*])/m.test(source) || /\bimport\.meta\b/.test(source);
}

/** A static import as oxc prints it, on a line of its own at top level: `const __vite_ssr_import_0__ = await __vite_ssr_import__("./m", ...)`. */
const STATIC_IMPORT = /^(const __vite_ssr_import_\d+__ = )(await )__vite_ssr_import__\("((?:[^"\\\n]|\\.)*)"/gm;

/**
 * The function around the linked code. Its static imports are loaded
 * before it runs (see project-modules.ts), so their `await` goes: a module
 * that does not await anything else stays synchronous, and `require()` can
 * load it. An ES module is strict, as swc's `"use strict"` made it before.
 */
function wrap(file: string, js: string, esm: boolean, map: () => SourceMapInput): CompiledModule {
  const edits: Edit[] = [];
  const imports: string[] = [];
  for (const match of js.matchAll(STATIC_IMPORT)) {
    const start = match.index! + match[1]!.length;
    edits.push({ start, end: start + match[2]!.length, text: "" });
    imports.push(JSON.parse(`"${match[3]}"`) as string);
  }
  for (const async of [false, true]) {
    // On the first line: no line moves.
    const header = `(${async ? "async " : ""}function (${MODULE_PARAMETERS.join(", ")}) {${esm ? '"use strict";' : ""}`;
    const edited = applyEdits(js, [...edits, { start: 0, end: 0, text: header, header: true }]);
    const code = `${edited.code}\n})`;
    try {
      const script = new vm.Script(code, { filename: file });
      return { script, async, esm, imports, map, anchors: edited.anchors };
    } catch (error) {
      // Top-level await: V8 says so when the plain function will not compile, and the module becomes an async function.
      if (async || !(error instanceof SyntaxError) || !/await/.test(error.message)) throw new ModuleSyntaxError(file, 1, 1, `the compiled module does not compile: ${String((error as Error).message)}`);
    }
  }
  throw new Error("unreachable");
}
