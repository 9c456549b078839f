import { readFileSync } from "node:fs";
import { removeUpdateLeftovers, writeAtomically } from "../atomic-write.js";
import { sortKeys, splitLines, type CodeCell, type MimeBundle, type Notebook, type Output } from "./nbformat.js";
import type { NotebookDoc } from "./notebook-parser.js";
import type { NotebookRun } from "./notebook-runner.js";

/**
 * `--update` for a notebook: the failed cells get the outputs the kernel
 * gave, every executed cell its new execution count; nothing else changes.
 * Written as Jupyter writes notebooks (sorted keys, one-space indent, text as
 * lists of lines), atomically, and only when something changed — so a
 * second run leaves the file byte for byte. Returns how many cells changed.
 */
export function updateNotebook(doc: NotebookDoc, run: NotebookRun): number {
  const failed = new Set(run.result.results.filter((r) => r.kind === "failed" && r.cell !== undefined).map((r) => r.cell!));
  const notebook = structuredClone(doc.notebook) as Notebook;
  let changed = 0;
  notebook.cells.forEach((cell, index) => {
    const executed = run.executed.get(index + 1);
    if (cell.cell_type !== "code" || executed === undefined) return;
    const before = JSON.stringify(cell);
    if (failed.has(index + 1)) cell.outputs = executed.outputs.map(stored);
    cell.execution_count = executed.executionCount;
    for (const output of cell.outputs) if (output.output_type === "execute_result") output.execution_count = executed.executionCount;
    if (JSON.stringify(cell) !== before) changed++;
  });
  if (changed === 0) return 0;
  const text = formatNotebook(notebook);
  removeUpdateLeftovers(doc.file);
  if (text !== readFileSync(doc.file, "utf8")) writeAtomically(doc.file, text);
  return changed;
}

/** An output as nbformat stores it: no transient display_id. */
function stored(output: Output): Output {
  if (output.output_type === "display_data") {
    const { transient, ...rest } = output;
    return rest;
  }
  return output;
}

/** nbformat's layout: sorted keys, indent 1, multi-line strings as lists of lines, a final newline. */
export function formatNotebook(notebook: Notebook): string {
  const copy = structuredClone(notebook) as Notebook;
  for (const cell of copy.cells) {
    if (typeof cell.source === "string") cell.source = splitLines(cell.source);
    if (cell.cell_type !== "code") continue;
    for (const output of (cell as CodeCell).outputs) {
      if (output.output_type === "stream" && typeof output.text === "string") output.text = splitLines(output.text);
      if (output.output_type === "display_data" || output.output_type === "execute_result") splitBundle(output.data);
    }
  }
  return `${JSON.stringify(sortKeys(copy), null, 1)}\n`;
}

function splitBundle(data: MimeBundle): void {
  for (const [mime, value] of Object.entries(data)) {
    if (typeof value === "string" && (mime.startsWith("text/") || mime === "image/svg+xml")) data[mime] = splitLines(value);
  }
}
