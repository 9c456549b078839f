import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The node flags a kernel runs with: those of the repository's kernel.json
 * (between "node" and "{entry}"), so that the kernelspec Jupyter starts and
 * the kernels our own tools start are the same process.
 *
 * Why they are there: `--expose-gc` lets collect() force a full collection;
 * `--max-semi-space-size=8` keeps V8's young generation at 16 MB at most.
 * Left to itself V8 doubles it to 32 MB somewhere in a long session (a
 * one-off +16 MB of RSS, which looked like a leak in the soak test); with
 * small cells a larger one buys nothing measurable (bench/README.md).
 */
export function kernelNodeFlags(): string[] {
  const spec = JSON.parse(readFileSync(fileURLToPath(new URL("../../kernel.json", import.meta.url)), "utf8")) as { argv: string[] };
  const node = spec.argv.indexOf("node");
  const entry = spec.argv.indexOf("{entry}");
  return spec.argv.slice(node + 1, entry);
}
