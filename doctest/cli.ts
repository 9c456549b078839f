import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DocTestUsageError, OPTION_NAMES, type DocFile, type OptionFlags, type OptionName } from "./example.js";
import { DoctestConfigError, readDoctestConfig, type DoctestConfig } from "./config.js";
import { findFiles, isNotebookFile } from "./files.js";
import path from "node:path";
import { runNotebookWithNbconvert } from "./notebook/nbconvert-run.js";
import { parseNotebook, type NotebookDoc } from "./notebook/notebook-parser.js";
import { runNotebook, type NotebookRun } from "./notebook/notebook-runner.js";
import { transcript } from "./notebook/output-transcript.js";
import { updateNotebook } from "./notebook/notebook-update.js";
import { parseDocument } from "./documents.js";
import { JsonlReporter } from "./jsonl-reporter.js";
import { runInWorkers } from "./pool.js";
import { junit, report, REPORTERS, type ReporterName } from "./reporters.js";
import { totals, type FileResult } from "./results.js";
import type { RunOptions } from "./runner.js";
import { parseShard, selectShard } from "./shard.js";
import { updateFile } from "./update.js";
import { watchFiles } from "./watch.js";

/** Per example, unless --timeout says otherwise. */
const DEFAULT_TIMEOUT_MS = 60000;

const USAGE = `usage: greenlet-ts doctest [PATH|GLOB ...] [options]

Checks the interactive TypeScript sessions in Markdown files, in the JSDoc
@example comments of TypeScript and JavaScript source files, and the stored
outputs of Jupyter notebooks (directories are searched for *.md, *.ipynb and
*.ts/.mts/.cts/.tsx/.js/.mjs/.cjs, without node_modules and dot-directories;
default: the "include" of the "greenlet-ts" > "doctest" section of
package.json, or the current directory). A notebook is re-executed on a new
greenlet-ts kernel and each code cell's outputs are compared with the stored
ones; failures are reported as NOTEBOOK:cell N.

  --update            rewrite the expected output of failing examples in place
  --fail-fast         stop at the first failure
  --timeout MS        fail an example (or setup block) that runs longer; the rest
                      of its file is not run (default: ${DEFAULT_TIMEOUT_MS}; 0: no timeout)
  --jobs N            check files in N worker processes (default 1; output order
                      stays the same). Files never run in this process: an example
                      that calls process.exit() or crashes node fails its file only
  --reporter NAME     pretty (default), dot, json, tap or jsonl (a JSON line per
                      result as it comes, for programs following the run)
  --junit FILE        also write JUnit XML to FILE
  --list              print the examples found as JSON, without running them
  --option NAME       turn an option on (NAME or +NAME) or off (-NAME) for every
                      example (repeatable):
                      ${OPTION_NAMES.join(", ")}
  --no-autocollect    do not run collect() after each example
  --setup MODULE      run MODULE (TypeScript or JavaScript) in each file's session
                      before its examples, its exports bound by name
  --watch             after the run, check again each file whose page, or a module
                      its examples imported, changes (Ctrl-C ends it)
  --shard I/N         check only the I-th of N equal parts of the files (for N CI machines)
  --client NAME       who executes notebooks: greenlet-ts (default; our own client
                      over ZeroMQ) or nbconvert (jupyter nbconvert --execute with
                      the installed greenlet-ts kernelspec)
  --jupyter COMMAND   the jupyter command for --client nbconvert (default: jupyter)
`;

