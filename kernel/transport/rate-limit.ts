/**
 * A token bucket: `take()` succeeds while tokens are left; they come back at
 * `perSecond`, up to `burst`. Time is read at each call, so a cell that never
 * yields is limited as well.
 */
export class TokenBucket {
  #tokens: number;
  #last = performance.now();

  constructor(
    readonly perSecond: number,
    readonly burst: number,
  ) {
    this.#tokens = burst;
  }

  take(): boolean {
    const now = performance.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) * this.perSecond) / 1000);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens--;
    return true;
  }
}
