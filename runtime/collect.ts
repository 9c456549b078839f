import { garbageCollector } from "./gc-access.js";
import { killAll } from "./greenlet.js";
import { track } from "./registry.js";
import { thread } from "./thread-state.js";

/** What one collect() did. */
export interface CollectStats {
  /** finalize() callbacks that ran because their object was collected. */
  finalized: number;
  /** Suspended, unreachable greenlets that GreenletExit ended. */
  killed: number;
  /** Garbage collections performed (the last one found nothing new). */
  rounds: number;
}

/** A collection that keeps finding work after this many rounds is stopped (a finalizer that makes new garbage forever). */
const MAX_ROUNDS = 100;
/** How long to wait for V8's finalization task before going on without it. */
const CLEANUP_WAIT_MS = 2000;

/**
 * Forces full garbage collections until nothing more happens: runs every
 * pending finalizer, throws GreenletExit into every suspended greenlet that
 * nobody can reach any more (with its parent set to the greenlet calling
 * collect(), so control comes back here), and repeats, since a killed
 * greenlet's frames may release more garbage. Python's gc.collect() plus
 * the reference counting that kills greenlets at once in CPython.
 */
export async function collect(): Promise<CollectStats> {
  const stats: CollectStats = { finalized: 0, killed: 0, rounds: 0 };
  const finalizedBefore = thread.finalizersRun;
  const id = ++thread.lastCollectId;
  // collect() may nest (a finalizer calling it): the outer one's id comes back after.
  const outer = thread.collectId;
  thread.collectId = id;
  try {
    while (stats.rounds < MAX_ROUNDS) {
      stats.rounds++;
      const finalizedBeforeRound = thread.finalizersRun;
      await collectOnce();
      const victims = thread.pendingKills.splice(0);
      if (victims.length > 0) stats.killed += await killAll(victims, id);
      if (victims.length === 0 && thread.finalizersRun === finalizedBeforeRound) break;
    }
  } finally {
    thread.collectId = outer;
  }
  stats.finalized = thread.finalizersRun - finalizedBefore;
  return stats;
}

/** One gc(), then wait until V8 has run this registry's finalization callbacks. */
function collectOnce(): Promise<void> {
  const gc = garbageCollector();
  return new Promise<void>((resolve) => {
    // In a fresh macrotask: objects a WeakRef.deref() kept alive for the current job are released.
    setImmediate(() => {
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(finish, CLEANUP_WAIT_MS);
      plantSentinel(finish);
      gc();
    });
  });
}

/** Registers a throwaway object: its callback comes in the same cleanup task as every other one of this gc(). */
function plantSentinel(onCollected: () => void): void {
  track({}, { onCollected });
}
