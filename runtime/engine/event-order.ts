import { withoutCapture } from "./capture.js";
import type { CellId, EngineEvent, EngineListener } from "./events.js";

/** A place among a cell's events for a display whose bundle is still coming, or an event waiting behind one. */
export interface HeldEvent {
  event?: EngineEvent;
  settled: boolean;
}

/**
 * A session's events on their way to its listeners, in each cell's order.
 * An event comes out at once, unless a display of its cell is still waiting
 * for its bundle (the value's display method returned a promise): then it
 * waits behind that display, so an asynchronous display keeps its place
 * among the cell's outputs.
 */
export class CellEvents {
  readonly #listeners = new Set<EngineListener>();
  /** Per cell, its events in order from the first display still waiting for its bundle. */
  readonly #held = new Map<CellId, HeldEvent[]>();
  /** Called when a cell's held events have all been published. */
  readonly #flushed = new Map<CellId, Array<() => void>>();

  /** Listens to the events; returns the function that stops listening. */
  listen(listener: EngineListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** An event of a cell: published now, or after the displays of the cell still coming. */
  emit(event: EngineEvent): void {
    const held = this.#held.get(event.cell);
    if (held !== undefined) held.push({ event, settled: true });
    else this.#publish(event);
  }

  /** Is something of the cell still waiting for a display? */
  holds(cell: CellId): boolean {
    return this.#held.has(cell);
  }

  /** A place among the cell's events for a display whose bundle is still coming. */
  hold(cell: CellId): HeldEvent {
    const slot: HeldEvent = { settled: false };
    const held = this.#held.get(cell);
    if (held === undefined) this.#held.set(cell, [slot]);
    else held.push(slot);
    return slot;
  }

  /** The display came (or failed: no event): publishes it and whatever waited behind it. */
  release(cell: CellId, slot: HeldEvent, event?: EngineEvent): void {
    slot.settled = true;
    slot.event = event;
    const held = this.#held.get(cell);
    if (held === undefined || !held.includes(slot)) {
      // Its cell was interrupted and stopped waiting: it shows up late, as a timer's output would.
      if (event !== undefined) this.#publish(event);
      return;
    }
    while (held.length > 0 && held[0]!.settled) {
      const next = held.shift()!;
      if (next.event !== undefined) this.#publish(next.event);
    }
    if (held.length === 0) this.#done(cell);
  }

  /** Publishes what is ready of a cell's held events now; the displays still coming come later, out of order. */
  abandon(cell: CellId): void {
    const held = this.#held.get(cell);
    if (held === undefined) return;
    for (const slot of held) if (slot.event !== undefined) this.#publish(slot.event);
    this.#done(cell);
  }

  /** The same for every cell (an interrupt stops every cell's output from waiting). */
  abandonAll(): void {
    for (const cell of [...this.#held.keys()]) this.abandon(cell);
  }

  /** Resolves when nothing of the cell is held any more. */
  whenFlushed(cell: CellId): Promise<void> {
    if (!this.#held.has(cell)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiting = this.#flushed.get(cell);
      if (waiting === undefined) this.#flushed.set(cell, [resolve]);
      else waiting.push(resolve);
    });
  }

  #done(cell: CellId): void {
    this.#held.delete(cell);
    const waiting = this.#flushed.get(cell);
    this.#flushed.delete(cell);
    for (const resolve of waiting ?? []) resolve();
  }

  #publish(event: EngineEvent): void {
    for (const listener of this.#listeners) {
      try {
        withoutCapture(() => listener(event));
      } catch (error) {
        process.stderr.write(`An engine listener failed: ${String((error as Error)?.stack ?? error)}\n`);
      }
    }
  }
}