/** `greenlet-ts doctest ...`: exit status 0 when all pass, 1 on failures, 2 on usage or parse errors. */
export async function doctestMain(argv: string[], out = process.stdout, err = process.stderr): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        update: { type: "boolean" },
        "fail-fast": { type: "boolean" },
        timeout: { type: "string" },
        jobs: { type: "string" },
        reporter: { type: "string" },
        junit: { type: "string" },
        list: { type: "boolean" },
        option: { type: "string", multiple: true },
        "no-autocollect": { type: "boolean" },
        setup: { type: "string" },
        watch: { type: "boolean" },
        shard: { type: "string" },
        client: { type: "string" },
        jupyter: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    err.write(`greenlet-ts doctest: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help) {
    out.write(USAGE);
    return 0;
  }

  const problems: string[] = [];
  let config: DoctestConfig | undefined;
  try {
    config = readDoctestConfig(process.cwd());
  } catch (error) {
    if (!(error instanceof DoctestConfigError)) throw error;
    // What else is wrong depends on the configuration: this alone is reported.
    err.write(`greenlet-ts doctest: ${error.message}\n`);
    return 2;
  }
  // A default, so that a runaway example cannot hang a CI job; 0 turns it off.
  const timeout = values.timeout === undefined ? (config?.timeout ?? DEFAULT_TIMEOUT_MS) : Number(values.timeout);
  if (!(Number.isInteger(timeout) && timeout >= 0)) problems.push(`--timeout takes a whole number of milliseconds (0: none), not "${values.timeout}"`);
  const jobs = values.jobs === undefined ? (config?.jobs ?? 1) : Number(values.jobs);
  if (!(Number.isInteger(jobs) && jobs > 0)) problems.push(`--jobs takes a positive whole number, not "${values.jobs}"`);
  const reporter = (values.reporter ?? "pretty") as ReporterName;
  if (!REPORTERS.includes(reporter)) problems.push(`--reporter is one of ${REPORTERS.join(", ")}, not "${values.reporter}"`);
  // The command line's options win over the project's.
  const options: OptionFlags = { ...config?.options };
  for (const name of values.option ?? []) {
    const upper = name.replace(/^[+-]/, "").toUpperCase();
    if ((OPTION_NAMES as readonly string[]).includes(upper)) options[upper as OptionName] = !name.startsWith("-");
    else problems.push(`--option: unknown doctest option "${name}" (known: ${OPTION_NAMES.join(", ")})`);
  }
  const setup = values.setup === undefined ? config?.setup : path.resolve(values.setup);
  if (values.setup !== undefined && !existsSync(setup!)) problems.push(`--setup: ${values.setup} does not exist`);
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  if (typeof shard === "string") problems.push(shard);
  const client = values.client ?? "greenlet-ts";
  if (client !== "greenlet-ts" && client !== "nbconvert") problems.push(`--client is greenlet-ts or nbconvert, not "${values.client}"`);
  const found = filesToCheck(positionals, config);
  for (const name of found.unmatched) problems.push(`${name}: no such file, directory or matching file`);
  const files = shard === undefined || typeof shard === "string" ? found.files : selectShard(found.files, shard);
  if (problems.length > 0) {
    err.write(problems.map((p) => `greenlet-ts doctest: ${p}\n`).join(""));
    return 2;
  }

  const run: RunOptions = { options, timeoutMs: timeout > 0 ? timeout : undefined, failFast: values["fail-fast"], autoCollect: !values["no-autocollect"], setup };
  const settings: CheckSettings = { run, jobs, reporter, junit: values.junit, update: values.update, list: values.list, client, jupyter: values.jupyter };
  const first = await checkFiles(files, settings, out, err);
  if (!values.watch || values.list) return first.status;
  return watchFiles(files, first.results, async (changed: string[]) => (await checkFiles(changed, settings, out, err)).results, err);
}

interface CheckSettings {
  run: RunOptions;
  jobs: number;
  reporter: ReporterName;
  junit?: string;
  update?: boolean;
  list?: boolean;
  client: string;
  jupyter?: string;
}

/** Parses, runs (or lists) and reports the files once; the status is the command's exit status. */
async function checkFiles(files: readonly string[], settings: CheckSettings, out: NodeJS.WritableStream, err: NodeJS.WriteStream | NodeJS.WritableStream): Promise<{ status: number; results: FileResult[] }> {
  const { run, jobs, reporter, client } = settings;
  const docs: DocFile[] = [];
  const notebooks: NotebookDoc[] = [];
  try {
    for (const file of files) {
      if (isNotebookFile(file)) notebooks.push(parseNotebook(readFileSync(file, "utf8"), file));
      else docs.push(parseDocument(readFileSync(file, "utf8"), file));
    }
  } catch (error) {
    if (error instanceof DocTestUsageError) {
      err.write(`greenlet-ts doctest: ${error.message}\n`);
      return { status: 2, results: [] };
    }
    throw error;
  }

  if (settings.list) {
    const examples: object[] = docs.flatMap((doc) =>
      // A skipped block or file shows as SKIP, the way its examples will be reported.
      doc.blocks.flatMap((block) => block.examples.map((e) => ({ file: doc.file, line: e.line, source: e.source, expected: e.want, options: { ...doc.options, ...block.options, ...e.options, ...(doc.skip || block.skip ? { SKIP: true } : {}) }, ...(e.runOnly ? { runOnly: true } : {}) }))),
    );
    for (const nb of notebooks) {
      for (const e of nb.examples) examples.push({ file: nb.file, cell: e.cell, source: e.source, expected: transcript(e.want), options: { ...nb.options, ...e.options, ...(nb.skip ? { SKIP: true } : {}) } });
    }
    out.write(`${JSON.stringify(examples, null, 2)}\n`);
    return { status: 0, results: [] };
  }

  const progress = "isTTY" in err && err.isTTY && !process.env.CI && docs.length > 1 ? new Progress(err as NodeJS.WriteStream, docs.length) : undefined;
  // Even with one job the files run in a worker process (reused from file to file), so that
  // an example that exits, exhausts memory or crashes node fails its own file only.
  const stream = reporter === "jsonl" ? new JsonlReporter(out) : undefined;
  let results: FileResult[] = await runInWorkers(docs, run, jobs, {
    onStart: (doc) => progress?.start(doc.file),
    onResult: stream && ((result) => stream.result(result)),
    onFile: (result) => {
      progress?.step(result.file);
      stream?.file(result);
    },
  });
  progress?.clear();

  // Notebooks: each on a kernel process of its own, so they run here, one after another.
  const notebookRuns: NotebookRun[] = [];
  for (const nb of notebooks) {
    if (run.failFast && totals([...results, ...notebookRuns.map((r) => r.result)]).failed > 0) break;
    notebookRuns.push(client === "nbconvert" ? await runNotebookWithNbconvert(nb, { ...run, jupyter: settings.jupyter }) : await runNotebook(nb, run, stream && ((result) => stream.result(result))));
    stream?.file(notebookRuns[notebookRuns.length - 1]!.result);
  }
  // Reported in the order the files were given.
  const order = new Map(files.map((file, i) => [file, i]));
  results = [...results, ...notebookRuns.map((r) => r.result)].sort((a, b) => order.get(a.file)! - order.get(b.file)!);

  out.write(report(results, reporter));
  if (settings.junit !== undefined) writeFileSync(settings.junit, junit(results));
  if (settings.update) {
    for (const doc of docs) {
      const result = results.find((r) => r.file === doc.file);
      const updated = result === undefined ? 0 : updateFile(doc, result);
      if (updated > 0) err.write(`updated ${updated} example${updated === 1 ? "" : "s"} in ${doc.file}\n`);
    }
    notebookRuns.forEach((nbRun, i) => {
      const updated = updateNotebook(notebooks[i]!, nbRun);
      if (updated > 0) err.write(`updated ${updated} cell${updated === 1 ? "" : "s"} in ${notebooks[i]!.file}\n`);
    });
  }
  return { status: totals(results).failed > 0 ? 1 : 0, results };
}

/**
 * The files named on the command line, or else the project's `include`
 * (paths relative to its package.json, shown relative to here), or else
 * this directory; the project's `exclude` applies to what directories and
 * globs find.
 */
function filesToCheck(positionals: readonly string[], config: DoctestConfig | undefined): { files: string[]; unmatched: string[] } {
  const exclude = config?.exclude === undefined ? undefined : { base: config.directory, globs: config.exclude };
  if (positionals.length > 0 || config?.include === undefined) return findFiles(positionals.length > 0 ? positionals : ["."], process.cwd(), exclude);
  const found = findFiles(config.include, config.directory, exclude);
  const here = (file: string): string => path.relative(process.cwd(), path.resolve(config.directory, file)) || ".";
  return { files: found.files.map(here), unmatched: found.unmatched.map((name) => `${path.relative(process.cwd(), config.file)} "include": ${name}`) };
}

/** A line on a terminal that says how far a long run is; nothing when not a terminal or under CI. */
class Progress {
  #done = 0;
  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly total: number,
  ) {}
  start(file: string): void {
    this.stream.write(`\r\x1b[K[${this.#done}/${this.total}] ${file}`);
  }
  step(file: string): void {
    this.#done++;
    this.stream.write(`\r\x1b[K[${this.#done}/${this.total}] ${file}`);
  }
  clear(): void {
    this.stream.write("\r\x1b[K");
  }
}
