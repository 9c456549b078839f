import path from "node:path";
import type { OptionFlags } from "../example.js";

/**
 * What greenlet-ts/jest, /vitest and /node-test accept: the options of
 * `greenlet-ts doctest` a test file needs, passed through to the command.
 *
 * This directory is CommonJS (`.cts`), so that jest's default mode and
 * ts-jest can `require` it as well as ES modules `import` it. It depends on
 * `greenlet-ts doctest` only through its machine-readable output (`--list`
 * and `--reporter jsonl`): the examples never run in the test runner's own
 * module system, and every kind of file the command checks is a test.
 */
export interface DoctestOptions {
  /** The directory the patterns are resolved from and the command runs in (default: `process.cwd()`). */
  cwd?: string;
  /** `--timeout MS`: fails an example that runs longer (the command's default: 60000; 0: none). */
  timeoutMs?: number;
  /** `--option`: options for every example, e.g. `{ ELLIPSIS: true, AUTOCOLLECT: false }`. */
  options?: OptionFlags;
  /** `false`: `--no-autocollect`. */
  autoCollect?: boolean;
  /** `--jobs N`: files checked in N worker processes. */
  jobs?: number;
  /** `--fail-fast`: after the first failure, the rest fail as not run. */
  failFast?: boolean;
  /** More arguments for `greenlet-ts doctest`, as on its command line (`["--client", "nbconvert"]`, `["--shard", "1/4"]`). */
  args?: readonly string[];
  /**
   * How long the command may say nothing while a test waits for its result
   * before the waiting tests fail and the command is stopped (default: the
   * timeout plus 60 s; none when `timeoutMs` is 0).
   */
  idleTimeoutMs?: number;
  /** Each test's own timeout as the test runner sees it (default: none to speak of; the command keeps the time). */
  testTimeoutMs?: number;
}

/** The `greenlet-ts` command of this very package. */
export const CLI_MAIN = path.resolve(__dirname, "../../cli/main.js");

/** The command's default `--timeout`. */
const COMMAND_TIMEOUT_MS = 60000;

/** The longest timer a runner takes (about 24.8 days): no timeout of the runner's own. */
export const NO_RUNNER_TIMEOUT = 2 ** 31 - 1;

/** The command-line arguments for the options, as `--list` and the run both take them. */
export function commandArgs(options: DoctestOptions): string[] {
  const args: string[] = [];
  if (options.timeoutMs !== undefined) args.push("--timeout", String(options.timeoutMs));
  // `--option=-NAME`: a separate value starting with "-" would read as an option.
  for (const [name, on] of Object.entries(options.options ?? {})) args.push(`--option=${on ? "+" : "-"}${name}`);
  if (options.autoCollect === false) args.push("--no-autocollect");
  if (options.jobs !== undefined) args.push("--jobs", String(options.jobs));
  if (options.failFast) args.push("--fail-fast");
  args.push(...(options.args ?? []));
  return args;
}

/** The arguments of the run, which is given the listed files: a --shard already chose them. */
export function runArgs(options: DoctestOptions): string[] {
  const args = commandArgs(options);
  return args.filter((arg, i) => !(arg === "--shard" || arg.startsWith("--shard=") || args[i - 1] === "--shard"));
}

/** How long the command may be silent (undefined: forever). */
export function idleLimit(options: DoctestOptions): number | undefined {
  if (options.idleTimeoutMs !== undefined) return options.idleTimeoutMs > 0 ? options.idleTimeoutMs : undefined;
  const timeout = options.timeoutMs ?? COMMAND_TIMEOUT_MS;
  return timeout > 0 ? timeout + 60000 : undefined;
}
