import type * as Diff from "diff";
import { LazyModule } from "../shared/lazy-module.js";
import type { Options } from "./example.js";

/** `diff`, loaded the first time a failure is shown: a run whose examples pass never loads it (some 20 ms). */
const differ = new LazyModule<typeof Diff>("diff");

/**
 * Python doctest's OutputChecker for the Node REPL's transcripts: trailing
 * whitespace on each line and trailing blank lines never count; the
 * indented `at ...` stack lines after an `Uncaught ...` line are ignored on
 * both sides, and so is the property block that follows an error's stack
 * (`{ code: 'E_CODE' }`) when the expected error does not show one;
 * ELLIPSIS, NORMALIZE_WHITESPACE and IGNORE_EXCEPTION_DETAIL work as in
 * Python.
 */
export function outputMatches(want: string, got: string, options: Options): boolean {
  // The same text reads the same on both sides, whatever the options: most passing examples stop here.
  if (want === got) return true;
  const [wanted, printed] = aligned(want, got, options);
  let expected = render(wanted, "compare");
  let actual = render(printed, "compare");
  if (expected === actual) return true;
  if (options.NORMALIZE_WHITESPACE) {
    expected = expected.replace(/\s+/g, " ").trim();
    actual = actual.replace(/\s+/g, " ").trim();
    if (expected === actual) return true;
  }
  return options.ELLIPSIS && ellipsisMatch(expected, actual);
}

/**
 * What is shown of an output: line ends, trailing blanks and stack lines
 * dropped; an error's property block follows its first line, as
 * `Uncaught Error: with code {`, the block's lines, `}`.
 */
export function normalize(text: string, options: Pick<Options, "IGNORE_EXCEPTION_DETAIL">): string {
  return render(parse(text, options.IGNORE_EXCEPTION_DETAIL), "show");
}

/**
 * What --update writes for an example that printed `got`: its normalized
 * output, without the property blocks of the errors that the old expected
 * output showed without one (its author chose the header alone).
 */
export function updatedOutput(want: string, got: string): string {
  return render(aligned(want, got, { IGNORE_EXCEPTION_DETAIL: false })[1], "show");
}

/** An output as lines and errors. */
type Piece = { line: string } | ErrorPiece;

interface ErrorPiece {
  /** `Uncaught Error: message` (what follows it on its line and the stack lines dropped). */
  header: string;
  /** Lines of the message after the first, if it has several. */
  more: string[];
  /** The lines inside the error's property block, stack lines of a `[cause]` dropped; none: no block. */
  block?: string[];
}

const STACK_LINE = /^\s+at /;
/** Node's REPL shows an error thrown at top level without frames: `Uncaught [Error: x] { code: 1 }`. */
const BRACKETED = /^Uncaught \[([A-Za-z_$][\w$]*(?:: .*)?)\] \{(.*)$/;

function parse(text: string, ignoreDetail: boolean): Piece[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n").map((line) => line.replace(/\s+$/, ""));
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const pieces: Piece[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i++]!;
    if (!line.startsWith("Uncaught ")) {
      pieces.push({ line });
      continue;
    }
    const error: ErrorPiece = { header: line, more: [] };
    const bracketed = BRACKETED.exec(line);
    if (bracketed !== null) {
      const rest = bracketed[2]!.trim();
      if (rest.endsWith("}")) {
        error.header = `Uncaught ${bracketed[1]}`;
        error.block = rest === "}" ? [] : [`  ${rest.slice(0, -1).trim()}`];
      } else if (rest === "") {
        const block = blockAt(lines, i);
        if (block !== undefined) {
          error.header = `Uncaught ${bracketed[1]}`;
          error.block = block.lines;
          i = block.next;
        }
      }
    } else {
      // The indented lines after the header: the rest of the message, the stack, and the block's lines.
      let end = i;
      while (end < lines.length && /^\s/.test(lines[end]!)) end++;
      // The message's lines, then the frames (a `[cause]` in the block has frames of its own).
      let k = i;
      while (k < end && !STACK_LINE.test(lines[k]!)) k++;
      while (k < end && STACK_LINE.test(lines[k]!)) k++;
      const lastFrame = k > i && STACK_LINE.test(lines[k - 1]!) ? k - 1 : -1;
      // The block opens at the end of the last stack line or, without frames, of the message.
      let opener = lastFrame;
      if (opener < 0) {
        opener = line.endsWith(" {") ? i - 1 : -1;
        for (let m = i; opener < 0 && m < end; m++) if (lines[m]!.endsWith(" {")) opener = m;
      }
      const block = opener >= 0 && lines[opener]!.endsWith(" {") ? blockAt(lines, opener + 1) : undefined;
      const messageEnd = block !== undefined ? opener + 1 : end;
      for (let m = i; m < messageEnd; m++) if (!STACK_LINE.test(lines[m]!)) error.more.push(lines[m]!);
      if (block !== undefined) {
        error.block = block.lines;
        if (opener === i - 1) error.header = line.slice(0, -2);
        else if (opener !== lastFrame) error.more[error.more.length - 1] = lines[opener]!.slice(0, -2);
        i = block.next;
      } else {
        i = end;
      }
    }
    if (ignoreDetail) {
      error.header = exceptionHead(error.header);
      error.block = undefined;
    }
    pieces.push(error);
  }
  return pieces;
}

