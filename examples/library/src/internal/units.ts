/** Milliseconds in each unit a duration can be written in, largest first. */
export const UNITS = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
  ["ms", 1],
] as const;

export type Unit = (typeof UNITS)[number][0];

/** The milliseconds in one `unit`, or undefined for a word that is not a unit. */
export function millisecondsIn(unit: string): number | undefined {
  return UNITS.find(([name]) => name === unit)?.[1];
}
