/**
 * Internal: what the cell engine's driver needs of the runtime to interrupt
 * running code, and nothing a program using greenlets calls. Not exported
 * by index.ts, nor by the package.
 */
import { GreenletError } from "./errors.js";
import { retire, type Greenlet } from "./greenlet.js";
import { thread } from "./thread-state.js";

/**
 * After an interrupt, the greenlet that was running can never run again:
 * it is marked dead, and the main greenlet, whose pending switch was
 * abandoned with the interrupted cell, becomes current again. Returns the
 * greenlet that was abandoned, if it was not the main one.
 *
 * `unwound`: the interrupt broke into running code (V8's termination runs
 * no catch or finally, and drops the jobs queued in the context). The
 * greenlets that switched away during the job it broke into may have lost
 * their frames before their `await` took hold of the switch's promise: they
 * could never be resumed, and a collect() that threw GreenletExit into one
 * would wait for it forever. They die too (their finally blocks do not run).
 *
 * Otherwise the interrupt came between two jobs, and can find the running
 * greenlet resumed but not yet running: its code then runs once more,
 * believing itself current. Until that code settles (or `forgetAbandoned()`
 * says a new cell starts), a switch() or throw() made while the main
 * greenlet is current is taken to be that code's and fails with `error`;
 * otherwise it would suspend the main greenlet in the abandoned one's place,
 * and two greenlets switching to each other would go on forever.
 */
export function abandonRunning(error: unknown = new GreenletError("the running greenlet was abandoned"), unwound = false): Greenlet | null {
  const running = thread.current;
  const runningGreenlet = thread.currentGreenlet;
  // Every parent chain of this thread ends at its main greenlet.
  const main = thread.mainState;
  if (running !== main) {
    retire(running);
    thread.abandoned = { state: running, error };
  }
  const suspendedInJob = thread.suspendedInJob;
  if (unwound && suspendedInJob !== null) {
    for (const state of suspendedInJob) if (state !== main && state.suspended) retire(state);
    suspendedInJob.length = 0;
  }
  main.resume = null;
  thread.current = main;
  thread.currentGreenlet = main === running ? runningGreenlet : thread.mainGreenlet;
  return running === main ? null : runningGreenlet;
}

/**
 * For interruptible code: from now on, remember which greenlets switch away
 * in each job, so that an interrupt can tell whose frames it unwound.
 * `jobStarted()` is to be called whenever a promise job or an evaluation begins.
 */
export function watchSwitchesPerJob(): void {
  thread.suspendedInJob ??= [];
}

export function jobStarted(): void {
  const suspendedInJob = thread.suspendedInJob;
  if (suspendedInJob !== null && suspendedInJob.length !== 0) suspendedInJob.length = 0;
}

/** Main code runs again (a new cell): switches from the main greenlet are its own. */
export function forgetAbandoned(): void {
  thread.abandoned = null;
}

/** Is the main greenlet running (rather than a greenlet a cell switched into)? */
export function isMainRunning(): boolean {
  return thread.current.parent === null;
}
