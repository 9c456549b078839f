import { runProcess } from "./spawn.js";
import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "./node-script.js";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `greenlet-ts ARGS` (the built CLI) in `cwd`. */
export function cli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  return runProcess(process.execPath, [path.join(ROOT, "dist/cli/main.js"), ...args], { cwd, env: { ...process.env, ...env }, timeoutMs: 60000 });
}

/** A temporary directory holding the given files. */
export function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-doctest-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
