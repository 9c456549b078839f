import v8 from "node:v8";
import type vm from "node:vm";
import { abandonRunning, forgetAbandoned, jobStarted, watchSwitchesPerJob } from "../engine-hooks.js";
import { activeOwner, executingCells, ownerDepth, ownerOf, resetOwners, trackOwners } from "./cell-store.js";
import { Interrupted } from "./cell-error.js";
import { SigintGuard } from "./sigint-guard.js";

/**
 * Sessions evaluate cells in contexts created with
 * `microtaskMode: "afterEvaluate"`: their promise jobs run only at the end of
 * a `runInContext` call, inside its `breakOnSigint` scope, which is what makes
 * a loop resumed by an await (or inside a greenlet) interruptible. The price
 * is that a context's jobs queued by the host (a host promise settling, the
 * runtime resuming a greenlet) wait until something is evaluated there again:
 * this module drains every session right after any host promise settles, and
 * every few milliseconds for what no promise announces (host event emitters
 * calling functions of a cell).
 */
export interface Drivable {
  /** Runs the context's pending jobs. */
  drain(): void;
  /** Fails the session's executing cell, if any, with `error`. */
  failExecuting(error: Interrupted): void;
}

const sessions = new Set<Drivable>();
let evaluating = 0;
let drainQueued = false;
let stopHook: (() => void) | undefined;
let pump: NodeJS.Timeout | undefined;
let handlersInstalled = false;
let guard: SigintGuard | undefined;

const PUMP_MS = 10;

export function drive(session: Drivable, interrupts: boolean): void {
  sessions.add(session);
  installProcessHandlers();
  if (interrupts) {
    guardInterrupts();
    watchSwitchesPerJob();
  }
  trackOwners();
  if (stopHook === undefined) {
    stopHook = v8.promiseHooks.onSettled(scheduleDrain) as () => void;
    pump = setInterval(drainAll, PUMP_MS);
    if (executing === 0) pump.unref();
  }
}

let executing = 0;

/**
 * While a cell executes, the pump keeps the process alive: what the cell
 * awaits may need a drain that no settling host promise announces.
 */
/** Resolves when interrupts are guarded (at once after the first time). */
export function interruptsReady(): Promise<void> {
  return guard?.ready ?? Promise.resolve();
}

export function cellStarted(): void {
  guard?.advance();
  forgetAbandoned();
  if (executing++ === 0) pump?.ref();
}

export function cellFinished(): void {
  if (--executing === 0) pump?.unref();
}

export function stopDriving(session: Drivable): void {
  sessions.delete(session);
  if (sessions.size === 0 && stopHook !== undefined) {
    stopHook();
    stopHook = undefined;
    clearInterval(pump);
    pump = undefined;
  }
}

function scheduleDrain(): void {
  if (evaluating === 0 && !drainQueued) {
    drainQueued = true;
    queueMicrotask(drainAll);
  }
}

function drainAll(): void {
  drainQueued = false;
  // A loop that never lets the event loop run comes through here at every turn: a SIGINT the guard recorded is seen.
  guard?.poll();
  for (const session of sessions) {
    try {
      session.drain();
    } catch {
      // An interrupt during a drain has already failed the cells it concerns.
    }
  }
}

/**
 * Evaluates `script` in `context` with SIGINT breaking in. An interrupt
 * fails every executing cell, abandons the greenlet that was running, and
 * throws Interrupted.
 */
export function evaluate(script: vm.Script, context: vm.Context): unknown {
  // A SIGINT that came before this evaluation could begin (while a cell was compiled) is for it.
  if (guard?.take() && executingCells().length > 0) throw interruptAll(false);
  evaluating++;
  const depth = ownerDepth();
  const owner = activeOwner();
  jobStarted();
  try {
    // Without the guard nobody asked for interrupts: SIGINT keeps its default action, and
    // evaluations skip node's SIGINT watchdog (about 85 µs each without the guard's help).
    return script.runInContext(context, { breakOnSigint: guard !== undefined, displayErrors: false });
  } catch (error) {
    if ((error as { code?: unknown })?.code === "ERR_SCRIPT_EXECUTION_INTERRUPTED") {
      // The termination skipped the "after" hooks of the promise jobs it unwound.
      resetOwners(depth, owner);
      guard?.advance();
      throw interruptAll(true);
    }
    throw error;
  } finally {
    evaluating--;
  }
}

/** `unwound`: the interrupt broke into an evaluation (rather than being seen between two jobs). */
function interruptAll(unwound: boolean): Interrupted {
  const error = new Interrupted();
  abandonRunning(error, unwound);
  for (const session of sessions) session.failExecuting(error);
  return error;
}

/**
 * Process-wide: uncaught errors and unhandled rejections are reported to
 * the cell they came from and never end the process. Errors with no cell to
 * go to are printed.
 */
/** Interrupts on: the SIGINT guard thread starts (once per process). */
function guardInterrupts(): void {
  guard ??= new SigintGuard(() => {
    if (executingCells().length > 0) interruptAll(false);
  });
}

function installProcessHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;

  const report = (error: unknown, promise?: unknown): void => {
    const owner = ownerOf(promise) ?? activeOwner() ?? executingCells().at(-1);
    if (owner !== undefined) {
      owner.sink.lateError(owner.cell, error);
    } else {
      process.stderr.write(`Uncaught error outside of any cell: ${(error as Error)?.stack ?? String(error)}\n`);
    }
  };
  process.on("uncaughtException", (error) => report(error));
  process.on("unhandledRejection", (reason, promise) => report(reason, promise));
}
