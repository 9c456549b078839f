import type { Example } from "./example.js";

/** How reports count an outcome: a timeout or a crash is a failure, a not-run example counts as skipped. */
export type ExampleStatus = "passed" | "failed" | "skipped" | "not-run";

/** The fields reports show, common to every outcome; which ones a kind fills is told by its type. */
interface Shown {
  status: ExampleStatus;
  /** What it printed (or a notebook cell showed). */
  got?: string;
  /** A unified diff of expected and actual output. */
  diff?: string;
  /** Why it failed or did not run, when that is not a plain output mismatch. */
  reason?: string;
}

/**
 * What became of an example, a notebook cell or setup code. `kind` says
 * what happened; `status` and `reason` are how reports show it (also to
 * programs reading `--reporter json` or `jsonl`, and to the library's users).
 */
export type Outcome =
  /** Its output was the expected one. A notebook cell keeps what it showed. */
  | (Shown & { kind: "passed"; status: "passed" })
  /** Its output differs from the expected one. */
  | (Shown & { kind: "failed"; status: "failed"; got: string; diff: string })
  /** Code that had to run without throwing threw: setup code, an example without prompts, the setup module. */
  | (Shown & { kind: "threw"; status: "failed"; got: string; reason: string })
  /** It ran past the timeout: `got` is what it printed until then, when that is known. */
  | (Shown & { kind: "timed-out"; status: "failed"; afterMs: number; reason: string })
  /** The notebook's kernel died with it; `got` and `diff` when its output had been checked. (A dead worker fails its file: FileResult.error.) */
  | (Shown & { kind: "crashed"; status: "failed"; reason: string })
  /** An earlier timeout, crash, failed setup module or --fail-fast failure stopped its file. */
  | (Shown & { kind: "not-run"; status: "not-run"; reason: string })
  /** SKIP, or a skipped block or file. */
  | (Shown & { kind: "skipped"; status: "skipped" });

export function passed(got?: string): Outcome {
  return { kind: "passed", status: "passed", ...(got !== undefined ? { got } : {}) };
}

/** Kind "failed": the output differs. */
export function differs(got: string, diff: string): Outcome {
  return { kind: "failed", status: "failed", got, diff };
}

/** `reason` says what threw, then the error: "the setup code failed:\nUncaught Error: ...". */
export function threw(got: string, reason: string): Outcome {
  return { kind: "threw", status: "failed", got, reason };
}

/** `interrupted`: the runner stopped it and went on (a notebook's kernel), rather than killing what ran it. */
export function timedOut(afterMs: number, got: string | undefined, interrupted = false): Outcome {
  return { kind: "timed-out", status: "failed", afterMs, ...(got !== undefined ? { got } : {}), reason: `timed out after ${afterMs} ms${interrupted ? " (interrupted)" : ""}` };
}

/** `checked`: what its own output showed, when that had been checked before it died. */
export function crashed(reason: string, checked: { got?: string; diff?: string } = {}): Outcome {
  return { kind: "crashed", status: "failed", reason, ...(checked.got !== undefined ? { got: checked.got } : {}), ...(checked.diff !== undefined ? { diff: checked.diff } : {}) };
}

export function notRun(reason: string): Outcome {
  return { kind: "not-run", status: "not-run", reason };
}

export function skipped(reason?: string): Outcome {
  return { kind: "skipped", status: "skipped", ...(reason !== undefined ? { reason } : {}) };
}

/** What a result is about: an example, a notebook cell, or setup code (which has no expected output). */
export interface Subject {
  file: string;
  /** The line of the prompt; of the opening fence for setup code; 0 for a notebook cell or the setup module. */
  line: number;
  /** For a notebook: the 1-based cell number. */
  cell?: number;
  source: string;
  want: string;
  /** For setup code: true. */
  setup?: boolean;
  example?: Example;
}

/** What became of one example, and how long it took. */
export type ExampleResult = Subject & Outcome & { ms: number };

/** The subject an example of a Markdown page or source file is. */
export function exampleSubject(file: string, example: Example): Subject {
  return { file, line: example.line, source: example.source, want: example.want, example };
}

export function resultOf(subject: Subject, outcome: Outcome, ms = 0): ExampleResult {
  return { ...subject, ...outcome, ms };
}

/**
 * A result as the json reporter shows it (the example, the outcome's kind
 * and timeout left out: `status` and `reason` tell them).
 */
export function resultRecord(result: ExampleResult): object {
  const { file, line, cell, source, want, setup, status, got, diff, reason, ms } = result;
  return {
    file,
    line,
    ...(cell !== undefined ? { cell } : {}),
    source,
    want,
    ...(setup ? { setup } : {}),
    status,
    ...(got !== undefined ? { got } : {}),
    ...(diff !== undefined ? { diff } : {}),
    ...(reason !== undefined ? { reason } : {}),
    ms,
  };
}

/** A passing setup block is not among a file's results: only a failing one has something to say. */
export function isFileResult(result: ExampleResult): boolean {
  return !(result.setup && result.kind === "passed");
}

export interface FileResult {
  file: string;
  results: ExampleResult[];
  warnings: string[];
  /** A file that could not be checked at all (crashed worker, unreadable file). */
  error?: string;
  /** The project modules its examples loaded (absolute paths): what `--watch` watches for it. */
  dependencies?: string[];
}

export interface Totals {
  passed: number;
  failed: number;
  skipped: number;
}

export function totals(files: readonly FileResult[]): Totals {
  const sum: Totals = { passed: 0, failed: 0, skipped: 0 };
  for (const file of files) {
    if (file.error !== undefined) sum.failed++;
    for (const result of file.results) {
      if (result.status === "passed") sum.passed++;
      else if (result.status === "failed") sum.failed++;
      else sum.skipped++;
    }
  }
  return sum;
}
