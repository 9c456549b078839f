import { createRequire } from "node:module";
import type * as TraceMapping from "@jridgewell/trace-mapping";

const require = createRequire(import.meta.url);
let loaded: typeof TraceMapping | undefined;

/** @jridgewell/trace-mapping, loaded when a position is first mapped: a run whose stacks are never mapped does not load it (some 10 ms). */
export function tracing(): typeof TraceMapping {
  return (loaded ??= require("@jridgewell/trace-mapping") as typeof TraceMapping);
}
