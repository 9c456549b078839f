import type { Edit } from "../edits.js";
import { declarationOf, type AnyNode } from "./parse.js";

/**
 * The completion-value pass. Without top-level await the script's own
 * completion value is the cell's, exactly as the REPL shows it; a cell that
 * ends with a declaration has none (the transpiler may leave helper
 * assignments before it, which would otherwise be the value), so
 * `undefined` is appended.
 * With top-level await only a final expression statement gives a value,
 * as in the Node REPL: the wrapper returns it.
 */
export function endsWithDeclaration(body: readonly AnyNode[]): boolean {
  const last = body[body.length - 1];
  return last !== undefined && /Declaration$/.test(last.type) && last.type !== "ExportDefaultDeclaration";
}

/** `return (` and `)` around the last statement's expression, for the async wrapper; none when it is no expression. */
export function returnValueEdits(body: readonly AnyNode[]): Edit[] {
  const value = lastExpression(body[body.length - 1]);
  if (value === undefined) return [];
  return [
    { start: value.start, end: value.start, text: "return (" },
    { start: value.end, end: value.end, text: ")" },
  ];
}

function lastExpression(last: AnyNode | undefined): { start: number; end: number } | undefined {
  if (last?.type === "ExpressionStatement") {
    // From the statement's start: an expression in parentheses (an object literal) keeps them inside the `return (`.
    return last.directive ? undefined : { start: last.start, end: last.expression.end };
  }
  // `export default` of an expression, its keywords dropped (a named function or class is a declaration).
  if (last?.type === "ExportDefaultDeclaration") return declarationOf(last) === undefined ? last.declaration : undefined;
  return undefined;
}
