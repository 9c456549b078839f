import * as acorn from "acorn";
import * as walk from "acorn-walk";
import { applyEdits, type Edit, type Edited } from "./edits.js";
import { CellSyntaxError } from "./transpile.js";

/** The names the transformed code calls into the session with. */
export const IMPORT_FUNCTION = "__greenlet_import__";
export const IMPORT_META = "__greenlet_import_meta__";
/** Binds a module's imported names as live bindings (see live-bindings.ts). */
export const BIND_IMPORTS = "__greenlet_bind_imports__";

export interface ReplScript extends Edited {
  /**
   * True when the cell needs top-level await (an `await`, a `for await` or a
   * static import at top level): the script then evaluates to a promise of
   * the cell's value, and only a final expression statement gives a value,
   * as in the Node REPL. Otherwise the script's completion value is the
   * cell's value, exactly as the REPL shows it (`if`, `for`, ... included).
   */
  topLevelAwait: boolean;
  /**
   * Which of the names the session keeps for the user (`_`, `_error`) the
   * cell declares with `let`, `const`, `class`, `function` or `import`: from
   * then on they are the user's own variables, as a lexical declaration
   * shadows them in the Node REPL. (The transform makes such declarations
   * `var`s or assignments, which would otherwise go through the session's
   * accessors.) A `var` or an assignment is not among them: that one is
   * "expression assignment" in the Node REPL.
   */
  declaresReplNames: readonly ReplName[];
}

/** The names the session binds in every context for the REPL, as the Node REPL does. */
export const REPL_NAMES = ["_", "_error"] as const;
export type ReplName = (typeof REPL_NAMES)[number];
/** A cell that mentions neither name (almost all of them) skips collecting its declared names. */
const MENTIONS_REPL_NAME = /(?<![\w$])_(?:error)?(?![\w$])/;
const NONE: readonly ReplName[] = [];

type AnyNode = acorn.Node & Record<string, any>;

/**
 * Turns a cell's JavaScript (ES module syntax allowed) into a script for a
 * persistent context, as the Node REPL does for its input:
 *
 * - top-level `let`, `const` and `class` become `var`s (or assignments to
 *   hoisted `var`s), so that a later cell may declare the same name again;
 * - static `import`s become awaited calls to the session's importer, and
 *   `import()` / `import.meta` go to the session too (a vm script has no
 *   module loader of its own);
 * - `export` keywords are dropped;
 * - with top-level await, the cell is wrapped in an async arrow function
 *   whose result is the last expression statement.
 *
 * Edits keep every line where it was, so positions in errors map back.
 */
