import { totals, type ExampleResult, type ExampleStatus, type FileResult, type Totals } from "./results.js";

/** An example, notebook cell or setup block that has finished, or is known not to run. */
export interface ResultLine {
  type: "result";
  file: string;
  /** The line of its prompt (of the opening fence for setup code) ... */
  line?: number;
  /** ... or, in a notebook, its cell. */
  cell?: number;
  setup?: boolean;
  status: ExampleStatus;
  source: string;
  expected: string;
  got?: string;
  diff?: string;
  reason?: string;
  ms: number;
}

/** A file is done; `error` when it failed as a whole. */
export interface FileLine {
  type: "file";
  file: string;
  error?: string;
  warnings: string[];
}

/** The last line. */
export interface SummaryLine extends Totals {
  type: "summary";
}

/**
 * `--reporter jsonl`: one JSON object per line on stdout, written as the run
 * goes, for programs that follow a run (greenlet-ts/jest, /vitest and
 * /node-test do):
 *
 * - `{"type":"result", "file", "line" | "cell", "setup"?, "status", "source", "expected", "got"?, "diff"?, "reason"?, "ms"}`
 *   as soon as an example, a notebook cell or a setup block (`"setup": true`,
 *   `line` its opening fence) has finished, or is known not to run.
 *   `status` is passed, failed, skipped or not-run. A later line for the same
 *   example replaces an earlier one (a notebook cell found afterwards to have
 *   ended its kernel).
 * - `{"type":"file", "file", "error"?, "warnings"}` when a file is done; `error`
 *   when it failed as a whole (a crashed worker, a kernel that never started).
 *   An example of the file that has had no result line by then has none.
 * - `{"type":"summary", "passed", "failed", "skipped"}` last, as the run ends.
 *
 * With --jobs N the lines of different files interleave.
 */
export class JsonlReporter {
  /** What was written for each example, to write only what is new or changed when its file ends. */
  readonly #written = new Map<string, string>();

  constructor(private readonly out: { write(text: string): unknown }) {}

  /** An example or setup block finished. */
  result(result: ExampleResult): void {
    const key = `${result.file}\0${result.setup ? "setup " : ""}${result.cell ?? result.line}`;
    const line = JSON.stringify(resultLine(result));
    if (this.#written.get(key) === line) return;
    this.#written.set(key, line);
    this.out.write(`${line}\n`);
  }

  /** A file is done: the results not written yet (not run, timed out), then the file's line. */
  file(file: FileResult): void {
    for (const result of file.results) this.result(result);
    const line: FileLine = { type: "file", file: file.file, ...(file.error !== undefined ? { error: file.error } : {}), warnings: file.warnings };
    this.out.write(`${JSON.stringify(line)}\n`);
  }
}

/** The last line of a jsonl run. */
export function jsonlSummary(files: readonly FileResult[]): string {
  const line: SummaryLine = { type: "summary", ...totals(files) };
  return `${JSON.stringify(line)}\n`;
}

function resultLine(result: ExampleResult): ResultLine {
  const { file, line, cell, setup, status, source, want, got, diff, reason, ms } = result;
  return {
    type: "result",
    file,
    ...(cell !== undefined ? { cell } : { line }),
    ...(setup ? { setup: true } : {}),
    status,
    source,
    expected: want,
    ...(got !== undefined ? { got } : {}),
    ...(diff !== undefined ? { diff } : {}),
    ...(reason !== undefined ? { reason } : {}),
    ms: Math.round(ms),
  };
}
