import { readFileSync, writeFileSync } from "node:fs";
import type { CheckSettings } from "./command-line.js";
import { parseDocument } from "./documents.js";
import { DocTestUsageError, type DocFile } from "./example.js";
import { isNotebookFile } from "./files.js";
import { JsonlReporter } from "./jsonl-reporter.js";
import { listExamples } from "./list.js";
import { parseNotebook, type NotebookDoc } from "./notebook/notebook-parser.js";
import type { NotebookRun } from "./notebook/notebook-runner.js";
import { updateNotebook } from "./notebook/notebook-update.js";
import { runInWorkers } from "./pool.js";
import { junit, report } from "./reporters.js";
import { totals, type FileResult } from "./results.js";
import { runStops } from "./schedule.js";
import { updateFile } from "./update.js";

/** Parses, runs (or lists) and reports the files once; the status is the command's exit status. */
export async function checkFiles(files: readonly string[], settings: CheckSettings, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<{ status: number; results: FileResult[] }> {
  let docs: DocFile[];
  let notebooks: NotebookDoc[];
  try {
    ({ docs, notebooks } = parseFiles(files));
  } catch (error) {
    if (!(error instanceof DocTestUsageError)) throw error;
    err.write(`greenlet-ts doctest: ${error.message}\n`);
    return { status: 2, results: [] };
  }
  if (settings.list) {
    out.write(`${JSON.stringify(listExamples(docs, notebooks), null, 2)}\n`);
    return { status: 0, results: [] };
  }
  const stream = settings.reporter === "jsonl" ? new JsonlReporter(out) : undefined;
  const docResults = await checkDocs(docs, settings, err, stream);
  const notebookRuns = await checkNotebooks(notebooks, settings, docResults, stream);
  // Reported in the order the files were given.
  const order = new Map(files.map((file, i) => [file, i]));
  const results = [...docResults, ...notebookRuns.map((run) => run.result)].sort((a, b) => order.get(a.file)! - order.get(b.file)!);

  out.write(report(results, settings.reporter));
  if (settings.junit !== undefined) writeFileSync(settings.junit, junit(results));
  if (settings.update) writeUpdates(docs, results, notebooks, notebookRuns, err);
  return { status: totals(results).failed > 0 ? 1 : 0, results };
}

/** Markdown pages and source files, and notebooks; a file that cannot be read as one throws a usage error. */
function parseFiles(files: readonly string[]): { docs: DocFile[]; notebooks: NotebookDoc[] } {
  const docs: DocFile[] = [];
  const notebooks: NotebookDoc[] = [];
  for (const file of files) {
    if (isNotebookFile(file)) notebooks.push(parseNotebook(readFileSync(file, "utf8"), file));
    else docs.push(parseDocument(readFileSync(file, "utf8"), file));
  }
  return { docs, notebooks };
}

/**
 * Markdown pages and source files, in worker processes. Even with one job a
 * file never runs here (one worker is reused from file to file), so that an
 * example that exits, exhausts memory or crashes node fails its own file only.
 */
async function checkDocs(docs: readonly DocFile[], settings: CheckSettings, err: NodeJS.WritableStream, stream: JsonlReporter | undefined): Promise<FileResult[]> {
  const status = StatusLine.on(err, docs.length);
  const results = await runInWorkers(docs, settings.run, settings.jobs, {
    onStart: (doc) => status?.start(doc.file),
    onResult: stream && ((result) => stream.result(result)),
    onFile: (result) => {
      status?.step(result.file);
      stream?.file(result);
    },
  });
  status?.clear();
  return results;
}

/** Notebooks: each on a kernel process of its own, so they run here, one after another. */
async function checkNotebooks(notebooks: readonly NotebookDoc[], settings: CheckSettings, before: readonly FileResult[], stream: JsonlReporter | undefined): Promise<NotebookRun[]> {
  const { run, client } = settings;
  const runs: NotebookRun[] = [];
  if (notebooks.length === 0) return runs;
  // Loaded only for notebooks: the kernel client brings ZeroMQ's native module (some 0.1 s).
  const [{ runNotebook }, { runNotebookWithNbconvert }] = await Promise.all([import("./notebook/notebook-runner.js"), import("./notebook/nbconvert-run.js")]);
  for (const nb of notebooks) {
    if (runStops(run.failFast, [...before, ...runs.map((r) => r.result)])) break;
    const checked = client === "nbconvert" ? await runNotebookWithNbconvert(nb, { ...run, jupyter: settings.jupyter }) : await runNotebook(nb, run, stream && ((result) => stream.result(result)));
    runs.push(checked);
    stream?.file(checked.result);
  }
  return runs;
}

/** `--update`: each file's failed examples (a notebook's failed cells) get what they printed. */
function writeUpdates(docs: readonly DocFile[], results: readonly FileResult[], notebooks: readonly NotebookDoc[], notebookRuns: readonly NotebookRun[], err: NodeJS.WritableStream): void {
  const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? "" : "s"}`;
  for (const doc of docs) {
    const result = results.find((r) => r.file === doc.file);
    const updated = result === undefined ? 0 : updateFile(doc, result);
    if (updated > 0) err.write(`updated ${plural(updated, "example")} in ${doc.file}\n`);
  }
  notebookRuns.forEach((nbRun, i) => {
    const updated = updateNotebook(notebooks[i]!, nbRun);
    if (updated > 0) err.write(`updated ${plural(updated, "cell")} in ${notebooks[i]!.file}\n`);
  });
}

/** A line on a terminal that says how far a long run is: `[3/12] docs/page.md`. */
class StatusLine {
  #done = 0;

  /** One on `stream` for `total` files, when it is a terminal, not under CI, and there is more than one file. */
  static on(stream: NodeJS.WritableStream, total: number): StatusLine | undefined {
    const terminal = "isTTY" in stream && stream.isTTY === true;
    return terminal && !process.env.CI && total > 1 ? new StatusLine(stream, total) : undefined;
  }

  private constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly total: number,
  ) {}

  start(file: string): void {
    this.stream.write(`\r\x1b[K[${this.#done}/${this.total}] ${file}`);
  }

  step(file: string): void {
    this.#done++;
    this.start(file);
  }

  clear(): void {
    this.stream.write("\r\x1b[K");
  }
}
