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

export class Watchdog {
  #worker: Worker | undefined;
  #next = 0;

  /** Starts a timer of `ms`; returns the id to disarm it with. */
  arm(ms: number): number {
    if (this.#worker === undefined) {
      this.#worker = new Worker(TIMER_THREAD, { eval: true });
      this.#worker.unref();
    }
    const id = ++this.#next;
    this.#worker.postMessage({ arm: id, ms });
    return id;
  }

  /** Stops the timer (the runner tells a timeout by the Interrupted outcome it caused). */
  disarm(id: number): void {
    this.#worker?.postMessage({ disarm: id });
  }

  close(): void {
    void this.#worker?.terminate();
    this.#worker = undefined;
  }
}
