import { swc, swcErrors, type SwcError } from "../swc.js";

/** Whether a cell can run as typed, as Jupyter's is_complete asks (for `jupyter console`). */
export type Completeness = { status: "complete" } | { status: "incomplete"; indent: string } | { status: "invalid" };

/**
 * Lines that, put after the cell, make some incomplete cells valid: an
 * expression (after `let`, `if (x)`, `1 +`, `a.`), the end of a template,
 * and the end of a string continued with a backslash. One that parses
 * proves the cell incomplete; none parsing proves nothing.
 */
const CONTINUATIONS = ["_", "`", '"', "'"];

/**
 * "incomplete" only when more lines could make the cell valid, "invalid"
 * when no line can, so that a console shows the error at once instead of
 * waiting for lines that cannot help.
 *
 * The cell is parsed with swc followed by blank lines. A syntax error swc
 * reports at the end of the input (without a caret under the code) means the
 * parser ran out of input while it still needed tokens: an open bracket,
 * template or block comment, `if (x)` with nothing after, a trailing
 * operator. The line breaks matter: without them, the last token is still
 * open, and an error inside it (`0x`, `1e`) is reported at the end too; after
 * a line break that token is closed and the error points into it; and an
 * error that spans to the end (an open template) is shown without a caret
 * only when it covers more than one line. An error anywhere else cannot be
 * repaired by what follows: invalid (`let 1x = 3;`, `x = )`) — unless one of
 * the CONTINUATIONS makes the cell parse (`let` alone, which swc refuses as
 * an identifier).
 */
export function isComplete(code: string): Completeness {
  if (parses(code)) return { status: "complete" };
  // `{ a: 1, b: 2 }` runs as an object literal (see object-literal.ts), though it is no statement.
  if (/^\s*\{/.test(code) && parses(`(${code}\n)`)) return { status: "complete" };
  const errors = syntaxErrors(`${code}\n\n`);
  const incomplete = errors === undefined || errors.every((error) => !error.pointed) || CONTINUATIONS.some((line) => parses(`${code}\n${line}`));
  return incomplete ? { status: "incomplete", indent: "  ".repeat(openBrackets(code)) } : { status: "invalid" };
}

function parse(code: string): void {
  swc().parseSync(code, { syntax: "typescript", decorators: true, target: "es2022" });
}

function parses(code: string): boolean {
  try {
    parse(code);
    return true;
  } catch {
    return false;
  }
}

/** The errors swc reports for `code` (undefined if it parses). */
function syntaxErrors(code: string): SwcError[] | undefined {
  try {
    parse(code);
    return undefined;
  } catch (error) {
    return swcErrors(error);
  }
}

/** How many brackets are open at the end, strings and comments aside. */
function openBrackets(code: string): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < code.length; i++) {
    const ch = code[i]!;
    if (quote !== null) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === "/" && code[i + 1] === "/") {
      while (i < code.length && code[i] !== "\n") i++;
    } else if (ch === "/" && code[i + 1] === "*") {
      const end = code.indexOf("*/", i + 2);
      i = end < 0 ? code.length : end + 1;
    } else if (ch === '"' || ch === "'" || ch === "`") {
      quote = ch;
    } else if (ch === "{" || ch === "(" || ch === "[") {
      depth++;
    } else if (ch === "}" || ch === ")" || ch === "]") {
      depth = Math.max(0, depth - 1);
    }
  }
  return depth;
}
