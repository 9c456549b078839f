import { spawn } from "node:child_process";
import path from "node:path";
import { outputDiff, outputMatches } from "../checker.js";
import type { Options } from "../example.js";
import { mergeOptions } from "../options.js";
import { differs, passed, resultOf, type ExampleResult } from "../results.js";
import type { RunOptions } from "../runner.js";
import { FileSchedule } from "../schedule.js";
import type { CodeCell, Notebook } from "./nbformat.js";
import type { CellExample, NotebookDoc } from "./notebook-parser.js";
import { cellSubject, type NotebookRun } from "./notebook-runner.js";
import { transcript } from "./output-transcript.js";

/**
 * The second client: Jupyter's own `jupyter nbconvert --to notebook
 * --execute` runs the notebook on the installed kernelspec, and its outputs
 * are checked against the stored ones by the same checker as ours — both
 * clients must agree. Cells marked SKIP are left out of the copy it runs.
 */
export async function runNotebookWithNbconvert(doc: NotebookDoc, run: RunOptions & { jupyter?: string; kernelName?: string }): Promise<NotebookRun> {
  const results: ExampleResult[] = [];
  const executed: NotebookRun["executed"] = new Map();
  const result = { file: doc.file, results, warnings: doc.warnings };
  // Every cell runs in one go: there is no timeout or failure to stop at, only cells to leave out.
  const schedule = new FileSchedule();
  const optionsOf = (example: CellExample): Options => mergeOptions(run.options ?? {}, doc.options, example.options);
  const decided = new Map(doc.examples.map((example) => [example, schedule.next(doc.skip || optionsOf(example).SKIP)]));
  const toRun = doc.examples.filter((example) => decided.get(example) === undefined);
  // Nothing to run (a skipped notebook): no jupyter either.
  const execution: Execution = toRun.length === 0 ? { cells: [], ms: 0 } : await executeWithNbconvert(doc, toRun, run);
  const ms = execution.ms / Math.max(1, toRun.length);
  if ("error" in execution) return { result: { ...result, error: execution.error }, executed };
  for (const example of doc.examples) {
    const subject = cellSubject(doc, example);
    const index = toRun.indexOf(example);
    if (index < 0) {
      results.push(resultOf(subject, decided.get(example)!, ms));
      continue;
    }
    const cell = execution.cells[index]!;
    executed.set(example.cell, { outputs: cell.outputs, executionCount: cell.execution_count });
    const got = transcript(cell.outputs);
    const options = optionsOf(example);
    results.push(resultOf(subject, outputMatches(subject.want, got, options) ? passed(got) : differs(got, outputDiff(subject.want, got, options)), ms));
  }
  return { result, executed };
}

/** The executed code cells, or why there are none; how long it took. */
type Execution = { cells: CodeCell[]; ms: number } | { error: string; ms: number };

/** Has nbconvert run a copy of the notebook with only these cells. */
async function executeWithNbconvert(doc: NotebookDoc, toRun: readonly CellExample[], run: RunOptions & { jupyter?: string; kernelName?: string }): Promise<Execution> {
  const copy: Notebook = {
    ...doc.notebook,
    cells: toRun.map((example): CodeCell => ({ cell_type: "code", source: example.source, metadata: {}, execution_count: null, outputs: [] })),
  };
  const args = ["nbconvert", "--to", "notebook", "--execute", "--allow-errors", "--stdin", "--stdout", `--ExecutePreprocessor.kernel_name=${run.kernelName ?? "greenlet-ts"}`];
  if (run.timeoutMs !== undefined) args.push(`--ExecutePreprocessor.timeout=${Math.ceil(run.timeoutMs / 1000)}`);
  const begun = performance.now();
  const finished = await runCommand(run.jupyter ?? "jupyter", args, JSON.stringify(copy), path.dirname(path.resolve(doc.file)));
  const ms = performance.now() - begun;
  let outputNotebook: Notebook | undefined;
  try {
    outputNotebook = finished.code === 0 ? (JSON.parse(finished.stdout) as Notebook) : undefined;
  } catch {
    outputNotebook = undefined;
  }
  if (outputNotebook === undefined) {
    const why = finished.error ?? `exit code ${finished.code}`;
    return { error: `jupyter nbconvert could not execute the notebook (${why}):\n${finished.stderr.trim().split("\n").slice(-8).join("\n")}`, ms };
  }
  return { cells: outputNotebook.cells.filter((cell): cell is CodeCell => cell.cell_type === "code"), ms };
}

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  error?: string;
}

function runCommand(command: string, args: string[], input: string, cwd: string): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ["pipe", "pipe", "pipe"], env: { PYDEVD_DISABLE_FILE_VALIDATION: "1", ...process.env } });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-64 * 1024)));
    child.on("error", (error) => resolve({ code: null, stdout, stderr, error: `cannot run ${command}: ${error.message}` }));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.on("error", () => undefined);
    child.stdin.end(input);
  });
}
