import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type * as TS from "typescript";
import { preludeDeclarations } from "../prebound.js";
import { fileStamp } from "../project/resolve.js";

const require = createRequire(import.meta.url);
/** The runtime's declarations, for `import ... from "greenlet-ts"` and the pre-bound names (prebound.ts). */
const RUNTIME_TYPES = fileURLToPath(new URL("../../index.d.ts", import.meta.url));

/** Type errors that re-running or redefining cells makes, which a REPL allows. */
const REPL_ALLOWED = new Set([2300, 2393, 2451, 2323, 2528, 1108, 1375, 1378, 2792]);

export interface TypeDiagnostic {
  /** For an error in a project file the cell imports: that file (relative to the session's directory); undefined for the cell. */
  file?: string;
  line: number;
  column: number;
  code: number;
  message: string;
  category: "error" | "warning";
}

/** How much cell text the service reads at most (a session of days would make every completion slow). */
const HISTORY_LIMIT = 1 << 20;

/**
 * The TypeScript language service over a session's cells: every cell that
 * ran, then the code being completed or inspected, in one module file next
 * to the session's working directory (so imports resolve from there), with
 * the pre-bound names declared. typescript is loaded on first use only.
 */
export class CellLanguageService {
  #ts: typeof TS | undefined;
  #service: TS.LanguageService | undefined;
  /** The cells that ran, oldest first, within HISTORY_LIMIT characters; joined when the service needs them. */
  readonly #cells: string[] = [];
  #cellsLength = 0;
  #joined: string | undefined = "";
  #text = "";
  #version = 0;
  readonly #cellsFile: string;
  readonly #preludeFile: string;
  readonly #prelude: string;
  /** The version of each imported file whose errors have been reported. */
  readonly #reported = new Map<string, string>();

  constructor(
    private readonly cwd: string,
    extraDeclarations = "",
  ) {
    this.#cellsFile = path.join(cwd, "__greenlet_cells__.ts");
    this.#preludeFile = path.join(cwd, "__greenlet_prelude__.d.ts");
    this.#prelude = preludeDeclarations(extraDeclarations);
  }

  /** Has typescript been loaded (completion, inspection or type checking used)? */
  get loaded(): boolean {
    return this.#service !== undefined;
  }

  /** Adds a cell that ran to what later cells see. */
  record(code: string): void {
    this.#cells.push(code);
    this.#cellsLength += code.length;
    // A long session forgets its oldest cells here (their names still complete from the runtime values).
    while (this.#cellsLength > HISTORY_LIMIT && this.#cells.length > 1) this.#cellsLength -= this.#cells.shift()!.length;
    this.#joined = undefined;
  }

  get #history(): string {
    return (this.#joined ??= this.#cells.map((cell) => `${cell}\n;\n`).join(""));
  }

