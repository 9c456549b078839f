import path from "node:path";
import { Session, type CellOutcome, type EngineEvent } from "../runtime/engine/index.js";
import { outputDiff, outputMatches } from "./checker.js";
import type { Block, DocFile, Example, OptionFlags, Options } from "./example.js";
import { mergeOptions } from "./options.js";
import { differs, exampleSubject, isFileResult, passed, resultOf, skipped, threw, timedOut, type ExampleResult, type FileResult } from "./results.js";
import { FileSchedule, whatRanAt } from "./schedule.js";
import { Watchdog } from "./watchdog.js";

export interface RunOptions {
  /** Options given on the command line (`--option ELLIPSIS`). */
  options?: OptionFlags;
  /** Per example and setup block; a runaway one fails and the rest of its file is not run. */
  timeoutMs?: number;
  /** Stop at the first failure. */
  failFast?: boolean;
  /** Collect after each statement (default true), as the engine does after each cell. */
  autoCollect?: boolean;
  /** A module (absolute path) run in each file's session before its examples, its exports bound by name. */
  setup?: string;
}

/**
 * Runs the examples of one file in one engine session, the way a reader
 * would type them: every block in order, setup blocks included. Knows the
 * engine and the checker; knows nothing of how results are reported.
 */
export class ExampleRunner {
  readonly session: Session;
  readonly #events = new Map<number, EngineEvent[]>();
  readonly #watchdog = new Watchdog();
  /** The cell of the example or setup block running now. */
  #current = 0;

  /** `onOutput` gets what the running example prints, as it prints it. */
  constructor(
    readonly doc: DocFile,
    readonly run: RunOptions = {},
    onOutput?: (text: string) => void,
  ) {
    this.session = new Session({
      // Imports in the examples resolve from the document's directory, as a reader's would.
      cwd: path.dirname(path.resolve(doc.file)),
      autoCollect: run.autoCollect ?? true,
      // Only a timeout interrupts examples; without one, Ctrl+C simply ends the run.
      interrupts: timeoutOf(run) !== undefined,
      onEvent: (event) => {
        let list = this.#events.get(event.cell);
        if (list === undefined) this.#events.set(event.cell, (list = []));
        list.push(event);
        if (event.kind === "stream" && event.cell === this.#current) onOutput?.(event.text);
      },
    });
  }

  /** Runs a setup block: it passes, or fails if it throws or times out. */
  async runSetup(block: Block): Promise<ExampleResult> {
    const subject = { file: this.doc.file, line: block.line, source: block.code ?? "", want: "", setup: true };
    const { outcome, ms } = await this.#timed(block.code ?? "", block.codeLine ?? block.line + 1);
    this.#events.delete(outcome.cell);
    if (outcome.status === "ok") return resultOf(subject, passed(), ms);
    const timeout = timeoutOf(this.run);
    if (outcome.status === "interrupted" && timeout !== undefined) return resultOf(subject, timedOut(timeout, undefined), ms);
    return resultOf(subject, threw(outcome.error.uncaught, `the setup code failed:\n${outcome.error.uncaught}`), ms);
  }

  /**
   * Before the examples: the run's setup module, then (for a source file)
   * the file itself, each imported with its exports bound by name. Returns
   * the failure of the first that cannot be loaded, or undefined.
   */
  async prepare(): Promise<ExampleResult | undefined> {
    const modules = [this.run.setup, this.doc.module].filter((module): module is string => module !== undefined);
    for (const module of modules) {
      const started = performance.now();
      const outcome = await this.session.bindExports(path.resolve(module), { filename: "[doctest setup]" });
      this.#events.delete(outcome.cell);
      if (outcome.status !== "ok") {
        const subject = { file: module, line: 1, source: `import * from "${module}"`, want: "", setup: true };
        return resultOf(subject, threw(outcome.error.uncaught, `${moduleRole(this.doc, module)} could not be loaded:\n${outcome.error.uncaught}`), performance.now() - started);
      }
    }
    return undefined;
  }

  /** The options an example runs with: the run's, then its file's, block's and own. */
  optionsOf(example: Example, block: Block): Options {
    return mergeOptions(this.run.options ?? {}, this.doc.options, block.options, example.options);
  }

  /** Runs one example and checks its output (a code example: that it does not throw). Whether it runs at all is not its to decide. */
  async runExample(example: Example, block: Block): Promise<ExampleResult> {
    const options = this.optionsOf(example, block);
    this.session.autoCollect = options.AUTOCOLLECT && (this.run.autoCollect ?? true);
    const { outcome, ms } = await this.#timed(example.source, example.line);
    const got = this.#output(outcome);
    const subject = exampleSubject(this.doc.file, example);
    const timeout = timeoutOf(this.run);
    if (outcome.status === "interrupted" && timeout !== undefined) return resultOf(subject, timedOut(timeout, got), ms);
    if (example.runOnly) return resultOf(subject, outcome.status === "ok" ? passed() : threw(got, `the example threw:\n${outcome.error.uncaught}`), ms);
    return resultOf(subject, outputMatches(example.want, got, options) ? passed() : differs(got, outputDiff(example.want, got, options)), ms);
  }

  /** Ends the session (its globals let go, what only they held collected), as Python's doctest clears a test's globals. */
  async close(): Promise<void> {
    try {
      await this.session.end();
    } finally {
      this.session.close();
      this.#watchdog.close();
    }
  }

  /** Runs code under the watchdog, if the run has a timeout. */
  async #timed(code: string, firstLine: number): Promise<{ outcome: CellOutcome; ms: number }> {
    const started = performance.now();
    const timeout = timeoutOf(this.run);
    const timer = timeout === undefined ? undefined : this.#watchdog.arm(timeout);
    const outcome = await this.#execute(code, firstLine);
    if (timer !== undefined) this.#watchdog.disarm(timer);
    return { outcome, ms: performance.now() - started };
  }

