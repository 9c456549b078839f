import type { DocFile, OptionFlags } from "./example.js";
import type { NotebookDoc } from "./notebook/notebook-parser.js";
import { transcript } from "./notebook/output-transcript.js";

/**
 * One example as `--list` shows it (greenlet-ts/jest, /vitest and
 * /node-test read the list: integration/listing.cts).
 */
export interface ListedExample {
  file: string;
  /** The line of its prompt (Markdown, source files) ... */
  line?: number;
  /** ... or, in a notebook, its cell. */
  cell?: number;
  source: string;
  expected: string;
  /** The file's, block's and example's own options, merged; SKIP for a skipped block or file. */
  options: OptionFlags;
  /** An example without prompts, which passes when it runs without throwing. */
  runOnly?: true;
}

/** `--list`: the examples of the files, in order, as they will be reported; nothing runs. */
export function listExamples(docs: readonly DocFile[], notebooks: readonly NotebookDoc[]): ListedExample[] {
  const examples: ListedExample[] = docs.flatMap((doc) =>
    doc.blocks.flatMap((block) =>
      block.examples.map((e) => ({
        file: doc.file,
        line: e.line,
        source: e.source,
        expected: e.want,
        options: { ...doc.options, ...block.options, ...e.options, ...(doc.skip || block.skip ? { SKIP: true } : {}) },
        ...(e.runOnly ? { runOnly: true as const } : {}),
      })),
    ),
  );
  for (const nb of notebooks) {
    for (const e of nb.examples) examples.push({ file: nb.file, cell: e.cell, source: e.source, expected: transcript(e.want), options: { ...nb.options, ...e.options, ...(nb.skip ? { SKIP: true } : {}) } });
  }
  return examples;
}
