import { DocTestUsageError, OPTION_NAMES, type OptionFlags, type OptionName, type Options } from "./example.js";

/** The option a name (any case) names, or undefined. */
export function optionName(name: string): OptionName | undefined {
  const upper = name.toUpperCase();
  return (OPTION_NAMES as readonly string[]).includes(upper) ? (upper as OptionName) : undefined;
}

/** The message for an option name that is none. */
export function unknownOption(name: string): string {
  return `unknown doctest option "${name}" (known: ${OPTION_NAMES.join(", ")})`;
}

/**
 * An option as `--option` and package.json's `"options"` list give it:
 * `NAME` or `+NAME` turns it on, `-NAME` off. Undefined for an unknown name.
 */
export function parseOptionSwitch(word: string): { name: OptionName; on: boolean } | undefined {
  const name = optionName(word.replace(/^[+-]/, ""));
  return name === undefined ? undefined : { name, on: !word.startsWith("-") };
}

/**
 * Parses the words of a `// doctest:` or `<!-- doctest: -->` directive,
 * "+ELLIPSIS -NORMALIZE_WHITESPACE" (spaces or commas between), where each
 * needs its sign. An unknown option is a usage error naming the file and line.
 */
export function parseOptions(text: string, file: string, line: number): OptionFlags {
  const flags: OptionFlags = {};
  for (const word of text.split(/[\s,]+/).filter(Boolean)) {
    const sign = word[0];
    if (sign !== "+" && sign !== "-") throw new DocTestUsageError(file, line, `doctest option "${word}" needs a + or - in front`);
    const option = parseOptionSwitch(word);
    if (option === undefined) throw new DocTestUsageError(file, line, unknownOption(word.slice(1)));
    flags[option.name] = option.on;
  }
  return flags;
}

/** Options from later levels override earlier ones (run, file, block, example). */
export function mergeOptions(...levels: OptionFlags[]): Options {
  const merged = { ELLIPSIS: false, NORMALIZE_WHITESPACE: false, IGNORE_EXCEPTION_DETAIL: false, SKIP: false, AUTOCOLLECT: true };
  for (const level of levels) Object.assign(merged, level);
  return merged;
}
