import { inspect, type InspectOptions } from "node:util";

/**
 * How results are echoed: the Node REPL's writer (util.inspect with
 * showProxy), pinned so that output does not depend on the terminal:
 * no colours, lines broken at 80 columns, depth 2, up to 100 array items.
 */
export const ECHO_OPTIONS: Readonly<InspectOptions> = Object.freeze({
  colors: false,
  breakLength: 80,
  depth: 2,
  compact: 3,
  showProxy: true,
  maxArrayLength: 100,
  maxStringLength: 10_000,
  sorted: false,
  getters: false,
  numericSeparator: false,
});

export function echo(value: unknown): string {
  return inspect(value, ECHO_OPTIONS);
}
