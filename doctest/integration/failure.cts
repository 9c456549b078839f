import { locationOf, type ListedExample } from "./listing.cjs";
import type { Outcome } from "./streaming-run.cjs";

/**
 * What a test reports when its example did not pass, as the command's own
 * report reads: `FILE:LINE`, the example with its prompts (a notebook cell
 * as it is written), then the unified diff of expected and actual output,
 * or the reason (timed out, not run, the worker died). Then the failures
 * the example's test also tells (a failed setup block before it). Undefined
 * when there is nothing to report.
 */
export function failureMessage(example: ListedExample, outcome: Outcome): string | undefined {
  const parts: string[] = [];
  const own = ownFailure(outcome);
  if (own !== undefined) parts.push(`${locationOf(example)}\n${withPrompts(example)}\n${own}`);
  parts.push(...outcome.notes);
  return parts.length > 0 ? parts.join("\n\n") : undefined;
}

/** Why the example itself did not pass: the reason, then the diff. */
function ownFailure(outcome: Outcome): string | undefined {
  if (outcome.kind === "missing") return outcome.reason;
  const { status, reason, diff } = outcome.result;
  if (status !== "failed" && status !== "not-run") return undefined;
  return [reason, diff].filter((text) => text !== undefined).join("\n") || status;
}

function withPrompts(example: ListedExample): string {
  if (example.cell !== undefined) return example.source;
  return example.source
    .split("\n")
    .map((line, i) => `${i === 0 ? "> " : "... "}${line}`)
    .join("\n");
}

/**
 * The error a failing test throws: its message is the whole report. Its
 * stack is the example's own place in its file, where the runner shows it
 * (the frames of this package would tell nothing).
 */
export function doctestFailure(message: string, at?: { file: string; line: number }): Error {
  const error = new Error(message);
  error.name = "DoctestFailure";
  error.stack = `${error.name}: ${message}${at !== undefined && at.line > 0 ? `\n    at ${at.file}:${at.line}:1` : ""}`;
  return error;
}
