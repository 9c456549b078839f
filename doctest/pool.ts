import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { crashedFile, timedOutFile, type Exit, type RunningFile } from "./dead-worker.js";
import type { DocFile } from "./example.js";
import { isFileResult, type ExampleResult, type FileResult } from "./results.js";
import type { RunOptions } from "./runner.js";
import { runStops } from "./schedule.js";

// A module of its own: the CLI's imports would cost each worker's start about 100 ms.
const WORKER_MAIN = fileURLToPath(new URL("./worker.js", import.meta.url));

/** Sets the workers' V8 heap limit in MB (`--max-old-space-size`); unset, node's default. */
export const HEAP_LIMIT_ENV = "GREENLET_TS_DOCTEST_HEAP_MB";

/** What the pool sends a worker: a file to check. */
export type ToWorker = { doc: DocFile; run: RunOptions };

/** What a worker tells the pool, as its file goes. */
export type FromWorker =
  /** An example or setup block starts (line 0: the setup module and a source file's exports). */
  | { kind: "started"; line: number }
  /** What the running one prints, as it prints it. */
  | { kind: "output"; text: string }
  /** It has finished (a passing setup block too). */
  | { kind: "finished"; result: ExampleResult }
  | { kind: "done"; result: FileResult }
  /** The runner itself threw: a bug, not an example's doing. */
  | { kind: "failed"; error: string }
  /** Several of the above, in order, sent as one message (an example's "finished" and what follows it: see batchedSender). */
  | { kind: "batch"; messages: FromWorker[] };

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
  const takePrestarted = (): WorkerProcess | undefined => {
    const worker = prestarted;
    prestarted = undefined;
    return worker?.alive ? worker : (worker?.close(), undefined);
  };
  let next = 0;
  let stopped = false;
  const lane = async (): Promise<void> => {
    let worker: WorkerProcess | undefined;
    while (!stopped && next < docs.length) {
      const index = next++;
      const doc = docs[index]!;
      hooks.onStart?.(doc);
      worker ??= takePrestarted() ?? new WorkerProcess(execArgv);
      let result = await worker.check(doc, run, hooks.onResult);
      if (worker.diedBeforeFile) {
        // Killed by something an earlier file left running (a timer calling process.exit): not this file's doing.
        worker = new WorkerProcess(execArgv);
        result = await worker.check(doc, run, hooks.onResult);
      }
      if (!worker.alive) worker = undefined;
      results[index] = result;
      hooks.onFile?.(result);
      if (runStops(run.failFast, [result])) stopped = true;
    }
    worker?.close();
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, docs.length)) }, lane));
  takePrestarted()?.close();
  return results.filter((result): result is FileResult => result !== undefined);
}

/** The worker forked by prestartWorker(), until the first lane takes it. */
let prestarted: WorkerProcess | undefined;

/**
 * Forks the first worker now, before the command has loaded its modules and
 * parsed the files: the worker's start (node's bootstrap, the engine's
 * modules, the transpiler: some 0.2 s) then overlaps the runner's instead of following
 * it. A run that turns out to need no worker closes it (`runInWorkers` with
 * no files; a process that exits takes it along: a worker ends when its
 * parent disconnects).
 */
export function prestartWorker(): void {
  try {
    prestarted ??= new WorkerProcess(workerExecArgv());
  } catch {
    // A bad heap setting: runInWorkers reports it when the run needs a worker.
  }
}

function workerExecArgv(): string[] {
  const heap = process.env[HEAP_LIMIT_ENV];
  if (heap === undefined || heap === "") return ["--expose-gc"];
  if (!/^[1-9]\d*$/.test(heap)) throw new Error(`${HEAP_LIMIT_ENV} takes a whole number of megabytes, not "${heap}"`);
  return ["--expose-gc", `--max-old-space-size=${heap}`];
}

/** A worker: a child process (worker.ts) that checks the files this side sends it, one at a time. */
class WorkerProcess {
  readonly #child: ChildProcess;
  /** Its stderr since the current file was handed over (the tail, to explain a crash). */
  #stderr = "";
  readonly #stderrClosed: Promise<void>;
  #exited: Exit | undefined;
  /** Has it ever sent a message (it is up, so a silence can be timed)? */
  #heard = false;
  /** It was up when it got the current file, and died before saying anything about it. */
  diedBeforeFile = false;

  constructor(execArgv: string[]) {
    this.#child = fork(WORKER_MAIN, [], { execArgv, stdio: ["ignore", "ignore", "pipe", "ipc"] });
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

  /** Has the worker check one file; resolves with its result, rebuilt here if the worker died or was killed. */
  check(doc: DocFile, run: RunOptions, onResult?: (result: ExampleResult) => void): Promise<FileResult> {
    const child = this.#child;
    const file: RunningFile = { doc, running: false, output: "", finished: [] };
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
        killed = file.running ? "timeout" : "silence";
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
        let result: FileResult | undefined;
        for (const one of message.kind === "batch" ? message.messages : [message]) result ??= follow(file, one, onResult);
        if (result !== undefined) settle(result);
        else if (message.kind !== "output") arm();
      };
      const onExit = (): void => {
        clearTimeout(timer);
        // The last lines of stderr may still be on their way; a grandchild holding the pipe open is not waited for.
        void Promise.race([this.#stderrClosed, new Promise((resolve) => setTimeout(resolve, 1000))]).then(() => {
          this.diedBeforeFile = warm && !heardOfFile;
          settle(killed === "timeout" ? timedOutFile(file, timeout) : crashedFile(file, this.#exited!, this.#stderr, killed === "silence" ? timeout : undefined));
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

/** Takes in what the worker said of its file; returns the file's result when it is done. */
function follow(file: RunningFile, message: FromWorker, onResult?: (result: ExampleResult) => void): FileResult | undefined {
  switch (message.kind) {
    case "started":
      Object.assign(file, { line: message.line, running: true, output: "" });
      return undefined;
    case "output":
      file.output += message.text;
      return undefined;
    case "finished":
      file.running = false;
      if (isFileResult(message.result)) file.finished.push(message.result);
      onResult?.(message.result);
      return undefined;
    case "done":
      return message.result;
    case "failed":
      return { file: file.doc.file, results: file.finished, warnings: file.doc.warnings, error: `the runner failed:\n${message.error}` };
    case "batch":
      // onMessage takes a batch apart; batches are not nested.
      return undefined;
  }
}
