import { cellPositions, type StackPositions } from "./debug-positions.js";

/**
 * How positions in a cell's evaluated script go back to its TypeScript:
 * through the REPL transform's edits (same lines, shifted columns), then
 * through the transpiler's source map, out of the parentheses of a cell read as an
 * object literal, then by the cell's line offset in its document.
 *
 * A session keeps one for every cell it ran, for as long as it lives (a
 * function of any cell may throw later), so it keeps only the cell's text,
 * which the session holds anyway: the transform and the map are made again,
 * the same, when a stack points into the cell (a fraction of a millisecond).
 * Kept, they cost about 2 KB a cell; a long session ran out of memory slowly.
 */
/** Where stack positions in one evaluated script go back to: a cell, or a file of the project. */
export interface PositionSource {
  /** The name stack traces show. */
  readonly filename: string;
  /** 1-based line and column in the evaluated script → in the source the user wrote; undefined for a position of the engine's own code. */
  original(line: number, column: number): { line: number; column: number } | undefined;
}

/** The position source of a script, by the filename it was evaluated under. */
export type SourceLookup = (scriptName: string) => PositionSource | undefined;

export class CellSource implements PositionSource {
  constructor(
    readonly filename: string,
    /** The cell's TypeScript, as the user wrote it. */
    readonly code: string,
    /** Lines before the cell in its document (a doctest example's block). */
    private readonly lineOffset: number,
  ) {}

  /**
   * 1-based line and column in the script → in the TypeScript the user
   * wrote; undefined for the lines the REPL transform appends (the call of
   * its async wrapper), which are no code of the user's.
   */
  original(line: number, column: number): { line: number; column: number } | undefined {
    const cell = this.#positions().original(line, column);
    return cell === undefined ? undefined : { line: cell.line + this.lineOffset, column: cell.column };
  }

  /**
   * The last one made is kept: a stack's frames often come from one cell.
   * The same decisions as when the cell ran (the object-literal reading
   * included) give the same text, and the debugger's map of the cell.
   */
  #positions(): StackPositions {
    if (lastMapping?.source !== this) lastMapping = { source: this, positions: cellPositions(this.code, this.filename) };
    return lastMapping.positions;
  }
}

let lastMapping: { source: CellSource; positions: StackPositions } | undefined;

// Frames of the engine, the runtime and node itself are cut from a cell's stack.
const INTERNAL_FRAME = /\((?:node:|.*[\\/]greenlet-ts[\\/]dist[\\/]|.*[\\/]dist[\\/]runtime[\\/])|at (?:node:|.*[\\/]dist[\\/]runtime[\\/])|\(<anonymous>\)$|^\s+at new Promise \(<anonymous>\)$/;

/**
 * Rewrites the frames of a stack that point into cells or project files to
 * the TypeScript positions the user wrote, and drops the frames of the
 * engine and of node.
 */
export function rewriteStack(stack: string, sources: SourceLookup): string {
  // Node decorates a compile error with "FILE:LINE", the source line and carets, then a blank line.
  const decorated = /^([^\n]+):(\d+)\n[^\n]*\n[ \t]*\^+[ \t]*\n\n/.exec(stack);
  if (decorated !== null) {
    const [whole, file, line] = decorated;
    const rest = stack.slice(whole.length).split("\n");
    const cell = sources(file!);
    const position = cell?.original(Number(line), 1) ?? { line: Number(line), column: 1 };
    stack = [rest[0], `    at ${cell?.filename ?? file}:${position.line}:${position.column}`, ...rest.slice(1)].join("\n");
  }
  const lines = stack.split("\n");
  const out: string[] = [];
  for (const line of lines) {
    if (!/^\s+at /.test(line)) {
      out.push(line);
      continue;
    }
    if (INTERNAL_FRAME.test(line)) continue;
    let engine = false;
    const rewritten = line.replace(/([^\s(]+):(\d+):(\d+)/, (whole, file: string, l: string, c: string) => {
      const cell = sources(file);
      if (cell === undefined) return whole;
      const position = cell.original(Number(l), Number(c));
      if (position === undefined) {
        engine = true;
        return whole;
      }
      return `${cell.filename}:${position.line}:${position.column}`;
    });
    if (!engine) out.push(rewritten);
  }
  return out.join("\n");
}
