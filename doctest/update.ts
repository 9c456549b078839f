import { readFileSync } from "node:fs";
import { removeUpdateLeftovers, writeAtomically } from "./atomic-write.js";
import { normalize, updatedOutput } from "./checker.js";
import { DocTestUsageError, type DocFile, type Example } from "./example.js";
import { parseDocument } from "./documents.js";
import type { ExampleResult, FileResult } from "./results.js";

/** A result --update can write: an example whose output differs from the expected one. */
type Differs = Extract<ExampleResult, { kind: "failed" }> & { example: Example };

/**
 * Rewrites the expected output of the failed examples of a file in place
 * (what they printed, stack lines dropped, an error's property block after
 * its first line unless the old expected output left it out: see
 * updatedOutput), changing nothing else: the new lines get the block's prefix (list
 * indentation, blockquote markers) and the file keeps its line ends. The
 * write is atomic (a temporary file renamed over the original), so a crash
 * leaves the original. Nothing is written when the file changed since it was
 * checked, and an example whose output would not read back as its expected
 * output (a line that looks like a prompt or closes the fence) is left as it
 * is, with a warning: a second --update then changes nothing. Returns how
 * many examples were updated.
 */
export function updateFile(doc: DocFile, result: FileResult, warn: (message: string) => void = (message) => process.stderr.write(`warning: ${message}\n`)): number {
  removeUpdateLeftovers(doc.file);
  // Only an output that differs is written: what timed out, threw or crashed has no output to expect.
  let failed = result.results.filter((r): r is Differs => r.kind === "failed" && r.example !== undefined);
  if (failed.length === 0) return 0;
  const original = readFileSync(doc.file, "utf8");
  if (!sameExamples(original, doc)) {
    warn(`${doc.file}: not updated: it changed since it was checked`);
    return 0;
  }
  const lines = original.replace(/\r\n?/g, "\n").split("\n");
  let text = applyEdits(doc, lines, failed);
  let unreadable = unreadableEdits(doc, text, failed);
  if (unreadable.length > 0) {
    // Which ones: each alone (together they may have broken the file's structure).
    unreadable = failed.filter((r) => unreadableEdits(doc, applyEdits(doc, lines, [r]), [r]).length > 0);
    for (const r of unreadable) warn(`${doc.file}:${r.line}: not updated: its output would not read back as its expected output (a line that looks like a prompt or a fence?)`);
    failed = failed.filter((r) => !unreadable.includes(r));
    text = applyEdits(doc, lines, failed);
    if (failed.length === 0 || unreadableEdits(doc, text, failed).length > 0) return 0;
  }
  if (text !== original) writeAtomically(doc.file, text);
  return failed.length;
}

/** The text with the failed examples' expected output replaced by what they printed. */
function applyEdits(doc: DocFile, lines: readonly string[], failed: readonly Differs[]): string {
  // Bottom up, so that earlier line numbers stay valid.
  const edits = failed
    .map((r) => {
      const example = r.example;
      const block = doc.blocks[example.block]!;
      const got = updatedOutput(example.want, r.got);
      const newLines = got === "" ? [] : got.split("\n").map((line) => (line === "" ? block.prefix.trimEnd() : block.prefix + line));
      const sourceLines = example.source.split("\n").length;
      const start = example.wantLines.length > 0 ? example.wantLines[0]! - 1 : example.line - 1 + sourceLines;
      const count = example.wantLines.length > 0 ? example.wantLines[example.wantLines.length - 1]! - example.wantLines[0]! + 1 : 0;
      return { start, count, newLines };
    })
    .sort((a, b) => b.start - a.start);
  const out = [...lines];
  for (const edit of edits) out.splice(edit.start, edit.count, ...edit.newLines);
  return out.join(doc.crlf ? "\r\n" : "\n");
}

/** Does the file hold the examples it held when it was parsed (same places, same text)? */
function sameExamples(text: string, doc: DocFile): boolean {
  const now = parseOrUndefined(text, doc.file);
  return now !== undefined && now.crlf === doc.crlf && JSON.stringify(now.blocks) === JSON.stringify(doc.blocks);
}

/**
 * The updated examples that would not read back: the new text must have the
 * same blocks and examples, and each updated example must now expect what it printed.
 */
function unreadableEdits(doc: DocFile, text: string, updated: readonly Differs[]): Differs[] {
  const now = parseOrUndefined(text, doc.file);
  const shape = (d: DocFile): string => JSON.stringify(d.blocks.map((b) => [b.kind, b.code, b.examples.map((e) => e.source)]));
  if (now === undefined || shape(now) !== shape(doc)) return [...updated];
  return updated.filter((r) => {
    const example = r.example;
    const index = doc.blocks[example.block]!.examples.findIndex((e: Example) => e.line === example.line);
    const reread = now.blocks[example.block]?.examples[index];
    return reread === undefined || normalize(reread.want, { IGNORE_EXCEPTION_DETAIL: false }) !== updatedOutput(example.want, r.got);
  });
}

function parseOrUndefined(text: string, file: string): DocFile | undefined {
  try {
    return parseDocument(text, file);
  } catch (error) {
    if (error instanceof DocTestUsageError) return undefined;
    throw error;
  }
}
