import type { Greenlet } from "./greenlet.js";

/** The events a tracer sees: a value transfer, or a transfer that raises an error in the target. */
export type TraceEvent = "switch" | "throw";
export type Tracer = (event: TraceEvent, args: [origin: Greenlet, target: Greenlet]) => void;

// One tracer per thread, as in greenlet: module state is per isolate, so each Worker has its own.
let tracer: Tracer | null = null;

/** Installs `fn` (or removes the tracer with `null`) and returns the previous tracer. */
export function settrace(fn: Tracer | null): Tracer | null {
  if (fn !== null && typeof fn !== "function") {
    throw new TypeError("settrace() takes a function or null");
  }
  const previous = tracer;
  tracer = fn;
  return previous;
}

/** The tracer installed in this thread, or null. */
export function gettrace(): Tracer | null {
  return tracer;
}
