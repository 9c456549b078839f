import { runProcess } from "./spawn.js";
import path from "node:path";
import { ROOT } from "./node-script.js";

export type Step =
  | { code: string; interruptAfterMs?: number; filename?: string; lineOffset?: number }
  | { complete: string; cursor?: number }
  | { inspect: string; cursor?: number; detail?: 0 | 1 }
  | { isComplete: string }
  | { sleep: number }
  | { write: string; text: string }
  | { languageServiceLoaded: true }
  | { moduleLoaded: string };

export interface Scenario {
  results: any[];
  events: any[];
  stderr: string;
}

/**
 * Runs steps on a fresh engine Session in its own node process (as the
 * kernel and the doctest runner do), through test/helpers/run-cells.mjs.
 */
export async function runSession(steps: Array<Step | string>, options: Record<string, unknown> = {}): Promise<Scenario> {
  const input = JSON.stringify({ steps: steps.map((step) => (typeof step === "string" ? { code: step } : step)), options });
  const { code, stdout, stderr } = await runProcess(process.execPath, ["--expose-gc", path.join(ROOT, "test/helpers/run-cells.mjs")], {
    cwd: (options.cwd as string | undefined) ?? ROOT,
    input,
    timeoutMs: 25000,
  });
  const last = stdout.trim().split("\n").pop() ?? "";
  try {
    return { ...JSON.parse(last), stderr };
  } catch {
    throw new Error(`the session process ended with ${code}:\n${stdout}\n${stderr}`);
  }
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
