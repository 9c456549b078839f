/**
 * The one FinalizationRegistry of the runtime. A suspended greenlet is
 * registered with its internal state as the held value; finalize() registers
 * its records; collect() plants sentinels to learn when V8's cleanup task
 * has run. Holding the state strongly here is what keeps a suspended
 * greenlet's frames alive: they are reachable only through the greenlet.
 */

/** Something the registry calls back when the object it was registered for is gone. */
export interface Collectable {
  onCollected(): void;
}

// V8 runs the callbacks of one registry in one task, so a sentinel that fires
// tells collect() that every object cleared by the same gc() has been seen.
const registry = new FinalizationRegistry<Collectable>((held) => {
  try {
    held.onCollected();
  } catch (error) {
    // A throwing callback would stop V8's loop over the remaining cells.
    process.stderr.write(`Exception ignored in a finalization callback: ${String(error)}\n`);
  }
});

/** Calls `held.onCollected()` once `target` has been collected. */
export function track(target: object, held: Collectable): void {
  registry.register(target, held);
}

/** The same, with `held` as the token for untrack(). */
export function trackUntil(target: object, held: Collectable): void {
  registry.register(target, held, held);
}

/** Cancels the registrations made with trackUntil() for `held`. */
export function untrack(held: Collectable): void {
  registry.unregister(held);
}
