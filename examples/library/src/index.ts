export { parseDuration, DurationError } from "./parse.js";
export { formatDuration, type FormatOptions } from "./format.js";

import { formatDuration } from "./format.js";
import { parseDuration } from "./parse.js";

/**
 * A duration in its shortest form.
 *
 * @example
 * > normalize("90m")
 * '1h 30m'
 * > ["120s", "1.5h", "36h"].map(normalize)
 * [ '2m', '1h 30m', '1d 12h' ]
 */
export function normalize(text: string): string {
  return formatDuration(parseDuration(text));
}
