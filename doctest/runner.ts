import path from "node:path";
import { Session, type CellOutcome, type EngineEvent } from "../runtime/engine/index.js";
import { outputDiff, outputMatches } from "./checker.js";
import type { Block, DocFile, Example, OptionFlags } from "./example.js";
import { mergeOptions } from "./options.js";
import type { ExampleResult, FileResult } from "./results.js";
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
    private readonly run: RunOptions = {},
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

  /** Runs a setup block: one failure if it throws, nothing otherwise. */
  async runSetup(block: Block): Promise<ExampleResult> {
    const started = performance.now();
    const timeout = timeoutOf(this.run);
    const timer = timeout === undefined ? undefined : this.#watchdog.arm(timeout);
    const outcome = await this.#execute(block.code ?? "", block.codeLine ?? block.line + 1);
    if (timer !== undefined) this.#watchdog.disarm(timer);
    const base = { file: this.doc.file, line: block.line, source: block.code ?? "", want: "", setup: true, ms: performance.now() - started };
    this.#events.delete(outcome.cell);
    if (outcome.status === "ok") return { ...base, status: "passed" };
    if (outcome.status === "interrupted" && timeout !== undefined) return { ...base, status: "failed", reason: `timed out after ${timeout} ms` };
    return { ...base, status: "failed", reason: `the setup code failed:\n${outcome.error.uncaught}`, got: outcome.error.uncaught };
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
        const what = module === this.doc.module ? `the exports of ${module}` : `the setup module ${module}`;
        return { file: module, line: 1, source: `import * from "${module}"`, want: "", setup: true, status: "failed", reason: `${what} could not be loaded:\n${outcome.error.uncaught}`, got: outcome.error.uncaught, ms: performance.now() - started };
      }
    }
    return undefined;
  }

  /** Runs one example and checks its output (a code example: that it does not throw). */
  async runExample(example: Example, block: Block): Promise<ExampleResult> {
    const options = mergeOptions(this.run.options ?? {}, this.doc.options, block.options, example.options);
    const base = { file: this.doc.file, line: example.line, source: example.source, want: example.want, example, ms: 0 };
    if (options.SKIP || block.skip || this.doc.skip) return { ...base, status: "skipped" };
    this.session.autoCollect = options.AUTOCOLLECT && (this.run.autoCollect ?? true);
    const started = performance.now();
    const timeout = timeoutOf(this.run);
    const timer = timeout === undefined ? undefined : this.#watchdog.arm(timeout);
    const outcome = await this.#execute(example.source, example.line);
    if (timer !== undefined) this.#watchdog.disarm(timer);
    const ms = performance.now() - started;
    const got = this.#output(outcome);
    if (outcome.status === "interrupted" && timeout !== undefined) {
      return { ...base, ms, status: "failed", got, reason: `timed out after ${timeout} ms` };
    }
    if (example.runOnly) {
      if (outcome.status === "ok") return { ...base, ms, status: "passed" };
      return { ...base, ms, status: "failed", got, reason: `the example threw:\n${outcome.error.uncaught}` };
    }
    if (outputMatches(example.want, got, options)) return { ...base, ms, status: "passed" };
    return { ...base, ms, status: "failed", got, diff: outputDiff(example.want, got, options) };
  }

  close(): void {
    this.session.close();
    this.#watchdog.close();
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

/** Runs every block of a file in order; a timeout stops the file, --fail-fast stops at a failure. */
export async function runFile(doc: DocFile, run: RunOptions = {}, observer: RunObserver = {}): Promise<FileResult> {
  const results: ExampleResult[] = [];
  const result: FileResult = { file: doc.file, results, warnings: doc.warnings };
  const notRun = (example: Example, reason: string): ExampleResult => ({
    file: doc.file, line: example.line, source: example.source, want: example.want, example, status: "not-run", reason, ms: 0,
  });
  if (doc.skip) {
    for (const block of doc.blocks) for (const example of block.examples) results.push({ ...notRun(example, "skip-file"), status: "skipped" });
    return result;
  }
  const runner = new ExampleRunner(doc, run, observer.output);
  let stopped: string | undefined;
  try {
    if (run.setup !== undefined || doc.module !== undefined) {
      observer.started?.(0);
      const failed = await runner.prepare();
      if (failed !== undefined) {
        observer.finished?.(failed);
        results.push(failed);
        stopped = `not run: ${failed.reason!.split("\n")[0]!.replace(/:$/, "")}`;
      } else {
        observer.finished?.({ file: doc.file, line: 0, source: "", want: "", setup: true, status: "passed", ms: 0 });
      }
    }
    for (const block of doc.blocks) {
      if (block.kind === "setup") {
        if (stopped !== undefined || block.skip) continue;
        observer.started?.(block.line);
        const setup = await runner.runSetup(block);
        observer.finished?.(setup);
        if (setup.status === "failed") {
          results.push(setup);
          if (setup.reason?.startsWith("timed out")) stopped = `not run: the setup code at line ${block.line} timed out`;
          else if (run.failFast) stopped = "an earlier failure stopped the run (--fail-fast)";
        }
        continue;
      }
      for (const example of block.examples) {
        if (stopped !== undefined) {
          results.push(notRun(example, stopped));
          continue;
        }
        observer.started?.(example.line);
        const outcome = await runner.runExample(example, block);
        observer.finished?.(outcome);
        results.push(outcome);
        if (outcome.reason?.startsWith("timed out")) stopped = `not run: the example at line ${example.line} timed out`;
        else if (outcome.status === "failed" && run.failFast) stopped = "an earlier failure stopped the run (--fail-fast)";
      }
    }
  } finally {
    result.dependencies = runner.session.modules.files();
    runner.close();
  }
  return result;
}