  get typescript(): typeof TS {
    return (this.#ts ??= require("typescript") as typeof TS);
  }

  /** The service with `code` after the history; returns the offset where `code` starts. */
  withCode(code: string): { service: TS.LanguageService; file: string; base: number } {
    const text = this.#history + code;
    if (text !== this.#text) {
      this.#text = text;
      this.#version++;
    }
    return { service: (this.#service ??= this.#create()), file: this.#cellsFile, base: this.#history.length };
  }

  /**
   * Type errors of `code` as a cell after the history, positions within
   * `code`; then those of the project files the cells import (TypeScript
   * files outside node_modules), each version of a file reported once.
   */
  diagnostics(code: string): TypeDiagnostic[] {
    const { service, file, base } = this.withCode(code);
    const program = service.getProgram();
    const source = program?.getSourceFile(file);
    if (program === undefined || source === undefined) return [];
    return [...this.#cellDiagnostics(service, source, base), ...this.#importedDiagnostics(service, program)];
  }

  /** The errors of the code after the history (at `base`), positions within that code. */
  #cellDiagnostics(service: TS.LanguageService, source: TS.SourceFile, base: number): TypeDiagnostic[] {
    const out: TypeDiagnostic[] = [];
    const first = source.getLineAndCharacterOfPosition(base);
    for (const diagnostic of [...service.getSyntacticDiagnostics(source.fileName), ...service.getSemanticDiagnostics(source.fileName)]) {
      if (diagnostic.start === undefined || diagnostic.start < base || REPL_ALLOWED.has(diagnostic.code)) continue;
      const at = source.getLineAndCharacterOfPosition(diagnostic.start);
      out.push(this.#diagnostic(diagnostic, at.line - first.line + 1, at.line === first.line ? at.character - first.character + 1 : at.character + 1));
    }
    return out;
  }

  /** The errors of the project files the cells import, each version of a file once. */
  #importedDiagnostics(service: TS.LanguageService, program: TS.Program): TypeDiagnostic[] {
    const out: TypeDiagnostic[] = [];
    for (const imported of program.getSourceFiles()) {
      const name = imported.fileName;
      if (name === this.#cellsFile || name === this.#preludeFile || imported.isDeclarationFile || name.includes("/node_modules/") || !/\.[mc]?tsx?$/.test(name)) continue;
      const version = fileStamp(name);
      if (this.#reported.get(name) === version) continue;
      this.#reported.set(name, version);
      for (const diagnostic of [...service.getSyntacticDiagnostics(name), ...service.getSemanticDiagnostics(name)]) {
        if (diagnostic.start === undefined) continue;
        const at = imported.getLineAndCharacterOfPosition(diagnostic.start);
        out.push({ file: path.relative(this.cwd, name) || name, ...this.#diagnostic(diagnostic, at.line + 1, at.character + 1) });
      }
    }
    return out;
  }

  #diagnostic(diagnostic: TS.Diagnostic, line: number, column: number): TypeDiagnostic {
    const ts = this.typescript;
    return {
      line,
      column,
      code: diagnostic.code,
      message: ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"),
      category: diagnostic.category === ts.DiagnosticCategory.Error ? "error" : "warning",
    };
  }

  /**
   * The compiler options of the project's tsconfig.json that matter to
   * what cells may write (paths, baseUrl, jsx, decorators, strictness,
   * lib), over the engine's own: the cells keep bundler resolution with
   * `.ts` extensions allowed, as the loader resolves them.
   */
  #projectOptions(): TS.CompilerOptions {
    const ts = this.typescript;
    const file = ts.findConfigFile(this.cwd, ts.sys.fileExists);
    if (file === undefined) return {};
    const read = ts.readConfigFile(file, ts.sys.readFile);
    if (read.error !== undefined) return {};
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(file));
    const picked: TS.CompilerOptions = {};
    for (const key of ["paths", "baseUrl", "jsx", "jsxFactory", "jsxFragmentFactory", "jsxImportSource", "experimentalDecorators", "emitDecoratorMetadata", "strict", "strictNullChecks", "noImplicitAny", "lib", "useDefineForClassFields", "resolveJsonModule"] as const) {
      if (parsed.options[key] !== undefined) (picked as Record<string, unknown>)[key] = parsed.options[key];
    }
    if (picked.paths !== undefined && picked.baseUrl === undefined) picked.pathsBasePath = path.dirname(file);
    return picked;
  }

  #create(): TS.LanguageService {
    const ts = this.typescript;
    const options: TS.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      moduleDetection: ts.ModuleDetectionKind.Force,
      lib: ["lib.es2023.d.ts"],
      types: existsSync(path.join(path.dirname(require.resolve("typescript/package.json")), "../@types/node")) ? ["node"] : [],
      typeRoots: [path.join(path.dirname(require.resolve("typescript/package.json")), "../@types")],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      allowJs: true,
      esModuleInterop: true,
      allowImportingTsExtensions: true,
      experimentalDecorators: false,
      resolveJsonModule: true,
      jsx: ts.JsxEmit.React,
      ...this.#projectOptions(),
    };
    const snapshots = new Map<string, { version: string; snapshot: TS.IScriptSnapshot }>();
    const host: TS.LanguageServiceHost = {
      getScriptFileNames: () => [this.#preludeFile, this.#cellsFile],
      // A file's version is its stamp: one changed on disk is read again (the loader reloads it too).
      getScriptVersion: (file) => (file === this.#cellsFile ? String(this.#version) : file === this.#preludeFile ? "1" : fileStamp(file)),
      getScriptSnapshot: (file) => {
        if (file === this.#cellsFile) return ts.ScriptSnapshot.fromString(this.#text);
        if (file === this.#preludeFile) return ts.ScriptSnapshot.fromString(this.#prelude);
        // Read again when the file changed on disk (the loader reloads it too).
        const version = fileStamp(file);
        let snapshot = snapshots.get(file);
        if (snapshot === undefined || snapshot.version !== version) {
          const text = ts.sys.readFile(file);
          if (text === undefined) return undefined;
          snapshot = { version, snapshot: ts.ScriptSnapshot.fromString(text) };
          snapshots.set(file, snapshot);
        }
        return snapshot.snapshot;
      },
      getCurrentDirectory: () => this.cwd,
      getCompilationSettings: () => options,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (file) => file === this.#cellsFile || file === this.#preludeFile || ts.sys.fileExists(file),
      readFile: (file) => (file === this.#cellsFile ? this.#text : file === this.#preludeFile ? this.#prelude : ts.sys.readFile(file)),
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
      resolveModuleNames: (names, containingFile) =>
        names.map((name) => {
          if (name === "greenlet-ts") return { resolvedFileName: RUNTIME_TYPES, extension: ts.Extension.Dts, isExternalLibraryImport: true };
          return ts.resolveModuleName(name, containingFile, options, ts.sys).resolvedModule;
        }),
    };
    return ts.createLanguageService(host, ts.createDocumentRegistry());
  }
}