export function replTransform(js: string): ReplScript {
  let program: AnyNode;
  try {
    program = acorn.parse(js, {
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

  const edits: Edit[] = [];
  const body: AnyNode[] = program.body;
  // Walks only when the words occur at all: most cells have neither.
  const topLevelAwait =
    body.some((node) => node.type === "ImportDeclaration") || (/\bawait\b/.test(js) && hasTopLevelAwait(program));
  if (/\bimport\b/.test(js)) {
    // import() and import.meta anywhere.
    walk.simple(program, {
      ImportExpression(node: AnyNode) {
        edits.push({ start: node.start, end: node.start + "import".length, text: IMPORT_FUNCTION });
      },
      MetaProperty(node: AnyNode) {
        if (node.meta.name === "import") edits.push({ start: node.start, end: node.end, text: IMPORT_META });
      },
    });
  }

  const hoisted = new Set<string>();
  const functions: string[] = [];
  const lexical = MENTIONS_REPL_NAME.test(js) ? new Set<string>() : undefined;
  /** Where the value of the cell is, for `return (...)` with top-level await. */
  let lastExpression: { start: number; end: number } | undefined;

  const declare = (declaration: AnyNode): void => {
    if (lexical !== undefined) {
      if (declaration.type === "VariableDeclaration") {
        if (declaration.kind !== "var") for (const declarator of declaration.declarations) bindingNames(declarator.id, lexical);
      } else if (declaration.id) {
        lexical.add(declaration.id.name);
      }
    }
    if (declaration.type === "VariableDeclaration") {
      if (topLevelAwait) {
        for (const declarator of declaration.declarations) bindingNames(declarator.id, hoisted);
        toAssignments(js, declaration, edits);
      } else if (declaration.kind !== "var") {
        // "const" becomes "var  ": the same width keeps the columns.
        edits.push({ start: declaration.start, end: declaration.start + declaration.kind.length, text: "var".padEnd(declaration.kind.length) });
      }
    } else if (declaration.type === "ClassDeclaration") {
      const name: string = declaration.id.name;
      if (topLevelAwait) hoisted.add(name);
      edits.push({ start: declaration.start, end: declaration.start, text: topLevelAwait ? `${name} = ` : `var ${name} = ` });
      edits.push({ start: declaration.end, end: declaration.end, text: ";" });
    } else if (declaration.type === "FunctionDeclaration") {
      if (topLevelAwait) functions.push(declaration.id.name);
    }
  };

  for (const node of body) {
    lastExpression = undefined;
    switch (node.type) {
      case "ImportDeclaration":
        if (lexical !== undefined) for (const specifier of node.specifiers) lexical.add(specifier.local.name);
        edits.push({ start: node.start, end: node.end, text: importAsAssignment(node, hoisted) });
        break;
      case "ExportNamedDeclaration":
        if (node.declaration) {
          edits.push({ start: node.start, end: node.declaration.start, text: "" });
          declare(node.declaration);
        } else {
          edits.push({ start: node.start, end: node.end, text: "" });
        }
        break;
      case "ExportDefaultDeclaration": {
        const inner: AnyNode = node.declaration;
        edits.push({ start: node.start, end: inner.start, text: "" });
        if ((inner.type === "FunctionDeclaration" || inner.type === "ClassDeclaration") && inner.id) declare(inner);
        else lastExpression = inner;
        break;
      }
      case "ExportAllDeclaration":
        edits.push({ start: node.start, end: node.end, text: "" });
        break;
      case "VariableDeclaration":
      case "ClassDeclaration":
      case "FunctionDeclaration":
        declare(node);
        break;
      case "ExpressionStatement":
        // From the statement's start: an expression in parentheses (an object literal) keeps them inside the `return (`.
        if (!node.directive) lastExpression = { start: node.start, end: node.expression.end };
        break;
      default:
        break;
    }
  }

  if (topLevelAwait) {
    if (lastExpression !== undefined) {
      edits.push({ start: lastExpression.start, end: lastExpression.start, text: "return (" });
      edits.push({ start: lastExpression.end, end: lastExpression.end, text: ")" });
    }
    const vars = hoisted.size > 0 ? `var ${[...hoisted].join(", ")}; ` : "";
    // Arrow functions keep the script's `this` (the global object) for these.
    const exports = functions.map((name) => `this.${name} = ${name}; `).join("");
    // First among the edits at offset 0 (the sort is stable), before a `return (` there.
    edits.unshift({ start: 0, end: 0, text: `${vars}(async () => { ${exports}` });
  }
  const edited = applyEdits(js, edits);
  // A cell that ends with a declaration has no value, as in the Node REPL
  // (swc may leave helper assignments before it, which would otherwise be the completion value).
  const last = body[body.length - 1];
  const endsWithDeclaration = last !== undefined && /Declaration$/.test(last.type) && last.type !== "ExportDefaultDeclaration";
  const code = topLevelAwait ? `${edited.code}\n})()` : endsWithDeclaration ? `${edited.code}\n;undefined` : edited.code;
  const declaresReplNames = lexical === undefined ? NONE : REPL_NAMES.filter((name) => lexical.has(name));
  return { code, anchors: edited.anchors, topLevelAwait, declaresReplNames };
}

/** Is there an `await` (or `for await`) outside of any function? */
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

/** `let a = 1, {b} = c;` becomes `(a = 1, {b} = c);` (names hoisted by the caller). */
function toAssignments(js: string, declaration: AnyNode, edits: Edit[]): void {
  const keywordEnd = declaration.start + declaration.kind.length;
  edits.push({ start: declaration.start, end: keywordEnd, text: "(" });
  for (const declarator of declaration.declarations) {
    if (declarator.init === null) {
      edits.push({ start: declarator.id.end, end: declarator.id.end, text: declaration.kind === "var" ? "" : " = void 0" });
    }
  }
  const closeAt = js[declaration.end - 1] === ";" ? declaration.end - 1 : declaration.end;
  edits.push({ start: closeAt, end: closeAt, text: ")" });
  if (declaration.kind === "var" && declaration.declarations.every((d: AnyNode) => d.init === null)) {
    // `var a;` keeps a's value: nothing to evaluate.
    edits.push({ start: keywordEnd, end: keywordEnd, text: "void 0, " });
  }
}

/**
 * A static import as an awaited load of the module, its names then bound
 * live (`BIND_IMPORTS(namespace, { local: "imported" })`); a namespace
 * import is a hoisted variable holding the namespace.
 */
function importAsAssignment(node: AnyNode, hoisted: Set<string>): string {
  const source = JSON.stringify(node.source.value);
  const load = `await ${IMPORT_FUNCTION}(${source})`;
  const specifiers: AnyNode[] = node.specifiers;
  if (specifiers.length === 0) return `${load};`;
  const namespace = specifiers.find((s) => s.type === "ImportNamespaceSpecifier");
  const names: string[] = [];
  for (const specifier of specifiers) {
    if (specifier.type === "ImportDefaultSpecifier") names.push(`${JSON.stringify(specifier.local.name)}: "default"`);
    else if (specifier.type === "ImportSpecifier") {
      const imported = specifier.imported.type === "Literal" ? specifier.imported.value : specifier.imported.name;
      names.push(`${JSON.stringify(specifier.local.name)}: ${JSON.stringify(imported)}`);
    }
  }
  const bind = (from: string): string => `${BIND_IMPORTS}(${from}, {${names.join(", ")}})`;
  if (namespace !== undefined) {
    const name: string = namespace.local.name;
    hoisted.add(name);
    return names.length === 0 ? `${name} = ${load};` : `${name} = ${load}, ${bind(name)};`;
  }
  return `${bind(load)};`;
}

/** The identifiers a binding pattern declares. */
function bindingNames(pattern: AnyNode, into: Set<string>): void {
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
