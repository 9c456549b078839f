import * as walk from "acorn-walk";
import type { AnyNode } from "./parse.js";

/**
 * Does the cell need top-level await: a static import (it becomes an
 * awaited load), an `await` or a `for await` outside of any function?
 * Walks only when the word occurs at all: most cells have none.
 */
export function usesTopLevelAwait(js: string, program: AnyNode): boolean {
  return program.body.some((node: AnyNode) => node.type === "ImportDeclaration") || (/\bawait\b/.test(js) && hasTopLevelAwait(program));
}

function hasTopLevelAwait(program: AnyNode): boolean {
  let found = false;
  const skip = (): void => undefined;
  // acorn-walk's types want one node type per visitor; these take any node.
  const visitors: Record<string, (node: AnyNode, state: unknown, next: (node: AnyNode, state: unknown) => void) => void> = {
    FunctionDeclaration: skip,
    FunctionExpression: skip,
    ArrowFunctionExpression: skip,
    AwaitExpression() {
      found = true;
    },
    ForOfStatement(node, state, next) {
      if (node.await) found = true;
      else (walk.base.ForOfStatement as unknown as (node: AnyNode, state: unknown, next: unknown) => void)(node, state, next);
    },
  };
  walk.recursive(program, undefined, visitors as unknown as walk.RecursiveVisitors<unknown>);
  return found;
}