/** The property block starting at line `from`: indented lines, then `}` on a line of its own. */
function blockAt(lines: readonly string[], from: number): { lines: string[]; next: number } | undefined {
  let k = from;
  while (k < lines.length && /^\s/.test(lines[k]!)) k++;
  if (lines[k] !== "}") return undefined;
  return { lines: lines.slice(from, k).filter((line) => !STACK_LINE.test(line)), next: k + 1 };
}

/**
 * Both outputs parsed, the errors of `got` without their property block
 * where the error at the same place in `want` shows none.
 */
function aligned(want: string, got: string, options: Pick<Options, "IGNORE_EXCEPTION_DETAIL">): [Piece[], Piece[]] {
  const wanted = parse(want, options.IGNORE_EXCEPTION_DETAIL);
  const printed = parse(got, options.IGNORE_EXCEPTION_DETAIL);
  const wantedErrors = wanted.filter(isError);
  let index = 0;
  const trimmed = printed.map((piece) => {
    if (!isError(piece)) return piece;
    const counterpart = wantedErrors[index++];
    return counterpart !== undefined && counterpart.block === undefined && piece.block !== undefined ? { ...piece, block: undefined } : piece;
  });
  return [wanted, trimmed];
}

function isError(piece: Piece): piece is ErrorPiece {
  return "header" in piece;
}

/**
 * "show": a block as its lines; "compare": a block on one line with its
 * runs of whitespace as one space, since node lays out the same block on
 * one line or several depending on what precedes it.
 */
function render(pieces: readonly Piece[], style: "show" | "compare"): string {
  const out: string[] = [];
  for (const piece of pieces) {
    if (!isError(piece)) {
      out.push(piece.line);
      continue;
    }
    const lines = [piece.header, ...piece.more];
    if (piece.block !== undefined) {
      if (style === "show") {
        lines[lines.length - 1] += " {";
        lines.push(...piece.block, "}");
      } else {
        const inside = piece.block.join(" ").replace(/\s+/g, " ").trim();
        lines[lines.length - 1] += inside === "" ? " {}" : ` { ${inside} }`;
      }
    }
    out.push(...lines);
  }
  return out.join("\n");
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
  const [wanted, printed] = aligned(want, got, options);
  const patch = differ.get().createTwoFilesPatch("expected", "actual", ensureNewline(render(wanted, "show")), ensureNewline(render(printed, "show")), "", "", { context: 3 });
  return patch
    .split("\n")
    .filter((line) => !line.startsWith("====="))
    .join("\n")
    .trimEnd();
}

function ensureNewline(text: string): string {
  return text === "" || text.endsWith("\n") ? text : `${text}\n`;
}
