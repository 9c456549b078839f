import * as acorn from "acorn";
import { CellSyntaxError } from "../transpile.js";

/** An ESTree node as acorn makes it; the passes read the fields of the node types they handle. */
export type AnyNode = acorn.Node & Record<string, any>;

/**
 * The first pass: the transpiler's output parsed as a script that allows what a cell
 * may hold (ES module syntax anywhere, `await` at top level, a hashbang).
 */
export function parseCell(js: string): AnyNode {
  try {
    return acorn.parse(js, {
      ecmaVersion: "latest",
      sourceType: "script",
      allowImportExportEverywhere: true,
      allowAwaitOutsideFunction: true,
      allowHashBang: true,
    }) as AnyNode;
  } catch (error) {
    const loc = (error as { loc?: { line: number; column: number } }).loc;
    throw new CellSyntaxError(String((error as Error).message).replace(/ \(\d+:\d+\)$/, ""), loc?.line ?? 1, (loc?.column ?? 0) + 1);
  }
}

/**
 * The declaration a top-level statement makes, if any: the statement
 * itself, or what an `export` wraps (`export default` only of a named
 * function or class; anything else after it is an expression).
 */
export function declarationOf(node: AnyNode): AnyNode | undefined {
  switch (node.type) {
    case "VariableDeclaration":
    case "ClassDeclaration":
    case "FunctionDeclaration":
      return node;
    case "ExportNamedDeclaration":
      return node.declaration ?? undefined;
    case "ExportDefaultDeclaration": {
      const inner: AnyNode = node.declaration;
      return (inner.type === "FunctionDeclaration" || inner.type === "ClassDeclaration") && inner.id ? inner : undefined;
    }
    default:
      return undefined;
  }
}

/** The identifiers a binding pattern declares. */
export function bindingNames(pattern: AnyNode, into: Set<string>): void {
  switch (pattern.type) {
    case "Identifier":
      into.add(pattern.name);
      break;
    case "ObjectPattern":
      for (const property of pattern.properties) bindingNames(property.type === "RestElement" ? property.argument : property.value, into);
      break;
    case "ArrayPattern":
      for (const element of pattern.elements) if (element) bindingNames(element, into);
      break;
    case "RestElement":
      bindingNames(pattern.argument, into);
      break;
    case "AssignmentPattern":
      bindingNames(pattern.left, into);
      break;
    default:
      break;
  }
}
