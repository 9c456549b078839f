import { bindingNames, declarationOf, type AnyNode } from "./parse.js";

/** The names the session binds in every context for the REPL, as the Node REPL does. */
export const REPL_NAMES = ["_", "_error"] as const;
export type ReplName = (typeof REPL_NAMES)[number];
/** A cell that mentions neither name (almost all of them) skips collecting its declared names. */
const MENTIONS_REPL_NAME = /(?<![\w$])_(?:error)?(?![\w$])/;
const NONE: readonly ReplName[] = [];

/**
 * Which REPL names the cell declares with `let`, `const`, `class`,
 * `function` or `import`: from then on they are the user's own variables,
 * as a lexical declaration shadows them in the Node REPL. A `var` is not
 * among them: that one is "expression assignment" in the Node REPL.
 */
export function declaredReplNames(js: string, body: readonly AnyNode[]): readonly ReplName[] {
  if (!MENTIONS_REPL_NAME.test(js)) return NONE;
  const lexical = new Set<string>();
  for (const node of body) {
    if (node.type === "ImportDeclaration") {
      for (const specifier of node.specifiers) lexical.add(specifier.local.name);
      continue;
    }
    const declaration = declarationOf(node);
    if (declaration === undefined) continue;
    if (declaration.type !== "VariableDeclaration") lexical.add(declaration.id.name);
    else if (declaration.kind !== "var") for (const declarator of declaration.declarations) bindingNames(declarator.id, lexical);
  }
  return REPL_NAMES.filter((name) => lexical.has(name));
}
