import { spawnSync } from "node:child_process";
import type { ListedExample } from "../list.js";
import { CLI_MAIN, commandArgs, type DoctestOptions } from "./options.cjs";

export type { ListedExample } from "../list.js";

export type Listing = { examples: ListedExample[] } | { error: string };

/**
 * The examples the patterns name, in order, from `greenlet-ts doctest --list`
 * run synchronously (a test runner wants its test names before it runs
 * anything): about 0.2 s. A usage or parse error (exit status 2) comes back
 * as the command's message, which names the file and line.
 */
export function listExamples(patterns: readonly string[], options: DoctestOptions): Listing {
  const command = [CLI_MAIN, "doctest", "--list", ...commandArgs(options), "--", ...patterns];
  const child = spawnSync(process.execPath, command, {
    cwd: options.cwd ?? process.cwd(),
    encoding: "utf8",
    maxBuffer: 1 << 30,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.error !== undefined) return { error: `greenlet-ts doctest --list could not run: ${child.error.message}` };
  const stderr = (child.stderr ?? "").trim();
  if (child.status !== 0) {
    const how = child.signal !== null ? `signal ${child.signal}` : `exit status ${child.status}`;
    return { error: stderr !== "" ? stderr : `greenlet-ts doctest --list ended with ${how}` };
  }
  try {
    const examples = JSON.parse(child.stdout) as unknown;
    if (Array.isArray(examples)) return { examples: examples as ListedExample[] };
  } catch {
    // Reported below.
  }
  return { error: `greenlet-ts doctest --list printed something else than a JSON list:\n${child.stdout.slice(0, 2000)}${stderr ? `\n${stderr}` : ""}` };
}

/** `FILE:LINE`, or `NOTEBOOK:cell N`: the name of an example's test. */
export function locationOf(example: Pick<ListedExample, "file" | "line" | "cell">): string {
  return example.cell !== undefined ? `${example.file}:cell ${example.cell}` : `${example.file}:${example.line}`;
}
