import { millisecondsIn } from "#units";

/** A duration that could not be read, with where the reading stopped. */
export class DurationError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}
DurationError.prototype.name = "DurationError";

/**
 * Reads a duration such as `1h30m` or `2.5s` as milliseconds.
 *
 * @example
 * ```ts
 * > parseDuration("1h30m")
 * 5400000
 * > parseDuration("2.5s")
 * 2500
 * > parseDuration("90 minutes")
 * Uncaught DurationError: unknown unit "minutes" at 3
 * ```
 *
 * @example Whitespace between parts is allowed; an empty text is not a duration.
 * import assert from "node:assert/strict";
 * assert.equal(parseDuration("1d 2h"), 93_600_000);
 * assert.throws(() => parseDuration(""), DurationError);
 */
export function parseDuration(text: string): number {
  const part = /\s*(\d+(?:\.\d+)?)\s*([a-z]+)/gy;
  let total = 0;
  let position = 0;
  for (let match = part.exec(text); match !== null; match = part.exec(text)) {
    const [, amount, unit] = match;
    const size = millisecondsIn(unit!);
    if (size === undefined) throw new DurationError(`unknown unit "${unit}" at ${match.index + match[0].indexOf(unit!)}`, match.index);
    total += Number(amount) * size;
    position = part.lastIndex;
  }
  if (position === 0 || text.slice(position).trim() !== "") throw new DurationError(`not a duration: "${text}"`, position);
  return total;
}
