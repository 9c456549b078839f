import type { Edit } from "../edits.js";
import { bindingNames, declarationOf, type AnyNode } from "./parse.js";

/** What the declarations pass leaves to the wrapper of a cell with top-level await. */
export interface Declared {
  edits: Edit[];
  /** Function declarations, which the async wrapper makes globals (`this.f = f`). */
  functions: string[];
}

/**
 * The declarations pass: top-level `let`, `const` and `class` become
 * `var`s, so that a later cell may declare the same name again. With
 * top-level await the cell's code moves into a function, so its
 * declarations become assignments instead, their names hoisted into
 * `hoisted` (`var`s before the wrapper).
 */
export function declarationEdits(js: string, body: readonly AnyNode[], topLevelAwait: boolean, hoisted: Set<string>): Declared {
  const edits: Edit[] = [];
  const functions: string[] = [];
  for (const node of body) {
    const declaration = declarationOf(node);
    if (declaration === undefined) continue;
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
    } else if (topLevelAwait) {
      functions.push(declaration.id.name);
    }
  }
  return { edits, functions };
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
