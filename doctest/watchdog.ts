import { Worker } from "node:worker_threads";

/**
 * Interrupts an example that runs too long: a timer in another thread, since
 * the main thread may be spinning in a loop. It sends SIGINT to this process,
 * which the engine turns into an interrupt of the running cell.
 */
const TIMER_THREAD = `
const { parentPort } = require("node:worker_threads");
const timers = new Map();
parentPort.on("message", ({ arm, disarm, ms }) => {
  if (arm !== undefined) timers.set(arm, setTimeout(() => { timers.delete(arm); process.kill(process.pid, "SIGINT"); }, ms));
  if (disarm !== undefined) { clearTimeout(timers.get(disarm)); timers.delete(disarm); }
});
`;

// One timer thread per process, started on first use: a worker checks many
// files, and every run has a timeout by default, so a thread per file would
// cost a thread start per file.
let thread: Worker | undefined;
let next = 0;

export class Watchdog {
  readonly #armed = new Set<number>();

  /** Starts a timer of `ms`; returns the id to disarm it with. */
  arm(ms: number): number {
    if (thread === undefined) {
      // No execArgv of ours: under --input-type=module the eval'd code would be a module, without require.
      thread = new Worker(TIMER_THREAD, { eval: true, execArgv: [], resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1, codeRangeSizeMb: 2 } });
      thread.unref();
      thread.on("error", () => (thread = undefined));
    }
    const id = ++next;
    this.#armed.add(id);
    thread.postMessage({ arm: id, ms });
    return id;
  }

  /** Stops the timer (the runner tells a timeout by the Interrupted outcome it caused). */
  disarm(id: number): void {
    if (this.#armed.delete(id)) thread?.postMessage({ disarm: id });
  }

  /** Disarms this watchdog's timers; the shared thread stays for the next file. */
  close(): void {
    for (const id of this.#armed) thread?.postMessage({ disarm: id });
    this.#armed.clear();
  }
}
