import { thread } from "./thread-state.js";

/** What a collection could act on: an engine collects after a cell only when one of these is non-zero. */
export interface RuntimeCounts {
  /** Greenlets started and not dead, the main greenlet excluded. */
  activeGreenlets: number;
  /** finalize() registrations not yet run nor detached. */
  liveFinalizers: number;
}

export function runtimeCounts(): RuntimeCounts {
  return { activeGreenlets: thread.activeCount, liveFinalizers: thread.liveFinalizers };
}

/** Whether a collection could act on anything now: one of the counts is non-zero. */
export function anythingToCollect(): boolean {
  return thread.activeCount > 0 || thread.liveFinalizers > 0;
}
