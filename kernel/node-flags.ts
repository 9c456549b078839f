import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The node flags a kernel runs with: those of the repository's kernel.json
 * (between "node" and "{entry}"), so that the kernelspec Jupyter starts and
 * the kernels our own tools start are the same process (with `kernelEnv()`).
 *
 * Why they are there: `--expose-gc` lets collect() force a full collection;
 * `--max-semi-space-size=8` keeps V8's young generation at 16 MB at most.
 * Left to itself V8 doubles it to 32 MB somewhere in a long session (a
 * one-off +16 MB of RSS, which looked like a leak in the soak test); with
 * small cells a larger one buys nothing measurable (bench/README.md).
 * `--optimize-for-size` makes V8 collect sooner and keep less: over 3,000
 * cells RSS stayed at 113 MB instead of climbing to 129, and the `1+1`
 * round trip did not get slower (p50 1.81 against 1.88 ms).
 */
export function kernelNodeFlags(): string[] {
  const { argv } = kernelSpec();
  return argv.slice(argv.indexOf("node") + 1, argv.indexOf("{entry}"));
}

/**
 * The environment kernel.json adds for the kernel. `MALLOC_MMAP_THRESHOLD_`
 * fixes glibc's threshold for serving an allocation with its own mapping:
 * left to adjust itself, it rises after a large block is freed, and later
 * large blocks (a ZeroMQ message of many megabytes, a history save) stay in
 * the heap once freed (the soak test's RSS grew by 3 to 5 MB more that way,
 * before the history was written in pieces).
 */
export function kernelEnv(): Record<string, string> {
  return kernelSpec().env ?? {};
}

function kernelSpec(): { argv: string[]; env?: Record<string, string> } {
  return JSON.parse(readFileSync(fileURLToPath(new URL("../../kernel.json", import.meta.url)), "utf8")) as { argv: string[]; env?: Record<string, string> };
}
