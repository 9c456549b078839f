import { inspect } from "node:util";
import { ECHO_OPTIONS } from "./echo.js";
import type { CellError } from "./events.js";
import { looksLikeError } from "./guards.js";
import { rewriteStack, type SourceLookup } from "./source-map.js";
import { CellSyntaxError } from "./transpile.js";

/** How an interrupted cell fails (Python's KeyboardInterrupt). */
export class Interrupted extends Error {
  constructor(message = "the cell was interrupted") {
    super(message);
  }
}
Interrupted.prototype.name = "Interrupted";

/** What to report for a thrown value: stack mapped to the cells' TypeScript, engine frames cut. */
export function cellError(value: unknown, sources: SourceLookup, filename?: string, lineOffset = 0): CellError {
  if (!looksLikeError(value)) {
    const shown = inspect(value, ECHO_OPTIONS);
    const uncaught = `Uncaught ${shown}`;
    return { ename: value === null ? "null" : typeof value, evalue: shown, traceback: [uncaught], uncaught, value };
  }
  const name = typeof value.name === "string" ? value.name : "Error";
  const message = typeof value.message === "string" ? value.message : String(value.message ?? "");
  let stack: string;
  if (value instanceof CellSyntaxError) {
    // Shown as the plain SyntaxError the REPL would print, at the cell's position.
    stack = `${name}: ${message}\n    at ${filename ?? "cell"}:${value.line + lineOffset}:${value.column}`;
    const plain = new SyntaxError(message);
    plain.stack = stack;
    return { ename: name, evalue: message, traceback: stack.split("\n"), uncaught: `Uncaught ${inspect(plain, ECHO_OPTIONS)}`, value: plain };
  } else {
    stack = typeof value.stack === "string" ? rewriteStack(value.stack, sources) : `${name}: ${message}`;
  }
  try {
    value.stack = stack;
  } catch {
    // A frozen error keeps its own stack.
  }
  let shown = inspect(value, ECHO_OPTIONS);
  // An error without frames (all of them the engine's) inspects as `[TypeError: x]`: the Node REPL drops the brackets.
  if (shown.startsWith("[") && shown.endsWith("]")) shown = shown.slice(1, -1);
  return { ename: name, evalue: message, traceback: stack.split("\n"), uncaught: `Uncaught ${shown}`, value };
}
