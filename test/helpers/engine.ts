import { spawn } from "node:child_process";
import path from "node:path";
import { ROOT } from "./node-script.js";

export type Step =
  | { code: string; interruptAfterMs?: number; filename?: string; lineOffset?: number }
  | { complete: string; cursor?: number }
  | { inspect: string; cursor?: number; detail?: 0 | 1 }
  | { isComplete: string }
  | { sleep: number }
  | { languageServiceLoaded: true };

export interface Scenario {
  results: any[];
  events: any[];
  stderr: string;
}

/**
 * Runs steps on a fresh engine Session in its own node process (as the
 * kernel and the doctest runner do), through test/helpers/run-cells.mjs.
 */
export function runSession(steps: Array<Step | string>, options: Record<string, unknown> = {}): Promise<Scenario> {
  const input = JSON.stringify({ steps: steps.map((step) => (typeof step === "string" ? { code: step } : step)), options });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", path.join(ROOT, "test/helpers/run-cells.mjs")], {
      cwd: (options.cwd as string | undefined) ?? ROOT,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 25000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const last = stdout.trim().split("\n").pop() ?? "";
      try {
        resolve({ ...JSON.parse(last), stderr });
      } catch {
        reject(new Error(`the session process ended with ${code}:\n${stdout}\n${stderr}`));
      }
    });
    child.stdin.end(input);
  });
}

/** The text a cell printed, stdout and stderr interleaved. */
export function printed(scenario: Scenario, cell: number): string {
  return scenario.events
    .filter((event) => event.kind === "stream" && event.cell === cell)
    .map((event) => event.text)
    .join("");
}

/** The echoed result of a cell (text/plain), if any. */
export function echoed(scenario: Scenario, cell: number): string | undefined {
  return scenario.events.find((event) => event.kind === "result" && event.cell === cell)?.data["text/plain"];
}
