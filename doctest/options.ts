import { DocTestUsageError, OPTION_NAMES, type OptionFlags, type OptionName } from "./example.js";

/**
 * Parses "+ELLIPSIS -NORMALIZE_WHITESPACE" (spaces or commas between). An
 * unknown option is a usage error naming the file and line.
 */
export function parseOptions(text: string, file: string, line: number): OptionFlags {
  const flags: OptionFlags = {};
  for (const word of text.split(/[\s,]+/).filter(Boolean)) {
    const sign = word[0];
    if (sign !== "+" && sign !== "-") throw new DocTestUsageError(file, line, `doctest option "${word}" needs a + or - in front`);
    const name = word.slice(1).toUpperCase();
    if (!(OPTION_NAMES as readonly string[]).includes(name)) {
      throw new DocTestUsageError(file, line, `unknown doctest option "${word.slice(1)}" (known: ${OPTION_NAMES.join(", ")})`);
    }
    flags[name as OptionName] = sign === "+";
  }
  return flags;
}

/** Options from later levels override earlier ones (run, file, block, example). */
export function mergeOptions(...levels: OptionFlags[]): Required<Record<OptionName, boolean>> {
  const merged = { ELLIPSIS: false, NORMALIZE_WHITESPACE: false, IGNORE_EXCEPTION_DETAIL: false, SKIP: false, AUTOCOLLECT: true };
  for (const level of levels) Object.assign(merged, level);
  return merged;
}
