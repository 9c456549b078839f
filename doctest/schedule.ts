import type { DocFile } from "./example.js";
import { notRun, skipped, totals, type FileResult, type Outcome } from "./results.js";

/** Why the rest of a file is not run after a failure under --fail-fast. */
const FAIL_FAST_REASON = "an earlier failure stopped the run (--fail-fast)";

/**
 * Decides, for the examples of one file in their order, which run: an
 * example marked SKIP (or in a skipped block) is skipped; after a timeout, a
 * crash, a setup module that could not be loaded, or any failure under
 * --fail-fast, the rest of the file is not run, whether marked SKIP or not.
 * The runner in a worker asks it, the pool too when it rebuilds the results
 * of a file whose worker it killed or lost, and both notebook runners.
 */
export class FileSchedule {
  /** Why the rest is not run, once the file has stopped. */
  #stopped: string | undefined;

  constructor(private readonly failFast = false) {}

  /** What becomes of the next example without running it, or undefined: it runs. */
  next(skip = false): Outcome | undefined {
    if (this.#stopped !== undefined) return notRun(this.#stopped);
    return skip ? skipped() : undefined;
  }

  /** Takes in what became of code that ran; `what` names it for the rest ("the example at line 4", "cell 3"). */
  ran(outcome: Outcome, what: string): void {
    if (outcome.kind === "timed-out") this.stop(`${what} timed out`);
    else if (outcome.status === "failed" && this.failFast) this.#stopped ??= FAIL_FAST_REASON;
  }

  /** Nothing more of the file runs: `because` tells why ("the worker died during ..."). */
  stop(because: string): void {
    this.#stopped ??= `not run: ${because}`;
  }
}

/** With --fail-fast, a failure in a file ends the run: no file is started after it. */
export function runStops(failFast: boolean | undefined, files: readonly FileResult[]): boolean {
  return failFast === true && totals(files).failed > 0;
}

/** What ran at `line` of a file, for the reasons given to what it stopped or crashed. */
export function whatRanAt(doc: DocFile, line: number): string {
  if (line === 0) return "the setup module or the file's exports";
  return doc.blocks.some((block) => block.kind === "setup" && block.line === line) ? `the setup code at line ${line}` : `the example at line ${line}`;
}
