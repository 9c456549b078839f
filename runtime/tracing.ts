import type { Greenlet } from "./greenlet.js";
import { thread } from "./thread-state.js";

/** The events a tracer sees: a value transfer, or a transfer that raises an error in the target. */
export type TraceEvent = "switch" | "throw";
export type Tracer = (event: TraceEvent, args: [origin: Greenlet, target: Greenlet]) => void;

/** Installs `fn` (or removes the tracer with `null`) and returns the previous tracer. */
export function settrace(fn: Tracer | null): Tracer | null {
  if (fn !== null && typeof fn !== "function") {
    throw new TypeError("settrace() takes a function or null");
  }
  // One tracer per thread, as in greenlet.
  const previous = thread.tracer;
  thread.tracer = fn;
  return previous;
}

/** The tracer installed in this thread, or null. */
export function gettrace(): Tracer | null {
  return thread.tracer;
}
