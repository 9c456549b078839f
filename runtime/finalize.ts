import { inspect } from "node:util";
import { trackUntil, untrack, type Collectable } from "./registry.js";
import { thread } from "./thread-state.js";

/**
 * The analogue of Python's weakref.finalize: a callable that runs `callback`
 * once, either when called or when its object has been collected.
 */
export interface Finalizer {
  /** Runs the callback now if it has not run yet; returns its result. */
  (): unknown;
  /** True until the callback has run or the finalizer was detached. */
  readonly alive: boolean;
  /** Unregisters without running; returns [object, callback] if it was alive. */
  detach(): [object, () => void] | undefined;
  /** [object, callback] if alive, without detaching. */
  peek(): [object, () => void] | undefined;
}

class FinalizerRecord implements Collectable {
  alive = true;
  constructor(
    readonly target: WeakRef<object>,
    readonly callback: () => void,
  ) {}

  onCollected(): void {
    if (!this.alive) return;
    this.settle();
    thread.finalizersRun++;
    try {
      this.callback();
    } catch (error) {
      // As Python's weakref.finalize: reported, never propagated into unrelated code.
      const detail = error instanceof Error && error.stack ? error.stack : inspect(error);
      process.stderr.write(`Exception ignored in finalizer ${inspect(this.callback)}:\n${detail}\n`);
    }
  }

  settle(): void {
    this.alive = false;
    thread.liveFinalizers--;
    untrack(this);
  }
}

/**
 * Calls `callback` once `obj` has been garbage collected (collect() runs
 * pending finalizers before it resolves). The callback must not reference
 * `obj`, or `obj` can never be collected.
 */
export function finalize(obj: object, callback: () => void): Finalizer {
  if (obj === null || (typeof obj !== "object" && typeof obj !== "function")) {
    throw new TypeError("finalize() needs an object to watch");
  }
  if (typeof callback !== "function") throw new TypeError("finalize() needs a callback function");
  const record = new FinalizerRecord(new WeakRef(obj), callback);
  thread.liveFinalizers++;
  trackUntil(obj, record);
  const finalizer = (() => {
    if (!record.alive) return undefined;
    record.settle();
    return record.callback();
  }) as Finalizer;
  const pair = (): [object, () => void] | undefined => {
    const target = record.target.deref();
    return record.alive && target !== undefined ? [target, record.callback] : undefined;
  };
  Object.defineProperties(finalizer, {
    alive: { get: () => record.alive, enumerable: true },
    detach: {
      value: () => {
        const result = pair();
        if (record.alive) record.settle();
        return result;
      },
    },
    peek: { value: pair },
  });
  return finalizer;
}
