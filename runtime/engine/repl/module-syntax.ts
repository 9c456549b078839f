import * as walk from "acorn-walk";
import type { Edit } from "../edits.js";
import type { AnyNode } from "./parse.js";

/** The names the transformed code calls into the session with (a vm script has no module loader). */
export const IMPORT_FUNCTION = "__greenlet_import__";
export const IMPORT_META = "__greenlet_import_meta__";
/** Binds a module's imported names as live bindings (see live-bindings.ts). */
export const BIND_IMPORTS = "__greenlet_bind_imports__";

/**
 * The module-syntax pass: `import()` and `import.meta` anywhere go to the
 * session; static imports become awaited loads (the cell then needs
 * top-level await), their namespace names hoisted into `hoisted`; `export`
 * keywords are dropped (what they export is left to the declarations pass).
 */
export function moduleSyntaxEdits(js: string, program: AnyNode, hoisted: Set<string>): Edit[] {
  // Walks only when the word occurs at all: most cells have none.
  const edits = /\bimport\b/.test(js) ? importReferenceEdits(program) : [];
  for (const node of program.body as AnyNode[]) {
    switch (node.type) {
      case "ImportDeclaration":
        edits.push({ start: node.start, end: node.end, text: importAsLoad(node, hoisted) });
        break;
      case "ExportNamedDeclaration":
        edits.push({ start: node.start, end: node.declaration ? node.declaration.start : node.end, text: "" });
        break;
      case "ExportDefaultDeclaration":
        edits.push({ start: node.start, end: node.declaration.start, text: "" });
        break;
      case "ExportAllDeclaration":
        edits.push({ start: node.start, end: node.end, text: "" });
        break;
      default:
        break;
    }
  }
  return edits;
}

/** Edits that send the `import()` calls and `import.meta` anywhere in `program` to the session. */
function importReferenceEdits(program: AnyNode): Edit[] {
  const edits: Edit[] = [];
  walk.simple(program, {
    ImportExpression(node: AnyNode) {
      edits.push({ start: node.start, end: node.start + "import".length, text: IMPORT_FUNCTION });
    },
    MetaProperty(node: AnyNode) {
      if (node.meta.name === "import") edits.push({ start: node.start, end: node.end, text: IMPORT_META });
    },
  });
  return edits;
}

/**
 * A static import as an awaited load of the module, its names then bound
 * live (`BIND_IMPORTS(namespace, { local: "imported" })`); a namespace
 * import is a hoisted variable holding the namespace.
 */
function importAsLoad(node: AnyNode, hoisted: Set<string>): string {
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
