import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (tests run against the built package in dist/). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const RUNTIME = path.join(ROOT, "dist/runtime/index.js");

export interface ScriptResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

/**
 * Runs an ES module in a fresh `node --expose-gc`, with the runtime's exports
 * in scope: garbage-collection behaviour is tested in its own process, where
 * no test framework holds references to the objects under test.
 */
export function runScript(body: string, flags: string[] = ["--expose-gc"]): Promise<ScriptResult> {
  const source = `import * as G from ${JSON.stringify(RUNTIME)};\nconst { greenlet, Greenlet, getcurrent, GreenletExit, GreenletError, collect, finalize, settrace, gettrace, runtimeCounts } = G;\n${body}\n`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, "--input-type=module", "-e", source], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code });
    });
  });
}

/** The lines a script printed, without the trailing empty one. */
export function lines(text: string): string[] {
  return text.split("\n").filter((line, i, all) => i < all.length - 1 || line !== "");
}
