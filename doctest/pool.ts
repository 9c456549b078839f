import { fork, type ChildProcess } from "node:child_process";
import { writeSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { DocFile, Example } from "./example.js";
import { totals, type ExampleResult, type FileResult } from "./results.js";
import type { RunOptions } from "./runner.js";

// Workers run this very module (see the end): the CLI's own imports would cost each worker's start about 100 ms.
const SELF = fileURLToPath(import.meta.url);

/** Sets the workers' V8 heap limit in MB (`--max-old-space-size`); unset, node's default. */
export const HEAP_LIMIT_ENV = "GREENLET_TS_DOCTEST_HEAP_MB";

/** The line a worker writes to stderr when an example calls process.exit(). */
const EXIT_LINE = /^greenlet-ts doctest worker: (process\.exit\(.*\))$/m;

type ToWorker = { doc: DocFile; run: RunOptions };
type FromWorker =
  | { kind: "started"; line: number }
  | { kind: "output"; text: string }
  | { kind: "finished"; result: ExampleResult }
  | { kind: "done"; result: FileResult }
  | { kind: "failed"; error: string };

export interface PoolHooks {
  /** A file was handed to a worker. */
  onStart?(doc: DocFile): void;
  /** A file is done (in the order they finish). */
  onFile?(result: FileResult): void;
  /** An example or setup block (a passing one too) finished, as its worker reported it. */
  onResult?(result: ExampleResult): void;
}

/**
 * Runs files in N worker processes, one file at a time per worker, so that
 * an example that calls process.exit(), exhausts memory, crashes node or
 * never ends fails its own file only. A worker is reused for file after
 * file; one that died is replaced. Results come back in the order the files
 * were given; with --fail-fast no file is started after a failure.
 *
 * The timeout is kept here, not in the worker: an example that overruns it
 * gets its worker killed (whatever it is stuck in, a loop or a blocking
 * call), and only a timeout pays for a new worker; a worker needs no timer
 * or interrupt threads, which would cost each worker's start about 150 ms.
 */
export async function runInWorkers(docs: readonly DocFile[], run: RunOptions, jobs: number, hooks: PoolHooks = {}): Promise<FileResult[]> {
  const results: (FileResult | undefined)[] = new Array(docs.length);
  const execArgv = workerExecArgv();
  let next = 0;
  let stopped = false;
  const lane = async (): Promise<void> => {
    let worker: Worker | undefined;
    while (!stopped && next < docs.length) {
      const index = next++;
      const doc = docs[index]!;
      hooks.onStart?.(doc);
      worker ??= new Worker(execArgv);
      let result = await worker.check(doc, run, hooks.onResult);
      if (worker.diedBeforeFile) {
        // Killed by something an earlier file left running (a timer calling process.exit): not this file's doing.
        worker = new Worker(execArgv);
        result = await worker.check(doc, run, hooks.onResult);
      }
      if (!worker.alive) worker = undefined;
      results[index] = result;
      hooks.onFile?.(result);
      if (run.failFast && totals([result]).failed > 0) stopped = true;
    }
    worker?.close();
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, docs.length)) }, lane));
  return results.filter((result): result is FileResult => result !== undefined);
}

function workerExecArgv(): string[] {
  const heap = process.env[HEAP_LIMIT_ENV];
  if (heap === undefined || heap === "") return ["--expose-gc"];
  if (!/^[1-9]\d*$/.test(heap)) throw new Error(`${HEAP_LIMIT_ENV} takes a whole number of megabytes, not "${heap}"`);
  return ["--expose-gc", `--max-old-space-size=${heap}`];
}

/** Where a worker is in its file, from what it has said. */
interface Progress {
  /** The example or setup block started last. */
  line?: number;
  running: boolean;
  /** What the running one has printed so far. */
  output: string;
  /** What has finished (passing setup blocks left out, as runFile does). */
  finished: ExampleResult[];
}

/** The parent's side of one worker process. */
class Worker {
  readonly #child: ChildProcess;
  /** Its stderr since the current file was handed over (the tail, to explain a crash). */
  #stderr = "";
  readonly #stderrClosed: Promise<void>;
  #exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Has it ever sent a message (it is up, so a silence can be timed)? */
  #heard = false;
  /** It was up when it got the current file, and died before saying anything about it. */
  diedBeforeFile = false;

