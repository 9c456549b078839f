import { existsSync } from "node:fs";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import * as runtime from "../index.js";
import { collect } from "../index.js";
import { anythingToCollect } from "../counts.js";
import { isMainRunning } from "../engine-hooks.js";
import { installOutputCapture } from "./capture.js";
import { cellError, Interrupted } from "./cell-error.js";
import { activeOwner, currentOwner, enterExecution, leaveExecution, runAs, type CellOwner, type CellSink } from "./cell-store.js";
import { createCellContext, INVOKE_FUNCTION, setInvocation } from "./context.js";
import { DEBUG_HELPER, installDebugHelper, type DebugHelper } from "./debug-helper.js";
import { isError, isThenable } from "./guards.js";
import { bundleOf } from "./display.js";
import { makeDisplay } from "./display-function.js";
import { cellFinished, cellStarted, drive, evaluate, interruptsReady, stopDriving, type Drivable } from "./driver.js";
import { CellEvents } from "./event-order.js";
import type { CellError, CellId, CellOutcome, EngineEvent, EngineListener, MimeBundle } from "./events.js";
import { toCell, transpileCell, type CellScript } from "./object-literal.js";
import { runtimeGlobals, type SessionGlobal } from "./prebound.js";
import { ProjectModules } from "./project/project-modules.js";
import type { Importer } from "./project/resolve.js";
import { bindLive } from "./live-bindings.js";
import { BIND_IMPORTS, IMPORT_FUNCTION, IMPORT_META, REPL_NAMES, replTransform, type ReplName } from "./repl-transform.js";
import { CellSource, type PositionSource } from "./source-map.js";
import { complete, type Completions } from "./introspection/completion.js";
import { inspect, type Inspection } from "./introspection/inspection.js";
import { isComplete, type Completeness } from "./introspection/is-complete.js";
import { CellLanguageService } from "./introspection/language-service.js";

export interface SessionOptions {
  /** Where `import` and `require` resolve from; default: the process's working directory. */
  cwd?: string;
  /** Run collect() after each cell when greenlets or finalizers are alive (default true). */
  autoCollect?: boolean;
  /** More names to pre-bind in the context (the kernel adds input, comms, ...). */
  globals?: Record<string, unknown>;
  /** Called with every event of the session. */
  onEvent?: EngineListener;
  /**
   * Type-check each cell before it runs: "warn" prints the type errors on
   * the cell's stderr and runs it anyway (a REPL should not refuse to run
   * what JavaScript can run); "off" (the default) never loads TypeScript.
   */
  typeCheck?: "off" | "warn";
  /** TypeScript declarations of the extra `globals`, for completion and type checking. */
  declarations?: string;
  /**
   * Make cells interruptible (default true): a thread parked in the
   * background keeps SIGINT for the engine. A tool that never interrupts
   * (a doctest run without a timeout) turns it off and starts faster;
   * SIGINT then ends the process as usual.
   */
  interrupts?: boolean;
}

export interface ExecuteOptions {
  /** The file name stack traces show for this cell (default `cell[N]`). */
  filename?: string;
  /** Lines before the cell in its file, added to the lines in stack traces. */
  lineOffset?: number;
  /**
   * The name the cell's script is compiled under (default
   * `${filename}#${cell}`): what a debugger attached through the inspector
   * sets breakpoints by. V8 reports an absolute path as a `file://` URL
   * (percent-encoded, as pathToFileURL makes it) in `Debugger.scriptParsed`,
   * and any other name as it is. Stack traces still show `filename`: the
   * cell's positions are registered under this name, the newest cell run
   * under it winning (the same code may run again under the same name).
   */
  scriptName?: string;
  /**
   * Whether the cell's echoed value becomes `_` and what it throws `_error`
   * (default true). A kernel's silent requests and user expressions pass
   * false: the user's `_` is the last value they saw.
   */
  updateUnderscore?: boolean;
}

