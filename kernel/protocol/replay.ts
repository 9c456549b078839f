/**
 * The signatures of accepted messages, in memory shared by the main thread
 * (shell, stdin) and the control thread, so that a signed message captured
 * on one channel is refused when replayed on any of them (ipykernel keeps one
 * digest history per session for the same reason).
 *
 * A fixed table: BUCKETS buckets of SLOTS entries, each entry the first 16
 * bytes of an HMAC digest, each bucket a ring that overwrites its oldest
 * entry. A bucket is chosen by the digest itself (uniform: only verified
 * signatures are recorded), so an entry is overwritten only after SLOTS more
 * signatures landed in its bucket: about BUCKETS × SLOTS = 131,072 messages
 * later on average, and fewer than 65,536 later with a probability of
 * about 4 in 10 million. A per-bucket lock makes check-and-record atomic
 * between the two threads.
 */
export class ReplayGuard {
  static readonly BUCKETS = 2048;
  static readonly SLOTS = 64;
  /** Lock, next slot, then SLOTS entries of 4 words. */
  static readonly #STRIDE = 2 + ReplayGuard.SLOTS * 4;
  readonly buffer: SharedArrayBuffer;
  readonly #words: Int32Array;

  constructor(buffer?: SharedArrayBuffer) {
    this.buffer = buffer ?? new SharedArrayBuffer(ReplayGuard.BUCKETS * ReplayGuard.#STRIDE * 4);
    this.#words = new Int32Array(this.buffer);
  }

  /** Records a verified digest; false if it had been recorded before (a replay). */
  record(digest: Buffer): boolean {
    if (digest.length < 16) throw new RangeError("a digest of at least 16 bytes is needed");
    const key = [digest.readInt32LE(0), digest.readInt32LE(4), digest.readInt32LE(8), digest.readInt32LE(12)] as const;
    const words = this.#words;
    const base = (digest.readUInt32LE(12) % ReplayGuard.BUCKETS) * ReplayGuard.#STRIDE;
    // Held for a scan of 64 entries; the other thread spins at most that long.
    while (Atomics.compareExchange(words, base, 0, 1) !== 0);
    try {
      for (let slot = 0; slot < ReplayGuard.SLOTS; slot++) {
        const at = base + 2 + slot * 4;
        if (words[at] === key[0] && words[at + 1] === key[1] && words[at + 2] === key[2] && words[at + 3] === key[3]) return false;
      }
      const next = words[base + 1]!;
      const at = base + 2 + next * 4;
      words.set(key, at);
      words[base + 1] = (next + 1) % ReplayGuard.SLOTS;
      return true;
    } finally {
      Atomics.store(words, base, 0);
    }
  }
}
