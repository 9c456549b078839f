import { spawn, type ChildProcess } from "node:child_process";
// The lines of `greenlet-ts doctest --reporter jsonl`, typed where they are written (a type import: nothing of ESM is loaded).
import type { FileLine, ResultLine, SummaryLine } from "../jsonl-reporter.js";
import { locationOf, type ListedExample } from "./listing.cjs";
import { CLI_MAIN, idleLimit, runArgs, type DoctestOptions } from "./options.cjs";

/**
 * What became of an example: its result line, or why there is none; `notes`:
 * failures that belong to no example and are told in this one's test (a
 * setup block that failed before it, or after the last example; the file
 * failing as a whole).
 */
export type Outcome = ({ kind: "result"; result: ResultLine } | { kind: "missing"; reason: string }) & { notes: string[] };

/** One example the tests wait for. */
interface Entry {
  /** Its line, or its cell in a notebook. */
  at: number;
  result?: ResultLine;
  notes: string[];
  outcome?: Outcome;
  waiters: ((outcome: Outcome) => void)[];
}

/**
 * One run of `greenlet-ts doctest --reporter jsonl` over the files of the
 * examples the tests are for, started when the first test asks for a result:
 * each line the command writes settles the test waiting for that example.
 * An example's test settles when its result comes, except the last one of a
 * file, which waits for the file's end to pick up a failure that comes after
 * it. A command that ends (or goes silent) settles every test still waiting,
 * with the reason: no test waits for ever.
 */
export class StreamingRun {
  readonly #files = new Map<string, Entry[]>();
  readonly #child: ChildProcess;
  #buffer = "";
  #stderr = "";
  #summary: SummaryLine | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  /** Why it was stopped from here, if it was. */
  #stopped: string | undefined;
  /** Failures no test could take (told by the caller after the run). */
  readonly orphans: string[] = [];

