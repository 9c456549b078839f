import { transpile, type Transpiled } from "./transpile.js";

/** Where the cell's `{` is that got a `(` before it: 0-based line and column in the cell. */
export interface Wrap {
  line: number;
  column: number;
}

/** A cell's TypeScript compiled (transpile.ts), read as an object literal when it is one. */
export interface CellScript extends Transpiled {
  /** The TypeScript that was compiled: the cell itself, or the cell in parentheses. */
  source: string;
  /** Set when the cell was read as an object literal. */
  wrap?: Wrap;
}

const STARTS_WITH_BRACE = /^\s*\{/;
const ENDS_WITH_SEMICOLON = /;\s*$/;

/**
 * Transpiles a cell the way the Node REPL reads its input: a cell that
 * starts with `{` and does not end with `;` is tried as an expression in
 * parentheses first, so `{ a: 1 }` is an object rather than a block with a
 * label in it, and `{ a: 1, b: 2 }` is not a syntax error; when the
 * parenthesized text does not compile (`{ let y = 1; y }`), the cell is a
 * block after all. Unlike node, which closes the parenthesis on the cell's
 * last line (so that `{ a: 1 } // note` is a block there), the `)` goes on
 * a line of its own, after any trailing comment.
 *
 * Only the `(` shifts anything the user wrote (the rest of its line, by one
 * column): `toCell` maps a position back. Both the session and CellSource
 * go through here, so a stack trace re-derives the same text.
 */
export function transpileCell(code: string, filename: string): CellScript {
  // The cheap test first: ordinary cells never pay for a second compilation.
  if (STARTS_WITH_BRACE.test(code) && !ENDS_WITH_SEMICOLON.test(code)) {
    const brace = code.indexOf("{");
    const source = `${code.slice(0, brace)}(${code.slice(brace)}\n)`;
    let compiled: Transpiled | undefined;
    try {
      compiled = transpile(source, filename);
    } catch {
      // Not an expression: compiled as written, below, with the error (if any) at the user's own position.
    }
    if (compiled !== undefined) {
      const before = code.slice(0, brace);
      const lineStart = before.lastIndexOf("\n") + 1;
      const wrap = { line: before.split("\n").length - 1, column: brace - lineStart };
      return { ...compiled, source, wrap };
    }
  }
  return { ...transpile(code, filename), source: code };
}

/** A 0-based position in `CellScript.source` → in the cell as the user wrote it. */
export function toCell(wrap: Wrap | undefined, line: number, column: number): { line: number; column: number } {
  if (wrap !== undefined && line === wrap.line && column > wrap.column) return { line, column: column - 1 };
  return { line, column };
}
