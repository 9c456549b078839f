import { runProcess } from "./spawn.js";
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
export async function runScript(body: string, flags: string[] = ["--expose-gc"]): Promise<ScriptResult> {
  const source = `import * as G from ${JSON.stringify(RUNTIME)};\nconst { greenlet, Greenlet, getcurrent, GreenletExit, GreenletError, collect, finalize, settrace, gettrace, runtimeCounts } = G;\n${body}\n`;
  return runProcess(process.execPath, [...flags, "--input-type=module", "-e", source], { cwd: ROOT, timeoutMs: 20000 });
}

/** The lines a script printed, without the trailing empty one. */
export function lines(text: string): string[] {
  return text.split("\n").filter((line, i, all) => i < all.length - 1 || line !== "");
}
