import { toSyntaxError } from "../transpile.js";
import { createRequire } from "node:module";
import type * as Swc from "@swc/core";

/** Whether a cell can run as typed, as Jupyter's is_complete asks (for `jupyter console`). */
export type Completeness = { status: "complete" } | { status: "incomplete"; indent: string } | { status: "invalid" };

const require = createRequire(import.meta.url);

/**
 * Parses the cell with swc: no error means complete; an error at the very
 * end of the input (or an unterminated block comment or template) means
 * more lines are coming, indented by the brackets still open; any other
 * error means invalid.
 */
export function isComplete(code: string): Completeness {
  const swc = require("@swc/core") as typeof Swc;
  try {
    swc.parseSync(code, { syntax: "typescript", decorators: true, target: "es2022" });
    return { status: "complete" };
  } catch (error) {
    // `{ a: 1, b: 2 }` runs as an object literal (see object-literal.ts), though it is no statement.
    if (/^\s*\{/.test(code) && parses(`(${code}\n)`, swc)) return { status: "complete" };
    const text = String((error as Error)?.message ?? error);
    // No caret under the snippet: the error is at the end of the input.
    const hasCaret = /^\s*:\s*\^/m.test(text);
    const { line, column } = toSyntaxError(error, code);
    if (/<eof>|Unterminated (template|block comment)|Unexpected eof/i.test(text) || !hasCaret || pastEnd(code, line, column)) {
      return { status: "incomplete", indent: "  ".repeat(openBrackets(code)) };
    }
    return { status: "invalid" };
  }
}

function parses(code: string, swc: typeof Swc): boolean {
  try {
    swc.parseSync(code, { syntax: "typescript", decorators: true, target: "es2022" });
    return true;
  } catch {
    return false;
  }
}

/** Is (line, column) after the last non-blank character of `code`? */
function pastEnd(code: string, line: number, column: number): boolean {
  const lines = code.trimEnd().split("\n");
  return line > lines.length || (line === lines.length && column > lines[lines.length - 1]!.length);
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