/** What `_` or `_error` holds; `user`: the user took the name over, and the session no longer sets it. */
interface ReplValue {
  value: unknown;
  user: boolean;
}

let sessionCount = 0;

/** The function behind bindExports(), called by the cell it runs. */
const BIND_FUNCTION = "__greenlet_bind_exports__";

/**
 * V8 keeps every script it compiles in its compilation cache, keyed by the
 * source, to compile the same source again faster. Cells are new sources
 * each time, so the cache never helps them, and it grew by about 0.9 KB a
 * cell without end (measured: heap +13.9 MB over 10,000 small cells with
 * it, +5.0 MB without). Turned off for the process once a session exists.
 */
function stopCompilationCache(): void {
  if (sessionCount === 0) v8.setFlagsFromString("--no-compilation-cache");
}

/**
 * A REPL-style session: a fresh global context in which TypeScript cells run
 * one after another on the greenlet runtime and keep their state. Knows
 * nothing of Jupyter or Markdown: it reports typed events and outcomes.
 */
export class Session implements Drivable, CellSink {
  /** Run collect() after each cell when greenlets or finalizers are alive. */
  autoCollect: boolean;
  readonly cwd: string;
  readonly #context: vm.Context;
  /**
   * The context's global object and its Promise, taken once: getting them
   * evaluates code in the context, which must not happen while a cell runs
   * (the context's promise jobs would run in the middle of the cell).
   */
  readonly #global: Record<string, unknown>;
  readonly #ContextPromise: PromiseConstructor;
  readonly #events = new CellEvents();
  readonly #sources = new Map<string, CellSource>();
  readonly #drainScript = new vm.Script("undefined");
  readonly #invokeScript = new vm.Script(`${INVOKE_FUNCTION}()`);
  #counter = 0;
  #queue: Promise<unknown> = Promise.resolve();
  /** The cell executing now and how to fail it from outside (an interrupt). */
  #running: { owner: CellOwner; fail: (error: Interrupted) => void } | undefined;
  #closed = false;
  readonly #replValues: Record<ReplName, ReplValue> = { _: { value: undefined, user: false }, _error: { value: undefined, user: false } };
  readonly #types: CellLanguageService;
  typeCheck: "off" | "warn";
  /** The project's own modules that cells import (TypeScript sources among them). */
  readonly modules: ProjectModules;

