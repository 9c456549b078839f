import type * as Oxc from "oxc-transform";
import { LazyModule } from "../../shared/lazy-module.js";

const transformer = new LazyModule<typeof Oxc>("oxc-transform");

/**
 * oxc-transform, the engine's transpiler, loaded on first use: a process
 * that never compiles a cell does not pay for it. (It is an ES module:
 * `require` loads it synchronously on node ≥ 20.19, as its engines say.)
 */
export function oxc(): typeof Oxc {
  return transformer.get();
}

/** Loads it with `import()`, for a module system whose `require` cannot load an ES module (jest's, on node 20): oxc() then has it. */
export async function preloadOxc(): Promise<void> {
  transformer.provide(await import("oxc-transform"));
}

/** The first error oxc reports, at the 1-based line and column of its first label (the end of the text when it has none). */
export function firstError(errors: readonly Oxc.OxcError[], source: string): { message: string; line: number; column: number } {
  const error = errors[0]!;
  const offset = stringOffset(source, error.labels[0]?.start ?? Buffer.byteLength(source));
  const before = source.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  let line = 1;
  for (let at = before.indexOf("\n"); at >= 0; at = before.indexOf("\n", at + 1)) line++;
  return { message: error.message, line, column: offset - lineStart + 1 };
}

/** oxc's offsets count UTF-8 bytes; a JavaScript string counts UTF-16 units. */
function stringOffset(source: string, bytes: number): number {
  if (/^[\x00-\x7f]*$/.test(source)) return bytes;
  return Buffer.from(source).subarray(0, bytes).toString().length;
}
