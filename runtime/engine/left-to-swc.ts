import * as acorn from "acorn";
import type { TransformResult } from "oxc-transform";

/*
 * What oxc leaves undone, for swc (loaded only then):
 *
 * - TC39 decorators (the 2022-03 version swc compiles): oxc 0.151 leaves
 *   them, and `accessor` fields, in its output as written, which node
 *   cannot run;
 * - a runtime helper: oxc imports its helpers from `@oxc-project/runtime`
 *   (`using` declarations, legacy decorators), which neither a cell nor the
 *   user's project can resolve; swc writes its helpers into the output.
 */

/** oxc's output imports a helper. */
export function needsHelper(output: TransformResult): boolean {
  for (const _ in output.helpersUsed) return true;
  return false;
}

/**
 * oxc's output keeps a decorator or an `accessor` field: a parse fails at
 * one (an `@` in a string, a comment or a regular expression is no
 * decorator). Asked only where the answer is likely yes: a cell with an `@`
 * or the word, a module whose compiled code V8 refused.
 */
export function keepsDecorators(code: string): boolean {
  if (!SUSPECT.test(code)) return false;
  try {
    // What both a module and a sloppy script (a cell, a CommonJS file) may hold.
    acorn.parse(code, { ecmaVersion: "latest", sourceType: "script", allowImportExportEverywhere: true, allowAwaitOutsideFunction: true, allowReturnOutsideFunction: true, allowHashBang: true });
    return false;
  } catch (error) {
    const at = (error as { pos?: number }).pos ?? -1;
    return code[at] === "@" || /\baccessor\s*$/.test(code.slice(0, at));
  }
}

const SUSPECT = /@|\baccessor\b/;
