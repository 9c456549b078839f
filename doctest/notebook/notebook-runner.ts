import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { KernelClient, type Execution } from "../../kernel/client/kernel-client.js";
import { launchKernel, type LaunchedKernel } from "../../kernel/client/launch.js";
import { outputDiff, outputMatches } from "../checker.js";
import { mergeOptions } from "../options.js";
import { crashed, differs, passed, resultOf, skipped, timedOut, type ExampleResult, type FileResult, type Subject } from "../results.js";
import type { RunOptions } from "../runner.js";
import { FileSchedule } from "../schedule.js";
import type { Output } from "./nbformat.js";
import type { CellExample, NotebookDoc } from "./notebook-parser.js";
import { OutputCollector } from "./output-collector.js";
import { transcript } from "./output-transcript.js";

/** What one run of a notebook produced: the results, and the new outputs for --update. */
export interface NotebookRun {
  result: FileResult;
  /** By cell number: the outputs and execution count the kernel gave. */
  executed: Map<number, { outputs: Output[]; executionCount: number | null }>;
}

/** How long a kernel gets to stop a timed-out cell after interrupt_request. */
const INTERRUPT_GRACE_MS = 5000;

/**
 * Re-executes a notebook's code cells in order on a new greenlet-ts kernel
 * (its own process, over ZeroMQ) and checks each cell's outputs against the
 * stored ones. A cell that times out is interrupted and the rest are not
 * run; a kernel that dies fails the cell it was running.
 */
export async function runNotebook(doc: NotebookDoc, run: RunOptions = {}, onResult?: (result: ExampleResult) => void): Promise<NotebookRun> {
  const executed: NotebookRun["executed"] = new Map();
  const result: FileResult = { file: doc.file, results: [], warnings: doc.warnings };
  if (doc.skip) {
    for (const example of doc.examples) result.results.push(resultOf(cellSubject(doc, example), skipped()));
    return { result, executed };
  }
  // A data directory of its own: checking a notebook does not add to the user's kernel history.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-nbcheck-"));
  let kernel: LaunchedKernel | undefined;
  let client: KernelClient | undefined;
  try {
    kernel = await launchKernel({ cwd: path.dirname(path.resolve(doc.file)), env: { ...process.env, JUPYTER_DATA_DIR: dataDir } });
    client = new KernelClient(kernel.connection);
    const started = await Promise.race([client.ready().then(() => true), kernel.exited.then(() => false)]);
    if (!started) return { result: { ...result, error: `the kernel ended before it answered:\n${tail(kernel.stderr())}` }, executed };
    await checkCells(doc, run, { client, kernel }, { results: result.results, executed, onResult });
  } finally {
    if (client !== undefined && kernel !== undefined && kernel.process.exitCode === null) {
      await Promise.race([client.shutdown(), delay(2000)]);
      await Promise.race([kernel.exited, delay(2000)]);
    }
    client?.close();
    kernel?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { result, executed };
}

interface Kernel {
  client: KernelClient;
  kernel: LaunchedKernel;
}

interface Checked {
  results: ExampleResult[];
  executed: NotebookRun["executed"];
  onResult?: (result: ExampleResult) => void;
}

/** Executes the cells in order, the schedule saying which; each result is told as soon as it is known. */
async function checkCells(doc: NotebookDoc, run: RunOptions, kernel: Kernel, { results, executed, onResult }: Checked): Promise<void> {
  const schedule = new FileSchedule(run.failFast);
  const collector = new OutputCollector();
  // A later cell may still amend a result told (see kernelDied).
  let told = 0;
  const tell = (): void => {
    for (; told < results.length; told++) onResult?.(results[told]!);
  };
  for (const example of doc.examples) {
    tell();
    const subject = cellSubject(doc, example);
    const options = mergeOptions(run.options ?? {}, doc.options, example.options);
    const decided = schedule.next(options.SKIP);
    if (decided !== undefined) {
      results.push(resultOf(subject, decided));
      continue;
    }
    const begun = performance.now();
    const outcome = await executeCell(kernel.client, kernel.kernel, example.source, run.timeoutMs);
    const ms = performance.now() - begun;
    if (outcome.kind === "died") {
      kernelDied(outcome, example, subject, ms, results, schedule);
      continue;
    }
    const outputs = outcome.kind === "done" ? collector.outputsOf(outcome.execution.iopub) : [];
    const executionCount = outcome.kind === "done" ? ((outcome.execution.reply.content as { execution_count?: number }).execution_count ?? null) : null;
    executed.set(example.cell, { outputs, executionCount });
    const got = transcript(outputs);
    const checked = outcome.kind === "timed-out" ? timedOut(run.timeoutMs!, got, true) : outputMatches(subject.want, got, options) ? passed(got) : differs(got, outputDiff(subject.want, got, options));
    results.push(resultOf(subject, checked, ms));
    schedule.ran(checked, `cell ${example.cell}`);
  }
  tell();
}

/**
 * The kernel died: while running this cell, which fails; or, when it never
 * began this cell, on its way out of the one before (a deferred
 * process.exit()), which is then the one to fail. The rest is not run.
 */
function kernelDied(outcome: Extract<CellOutcome, { kind: "died" }>, example: CellExample, subject: Subject, ms: number, results: ExampleResult[], schedule: FileSchedule): void {
  const detail = `(${outcome.how})${outcome.log ? `:\n${outcome.log}` : ""}`;
  let previous = results.length - 1;
  while (previous >= 0 && results[previous]!.status !== "passed" && results[previous]!.status !== "failed") previous--;
  if (!outcome.started && previous >= 0) {
    const before = results[previous]!;
    results[previous] = resultOf(before, crashed(`the kernel ended after this cell ${detail}`, before), before.ms);
    schedule.stop(`the kernel ended after cell ${before.cell}`);
    results.push(resultOf(subject, schedule.next()!));
  } else {
    results.push(resultOf(subject, crashed(`the kernel died while running this cell ${detail}`), ms));
    schedule.stop(`the kernel died at cell ${example.cell}`);
  }
}

/** `started`: whether the kernel announced the cell (execute_input) before it died. */
type CellOutcome = { kind: "done"; execution: Execution } | { kind: "timed-out" } | { kind: "died"; how: string; log: string; started: boolean };

async function executeCell(client: KernelClient, kernel: LaunchedKernel, code: string, timeoutMs: number | undefined): Promise<CellOutcome> {
  let msgId = "";
  const execution = client.execute(code, { onSent: (id) => (msgId = id) }).then((execution): CellOutcome => ({ kind: "done", execution }));
  const died = kernel.exited.then(({ code, signal }): CellOutcome => ({
    kind: "died",
    how: signal !== null ? `signal ${signal}` : `exit code ${code}`,
    log: tail(kernel.stderr()),
    started: client.received(msgId).some((m) => m.header.msg_type === "execute_input"),
  }));
  if (timeoutMs === undefined) return Promise.race([execution, died]);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
  const first = await Promise.race([execution, died, timedOut]);
  clearTimeout(timer);
  if (first !== "timeout") return first;
  void client.interrupt();
  const after = await Promise.race([execution, died, delay(INTERRUPT_GRACE_MS).then((): CellOutcome => ({ kind: "timed-out" }))]);
  return after.kind === "done" ? { kind: "timed-out" } : after;
}

/** A cell as a result's subject: its expected output is the transcript of its stored outputs. */
export function cellSubject(doc: NotebookDoc, example: CellExample): Subject {
  return { file: doc.file, line: 0, cell: example.cell, source: example.source, want: transcript(example.want) };
}

function tail(text: string): string {
  return text.trim().split("\n").slice(-5).join("\n");
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
