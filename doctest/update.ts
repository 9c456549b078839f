import { readFileSync, renameSync, writeFileSync, unlinkSync } from "node:fs";
import path from "node:path";
import type { DocFile } from "./example.js";
import { normalize } from "./checker.js";
import type { FileResult } from "./results.js";

/**
 * Rewrites the expected output of the failed examples of a file in place,
 * changing nothing else: the new lines get the block's prefix (list
 * indentation, blockquote markers) and the file keeps its line ends. The
 * write is atomic (a temporary file renamed over the original), so a crash
 * leaves the original. Returns how many examples were updated.
 */
export function updateFile(doc: DocFile, result: FileResult): number {
  const failed = result.results.filter((r) => r.status === "failed" && r.example !== undefined && r.got !== undefined && !r.reason?.startsWith("timed out"));
  if (failed.length === 0) return 0;
  const original = readFileSync(doc.file, "utf8");
  const newline = doc.crlf ? "\r\n" : "\n";
  const lines = original.replace(/\r\n?/g, "\n").split("\n");
  // Bottom up, so that earlier line numbers stay valid.
  const edits = failed
    .map((r) => {
      const example = r.example!;
      const block = doc.blocks[example.block]!;
      const got = normalize(r.got!, { IGNORE_EXCEPTION_DETAIL: false });
      const newLines = got === "" ? [] : got.split("\n").map((line) => (line === "" ? block.prefix.trimEnd() : block.prefix + line));
      const sourceLines = example.source.split("\n").length;
      const start = example.wantLines.length > 0 ? example.wantLines[0]! - 1 : example.line - 1 + sourceLines;
      const count = example.wantLines.length > 0 ? example.wantLines[example.wantLines.length - 1]! - example.wantLines[0]! + 1 : 0;
      return { start, count, newLines };
    })
    .sort((a, b) => b.start - a.start);
  for (const edit of edits) lines.splice(edit.start, edit.count, ...edit.newLines);
  const text = lines.join(newline);
  const temporary = path.join(path.dirname(doc.file), `.${path.basename(doc.file)}.${process.pid}.doctest-update`);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, doc.file);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // nothing to clean up
    }
    throw error;
  }
  return edits.length;
}
