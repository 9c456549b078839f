const encoder = new TextEncoder();

/**
 * MurmurHash2 (32 bits) of a string's UTF-8 bytes, as JupyterLab's debugger
 * (4.x) and ipykernel compute it. The kernel and the client must name a cell's dumped file the same
 * way, `tmpFilePrefix + murmur2(code, hashSeed) + tmpFileSuffix`: the
 * client finds a cell's breakpoints by that name without asking the kernel.
 */
export function murmur2(text: string, seed: number): number {
  const m = 0x5bd1e995;
  const data = encoder.encode(text);
  let length = data.length;
  let hash = (seed ^ length) >>> 0;
  let at = 0;
  const byte = (i: number): number => data[i]!;
  while (length >= 4) {
    let k = byte(at) | (byte(at + 1) << 8) | (byte(at + 2) << 16) | (byte(at + 3) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    hash = Math.imul(hash, m) ^ k;
    at += 4;
    length -= 4;
  }
  // The last one to three bytes (the reference falls through a switch from 3 down to 1).
  if (length >= 3) hash ^= byte(at + 2) << 16;
  if (length >= 2) hash ^= byte(at + 1) << 8;
  if (length >= 1) hash = Math.imul(hash ^ byte(at), m);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, m);
  hash ^= hash >>> 15;
  return hash >>> 0;
}
