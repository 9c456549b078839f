import v8 from "node:v8";
import { jobStarted } from "../engine-hooks.js";
import type { CellId } from "./events.js";

/** Whom output belongs to: a cell of a session. */
export interface CellOwner {
  readonly cell: CellId;
  readonly sink: CellSink;
  /** The name the cell runs under (`cell[3]`, a document's path): errors name it. */
  readonly filename?: string;
  /** Set when the cell was interrupted: its timers are cancelled (their callbacks never run). */
  interrupted?: boolean;
}

/** What a session offers to the process-wide machinery (output, late errors). */
export interface CellSink {
  write(cell: CellId, name: "stdout" | "stderr", text: string): void;
  lateError(cell: CellId, error: unknown): void;
}

/*
 * The cell that started the current asynchronous work, carried along
 * promises by V8 promise hooks: a promise made while cell N's code runs
 * belongs to cell N, and its reactions run as cell N's code again, so output
 * from a promise chain of cell N still goes to cell N whichever cell runs
 * now. (Node's AsyncLocalStorage would do the same, but its hooks keep node's
 * native async-id stack, and an interrupt that unwinds a promise job leaves
 * that stack corrupted, which aborts node. These hooks keep their own stack,
 * which an interrupt can reset.) Timers started by a cell carry their owner
 * explicitly (see context.ts).
 */
const OWNER = Symbol("greenlet-ts cell owner");
type Owned = { [OWNER]?: CellOwner };

let active: CellOwner | undefined;
const saved: Array<CellOwner | undefined> = [];
let stopHooks: (() => void) | undefined;

export function trackOwners(): void {
  if (stopHooks !== undefined) return;
  const stops = [
    v8.promiseHooks.onInit((promise: Promise<unknown>, parent: Promise<unknown> | undefined) => {
      const owner = active ?? (parent as Owned | undefined)?.[OWNER];
      if (owner !== undefined) (promise as Owned)[OWNER] = owner;
    }),
    v8.promiseHooks.onBefore((promise: Promise<unknown>) => {
      jobStarted();
      saved.push(active);
      active = (promise as Owned)[OWNER];
    }),
    v8.promiseHooks.onAfter(() => {
      active = saved.pop();
    }),
  ] as Array<() => void>;
  stopHooks = () => stops.forEach((stop) => stop());
}

/** Runs `fn` as code of `owner`. */
export function runAs<T>(owner: CellOwner | undefined, fn: () => T): T {
  const previous = active;
  active = owner;
  try {
    return fn();
  } finally {
    active = previous;
  }
}

/** The owner of the code running now, if it is a cell's. */
export function activeOwner(): CellOwner | undefined {
  return active;
}

/** The owner a promise was made for. */
export function ownerOf(promise: unknown): CellOwner | undefined {
  return (promise as Owned | undefined)?.[OWNER];
}

/** How deep the hooks' stack is: an interrupt resets it to what it was before the evaluation. */
export function ownerDepth(): number {
  return saved.length;
}

export function resetOwners(depth: number, owner: CellOwner | undefined): void {
  saved.length = Math.min(saved.length, depth);
  active = owner;
}

/** The cells executing now, innermost last. */
const executing: CellOwner[] = [];

export function enterExecution(owner: CellOwner): void {
  executing.push(owner);
}

export function leaveExecution(owner: CellOwner): void {
  const index = executing.lastIndexOf(owner);
  if (index >= 0) executing.splice(index, 1);
}

export function executingCells(): readonly CellOwner[] {
  return executing;
}

/**
 * Who owns output produced now. A greenlet runs for whichever cell switched
 * into it, while its promises belong to the cell that created it: so when a
 * greenlet other than the main one is running, output goes to the cell
 * executing now. Otherwise it goes to the owner of the running code, and
 * code with no owner (a finalizer run by a collection, a host callback)
 * writes into the cell executing now, if any: host code that must not,
 * such as a kernel's log, writes to its file descriptor directly.
 */
export function currentOwner(mainIsRunning: boolean): CellOwner | undefined {
  const executingNow = executing.length > 0 ? executing[executing.length - 1] : undefined;
  if (!mainIsRunning && executingNow !== undefined) return executingNow;
  return active ?? executingNow;
}
