import { Worker } from "node:worker_threads";

/**
 * A worker thread parked inside a `breakOnSigint` evaluation, waiting forever.
 *
 * Why: node starts a SIGINT helper thread when the first `breakOnSigint`
 * evaluation begins and joins it when the last one ends, about 85 µs per
 * evaluation measured here, and every cell and every drain of a session's
 * jobs is one. While this worker waits, the helper stays up and an
 * evaluation costs about 2 µs.
 *
 * It also gives SIGINT a listener that never goes away: the helper informs
 * every parked evaluation, and this one wakes with "interrupted", records
 * the signal in shared memory, tells the main thread, and parks again. A
 * main-thread evaluation running at that moment is broken into by node
 * itself. One that is not (the main thread is between two jobs of a loop
 * that never yields, such as two greenlets switching to each other) reads
 * the record at its next drain, through `poll()`; the message is for a main
 * thread idle in its event loop.
 *
 * The `epoch` is how the main thread tells a SIGINT it has already handled
 * (by breaking into an evaluation) from a new one: the worker records the
 * epoch it saw, and the main thread bumps it whenever it handles an
 * interrupt or starts a cell.
 */
const PARKED_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const vm = require("node:vm");
const shared = new Int32Array(workerData.shared);
const never = new Int32Array(new SharedArrayBuffer(4));
const context = vm.createContext({ park: () => Atomics.wait(never, 0, 0) });
const script = new vm.Script("park()");
parentPort.postMessage({ kind: "parked" });
for (;;) {
  try {
    script.runInContext(context, { breakOnSigint: true });
  } catch (error) {
    if (error?.code !== "ERR_SCRIPT_EXECUTION_INTERRUPTED") throw error;
    // Slot 1: the epoch seen, plus one (0: nothing recorded).
    Atomics.store(shared, 1, Atomics.load(shared, 0) + 1);
    parentPort.postMessage({ kind: "sigint" });
  }
}
`;

export class SigintGuard {
  /** [0]: the epoch; [1]: the epoch of the last SIGINT the worker saw, plus one, until taken. */
  readonly #shared = new Int32Array(new SharedArrayBuffer(8));
  readonly #worker: Worker;
  /** Resolves once the worker is parked; cells wait for it, so no SIGINT can find the process unguarded. */
  readonly ready: Promise<void>;

  /*
   * No `process.on("SIGINT")` here, ever: removing such a listener makes
   * libuv restore the default action over the helper's handler, and node's
   * vm removes and re-adds listeners around every evaluation. A cell that
   * adds one breaks interrupts the same way.
   */
  constructor(private readonly onSigint: () => void) {
    // A parked thread needs almost no heap: small limits keep its isolate small.
    this.#worker = new Worker(PARKED_WORKER, {
      eval: true,
      // Not the parent's flags: under `node --input-type=module` an eval'd worker would be an ES module without require().
      execArgv: [],
      workerData: { shared: this.#shared.buffer },
      resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1, codeRangeSizeMb: 2 },
    });
    let parked!: () => void;
    this.ready = new Promise((resolve) => (parked = resolve));
    this.#worker.on("message", (message: { kind: string }) => {
      if (message.kind === "parked") {
        // Referenced until parked (a first cell waits for it), then never keeps the process alive.
        this.#worker.unref();
        parked();
      } else if (message.kind === "sigint") {
        this.poll();
      }
    });
    this.#worker.on("error", (error) => {
      process.stderr.write(`greenlet-ts: the SIGINT guard thread failed: ${String(error)}\n`);
    });

  }

  /** A SIGINT seen before now is not to be acted on again. */
  advance(): void {
    Atomics.add(this.#shared, 0, 1);
  }

  /** Acts on a SIGINT the worker recorded and nobody has handled yet. Cheap enough for every drain. */
  poll(): void {
    if (this.take()) this.onSigint();
  }

  /**
   * Takes a SIGINT the worker recorded since the last advance(), if any
   * (and advances). An evaluation about to start asks: a SIGINT that came
   * while the main thread was busy before it (compiling a cell) would
   * otherwise wait for a poll that a loop never lets happen.
   */
  take(): boolean {
    if (Atomics.load(this.#shared, 1) === 0) return false;
    const seen = Atomics.exchange(this.#shared, 1, 0) - 1;
    if (seen !== Atomics.load(this.#shared, 0)) return false;
    this.advance();
    return true;
  }
}
