import type * as TraceMapping from "@jridgewell/trace-mapping";
import { LazyModule } from "../../shared/lazy-module.js";

const reader = new LazyModule<typeof TraceMapping>("@jridgewell/trace-mapping");

/** @jridgewell/trace-mapping, loaded when a position is first mapped: a run whose stacks are never mapped does not load it (some 10 ms). */
export function tracing(): typeof TraceMapping {
  return reader.get();
}
