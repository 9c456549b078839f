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

/** Result text, and a mapping of its 0-based (line, column) to the input's. */
export interface Edited {
  code: string;
  toInput(line: number, column: number): { line: number; column: number };
}

interface Anchor {
  /** Column in the output where a run of copied input starts. */
  outputColumn: number;
  /** Column in the input it was copied from. */
  inputColumn: number;
}

export function applyEdits(input: string, edits: readonly Edit[]): Edited {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const anchors: Anchor[][] = [[]];
  let code = "";
  let outLine = 0;
  let outColumn = 0;
  let inLine = 0;
  let inColumn = 0;
  let position = 0;

  const emit = (text: string, copied: boolean): void => {
    for (let i = 0; i < text.length; i++) {
      if (copied && (i === 0 || text[i - 1] === "\n")) {
        (anchors[outLine] ??= []).push({ outputColumn: outColumn, inputColumn: inColumn });
      }
      const ch = text[i]!;
      code += ch;
      if (ch === "\n") {
        outLine++;
        outColumn = 0;
      } else {
        outColumn++;
      }
      if (copied) {
        if (ch === "\n") {
          inLine++;
          inColumn = 0;
        } else {
          inColumn++;
        }
      }
    }
  };
  const skip = (text: string): void => {
    for (const ch of text) {
      if (ch === "\n") {
        inLine++;
        inColumn = 0;
      } else {
        inColumn++;
      }
    }
  };

  for (const edit of sorted) {
    if (edit.start < position) throw new Error(`overlapping edits at ${edit.start}`);
    emit(input.slice(position, edit.start), true);
    emit(edit.text, false);
    skip(input.slice(edit.start, edit.end));
    position = edit.end;
  }
  emit(input.slice(position), true);
  void inLine;

  return {
    code,
    toInput(line, column) {
      const lineAnchors = anchors[line];
      if (lineAnchors === undefined || lineAnchors.length === 0) return { line, column };
      let best = lineAnchors[0]!;
      for (const anchor of lineAnchors) {
        if (anchor.outputColumn <= column) best = anchor;
      }
      return { line, column: Math.max(0, best.inputColumn + (column - best.outputColumn)) };
    },
  };
}