  constructor(
    examples: readonly ListedExample[],
    private readonly options: DoctestOptions,
  ) {
    for (const example of examples) {
      let entries = this.#files.get(example.file);
      if (entries === undefined) this.#files.set(example.file, (entries = []));
      entries.push({ at: example.cell ?? example.line ?? 0, notes: [], waiters: [] });
    }
    // The reporter after the user's arguments: the last --reporter counts.
    const args = [CLI_MAIN, "doctest", ...runArgs(options), "--reporter", "jsonl", "--", ...this.#files.keys()];
    this.#child = spawn(process.execPath, args, { cwd: options.cwd ?? process.cwd(), stdio: ["ignore", "pipe", "pipe"] });
    this.#child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      this.#heard();
      this.#buffer += chunk;
      let newline: number;
      while ((newline = this.#buffer.indexOf("\n")) >= 0) {
        const line = this.#buffer.slice(0, newline);
        this.#buffer = this.#buffer.slice(newline + 1);
        this.#line(line);
      }
    });
    this.#child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      this.#heard();
      this.#stderr = (this.#stderr + chunk).slice(-8192);
    });
    this.#child.on("error", (error) => this.#end(`greenlet-ts doctest could not run: ${error.message}`));
    // After the last line has been read.
    this.#child.on("close", (code, signal) => this.#end(this.#endReason(code, signal)));
    this.#heard();
  }

  /** What became of the example at `at` (its line, or its notebook cell) of `file`. */
  outcome(file: string, at: number): Promise<Outcome> {
    const entry = this.#files.get(file)?.find((e) => e.at === at);
    if (entry === undefined) return Promise.resolve({ kind: "missing", reason: "this example is not part of the run", notes: [] });
    if (entry.outcome !== undefined) return Promise.resolve(entry.outcome);
    return new Promise((resolve) => entry.waiters.push(resolve));
  }

  /** Ends the command if it still runs (every test has had its result, or the runner stops early). */
  stop(): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#stopped ??= "the test run ended before greenlet-ts doctest did";
      this.#child.kill();
    }
    clearTimeout(this.#idleTimer);
  }

  /** Anything from the command restarts the silence timer. */
  #heard(): void {
    const limit = idleLimit(this.options);
    if (limit === undefined || this.#stopped !== undefined) return;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      this.#stopped = `greenlet-ts doctest said nothing for ${limit} ms and was stopped (idleTimeoutMs)`;
      this.#child.kill("SIGKILL");
    }, limit);
    this.#idleTimer.unref();
  }

  #line(text: string): void {
    let line: ResultLine | FileLine | SummaryLine;
    try {
      line = JSON.parse(text) as ResultLine | FileLine | SummaryLine;
    } catch {
      return; // Not the reporter's: ignored.
    }
    if (line.type === "result") this.#result(line);
    else if (line.type === "file") this.#fileDone(line);
    else if (line.type === "summary") this.#summary = line;
  }

  #result(result: ResultLine): void {
    const entries = this.#files.get(result.file);
    if (entries === undefined) return;
    const at = result.cell ?? result.line ?? 0;
    const entry = result.setup ? undefined : entries.find((e) => e.at === at);
    if (entry !== undefined && entry.outcome === undefined) {
      entry.result = result;
      if (entry !== entries[entries.length - 1]) this.#settle(entry, { kind: "result", result, notes: entry.notes });
      return;
    }
    // A failed setup block, or news about an example whose test has had its result: told in the next test of the file.
    if (result.status !== "failed") return;
    const where = `${locationOf(result)}${result.setup ? " (setup)" : ""}`;
    const note = `${where} failed:\n${result.reason ?? result.diff ?? ""}`.trimEnd();
    const next = entries.find((e) => e.outcome === undefined && e.at > at) ?? entries.find((e) => e.outcome === undefined);
    if (next !== undefined) next.notes.push(note);
    else this.orphans.push(note);
  }

  /** A file is done: every example of it not settled yet is. */
  #fileDone(file: FileLine): void {
    const entries = this.#files.get(file.file);
    if (entries === undefined) return;
    const pending = entries.filter((e) => e.outcome === undefined);
    const missing = pending.filter((e) => e.result === undefined);
    if (file.error !== undefined && missing.length === 0) {
      const last = pending[pending.length - 1];
      if (last !== undefined) last.notes.push(`${file.file}: ${file.error}`);
      else this.orphans.push(`${file.file}: ${file.error}`);
    }
    for (const entry of pending) {
      if (entry.result !== undefined) this.#settle(entry, { kind: "result", result: entry.result, notes: entry.notes });
      else this.#settle(entry, { kind: "missing", reason: file.error ?? "greenlet-ts doctest reported no result for this example", notes: entry.notes });
    }
  }

  #endReason(code: number | null, signal: NodeJS.Signals | null): string {
    if (this.#stopped !== undefined) return this.#stopped;
    if (this.options.failFast && this.#summary !== undefined && this.#summary.failed > 0) return "not run: an earlier failure stopped the run (--fail-fast)";
    const how = signal !== null ? `signal ${signal}` : `exit status ${code}`;
    const stderr = this.#stderr.trim();
    return `greenlet-ts doctest ended (${how}) before it reported this example${stderr ? `:\n${stderr}` : ""}`;
  }

  /** The command is gone: whatever still waits learns why. */
  #end(reason: string): void {
    clearTimeout(this.#idleTimer);
    if (this.#buffer !== "") this.#line(this.#buffer);
    this.#buffer = "";
    for (const entries of this.#files.values()) {
      for (const entry of entries) {
        if (entry.outcome !== undefined) continue;
        this.#settle(entry, entry.result !== undefined ? { kind: "result", result: entry.result, notes: entry.notes } : { kind: "missing", reason, notes: entry.notes });
      }
    }
  }

  #settle(entry: Entry, outcome: Outcome): void {
    entry.outcome = outcome;
    for (const resolve of entry.waiters.splice(0)) resolve(outcome);
  }
}
