/**
 * Text edits that never add or remove a line break inside the edited text,
 * so that a line of the result is the same line of the input; columns are
 * mapped back through the edits. (The REPL transform appends its closing
 * lines after the input's last line, where nothing maps back.)
 */
export interface Edit {
  /** Offset in the input where the edit starts. */
  start: number;
  /** Offset in the input where it ends (start for a pure insertion). */
  end: number;
  text: string;
  /**
   * The edit opens a function around the code after it (the async wrapper
   * of a cell, a module's function): its text belongs to none of the
   * user's statements, so toOutput does not move a statement's start onto it.
   */
  header?: boolean;
}

/**
 * Where each run of copied input starts in the result, as flat triples
 * (output line, output column, input column), sorted: what maps a 0-based
 * (line, column) of the result back to the input's, with `toInput`.
 *
 * Each edit but a header (and an empty insertion) adds a triple of its own
 * where its text starts, with the input column where it replaces or
 * inserts stored as `-1 - column` (the sign marks it): toInput skips these;
 * `toOutput` needs them, since the copied runs alone cannot tell a position
 * in replaced text (`const` made `var  `, an `import` made a load) from one
 * in copied text, nor where text inserted before a statement starts
 * (`return (`, `var C = ` before a class).
 */
export type Anchors = readonly number[];

/** Result text, and how its positions go back to the input. */
export interface Edited {
  code: string;
  anchors: Anchors;
}

/**
 * Builds the result from slices (one flat string, never a rope of single
 * characters) and, for the mapping back, a flat table of small integers: a
 * session keeps one for every cell it ran (stack traces may point into any
 * of them), so it holds no text and no closure.
 */
export function applyEdits(input: string, edits: readonly Edit[]): Edited {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const pieces: string[] = [];
  const anchors: number[] = [];
  let outLine = 0;
  let outColumn = 0;
  let inColumn = 0;
  let position = 0;

  const emit = (text: string, copied: boolean): void => {
    if (text.length === 0) return;
    pieces.push(text);
    let lineStart = 0;
    for (;;) {
      if (copied && lineStart < text.length) anchors.push(outLine, outColumn, inColumn);
      const newline = text.indexOf("\n", lineStart);
      if (newline < 0) {
        const length = text.length - lineStart;
        outColumn += length;
        if (copied) inColumn += length;
        return;
      }
      outLine++;
      outColumn = 0;
      if (copied) inColumn = 0;
      lineStart = newline + 1;
    }
  };
  const skip = (text: string): void => {
    const newline = text.lastIndexOf("\n");
    inColumn = newline < 0 ? inColumn + text.length : text.length - newline - 1;
  };

  for (const edit of sorted) {
    if (edit.start < position) throw new Error(`overlapping edits at ${edit.start}`);
    emit(input.slice(position, edit.start), true);
    if (!edit.header && (edit.end > edit.start || edit.text.length > 0)) anchors.push(outLine, outColumn, -1 - inColumn);
    emit(edit.text, false);
    skip(input.slice(edit.start, edit.end));
    position = edit.end;
  }
  emit(input.slice(position), true);
  // A copy of its exact length: the array that grew by push has room to spare.
  return { code: pieces.join(""), anchors: anchors.slice() };
}

/** The index of the first triple on `line` (anchors.length / 3 when none is on it or after it). */
function firstOnLine(anchors: Anchors, line: number): number {
  let low = 0;
  let high = anchors.length / 3;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (anchors[middle * 3]! < line) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * A 0-based position in an edited text → in its input: through the last
 * run of copied text that starts at or before it on its line (the line's
 * first run for a position before every run, clamped at column 0); a line
 * without copied text maps to itself.
 */
export function toInput(anchors: Anchors, line: number, column: number): { line: number; column: number } {
  let best = -1;
  for (let i = firstOnLine(anchors, line); i * 3 < anchors.length && anchors[i * 3] === line; i++) {
    if (anchors[i * 3 + 2]! < 0) continue; // where an edit's text starts: not copied input
    if (best >= 0 && anchors[i * 3 + 1]! > column) break;
    best = i;
  }
  if (best < 0) return { line, column };
  return { line, column: Math.max(0, anchors[best * 3 + 2]! + (column - anchors[best * 3 + 1]!)) };
}

/**
 * A 0-based position in the input → in the edited text, the inverse of
 * toInput (edits keep every line where it was), for a debugger that sets a
 * breakpoint where a statement starts: V8 breaks at the first break
 * location at or after the position, so the position must not be past the
 * start of what runs for the statement.
 *
 * A position in copied text goes to its copy, except where text an edit
 * inserted comes right before it (`return (w)`, `var C = class C {}`): to
 * the start of that text. A position in replaced text goes to where the
 * replacement starts (`const` made `var  `, an `import` made a load). A
 * position on no run of its line (a line without copied text, the lines
 * after the first of a replacement spanning lines) maps to itself.
 */
export function toOutput(anchors: Anchors, line: number, column: number): { line: number; column: number } {
  let best = -1;
  let bestInput = -1;
  let editBefore = -1;
  // Runs and edits cover the input line in order: the last one starting at or before `column` holds it.
  for (let i = firstOnLine(anchors, line); i * 3 < anchors.length && anchors[i * 3] === line; i++) {
    const stored = anchors[i * 3 + 2]!;
    const input = stored < 0 ? -1 - stored : stored;
    if (input > column) break;
    // The edit just before a run that starts where it inserts: the run's text follows the edit's directly.
    editBefore = best >= 0 && anchors[best * 3 + 2]! < 0 && bestInput === input ? best : -1;
    best = i;
    bestInput = input;
  }
  if (best < 0) return { line, column };
  const copied = anchors[best * 3 + 2]! >= 0;
  if (copied && editBefore >= 0 && column === bestInput) return { line, column: anchors[editBefore * 3 + 1]! };
  return { line, column: copied ? anchors[best * 3 + 1]! + (column - bestInput) : anchors[best * 3 + 1]! };
}
