import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { KernelClient, type Execution } from "../../kernel/client/kernel-client.js";
import { launchKernel, type LaunchedKernel } from "../../kernel/client/launch.js";
import { outputDiff, outputMatches } from "../checker.js";
import { mergeOptions } from "../options.js";
import type { ExampleResult, FileResult } from "../results.js";
import type { RunOptions } from "../runner.js";
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
  const results: ExampleResult[] = [];
  // Each cell's result is told as soon as it is known (a later cell may still amend it: see "died").
  let told = 0;
  const tell = (): void => {
    for (; told < results.length; told++) onResult?.(results[told]!);
  };
  const executed: NotebookRun["executed"] = new Map();
  const result: FileResult = { file: doc.file, results, warnings: doc.warnings };
  if (doc.skip) {
    for (const example of doc.examples) results.push({ ...base(doc, example), status: "skipped" });
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
    const collector = new OutputCollector();
    let stopped: string | undefined;
    for (const example of doc.examples) {
      tell();
      const options = mergeOptions(run.options ?? {}, doc.options, example.options);
      if (stopped !== undefined) {
        results.push({ ...base(doc, example), status: "not-run", reason: stopped });
        continue;
      }
      if (options.SKIP) {
        results.push({ ...base(doc, example), status: "skipped" });
        continue;
      }
      const begun = performance.now();
      const outcome = await executeCell(client, kernel, example.source, run.timeoutMs);
      const ms = performance.now() - begun;
      if (outcome.kind === "died") {
        const detail = `(${outcome.how})${outcome.log ? `:\n${outcome.log}` : ""}`;
        const previous = [...results].reverse().find((r) => r.status === "passed" || r.status === "failed");
        if (!outcome.started && previous !== undefined) {
          // The kernel never began this cell: the one before ended it on its way out (a deferred process.exit()).
          Object.assign(previous, { status: "failed", reason: `the kernel ended after this cell ${detail}` });
          results.push({ ...base(doc, example), status: "not-run", reason: `not run: the kernel ended after cell ${previous.cell}` });
          stopped = `not run: the kernel ended after cell ${previous.cell}`;
        } else {
          results.push({ ...base(doc, example), ms, status: "failed", reason: `the kernel died while running this cell ${detail}` });
          stopped = `not run: the kernel died at cell ${example.cell}`;
        }
        continue;
      }
      const outputs = outcome.kind === "done" ? collector.outputsOf(outcome.execution.iopub) : [];
      const executionCount = outcome.kind === "done" ? ((outcome.execution.reply.content as { execution_count?: number }).execution_count ?? null) : null;
      executed.set(example.cell, { outputs, executionCount });
      const got = transcript(outputs);
      const checked = { ...base(doc, example), ms, got };
      if (outcome.kind === "timed-out") {
        results.push({ ...checked, status: "failed", reason: `timed out after ${run.timeoutMs} ms (interrupted)` });
        stopped = `not run: cell ${example.cell} timed out`;
      } else if (outputMatches(checked.want, got, options)) {
        results.push({ ...checked, status: "passed" });
      } else {
        results.push({ ...checked, status: "failed", diff: outputDiff(checked.want, got, options) });
        if (run.failFast) stopped = "an earlier failure stopped the run (--fail-fast)";
      }
    }
    tell();
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

function base(doc: NotebookDoc, example: CellExample): ExampleResult {
  return { file: doc.file, line: 0, cell: example.cell, source: example.source, want: transcript(example.want), status: "passed", ms: 0 };
}

function tail(text: string): string {
  return text.trim().split("\n").slice(-5).join("\n");
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
