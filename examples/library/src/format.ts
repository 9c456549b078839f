import { UNITS } from "#units";

export interface FormatOptions {
  /** How many units to show at most, largest first (default: all that are not zero). */
  largest?: number;
}

/**
 * Writes milliseconds as a duration, largest units first.
 *
 * @example
 * ```ts
 * > formatDuration(5_400_000)
 * '1h 30m'
 * > formatDuration(93_784_005)
 * '1d 2h 3m 4s 5ms'
 * > formatDuration(93_784_005, { largest: 2 })
 * '1d 2h'
 * > formatDuration(0)
 * '0ms'
 * ```
 */
export function formatDuration(milliseconds: number, options: FormatOptions = {}): string {
  if (!Number.isFinite(milliseconds) || milliseconds < 0) throw new RangeError(`cannot format ${milliseconds} ms`);
  const parts: string[] = [];
  let rest = Math.round(milliseconds);
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count}${unit}`);
  }
  const shown = parts.slice(0, options.largest ?? parts.length);
  return shown.length === 0 ? "0ms" : shown.join(" ");
}
