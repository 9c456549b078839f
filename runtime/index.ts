export { Greenlet, greenlet, getcurrent, type RunFunction } from "./greenlet.js";
export { GreenletExit, GreenletError } from "./errors.js";
export { settrace, gettrace, type Tracer, type TraceEvent } from "./tracing.js";
export { collect, type CollectStats } from "./collect.js";
export { finalize, type Finalizer } from "./finalize.js";
export { runtimeCounts, type RuntimeCounts } from "./counts.js";
