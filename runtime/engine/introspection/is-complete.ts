import { stripTypes } from "../transpile.js";

/** Whether a cell can run as typed, as Jupyter's is_complete asks (for `jupyter console`). */
export type Completeness = { status: "complete" } | { status: "incomplete"; indent: string } | { status: "invalid" };

/**
 * Lines that, put after the cell, make some incomplete cells valid: an
 * expression (after `let`, `if (x)`, `1 +`, `a.`), the end of a template,
 * the end of a string continued with a backslash, and the `finally` a
 * `try {}` waits for (oxc reports its absence at the `}`). One that parses
 * proves the cell incomplete; none parsing proves nothing.
 */
const CONTINUATIONS = ["_", "`", '"', "'", "finally {}"];

/**
 * "incomplete" only when more lines could make the cell valid, "invalid"
 * when no line can, so that a console shows the error at once instead of
 * waiting for lines that cannot help.
 *
 * The cell is compiled as the engine compiles it (oxc), followed by blank
 * lines. An error whose first label reaches the end of that text means the
 * parser ran out of input while it still needed tokens: an open bracket,
 * template or block comment, `if (x)` with nothing after, a trailing
 * operator. The line breaks matter: without them, the last token is still
 * open, and an error inside it (`0x`, `1e`) is reported at the end too;
 * after them that token is closed, and the error points into it or at the
 * line break after it. An error anywhere else cannot be repaired by what
 * follows: invalid (`let 1x = 3;`, `x = )`) — unless one of the
 * CONTINUATIONS makes the cell compile (`let` alone, which is an
 * identifier on its own).
 */
export function isComplete(code: string): Completeness {
  if (compiles(code)) return { status: "complete" };
  // `{ a: 1, b: 2 }` runs as an object literal (see object-literal.ts), though it is no statement.
  if (/^\s*\{/.test(code) && compiles(`(${code}\n)`)) return { status: "complete" };
  const padded = `${code}\n\n`;
  const errors = stripTypes(padded, "cell.ts").errors;
  const end = Buffer.byteLength(padded);
  const atEnd = errors.length === 0 || errors.every((error) => error.labels.length > 0 && error.labels[0]!.end >= end);
  const incomplete = atEnd || CONTINUATIONS.some((line) => compiles(`${code}\n${line}`));
  return incomplete ? { status: "incomplete", indent: "  ".repeat(openBrackets(code)) } : { status: "invalid" };
}

function compiles(code: string): boolean {
  return stripTypes(code, "cell.ts").errors.length === 0;
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
