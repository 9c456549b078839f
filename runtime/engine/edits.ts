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
}

/**
 * Where each run of copied input starts in the result, as flat triples
 * (output line, output column, input column), sorted: what maps a 0-based
 * (line, column) of the result back to the input's, with `toInput`.
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
    emit(edit.text, false);
    skip(input.slice(edit.start, edit.end));
    position = edit.end;
  }
  emit(input.slice(position), true);
  // A copy of its exact length: the array that grew by push has room to spare.
  return { code: pieces.join(""), anchors: anchors.slice() };
}

/** A 0-based position in an edited text → in its input. */
export function toInput(anchors: Anchors, line: number, column: number): { line: number; column: number } {
  // The first anchor of the line: a binary search over the triples.
  let low = 0;
  let high = anchors.length / 3;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (anchors[middle * 3]! < line) low = middle + 1;
    else high = middle;
  }
  if (low * 3 >= anchors.length || anchors[low * 3] !== line) return { line, column };
  let best = low;
  for (let i = low + 1; i * 3 < anchors.length && anchors[i * 3] === line && anchors[i * 3 + 1]! <= column; i++) best = i;
  return { line, column: Math.max(0, anchors[best * 3 + 2]! + (column - anchors[best * 3 + 1]!)) };
}
