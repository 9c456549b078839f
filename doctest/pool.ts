import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { DocFile } from "./example.js";
import type { FileResult } from "./results.js";
import type { RunOptions } from "./runner.js";

const CLI = fileURLToPath(new URL("../cli/main.js", import.meta.url));

/**
 * Runs files in N worker processes (`--jobs N`), one file at a time per
 * worker. Results come back in the order the files were given. A worker
 * that dies (an example called process.exit, ran out of memory, crashed)
 * fails the file it had, and a new worker takes the next file.
 */
export async function runInWorkers(docs: readonly DocFile[], run: RunOptions, jobs: number, onFile?: (result: FileResult) => void): Promise<FileResult[]> {
  const results: FileResult[] = new Array(docs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    let child: ChildProcess | undefined;
    while (next < docs.length) {
      const index = next++;
      const doc = docs[index]!;
      child ??= fork(CLI, ["doctest", "--worker"], { execArgv: ["--expose-gc"], stdio: ["ignore", "ignore", "pipe", "ipc"] });
      const result = await runOne(child, doc, run);
      if (result.error !== undefined) child = undefined;
      results[index] = result;
      onFile?.(result);
    }
    child?.disconnect();
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, docs.length)) }, worker));
  return results;
}

function runOne(child: ChildProcess, doc: DocFile, run: RunOptions): Promise<FileResult> {
  return new Promise((resolve) => {
    let stderr = "";
    const onData = (chunk: Buffer): void => {
      stderr += chunk.toString();
    };
    const done = (result: FileResult): void => {
      child.off("message", onMessage);
      child.off("exit", onExit);
      child.stderr?.off("data", onData);
      resolve(result);
    };
    const onMessage = (message: { result?: FileResult }): void => {
      if (message.result !== undefined) done(message.result);
    };
    const onExit = (code: number | null, signal: string | null): void => {
      const how = signal !== null ? `signal ${signal}` : `exit code ${code}`;
      const detail = stderr.trim().split("\n").slice(-5).join("\n");
      done({ file: doc.file, results: [], warnings: doc.warnings, error: `the worker process running this file ended (${how})${detail ? `:\n${detail}` : ""}` });
    };
    child.on("message", onMessage);
    child.on("exit", onExit);
    child.stderr?.on("data", onData);
    child.send({ file: doc.file, run });
  });
}
