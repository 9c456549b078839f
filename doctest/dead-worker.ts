import type { DocFile } from "./example.js";
import { exampleSubject, resultOf, timedOut, type ExampleResult, type FileResult, type Subject } from "./results.js";
import { FileSchedule, whatRanAt } from "./schedule.js";
import { exitCalled } from "./worker.js";

/** A file a worker is checking, as far as the pool knows from what the worker said. */
export interface RunningFile {
  doc: DocFile;
  /** The example or setup block started last. */
  line?: number;
  running: boolean;
  /** What the running one has printed so far. */
  output: string;
  /** The results so far (without passing setup blocks, as in the file's result). */
  finished: ExampleResult[];
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A file whose running example overran the timeout, and got its worker killed: that example failed, the rest is not run. */
export function timedOutFile(file: RunningFile, timeout: number): FileResult {
  const { doc } = file;
  const line = file.line!;
  const failed = resultOf(subjectAt(doc, line), timedOut(timeout, file.output), timeout);
  const schedule = new FileSchedule();
  schedule.ran(failed, whatRanAt(doc, line));
  return { file: doc.file, results: [...file.finished, failed, ...unfinished(file, schedule)], warnings: doc.warnings };
}

/**
 * A file whose worker died (or stopped answering, and was killed after
 * `silentFor` ms): what finished, why it died, the rest not run.
 */
export function crashedFile(file: RunningFile, exited: Exit, stderr: string, silentFor?: number): FileResult {
  const { doc } = file;
  const at = file.line === undefined ? "before the first example ran" : file.running ? `during ${whatRanAt(doc, file.line)}` : `after ${whatRanAt(doc, file.line)} had finished`;
  const schedule = new FileSchedule();
  schedule.stop(`the worker died ${at}`);
  const how = exited.signal !== null ? `signal ${exited.signal}` : `exit code ${exited.code}`;
  return {
    file: doc.file,
    results: [...file.finished, ...unfinished(file, schedule)],
    warnings: doc.warnings,
    error: `the worker process running this file ended (${how}): ${causeOfDeath(file, at, exited, stderr, silentFor)}`,
  };
}

/** Why the worker died, from its exit and the last of its stderr; a crash without a known cause quotes the stderr. */
function causeOfDeath(file: RunningFile, at: string, exited: Exit, stderr: string, silentFor?: number): string {
  const exit = exitCalled(stderr);
  if (silentFor !== undefined) return `it stopped responding ${at} (something left running?) and was killed after ${silentFor} ms`;
  if (exit !== undefined) return file.running ? `${whatRanAt(file.doc, file.line!)} called ${exit}` : `${exit} was called ${at}`;
  if (/heap out of memory|Reached heap limit/.test(stderr)) return `it ran out of memory (JavaScript heap out of memory) ${at}`;
  if (exited.signal === "SIGKILL") return `it was killed by SIGKILL ${at} (the system's out-of-memory killer does that)`;
  const detail = stderr.trim().split("\n").slice(-5).join("\n");
  return `it crashed ${at}${detail ? `\n${detail}` : ""}`;
}

/** The examples that have no result yet (the running one aside), as the stopped schedule says. */
function unfinished(file: RunningFile, schedule: FileSchedule): ExampleResult[] {
  const done = new Set(file.finished.map((result) => result.line));
  if (file.line !== undefined) done.add(file.line);
  const examples = file.doc.blocks.flatMap((block) => block.examples).filter((example) => !done.has(example.line));
  return examples.map((example) => resultOf(exampleSubject(file.doc.file, example), schedule.next()!));
}

/** The example or setup block at a line (0: the setup module). */
function subjectAt(doc: DocFile, line: number): Subject {
  const example = doc.blocks.flatMap((block) => block.examples).find((e) => e.line === line);
  if (example !== undefined) return exampleSubject(doc.file, example);
  const block = doc.blocks.find((b) => b.kind === "setup" && b.line === line);
  return { file: doc.file, line, source: block?.code ?? "", want: "", setup: true };
}
