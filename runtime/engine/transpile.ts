import type { SourceMapInput } from "@jridgewell/trace-mapping";
import type { OxcError, TransformOptions, TransformResult } from "oxc-transform";
import { keepsDecorators, needsHelper } from "./left-to-swc.js";
import { firstError, oxc } from "./oxc.js";
import { swc, swcError } from "./swc.js";

/** TypeScript stripped to JavaScript, with the source map back to the TypeScript. */
export interface Transpiled {
  code: string;
  /** Source map v3 from `code` to the cell's TypeScript. */
  map: SourceMapInput;
}

/** A syntax error in a cell, with the 1-based line and column it was found at. */
export class CellSyntaxError extends SyntaxError {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}
CellSyntaxError.prototype.name = "SyntaxError";

/**
 * Types are stripped by oxc (about 0.013 ms for a small cell, +6 MB loaded:
 * bench/README.md, "The transpiler candidates"), keeping ES module syntax
 * and top-level await for the REPL transform: target ES2022, every import
 * kept but `import type` (a later cell may use what a cell imports, as with
 * `verbatimModuleSyntax`), class fields with define semantics. `enum`,
 * namespaces, parameter properties and `satisfies` are oxc's. What oxc
 * leaves undone (TC39 decorators, a helper it would import) is swc's.
 */
export function transpile(source: string, filename: string): Transpiled {
  const output = stripTypes(source, filename);
  if (output.errors.length > 0) throw toSyntaxError(output.errors, source);
  if (needsHelper(output) || keepsDecorators(output.code)) return swcTranspile(source, filename);
  return { code: output.code, map: output.map as SourceMapInput };
}

const MODULE: TransformOptions = { lang: "ts", sourceType: "module", target: "es2022", sourcemap: true, typescript: { onlyRemoveTypeImports: true } };
const SCRIPT: TransformOptions = { ...MODULE, sourceType: "script" };

/**
 * The cell as a module (import, export and top-level await allowed), or,
 * when that fails, as a script: a cell runs in sloppy mode, as in node's
 * REPL, so what only strict mode refuses (`delete x`, `"\08"`) still
 * compiles. Not a cell with the word `await`: in a script it would be an
 * identifier, which the REPL transform refuses (an `await` at top level is
 * the operator there).
 */
export function stripTypes(source: string, filename: string): TransformResult {
  const module = oxc().transformSync(filename, source, MODULE);
  if (module.errors.length === 0 || /\bawait\b/.test(source)) return module;
  const script = oxc().transformSync(filename, source, SCRIPT);
  return script.errors.length === 0 ? script : module;
}

/** The CellSyntaxError for the first error oxc reports. */
function toSyntaxError(errors: readonly OxcError[], source: string): CellSyntaxError {
  const at = firstError(errors, source);
  return new CellSyntaxError(at.message, at.line, at.column);
}

/** A cell oxc cannot finish, by swc: TC39 2022-03 decorators, and helpers written into the output. */
function swcTranspile(source: string, filename: string): Transpiled {
  try {
    const output = swc().transformSync(source, {
      filename,
      swcrc: false,
      configFile: false,
      isModule: true,
      sourceMaps: true,
      jsc: {
        parser: { syntax: "typescript", decorators: true },
        target: "es2022",
        transform: { decoratorVersion: "2022-03", useDefineForClassFields: true, verbatimModuleSyntax: true },
        preserveAllComments: true,
      },
    });
    return { code: output.code, map: output.map! };
  } catch (error) {
    const at = swcError(error, source);
    throw new CellSyntaxError(at.message, at.line, at.column);
  }
}
