import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { inspect } from "node:util";
import vm from "node:vm";
import { compiledModulePositions } from "../debug-positions.js";
import { compileModule, ModuleSyntaxError, type CompiledModule } from "./compile.js";
import { esModuleInterop, exportAll, namespaceOf } from "./interop.js";
import { requireAsyncModule } from "./module-errors.js";
import { ownEntry } from "./own-package.js";
import { nearestPackage } from "./package-exports.js";
import { fileStamp, nodeRequire, resolveModule, type Importer, type Resolved } from "./resolve.js";
import { projectConfig } from "./tsconfig.js";

/** What the loader needs of its session: the context modules run in, and how to run code there. */
export interface ModuleHost {
  readonly context: vm.Context;
  /** Calls `fn` (a function of the context) inside an interruptible evaluation; returns its result. */
  call(fn: (...args: unknown[]) => unknown, thisArg: unknown, args: unknown[]): unknown;
  /** Settles a promise of the context for the host (the context's jobs run only when it is drained). */
  settle(promise: PromiseLike<unknown>): Promise<unknown>;
  /** The runtime instance `greenlet-ts` stands for. */
  readonly runtime: object;
}

/** Maps positions in a module's evaluated code back to its source, for stack traces. */
export interface SourcePositions {
  /** The name stack traces show: the path relative to the working directory when it is inside it. */
  readonly filename: string;
  original(line: number, column: number): { line: number; column: number };
}

type State = "linking" | "evaluating" | "evaluated";