  constructor(options: SessionOptions = {}) {
    stopCompilationCache();
    this.cwd = options.cwd ?? process.cwd();
    this.autoCollect = options.autoCollect ?? true;
    this.typeCheck = options.typeCheck ?? "off";
    this.#types = new CellLanguageService(this.cwd, options.declarations);
    if (options.onEvent) this.#events.listen(options.onEvent);
    installOutputCapture();
    const session = this;
    this.modules = new ProjectModules(
      {
        get context() {
          return session.#context;
        },
        runtime,
        call: (fn, thisArg, args) => {
          setInvocation(this.#context, fn, args, thisArg);
          return evaluate(this.#invokeScript, this.#context);
        },
        settle: (promise) => this.#settle(promise),
      },
      this.cwd,
    );
    // Named in errors as node names an importer: the page of a doctest example, or the cell.
    const cellImporter: Importer = { directory: this.cwd, get name() { return session.#importerName(); } };
    this.#context = createCellContext({
      name: `greenlet-ts session ${++sessionCount}`,
      globals: {
        ...runtimeGlobals(),
        ...this.#sessionGlobals(cellImporter),
        // What the transformed cells call into the session with.
        [IMPORT_FUNCTION]: (specifier: string) => this.modules.import(specifier, cellImporter),
        [BIND_FUNCTION]: async (specifier: string) => this.#bind(await this.modules.import(specifier, cellImporter)),
        [BIND_IMPORTS]: (namespace: Record<string, unknown>, names: Record<string, string>) => bindLive(this.#global, namespace, names),
        [IMPORT_META]: { url: new URL(`file://${this.cwd}/`).href, dirname: this.cwd },
        ...options.globals,
      },
      runCallback: (owner, callback, args) => this.#invokeLater(owner, callback, args),
      // As for output: a greenlet's code works for the cell that switched into it.
      currentOwner: () => currentOwner(isMainRunning()),
    });
    this.#global = vm.runInContext("globalThis", this.#context) as Record<string, unknown>;
    this.#ContextPromise = this.#global.Promise as PromiseConstructor;
    this.#defineReplNames();
    // Last: what the context holds now is the engine's, and the helper tells the user's globals from it.
    installDebugHelper(this.#global, {
      claimed: (name) => this.#replValues[name].user,
      modules: () => this.modules.sourceFiles(),
      cellSource: (scriptName) => this.#sources.get(scriptName)?.code,
    });
    drive(this, options.interrupts ?? true);
  }

  /** The session's own pre-bound names: each is declared for the language service in prebound.ts, and this type makes the two lists agree. */
  #sessionGlobals(cellImporter: Importer): Record<SessionGlobal, unknown> {
    return {
      display: makeDisplay({
        events: this.#events,
        callingCell: () => this.#callingCell(),
        // Taken when display() is called: the context does not exist yet.
        contextPromise: () => this.#ContextPromise,
      }),
      clearOutput: (wait = false) => this.#emitFromCell((cell) => ({ kind: "clear", cell, wait: Boolean(wait) })),
      // The cell-side switch for the option below: a notebook can show CPython's collection order.
      autoCollect: (on?: boolean): boolean => {
        if (on !== undefined) this.autoCollect = Boolean(on);
        return this.autoCollect;
      },
      // And for type checking: a notebook turns the language service's warnings on for its cells.
      typeCheck: (on?: boolean): boolean => {
        if (on !== undefined) this.typeCheck = on ? "warn" : "off";
        return this.typeCheck === "warn";
      },
      require: this.modules.requireFunction(cellImporter),
    };
  }

  /**
   * Imports a module and makes each of its named exports a global of the
   * session, as `deno test --doc` does for a file's examples. It runs as a
   * cell of its own, so that what the module prints and an error it throws
   * are that cell's. The bindings are live (a module's `let` read later is
   * its value then); a cell that declares the same name replaces it.
   */
  bindExports(specifier: string, options: ExecuteOptions = {}): Promise<CellOutcome> {
    return this.execute(`await ${BIND_FUNCTION}(${JSON.stringify(specifier)})`, options);
  }

  /** Listens to the session's events; returns the function that stops listening. */
  on(listener: EngineListener): () => void {
    return this.#events.listen(listener);
  }

  /** How many cells have been executed (the id of the last one). */
  get executionCount(): number {
    return this.#counter;
  }

  /** The context's global object, for tools that inspect what cells defined. */
  get globals(): Record<string, unknown> {
    return this.#global;
  }

  /** Runs a cell after the ones already queued; resolves when it has finished. */
  execute(code: string, options: ExecuteOptions = {}): Promise<CellOutcome> {
    if (this.#closed) return Promise.reject(new Error("the session is closed"));
    const cell = ++this.#counter;
    const run = this.#queue.then(() => interruptsReady()).then(() => this.#run(cell, code, options));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Interrupts the executing cell: sends SIGINT to this process, which breaks
   * into a running evaluation or, between evaluations, fails the awaiting
   * cell. From another thread, `process.kill(process.pid, "SIGINT")` does the same.
   */
  interrupt(): void {
    process.kill(process.pid, "SIGINT");
  }

  /**
   * Completions at `cursor` (counted in Unicode code points, as Jupyter does),
   * from the TypeScript language service over the cells run so far, or from
   * the runtime values when the types know nothing.
   */
  complete(code: string, cursor: number = [...code].length): Completions {
    return complete(this.#types, this.globals, code, cursor);
  }

  /** The type, signature and documentation of the name at `cursor` (code points); detail 1 adds the value. */
  inspect(code: string, cursor: number = [...code].length, detail: 0 | 1 = 0): Inspection {
    return inspect(this.#types, this.globals, code, cursor, detail);
  }

  /** Whether `code` is complete, needs more lines (with the indent for the next one), or is invalid. */
  isComplete(code: string): Completeness {
    return isComplete(code);
  }

  /** Has the TypeScript language service been loaded (it is loaded on first use only)? */
  get languageServiceLoaded(): boolean {
    return this.#types.loaded;
  }

  /**
   * Ends the session as Python's doctest ends a test (it clears the test's
   * globals): the user's globals are let go, then, if greenlets or finalizers
   * are alive, one collection runs (auto-collect on or off) as a last cell of
   * this session, so that a suspended greenlet held only by a global gets
   * GreenletExit now, while its output is still this session's. Without
   * this, such a greenlet keeps the whole context alive (its state is held
   * by the runtime's registry, and its frames reach the global holding it).
   * Then close().
   */
  async end(): Promise<void> {
    if (this.#closed) return;
    const ending = this.#queue.then(() => this.#releaseGlobals());
    this.#queue = ending.catch(() => undefined);
    await this.#queue;
    this.close();
  }

  async #releaseGlobals(): Promise<void> {
    for (const name of Object.keys(this.#debugHelper().userGlobals())) {
      // A declared global (`var`, or a cell's `let` made one) cannot be deleted, only emptied.
      if (!Reflect.deleteProperty(this.#global, name)) Reflect.set(this.#global, name, undefined);
    }
    for (const name of REPL_NAMES) this.#replValues[name].value = undefined;
    if (!anythingToCollect()) return;
    const owner: CellOwner = { cell: ++this.#counter, sink: this, filename: `cell[${this.#counter}]` };
    enterExecution(owner);
    try {
      await runAs(owner, () => collect());
    } finally {
      leaveExecution(owner);
    }
  }

  #debugHelper(): DebugHelper {
    return this.#global[DEBUG_HELPER] as DebugHelper;
  }

  /** Stops the session: no more cells; timers it started keep running until they end. */
  close(): void {
    this.#closed = true;
    stopDriving(this);
  }

  // --- Drivable -------------------------------------------------------------

  drain(): void {
    evaluate(this.#drainScript, this.#context);
  }

  failExecuting(error: Interrupted): void {
    this.#running?.fail(error);
  }

  // --- CellSink ---------------------------------------------------------------

  write(cell: CellId, name: "stdout" | "stderr", text: string): void {
    this.#events.emit({ kind: "stream", cell, name, text });
  }

  lateError(cell: CellId, error: unknown): void {
    const described = this.#describe(error);
    // As in the Node REPL, where an error thrown later by a timer is `_error` too.
    if (!this.#replValues._error.user) this.#replValues._error.value = described.value;
    this.#events.emit({ kind: "error", cell, error: described, late: true });
  }

  // --- cells ------------------------------------------------------------------

  async #run(cell: CellId, code: string, options: ExecuteOptions): Promise<CellOutcome> {
    const filename = options.filename ?? `cell[${cell}]`;
    const owner: CellOwner = { cell, sink: this, filename };
    const underscore = options.updateUnderscore ?? true;
    const interrupted = new Promise<never>((_, reject) => {
      this.#running = { owner, fail: reject };
    });
    interrupted.catch(() => undefined);
    enterExecution(owner);
    cellStarted();
    let outcome: CellOutcome;
    try {
      const { value, data } = await runAs(owner, () => this.#evaluateCell(owner, code, filename, options, interrupted));
      if (data !== undefined) {
        if (underscore && !this.#replValues._.user) this.#replValues._.value = value;
        this.#events.emit({ kind: "result", cell, data, metadata: {}, value });
      }
      outcome = data === undefined ? { status: "ok", cell, value } : { status: "ok", cell, value, data };
    } catch (thrown) {
      const error = this.#describe(thrown, filename, options.lineOffset ?? 0);
      if (underscore && !this.#replValues._error.user) this.#replValues._error.value = error.value;
      if (thrown instanceof Interrupted) {
        // What the cell left waiting on a timer stops here (a loop awaiting a timer, as Ctrl-C stops it in Python).
        owner.interrupted = true;
        // Displays still waiting for their bundles are shown when they come, if they come; an
        // interrupt stops every cell's output from waiting for them (a finished cell's timer may have started one).
        this.#events.abandonAll();
        this.#events.emit({ kind: "error", cell, error, late: false });
        outcome = { status: "interrupted", cell, error };
      } else {
        // Behind the cell's displays still coming, if any; the cell ends when they are shown.
        this.#events.emit({ kind: "error", cell, error, late: false });
        if (this.#events.holds(cell)) await Promise.race([this.#events.whenFlushed(cell), interrupted]).catch(() => this.#events.abandon(cell));
        outcome = { status: "error", cell, error };
      }
    } finally {
      this.#running = undefined;
      leaveExecution(owner);
      cellFinished();
    }
    return outcome;
  }

  async #evaluateCell(owner: CellOwner, code: string, filename: string, options: ExecuteOptions, interrupted: Promise<never>): Promise<{ value: unknown; data?: MimeBundle }> {
    const lineOffset = options.lineOffset ?? 0;
    const typescript = transpileCell(code, filename);
    if (this.typeCheck === "warn") this.#warnTypes(owner, typescript, filename, lineOffset);
    const script = replTransform(typescript.code);
    // Cells may share a file name (a document's examples): the script's own name tells them apart.
    const scriptName = options.scriptName ?? `${filename}#${owner.cell}`;
    this.#sources.set(scriptName, new CellSource(filename, code, lineOffset));
    const compiled = new vm.Script(script.code, { filename: scriptName });
    for (const name of script.declaresReplNames) this.#claim(name);
    let value = evaluate(compiled, this.#context);
    if (isThenable(value)) value = await Promise.race([this.#settle(value), interrupted]);
    this.#types.record(typescript.source);
    if (this.autoCollect && anythingToCollect()) await Promise.race([collect(), interrupted]);
    // An error shown as a result gets the same stack as a thrown one: cell positions, no engine frames.
    if (isError(value)) this.#describe(value);
    let data = value === undefined ? undefined : bundleOf(value, undefined, (promise) => this.#settle(promise));
    if (data instanceof Promise) data = await Promise.race([data, interrupted]);
    // The displays the cell started belong to it: it ends once they are shown.
    if (this.#events.holds(owner.cell)) await Promise.race([this.#events.whenFlushed(owner.cell), interrupted]);
    return { value, data: data as MimeBundle | undefined };
  }

  /** Type errors of a cell, on its stderr, before it runs anyway. */
  #warnTypes(owner: CellOwner, typescript: CellScript, filename: string, lineOffset: number): void {
    for (const d of this.#types.diagnostics(typescript.source)) {
      // An error in a project file the cells import names that file (each version of it once).
      if (d.file !== undefined) {
        this.write(owner.cell, "stderr", `${d.file}:${d.line}:${d.column} - ${d.category} TS${d.code}: ${d.message}\n`);
        continue;
      }
      const at = toCell(typescript.wrap, d.line - 1, d.column - 1);
      this.write(owner.cell, "stderr", `${filename}:${at.line + 1 + lineOffset}:${at.column + 1} - ${d.category} TS${d.code}: ${d.message}\n`);
    }
  }

  // --- _ and _error -------------------------------------------------------------

  /**
   * `_` is the last value a cell echoed and `_error` the last error thrown,
   * as in the Node REPL: accessors on the context's global object. The
   * first assignment to one (`_ = 5`, `var _ = 5`) makes it the user's
   * variable, with node's message; a `let`, `const`, `class`, `function` or
   * `import` that declares it makes it theirs silently (see #claim).
   */
  #defineReplNames(): void {
    for (const name of REPL_NAMES) {
      const slot = this.#replValues[name];
      Object.defineProperty(this.#global, name, {
        configurable: true,
        enumerable: false,
        get: () => slot.value,
        set: (value: unknown) => {
          slot.value = value;
          if (!slot.user) {
            slot.user = true;
            // Written by the cell's code: it is the cell's output, as node writes it to the REPL's.
            process.stdout.write(`Expression assignment to ${name} now disabled.\n`);
          }
        },
      });
    }
  }

  /**
   * A cell declares `_` (or `_error`): the transform turned the declaration
   * into a `var` or an assignment, which would go through the accessor, so
   * the name becomes a plain variable of the context first, as a lexical
   * declaration would shadow it in the Node REPL.
   */
  #claim(name: ReplName): void {
    const slot = this.#replValues[name];
    if (slot.user) return;
    slot.user = true;
    slot.value = undefined;
    Object.defineProperty(this.#global, name, { value: undefined, writable: true, enumerable: true, configurable: true });
  }

  /**
   * A promise of the context, settled for the host: the reaction that
   * `then` adds waits in the context's queue, so the context is drained at once.
   */
  #settle(value: PromiseLike<unknown>): Promise<unknown> {
    const settled = new Promise<unknown>((resolve, reject) => {
      value.then(resolve, reject);
    });
    this.drain();
    return settled;
  }

  /** A timer callback of a cell: evaluated in the context; an error it throws is the cell's late error. */
  #invokeLater(owner: CellOwner | undefined, callback: (...args: unknown[]) => unknown, args: unknown[]): boolean {
    if (this.#closed || owner?.interrupted) return false;
    setInvocation(this.#context, callback, args);
    try {
      runAs(owner, () => evaluate(this.#invokeScript, this.#context));
    } catch (error) {
      if (error instanceof Interrupted && owner !== undefined) {
        // Its timers stop too: an interval that spins would be back at its next tick.
        owner.interrupted = true;
        // An interrupt has failed the executing cell already; a timer of an older cell reports it late.
        if (owner === this.#running?.owner) return false;
        owner.sink.lateError(owner.cell, error);
        return false;
      }
      if (owner !== undefined) owner.sink.lateError(owner.cell, error);
      else process.stderr.write(`Uncaught error in a timer: ${String((error as Error)?.stack ?? error)}\n`);
    }
    return true;
  }

  #describe(thrown: unknown, filename?: string, lineOffset = 0): CellError {
    return cellError(thrown, (script) => this.#positions(script), filename, lineOffset);
  }

  /** bindExports(): every named export, under its own name. */
  #bind(namespace: unknown): undefined {
    const exports = namespace as Record<string, unknown>;
    const names = Object.fromEntries(Object.keys(exports).filter((name) => name !== "default").map((name) => [name, name]));
    return bindLive(this.#global, exports, names);
  }

  #positions(script: string): PositionSource | undefined {
    return this.#sources.get(script) ?? this.modules.positions(script);
  }

  /**
   * Who imports, for an error that names the importer as node would: the
   * page a doctest example is on (its absolute path), or the cell.
   */
  #importerName(): string {
    const owner = activeOwner() ?? this.#running?.owner;
    const name = owner?.filename;
    if (name === undefined) return this.cwd;
    // A page is named as the doctest command was given it: relative to the working directory.
    const file = path.resolve(name);
    return existsSync(file) ? file : name;
  }

  /** The cell that owns the current code (or the executing one), if it is this session's. */
  #callingCell(): CellId | undefined {
    const owner = activeOwner() ?? this.#running?.owner;
    return owner === undefined || owner.sink !== this ? undefined : owner.cell;
  }

  /** An event for the cell that owns the current code (or the executing one). */
  #emitFromCell(make: (cell: CellId) => EngineEvent): void {
    const cell = this.#callingCell();
    if (cell !== undefined) this.#events.emit(make(cell));
  }
}

export type { MimeBundle };
