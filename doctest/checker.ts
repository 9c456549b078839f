import { createTwoFilesPatch } from "diff";
import type { OptionName } from "./example.js";

type Options = Readonly<Record<OptionName, boolean>>;

/**
 * Python doctest's OutputChecker for the Node REPL's transcripts: trailing
 * whitespace on each line and trailing blank lines never count; the
 * indented `at ...` stack lines after an `Uncaught ...` line are ignored on
 * both sides; ELLIPSIS, NORMALIZE_WHITESPACE and IGNORE_EXCEPTION_DETAIL work
 * as in Python.
 */
export function outputMatches(want: string, got: string, options: Options): boolean {
  let expected = normalize(want, options);
  let actual = normalize(got, options);
  if (expected === actual) return true;
  if (options.NORMALIZE_WHITESPACE) {
    expected = expected.replace(/\s+/g, " ").trim();
    actual = actual.replace(/\s+/g, " ").trim();
    if (expected === actual) return true;
  }
  return options.ELLIPSIS && ellipsisMatch(expected, actual);
}

/** What is compared of an output: line ends, trailing blanks and stack lines dropped. */
export function normalize(text: string, options: Pick<Options, "IGNORE_EXCEPTION_DETAIL">): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n").map((line) => line.replace(/\s+$/, ""));
  const kept: string[] = [];
  let inStack = false;
  for (const line of lines) {
    if (line.startsWith("Uncaught ")) {
      inStack = true;
      kept.push(options.IGNORE_EXCEPTION_DETAIL ? exceptionHead(line) : line);
      continue;
    }
    if (inStack && /^\s+at /.test(line)) continue;
    if (inStack && !/^\s/.test(line)) inStack = false;
    kept.push(line);
  }
  while (kept.length > 0 && kept[kept.length - 1] === "") kept.pop();
  return kept.join("\n");
}

/** `Uncaught TypeError: detail` compares as `Uncaught TypeError`. */
function exceptionHead(line: string): string {
  const colon = line.indexOf(":");
  return colon < 0 ? line : line.slice(0, colon);
}

/** `...` in the expected text matches any text, line breaks included. */
export function ellipsisMatch(want: string, got: string): boolean {
  if (!want.includes("...")) return want === got;
  const pieces = want.split("...");
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (!got.startsWith(first) || !got.endsWith(last) || first.length + last.length > got.length) return false;
  let position = first.length;
  const end = got.length - last.length;
  for (const piece of pieces.slice(1, -1)) {
    const found = got.indexOf(piece, position);
    if (found < 0 || found + piece.length > end) return false;
    position = found + piece.length;
  }
  return true;
}

/** A unified diff of the expected and the actual output, for a failure report. */
export function outputDiff(want: string, got: string, options: Options): string {
  const patch = createTwoFilesPatch("expected", "actual", ensureNewline(normalize(want, options)), ensureNewline(normalize(got, options)), "", "", { context: 3 });
  return patch
    .split("\n")
    .filter((line) => !line.startsWith("====="))
    .join("\n")
    .trimEnd();
}

function ensureNewline(text: string): string {
  return text === "" || text.endsWith("\n") ? text : `${text}\n`;
}
