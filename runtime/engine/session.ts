import { types } from "node:util";
import v8 from "node:v8";
import vm from "node:vm";
import * as runtime from "../index.js";
import { collect, runtimeCounts } from "../index.js";
import { installOutputCapture, withoutCapture } from "./capture.js";
import { cellError, Interrupted } from "./cell-error.js";
import { isMainRunning } from "../greenlet.js";
import { activeOwner, currentOwner, enterExecution, leaveExecution, runAs, type CellOwner, type CellSink } from "./cell-store.js";
import { createCellContext, INVOKE_FUNCTION, setInvocation } from "./context.js";
import { bundleOf, type DisplayOptions } from "./display.js";
import { cellFinished, cellStarted, drive, evaluate, interruptsReady, stopDriving, type Drivable } from "./driver.js";
import type { CellError, CellId, CellOutcome, EngineEvent, EngineListener, MimeBundle } from "./events.js";
import { makeImporter } from "./modules.js";
import { IMPORT_FUNCTION, IMPORT_META, replTransform } from "./repl-transform.js";
import { CellSource } from "./source-map.js";
import { transpile } from "./transpile.js";
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
}

let sessionCount = 0;

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
  readonly #listeners = new Set<EngineListener>();
  readonly #sources = new Map<string, CellSource>();
  readonly #drainScript = new vm.Script("undefined");
  readonly #invokeScript = new vm.Script(`${INVOKE_FUNCTION}()`);
  #counter = 0;
  #queue: Promise<unknown> = Promise.resolve();
  /** The cell executing now and how to fail it from outside (an interrupt). */
  #running: { owner: CellOwner; fail: (error: Interrupted) => void } | undefined;
  #closed = false;
  readonly #types: CellLanguageService;
  typeCheck: "off" | "warn";

  constructor(options: SessionOptions = {}) {
    stopCompilationCache();
    this.cwd = options.cwd ?? process.cwd();
    this.autoCollect = options.autoCollect ?? true;
    this.typeCheck = options.typeCheck ?? "off";
    this.#types = new CellLanguageService(this.cwd, options.declarations);
    if (options.onEvent) this.#listeners.add(options.onEvent);
    installOutputCapture();
    const display = this.#makeDisplay();
    this.#context = createCellContext({
      cwd: this.cwd,
      name: `greenlet-ts session ${++sessionCount}`,
      globals: {
        ...runtimeGlobals(),
        display,
        clearOutput: (wait = false) => this.#emitFromCell((cell) => ({ kind: "clear", cell, wait: Boolean(wait) })),
        // The cell-side switch for the option below: a notebook can show CPython's collection order.
        autoCollect: (on?: boolean): boolean => {
          if (on !== undefined) this.autoCollect = Boolean(on);
          return this.autoCollect;
        },
        [IMPORT_FUNCTION]: makeImporter(this.cwd, runtime),
        [IMPORT_META]: { url: new URL(`file://${this.cwd}/`).href },
        ...options.globals,
      },
      runCallback: (owner, callback, args) => this.#invokeLater(owner, callback, args),
      // As for output: a greenlet's code works for the cell that switched into it.
      currentOwner: () => currentOwner(isMainRunning()),
    });
    drive(this, options.interrupts ?? true);
  }

  /** Listens to the session's events; returns the function that stops listening. */
  on(listener: EngineListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** How many cells have been executed (the id of the last one). */
  get executionCount(): number {
    return this.#counter;
  }

  /** The context's global object, for tools that inspect what cells defined. */
  get globals(): Record<string, unknown> {
    return vm.runInContext("globalThis", this.#context) as Record<string, unknown>;
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
    this.#emit({ kind: "stream", cell, name, text });
  }

  lateError(cell: CellId, error: unknown): void {
    this.#emit({ kind: "error", cell, error: this.#describe(error), late: true });
  }

  // --- cells ------------------------------------------------------------------

  async #run(cell: CellId, code: string, options: ExecuteOptions): Promise<CellOutcome> {
    const owner: CellOwner = { cell, sink: this };
    const filename = options.filename ?? `cell[${cell}]`;
    enterExecution(owner);
    cellStarted();
    let outcome: CellOutcome;
    try {
      const value = await runAs(owner, () => this.#evaluateCell(owner, code, filename, options.lineOffset ?? 0));
      // An error shown as a result gets the same stack as a thrown one: cell positions, no engine frames.
      if (isErrorLike(value)) this.#describe(value);
      const data = value === undefined ? undefined : bundleOf(value);
      if (data !== undefined) this.#emit({ kind: "result", cell, data, metadata: {}, value });
      outcome = data === undefined ? { status: "ok", cell, value } : { status: "ok", cell, value, data };
    } catch (thrown) {
      const error = this.#describe(thrown, filename, options.lineOffset ?? 0);
      this.#emit({ kind: "error", cell, error, late: false });
      if (thrown instanceof Interrupted) {
        // What the cell left waiting on a timer stops here (a loop awaiting a timer, as Ctrl-C stops it in Python).
        owner.interrupted = true;
        outcome = { status: "interrupted", cell, error };
      } else {
        outcome = { status: "error", cell, error };
      }
    } finally {
      this.#running = undefined;
      leaveExecution(owner);
      cellFinished();
    }
    return outcome;
  }

  async #evaluateCell(owner: CellOwner, code: string, filename: string, lineOffset: number): Promise<unknown> {
    const interrupted = new Promise<never>((_, reject) => {
      this.#running = { owner, fail: reject };
    });
    interrupted.catch(() => undefined);
    const typescript = transpile(code, filename);
    if (this.typeCheck === "warn") this.#warnTypes(owner, code, filename, lineOffset);
    const script = replTransform(typescript.code);
    // Cells may share a file name (a document's examples): the script's own name tells them apart.
    const scriptName = `${filename}#${owner.cell}`;
    this.#sources.set(scriptName, new CellSource(filename, code, lineOffset));
    const compiled = new vm.Script(script.code, { filename: scriptName });
    let value = evaluate(compiled, this.#context);
    if (isThenable(value)) value = await Promise.race([this.#settle(value), interrupted]);
    this.#types.record(code);
    if (this.autoCollect) {
      const counts = runtimeCounts();
      if (counts.activeGreenlets > 0 || counts.liveFinalizers > 0) await Promise.race([collect(), interrupted]);
    }
    return value;
  }

  /** Type errors of a cell, on its stderr, before it runs anyway. */
  #warnTypes(owner: CellOwner, code: string, filename: string, lineOffset: number): void {
    for (const d of this.#types.diagnostics(code)) {
      this.write(owner.cell, "stderr", `${filename}:${d.line + lineOffset}:${d.column} - ${d.category} TS${d.code}: ${d.message}\n`);
    }
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
    return cellError(thrown, this.#sources, filename, lineOffset);
  }

  #makeDisplay(): ((value: unknown, options?: DisplayOptions) => DisplayHandle | undefined) & DisplayHelpers {
    const show = (value: unknown, options: DisplayOptions = {}): DisplayHandle | undefined => {
      const data = bundleOf(value, options.mime);
      const metadata = options.metadata ?? {};
      const id = options.id;
      if (options.update) {
        if (id === undefined) throw new TypeError("display(value, { update: true }) needs an id");
        this.#emitFromCell((cell) => ({ kind: "update", cell, data, metadata, displayId: id }));
      } else {
        this.#emitFromCell((cell) => (id === undefined ? { kind: "display", cell, data, metadata } : { kind: "display", cell, data, metadata, displayId: id }));
      }
      return id === undefined ? undefined : { id, update: (next: unknown, more: DisplayOptions = {}) => void show(next, { ...options, ...more, id, update: true }) };
    };
    const helpers: DisplayHelpers = {
      html: (html: string) => void show(html, { mime: "text/html" }),
      markdown: (markdown: string) => void show(markdown, { mime: "text/markdown" }),
      svg: (svg: string) => void show(svg, { mime: "image/svg+xml" }),
      png: (bytes: Uint8Array) => void show(bytes, { mime: "image/png" }),
      jpeg: (bytes: Uint8Array) => void show(bytes, { mime: "image/jpeg" }),
      json: (value: unknown) => void show(value, { mime: "application/json" }),
    };
    return Object.assign(show, helpers);
  }

  /** An event for the cell that owns the current code (or the executing one). */
  #emitFromCell(make: (cell: CellId) => EngineEvent): void {
    const owner = activeOwner() ?? this.#running?.owner;
    if (owner === undefined || owner.sink !== this) return;
    this.#emit(make(owner.cell));
  }

  #emit(event: EngineEvent): void {
    for (const listener of this.#listeners) {
      try {
        withoutCapture(() => listener(event));
      } catch (error) {
        process.stderr.write(`An engine listener failed: ${String((error as Error)?.stack ?? error)}\n`);
      }
    }
  }
}

export interface DisplayHandle {
  id: string;
  update(value: unknown, options?: DisplayOptions): void;
}

export interface DisplayHelpers {
  html(html: string): void;
  markdown(markdown: string): void;
  svg(svg: string): void;
  png(bytes: Uint8Array): void;
  jpeg(bytes: Uint8Array): void;
  json(value: unknown): void;
}

function runtimeGlobals(): Record<string, unknown> {
  const { greenlet, Greenlet, getcurrent, GreenletExit, GreenletError, settrace, gettrace, collect: collectNow, finalize } = runtime;
  return { greenlet, Greenlet, getcurrent, GreenletExit, GreenletError, settrace, gettrace, collect: collectNow, finalize };
}

function isErrorLike(value: unknown): value is Error {
  return value instanceof Error || types.isNativeError(value);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === "object" || typeof value === "function") && typeof (value as { then?: unknown }).then === "function";
}

export type { MimeBundle };
