import vm from "node:vm";
import { applyEdits, type Edit, type Edited } from "./edits.js";
import { endsWithDeclaration, returnValueEdits } from "./repl/cell-value.js";
import { declarationEdits } from "./repl/declarations.js";
import { moduleSyntaxEdits } from "./repl/module-syntax.js";
import { parseCell } from "./repl/parse.js";
import { declaredReplNames, type ReplName } from "./repl/repl-names.js";
import { usesTopLevelAwait } from "./repl/top-level-await.js";

export { BIND_IMPORTS, IMPORT_FUNCTION, IMPORT_META } from "./repl/module-syntax.js";
export { REPL_NAMES, type ReplName } from "./repl/repl-names.js";

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

/**
 * Turns a cell's JavaScript (ES module syntax allowed) into a script for a
 * persistent context, as the Node REPL does for its input, in passes over
 * one parse (each in repl/):
 *
 * - parse (parse.ts), and find whether the cell needs top-level await
 *   (top-level-await.ts);
 * - module syntax: static `import`s become awaited calls to the session's
 *   importer, `import()` / `import.meta` go to the session too (a vm
 *   script has no module loader of its own), `export` keywords are dropped
 *   (module-syntax.ts);
 * - declarations: top-level `let`, `const` and `class` become `var`s, or
 *   assignments to hoisted `var`s with top-level await, so that a later
 *   cell may declare the same name again (declarations.ts);
 * - the completion value (cell-value.ts), and with top-level await the
 *   async arrow function the cell is wrapped in, which returns it;
 * - the REPL names the cell declares (repl-names.ts).
 *
 * The passes only collect edits; they are applied once, by applyEdits,
 * which keeps every line where it was, so positions in errors map back.
 */
export function replTransform(js: string): ReplScript {
  return needsNoEdit(js) ? unchanged(js) : transformParsed(js);
}

/**
 * Every word a pass reacts to: a static import, `import()` and
 * `import.meta` (module-syntax.ts, top-level-await.ts), `export`, `await`
 * and `for await` (top-level-await.ts), the declarations `var`, `let`,
 * `const`, `using`, `class` and `function` (declarations.ts, and
 * cell-value.ts's endsWithDeclaration: every statement type that ends in
 * "Declaration" starts with one of these words); the REPL names matter only
 * in a declaration (repl-names.ts). `\u`: a word spelled with an escape.
 * Matched anywhere, strings and comments included: a cell without any of
 * them has nothing to edit.
 */
const REACTED_TO = /\b(?:import|export|await|var|let|const|using|class|function)\b|\\u/;

/**
 * The cell provably needs no edit: none of the words any pass reacts to,
 * and V8 compiles it as a script. (A transpiler may let through code that
 * is no valid JavaScript, `super()` at top level, a duplicate parameter: acorn
 * rejects it, and a cell that V8 does not compile takes the parse, to fail
 * as it always did, with acorn's message and position.) The compile costs a
 * few microseconds; acorn's parse, most of all in a process's first cells
 * before it is optimized, some tens to hundreds.
 */
export function needsNoEdit(js: string): boolean {
  if (REACTED_TO.test(js)) return false;
  try {
    new vm.Script(js);
    return true;
  } catch {
    return false;
  }
}

/** What transformParsed gives a cell that needs no edit, without parsing it: its code, its lines mapped to themselves. */
function unchanged(js: string): ReplScript {
  return { ...applyEdits(js, []), topLevelAwait: false, declaresReplNames: [] };
}

/** The transform by the passes, over acorn's parse of the cell (whatever the cell; replTransform skips it when nothing needs an edit). */
export function transformParsed(js: string): ReplScript {
  const program = parseCell(js);
  const body = program.body;
  const topLevelAwait = usesTopLevelAwait(js, program);
  const hoisted = new Set<string>();
  const moduleEdits = moduleSyntaxEdits(js, program, hoisted);
  const declared = declarationEdits(js, body, topLevelAwait, hoisted);
  const edits = topLevelAwait
    ? // The wrapper's opening first among the edits at offset 0 (the sort is stable), before a `return (` there.
      [asyncWrapperStart(hoisted, declared.functions), ...moduleEdits, ...declared.edits, ...returnValueEdits(body)]
    : [...moduleEdits, ...declared.edits];
  const edited = applyEdits(js, edits);
  // Lines after the cell's last one, where nothing maps back: the wrapper's end, or no value after a declaration.
  const end = topLevelAwait ? "\n})()" : endsWithDeclaration(body) ? "\n;undefined" : "";
  return { code: edited.code + end, anchors: edited.anchors, topLevelAwait, declaresReplNames: declaredReplNames(js, body) };
}

/**
 * `var a, b; (async () => { this.f = f; `: the hoisted names, then the
 * function declarations made globals (the arrow function keeps the
 * script's `this`, the global object).
 */
function asyncWrapperStart(hoisted: ReadonlySet<string>, functions: readonly string[]): Edit {
  const vars = hoisted.size > 0 ? `var ${[...hoisted].join(", ")}; ` : "";
  const exports = functions.map((name) => `this.${name} = ${name}; `).join("");
  return { start: 0, end: 0, text: `${vars}(async () => { ${exports}`, header: true };
}