  constructor(execArgv: string[]) {
    this.#child = fork(SELF, [], { execArgv, stdio: ["ignore", "ignore", "pipe", "ipc"] });
    this.#child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-65536);
    });
    this.#stderrClosed = new Promise((resolve) => this.#child.stderr!.on("close", resolve));
    this.#child.on("exit", (code, signal) => (this.#exited = { code, signal }));
    // A failed fork shows as an exit too; the error itself needs a listener.
    this.#child.on("error", () => undefined);
  }

  get alive(): boolean {
    return this.#exited === undefined && this.#child.connected;
  }

  /** Nothing more is wanted from it: whatever its examples left running (a spinning timer even) ends with it. */
  close(): void {
    this.#child.kill("SIGKILL");
  }

  check(doc: DocFile, run: RunOptions, onResult?: (result: ExampleResult) => void): Promise<FileResult> {
    const child = this.#child;
    const progress: Progress = { running: false, output: "", finished: [] };
    const timeout = run.timeoutMs ?? 0;
    const warm = this.#heard;
    let heardOfFile = false;
    let killed: "timeout" | "silence" | undefined;
    let timer: NodeJS.Timeout | undefined;
    this.#stderr = "";
    this.diedBeforeFile = false;

    // Restarted by every message: an example running, or a worker silent between examples, that long is stuck.
    const arm = (): void => {
      clearTimeout(timer);
      if (timeout <= 0) return;
      timer = setTimeout(() => {
        killed = progress.running ? "timeout" : "silence";
        child.kill("SIGKILL");
      }, timeout);
    };

    return new Promise((resolve) => {
      const settle = (result: FileResult): void => {
        clearTimeout(timer);
        child.off("message", onMessage);
        child.off("exit", onExit);
        resolve(result);
      };
      const onMessage = (message: FromWorker): void => {
        this.#heard = heardOfFile = true;
        switch (message.kind) {
          case "started":
            Object.assign(progress, { line: message.line, running: true, output: "" });
            arm();
            break;
          case "output":
            progress.output += message.text;
            break;
          case "finished":
            progress.running = false;
            if (!(message.result.setup && message.result.status === "passed")) progress.finished.push(message.result);
            onResult?.(message.result);
            arm();
            break;
          case "done":
            settle(message.result);
            break;
          case "failed":
            settle({ file: doc.file, results: progress.finished, warnings: doc.warnings, error: `the runner failed:\n${message.error}` });
            break;
        }
      };
      const onExit = (): void => {
        clearTimeout(timer);
        // The last lines of stderr may still be on their way; a grandchild holding the pipe open is not waited for.
        void Promise.race([this.#stderrClosed, new Promise((resolve) => setTimeout(resolve, 1000))]).then(() => {
          this.diedBeforeFile = warm && !heardOfFile;
          settle(killed === "timeout" ? timedOut(doc, progress, timeout) : crashed(doc, progress, this.#exited!, this.#stderr, killed === "silence" ? timeout : undefined));
        });
      };
      child.on("message", onMessage);
      child.on("exit", onExit);
      if (this.#exited !== undefined) {
        onExit();
        return;
      }
      // A worker that is up answers at once; one still starting is not timed.
      if (warm) arm();
      // The worker gets no timeout of its own: this side keeps it.
      const message: ToWorker = { doc, run: { ...run, timeoutMs: undefined } };
      child.send(message, (error) => {
        // The worker died before it took the file: its exit is reported.
        if (error) child.kill("SIGKILL");
      });
    });
  }
}

/** The examples of a file that have no result yet, as not run. */
function notRun(doc: DocFile, progress: Progress, reason: string): ExampleResult[] {
  const done = new Set(progress.finished.map((result) => result.line));
  if (progress.line !== undefined) done.add(progress.line);
  const rest: ExampleResult[] = [];
  for (const block of doc.blocks) {
    for (const example of block.examples) {
      if (!done.has(example.line)) rest.push(resultOf(doc, example, { status: "not-run", reason }));
    }
  }
  return rest;
}

function resultOf(doc: DocFile, example: Example, outcome: Pick<ExampleResult, "status"> & Partial<ExampleResult>): ExampleResult {
  return { file: doc.file, line: example.line, source: example.source, want: example.want, example, ms: 0, ...outcome };
}

/** "the example at line N", or "the setup code at line N" for a setup block. */
function what(doc: DocFile, line: number): string {
  if (line === 0) return "the setup module or the file's exports";
  return doc.blocks.some((block) => block.kind === "setup" && block.line === line) ? `the setup code at line ${line}` : `the example at line ${line}`;
}

/** A file whose running example overran the timeout: that example failed, the rest is not run. */
function timedOut(doc: DocFile, progress: Progress, timeout: number): FileResult {
  const line = progress.line!;
  const reason = `timed out after ${timeout} ms`;
  const example = doc.blocks.flatMap((block) => block.examples).find((e) => e.line === line);
  const block = doc.blocks.find((b) => b.kind === "setup" && b.line === line);
  const failed: ExampleResult =
    example !== undefined
      ? resultOf(doc, example, { status: "failed", reason, got: progress.output, ms: timeout })
      : { file: doc.file, line, source: block?.code ?? "", want: "", setup: true, status: "failed", reason, got: progress.output, ms: timeout };
  return { file: doc.file, results: [...progress.finished, failed, ...notRun(doc, progress, `not run: ${what(doc, line)} timed out`)], warnings: doc.warnings };
}

/** A file whose worker died: what finished, why it died, the rest not run. */
function crashed(doc: DocFile, progress: Progress, exited: { code: number | null; signal: NodeJS.Signals | null }, stderr: string, silentFor?: number): FileResult {
  const how = exited.signal !== null ? `signal ${exited.signal}` : `exit code ${exited.code}`;
  const at =
    progress.line === undefined
      ? "before the first example ran"
      : progress.running
        ? `during ${what(doc, progress.line)}`
        : `after ${what(doc, progress.line)} had finished`;
  const exit = EXIT_LINE.exec(stderr)?.[1];
  let cause: string;
  let detail = "";
  if (silentFor !== undefined) cause = `it stopped responding ${at} (something left running?) and was killed after ${silentFor} ms`;
  else if (exit !== undefined) cause = progress.running ? `${what(doc, progress.line!)} called ${exit}` : `${exit} was called ${at}`;
  else if (/heap out of memory|Reached heap limit/.test(stderr)) cause = `it ran out of memory (JavaScript heap out of memory) ${at}`;
  else if (exited.signal === "SIGKILL") cause = `it was killed by SIGKILL ${at} (the system's out-of-memory killer does that)`;
  else {
    cause = `it crashed ${at}`;
    detail = stderr.trim().split("\n").slice(-5).join("\n");
  }
  return {
    file: doc.file,
    results: [...progress.finished, ...notRun(doc, progress, `not run: the worker died ${at}`)],
    warnings: doc.warnings,
    error: `the worker process running this file ended (${how}): ${cause}${detail ? `\n${detail}` : ""}`,
  };
}

/**
 * The worker's side (this module run by the pool, or `greenlet-ts doctest
 * --worker`): checks the files its
 * parent sends, one at a time, telling it when each example starts, what it
 * prints and when it ends, so that a crash or a timeout is pinned on the
 * example that caused it. Never resolves: the worker ends when its parent
 * disconnects (or dies).
 */
export async function serveFiles(): Promise<number> {
  const { runFile } = await import("./runner.js");
  const exit = process.exit.bind(process);
  // An example's process.exit() ends the worker as it would any program; the parent is told why.
  process.exit = ((code?: number | string | null) => {
    writeSync(2, `\ngreenlet-ts doctest worker: process.exit(${code ?? ""})\n`);
    return exit(code);
  }) as typeof process.exit;
  const send = (message: FromWorker): void => {
    if (process.connected) process.send!(message);
  };
  // Timers or handles that examples left would keep a worker alive that nobody waits for.
  process.on("disconnect", () => exit(0));
  process.on("message", async ({ doc, run }: ToWorker) => {
    try {
      const result = await runFile(doc, run, {
        started: (line) => send({ kind: "started", line }),
        output: (text) => send({ kind: "output", text }),
        finished: (result) => send({ kind: "finished", result }),
      });
      send({ kind: "done", result });
    } catch (error) {
      send({ kind: "failed", error: String((error as Error)?.stack ?? error) });
    }
  });
  return new Promise(() => undefined);
}

// Forked by the pool: serve files until the parent goes away.
if (process.argv[1] === SELF && process.send !== undefined) void serveFiles();