/** One project file loaded in a session. */
interface ModuleRecord {
  readonly file: string;
  readonly compiled: CompiledModule | undefined;
  /** `{ exports }`, an object of the session's context. */
  readonly module: { exports: unknown };
  state: State;
  /** The evaluation of a module that awaits at top level, while it runs. */
  evaluation?: Promise<unknown>;
  /** Node's ES-module packages this module imports, loaded before it runs: its `require` hands them out. */
  readonly preloaded: Map<string, unknown>;
  /** The project modules that loaded this one: they are evaluated again with it when it changes. */
  readonly importers: Set<ModuleRecord>;
  /** The project modules this one loaded (static and dynamic imports, requires). */
  readonly imported: Set<ModuleRecord>;
  /** The file's modification time and size when it was read. */
  readonly stamp: string;
  namespace?: object;
}

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * A session's modules of the user's project: TypeScript (and JavaScript
 * outside node_modules) compiled by oxc and evaluated in the session's own
 * context, so that objects made by cells and by the project's code share
 * one realm (`instanceof Array` holds across them). Installed packages and
 * node's built-ins are loaded by node as before.
 *
 * Why not node's loader hooks (`module.register()`): on node 20 the hooks
 * run in a thread of their own, and registering them took 41–55 ms (the
 * main thread waits for the thread) and added 40–49 MB of memory, measured
 * here; a kernel at rest is 67 MB. This loader costs nothing until a
 * project file is imported, and knows the module graph, which reloading and
 * --watch need.
 *
 * ES-module semantics are kept where programs notice them: static imports
 * are loaded and evaluated before the importing module, in order (a cycle
 * sees the partly evaluated module, with live bindings through the
 * exports' getters); top-level await works; `import()` resolves from the module.
 */
export class ProjectModules {
  readonly #records = new Map<string, ModuleRecord>();
  /** Positions of every compiled file, by the filename its code was evaluated under (kept after a reload: old functions may still throw). */
  readonly #positions = new Map<string, SourcePositions>();
  constructor(
    private readonly host: ModuleHost,
    readonly cwd: string,
  ) {}

  /**
   * `import(specifier)` from a cell or a module: the module namespace. From
   * a cell, project files that changed on disk since they were loaded are
   * evaluated again first, with the modules that import them.
   */
  async import(specifier: string, importer: Importer, fromCell = true): Promise<unknown> {
    if (fromCell) this.reloadChanged();
    return this.#import(specifier, importer, undefined);
  }

  /** `require(specifier)` from a cell (or a page): synchronous, as in node. */
  require(specifier: string, importer: Importer): unknown {
    this.reloadChanged();
    return this.#require(String(specifier), importer, undefined, "require");
  }

  /** A `require` function for cells. */
  requireFunction(importer: Importer): NodeJS.Require {
    const require = ((specifier: string) => this.require(specifier, importer)) as NodeJS.Require;
    const node = createRequire(path.join(importer.directory, "[cell]"));
    require.resolve = Object.assign((specifier: string) => this.#resolvePath(specifier, importer), { paths: node.resolve.paths });
    require.cache = node.cache;
    return require;
  }

  /** The project files loaded now: what a watcher watches. */
  files(): string[] {
    return [...this.#records.keys()];
  }

  /** The project's source files loaded now (JSON files left out), with the name errors and stacks show for each: for a debugger's list of modules. */
  sourceFiles(): Array<{ path: string; name: string }> {
    return [...this.#records.values()].filter((record) => record.compiled !== undefined).map((record) => ({ path: record.file, name: this.#display(record.file) }));
  }

  /** How stack traces show positions in a file this session evaluated. */
  positions(filename: string): SourcePositions | undefined {
    return this.#positions.get(filename);
  }

  /**
   * Forgets the modules whose files changed (modification time or size)
   * and every module that imported them, so that the next import evaluates
   * them again: IPython's autoreload, at the level of modules. Objects made
   * by the old code keep it (their classes are the old classes). Returns
   * the files reloaded.
   */
  reloadChanged(): string[] {
    const changed: ModuleRecord[] = [];
    for (const record of this.#records.values()) {
      if (record.state === "evaluated" && fileStamp(record.file) !== record.stamp) changed.push(record);
    }
    if (changed.length === 0) return [];
    const stale = new Set<ModuleRecord>();
    const mark = (record: ModuleRecord): void => {
      if (stale.has(record)) return;
      stale.add(record);
      for (const importer of record.importers) mark(importer);
    };
    changed.forEach(mark);
    for (const record of stale) this.#forget(record);
    return [...stale].map((record) => record.file);
  }

  // --- loading ----------------------------------------------------------------

  /** The record of a file, compiled now if the session has none (a syntax error throws, nothing is kept). */
  #record(file: string): ModuleRecord {
    const existing = this.#records.get(file);
    if (existing !== undefined) return existing;
    const stamp = fileStamp(file);
    const source = readFileSync(file, "utf8");
    let compiled: CompiledModule | undefined;
    if (!file.toLowerCase().endsWith(".json")) {
      try {
        compiled = compileModule(file, source, projectConfig(path.dirname(file)).compile);
      } catch (error) {
        // A plain SyntaxError, as node throws for a module that does not parse, naming FILE:LINE:COL.
        if (error instanceof ModuleSyntaxError) throw new SyntaxError(`${error.detail} (${this.#display(file)}:${error.line}:${error.column})`);
        throw error;
      }
    }
    const module = vm.runInContext("({ exports: {} })", this.host.context) as { exports: unknown };
    const record: ModuleRecord = { file, compiled, module, state: "linking", preloaded: new Map(), importers: new Set(), imported: new Set(), stamp };
    if (compiled === undefined) {
      module.exports = parseJson(source, this.#display(file));
      record.state = "evaluated";
    } else {
      this.#positions.set(file, this.#sourcePositions(record));
    }
    this.#records.set(file, record);
    return record;
  }

  /**
   * Loads what an ES module imports, then evaluates it (a depth-first walk,
   * as ES modules are linked and evaluated); a module on `path` is a cycle
   * back to an importer still being loaded, which the importer sees as it is.
   */
  async #link(record: ModuleRecord, visiting: Set<ModuleRecord>): Promise<void> {
    if (record.state === "evaluated" || visiting.has(record)) return;
    if (record.evaluation !== undefined) {
      await record.evaluation;
      return;
    }
    visiting.add(record);
    try {
      const compiled = record.compiled!;
      if (compiled.esm) {
        const importer = this.#importerOf(record);
        for (const specifier of compiled.imports) {
          if (record.preloaded.has(specifier)) continue;
          const resolved = resolveModule(specifier, importer, "import");
          if (resolved.kind === "project") {
            const dependency = this.#record(resolved.file);
            this.#connect(record, dependency);
            await this.#link(dependency, visiting);
          } else if (resolved.kind !== "builtin" && !(resolved.kind === "runtime" && resolved.subpath === ".") && !isCommonJs(resolved)) {
            // ES-module packages (and data: URLs) cannot be required: loaded here, handed out by `require` below.
            record.preloaded.set(specifier, esModuleInterop(await this.#importOther(resolved)));
          }
        }
      }
      if (record.state === "linking") await this.#evaluate(record);
      else if (record.evaluation !== undefined) await record.evaluation;
    } catch (error) {
      this.#forget(record);
      throw error;
    } finally {
      visiting.delete(record);
    }
  }

  /** Runs a module's code once; a module that awaits at top level is awaited. */
  async #evaluate(record: ModuleRecord): Promise<void> {
    const result = this.#start(record);
    if (record.compiled!.async) {
      record.evaluation = this.host.settle(result as PromiseLike<unknown>);
      try {
        await record.evaluation;
      } finally {
        record.evaluation = undefined;
      }
    }
    record.state = "evaluated";
  }

  /** Calls the module's function; returns what it returns (a promise for an async module). */
  #start(record: ModuleRecord): unknown {
    record.state = "evaluating";
    const compiled = record.compiled!;
    const importer = this.#importerOf(record);
    const fn = compiled.script.runInContext(this.host.context) as (...args: unknown[]) => unknown;
    const require = (specifier: string): unknown => this.#require(String(specifier), importer, record, compiled.esm ? "import" : "require");
    require.resolve = (specifier: string) => this.#resolvePath(specifier, importer);
    // What the compiled import and export syntax calls (compile.ts): a static import is loaded already, and `require` hands it out.
    const staticImport = (specifier: string): unknown => namespaceOf(this.#require(String(specifier), importer, record, "import"));
    const dynamicImport = (specifier: string): Promise<unknown> => this.#import(specifier, importer, record);
    const exports = record.module.exports as object;
    // Tells an ES module's exports from a CommonJS module's, whose `module.exports` is the default export (namespaceOf).
    if (compiled.esm) Object.defineProperty(exports, "__esModule", { value: true });
    const meta = this.#importMeta(record.file, importer);
    try {
      return this.host.call(fn, compiled.esm ? undefined : exports, [exports, require, record.module, record.file, path.dirname(record.file), staticImport, dynamicImport, (from: object) => exportAll(exports, from), meta, exports]);
    } catch (error) {
      this.#forget(record);
      throw error;
    }
  }

  /** `import.meta` of a module: its URL, path and directory, and `resolve()`. */
  #importMeta(file: string, importer: Importer): object {
    const meta = Object.create(null) as Record<string, unknown>;
    meta.url = pathToFileURL(file).href;
    meta.filename = file;
    meta.dirname = path.dirname(file);
    meta.resolve = (specifier: string): string => {
      const resolved = this.#resolvePath(specifier, importer);
      return path.isAbsolute(resolved) ? pathToFileURL(resolved).href : resolved;
    };
    return meta;
  }

  /** `import()` from a cell, or from the module `from` (which is not reloaded with what it imports dynamically). */
  async #import(specifier: string, importer: Importer, from: ModuleRecord | undefined): Promise<unknown> {
    const resolved = resolveModule(String(specifier), importer, "import");
    if (resolved.kind !== "project") return this.#importOther(resolved);
    const record = this.#record(resolved.file);
    if (from !== undefined) this.#connect(from, record, false);
    await this.#link(record, new Set());
    return this.#namespace(record);
  }

  /** `require()`: synchronous; what ES modules import comes preloaded. */
  #require(specifier: string, importer: Importer, from: ModuleRecord | undefined, mode: "import" | "require"): unknown {
    const preloaded = from?.preloaded.get(specifier);
    if (preloaded !== undefined) return preloaded;
    const resolved = resolveModule(specifier, importer, mode);
    switch (resolved.kind) {
      case "builtin":
        return nodeRequire(importer.directory)(resolved.specifier);
      case "runtime":
        if (resolved.subpath === ".") return this.host.runtime;
        throw new Error(`greenlet-ts${resolved.subpath.slice(1)} is an ES module: import it instead of require()`);
      case "url":
        throw new Error(`${specifier}: a data: URL can be imported, not required`);
      case "package":
        return nodeRequire(importer.directory)(resolved.file);
      case "project": {
        const dependency = this.#record(resolved.file);
        if (from !== undefined) this.#connect(from, dependency);
        if (dependency.state === "linking") {
          if (dependency.compiled!.async) throw requireAsyncModule(this.#display(dependency.file));
          this.#start(dependency);
          dependency.state = "evaluated";
        }
        // Evaluated, or being evaluated (a cycle): its exports as they are now, as in CommonJS.
        return dependency.module.exports;
      }
    }
  }

  /** Built-ins, this package, installed packages and URLs: node loads them. */
  async #importOther(resolved: Exclude<Resolved, { kind: "project" }>): Promise<unknown> {
    switch (resolved.kind) {
      case "builtin":
        return import(resolved.specifier);
      case "runtime":
        return resolved.subpath === "." ? this.host.runtime : import(ownEntry(resolved.subpath));
      case "url":
        return import(resolved.url);
      case "package":
        return import(pathToFileURL(resolved.file).href);
    }
  }

  #resolvePath(specifier: string, importer: Importer): string {
    const resolved = resolveModule(String(specifier), importer, "require");
    if (resolved.kind === "project" || resolved.kind === "package") return resolved.file;
    if (resolved.kind === "builtin") return resolved.specifier;
    return resolved.kind === "url" ? resolved.url : `greenlet-ts${resolved.subpath.slice(1)}`;
  }

  #connect(importer: ModuleRecord, dependency: ModuleRecord, reloadsWith = true): void {
    importer.imported.add(dependency);
    if (reloadsWith) dependency.importers.add(importer);
  }

  #forget(record: ModuleRecord): void {
    if (this.#records.get(record.file) === record) this.#records.delete(record.file);
    for (const dependency of record.imported) dependency.importers.delete(record);
  }

  #importerOf(record: ModuleRecord): Importer {
    return { directory: path.dirname(record.file), name: record.file };
  }

  /**
   * What `import` gives for a module: its exports with live bindings, shown
   * as node shows a module namespace. A CommonJS module's exports are its
   * default export, and their properties are named exports too.
   */
  #namespace(record: ModuleRecord): object {
    if (record.namespace !== undefined) return record.namespace;
    const exports = record.module.exports as Record<string, unknown> | null;
    const esm = record.compiled?.esm === true && exports !== null && typeof exports === "object" && exports.__esModule === true;
    const names = new Set<string>(exports !== null && typeof exports === "object" ? Object.keys(exports) : []);
    const namespace = Object.create(null) as Record<string | symbol, unknown>;
    if (!esm) {
      names.delete("default");
      Object.defineProperty(namespace, "default", { enumerable: true, get: () => record.module.exports });
    }
    for (const name of [...names].sort()) {
      Object.defineProperty(namespace, name, { enumerable: true, get: () => (record.module.exports as Record<string, unknown>)[name] });
    }
    Object.defineProperty(namespace, Symbol.toStringTag, { value: "Module" });
    Object.defineProperty(namespace, INSPECT, {
      value: (_depth: number, options: object) => {
        const values = Object.create(null) as Record<string, unknown>;
        for (const name of Object.keys(namespace)) values[name] = namespace[name];
        return `[Module: null prototype] ${inspect(values, options).replace(/^\[Object: null prototype\] /, "")}`;
      },
    });
    Object.preventExtensions(namespace);
    return (record.namespace = namespace);
  }

  #sourcePositions(record: ModuleRecord): SourcePositions {
    const positions = compiledModulePositions(record.compiled!);
    return {
      filename: this.#display(record.file),
      // Never undefined for a module (no line is the engine's but the wrapper's last, where no frame is).
      original: (line, column) => positions.original(line, column) ?? { line, column },
    };
  }

  /**
   * A file as errors and stacks show it: relative to the working directory
   * (where the kernel or the doctest command was started) when inside it.
   */
  #display(file: string): string {
    const relative = path.relative(process.cwd(), file);
    return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
  }
}

function parseJson(source: string, file: string): unknown {
  try {
    return JSON.parse(source.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw new SyntaxError(`${file}: ${(error as Error).message}`);
  }
}

/** Would `require()` load this file (a CommonJS file of an installed package)? */
function isCommonJs(resolved: Resolved): boolean {
  if (resolved.kind !== "package") return false;
  const file = resolved.file.toLowerCase();
  if (file.endsWith(".cjs") || file.endsWith(".json") || file.endsWith(".node")) return true;
  if (file.endsWith(".mjs")) return false;
  return nearestPackage(path.dirname(resolved.file))?.manifest.type !== "module";
}