  #execute(code: string, firstLine: number): Promise<CellOutcome> {
    this.#current = this.session.executionCount + 1;
    // Stack traces then name the document and the example's own lines.
    return this.session.execute(code, { filename: this.doc.file, lineOffset: firstLine - 1 });
  }

  /** What the Node REPL would have printed: the output, then the echo or the error. */
  #output(outcome: CellOutcome): string {
    let text = "";
    for (const event of this.#events.get(outcome.cell) ?? []) {
      if (event.kind === "stream") text += event.text;
    }
    this.#events.delete(outcome.cell);
    if (outcome.status === "ok") {
      const plain = outcome.data?.["text/plain"];
      if (typeof plain === "string") text += `${plain}\n`;
    } else {
      text += `${outcome.error.uncaught}\n`;
    }
    return text;
  }
}

/** "the exports of src/x.ts" (a source file's own) or "the setup module test/setup.ts". */
function moduleRole(doc: DocFile, module: string): string {
  return module === doc.module ? `the exports of ${module}` : `the setup module ${module}`;
}

/** A timeout of 0 (or none) means none: nothing interrupts the examples. */
function timeoutOf(run: RunOptions): number | undefined {
  return run.timeoutMs !== undefined && run.timeoutMs > 0 ? run.timeoutMs : undefined;
}

/**
 * Told when each example or setup block starts, what it prints, and when it
 * ends (a worker passes this on to its parent). A setup block that passed is
 * not among a file's results.
 */
export interface RunObserver {
  started?(line: number): void;
  output?(text: string): void;
  finished?(result: ExampleResult): void;
}

/**
 * Runs every block of a file in order, in one session; what runs, what is
 * skipped and what is not run after a stop is the schedule's to say.
 */
export async function runFile(doc: DocFile, run: RunOptions = {}, observer: RunObserver = {}): Promise<FileResult> {
  const results: ExampleResult[] = [];
  const result: FileResult = { file: doc.file, results, warnings: doc.warnings };
  if (doc.skip) {
    // No session for a file that runs nothing.
    for (const block of doc.blocks) for (const example of block.examples) results.push(resultOf(exampleSubject(doc.file, example), skipped("skip-file")));
    return result;
  }
  const runner = new ExampleRunner(doc, run, observer.output);
  const schedule = new FileSchedule(run.failFast);
  // Each thing that runs is announced, then its result told, as it happens.
  const runOne = async (line: number, what: string, running: () => Promise<ExampleResult>): Promise<void> => {
    observer.started?.(line);
    const done = await running();
    observer.finished?.(done);
    if (isFileResult(done)) results.push(done);
    schedule.ran(done, what);
  };
  try {
    await prepareFile(runner, observer, schedule, results);
    for (const block of doc.blocks) {
      if (block.kind === "setup") {
        // Setup code that does not run has nothing to report.
        if (schedule.next(block.skip) === undefined) await runOne(block.line, whatRanAt(doc, block.line), () => runner.runSetup(block));
        continue;
      }
      for (const example of block.examples) {
        const decided = schedule.next(runner.optionsOf(example, block).SKIP || block.skip);
        if (decided === undefined) {
          await runOne(example.line, whatRanAt(doc, example.line), () => runner.runExample(example, block));
          continue;
        }
        const notRunning = resultOf(exampleSubject(doc.file, example), decided);
        // A skipped example is told as it comes; those not run after a stop are told with the file.
        if (decided.kind === "skipped") observer.finished?.(notRunning);
        results.push(notRunning);
      }
    }
  } finally {
    result.dependencies = runner.session.modules.files();
    await runner.close();
  }
  return result;
}

/** The setup module and a source file's own exports; if they cannot be loaded, nothing of the file runs. */
async function prepareFile(runner: ExampleRunner, observer: RunObserver, schedule: FileSchedule, results: ExampleResult[]): Promise<void> {
  if (runner.run.setup === undefined && runner.doc.module === undefined) return;
  observer.started?.(0);
  const failed = await runner.prepare();
  if (failed === undefined) {
    observer.finished?.(resultOf({ file: runner.doc.file, line: 0, source: "", want: "", setup: true }, passed()));
    return;
  }
  observer.finished?.(failed);
  results.push(failed);
  schedule.stop(`${moduleRole(runner.doc, failed.file)} could not be loaded`);
}
