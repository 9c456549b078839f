/** `--shard I/N`: this machine checks the I-th of N parts (1-based). */
export interface Shard {
  index: number;
  count: number;
}

/** Parses "I/N"; a bad value is an error message naming the option. */
export function parseShard(text: string): Shard | string {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match === null ? NaN : Number(match[1]);
  const count = match === null ? NaN : Number(match[2]);
  if (!(count >= 1 && index >= 1 && index <= count)) return `--shard takes I/N with 1 <= I <= N (as --shard 2/3), not "${text}"`;
  return { index, count };
}

/**
 * The files of one shard: the list (already in a stable, sorted order) cut
 * into N contiguous parts whose sizes differ by at most one, as Playwright
 * does. Every file is in exactly one shard, whatever machine computes it.
 */
export function selectShard<T>(files: readonly T[], shard: Shard): T[] {
  const start = Math.floor(((shard.index - 1) * files.length) / shard.count);
  const end = Math.floor((shard.index * files.length) / shard.count);
  return files.slice(start, end);
}
