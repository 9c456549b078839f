import type { Example } from "./example.js";

export type ExampleStatus = "passed" | "failed" | "skipped" | "not-run";

/** What became of one example (or of a setup block, which has no expected output). */
export interface ExampleResult {
  file: string;
  line: number;
  source: string;
  want: string;
  status: ExampleStatus;
  /** The actual output, for failures. */
  got?: string;
  /** Why it failed or did not run, when that is not a plain output mismatch. */
  reason?: string;
  /** A unified diff of expected and actual output, for mismatches. */
  diff?: string;
  /** For setup code: true. */
  setup?: boolean;
  example?: Example;
  /** For a notebook: the 1-based cell number (then `line` is 0). */
  cell?: number;
  ms: number;
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
