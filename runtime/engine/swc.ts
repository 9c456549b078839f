import type * as Swc from "@swc/core";
import { LazyModule } from "../../shared/lazy-module.js";

const compiler = new LazyModule<typeof Swc>("@swc/core");

/**
 * swc, loaded only for what oxc leaves to it (see left-to-swc.ts): a
 * session that never compiles a decorator does not pay for it (+21 MB).
 */
export function swc(): typeof Swc {
  return compiler.get();
}

/**
 * The first error in the text swc throws: `x MESSAGE`, then a snippet whose
 * numbered lines (` 2 | code`) are followed by a caret line (`   :    ^`)
 * under the error. An error without a caret (at the end of the input) is
 * put at the last line the snippet numbers, or the source's last line.
 */
export function swcError(error: unknown, source: string): { message: string; line: number; column: number } {
  const lines = String((error as Error)?.message ?? error).split("\n");
  const start = lines.findIndex((line) => /^\s*x /.test(line));
  const message = start < 0 ? lines[0]!.trim() : lines[start]!.replace(/^\s*x /, "").trim();
  let lastLine: number | undefined;
  for (let i = Math.max(start, 0); i < lines.length; i++) {
    if (i > start && start >= 0 && /^\s*x /.test(lines[i]!)) break;
    const numbered = /^\s*(\d+) \|/.exec(lines[i]!);
    if (numbered === null) continue;
    lastLine = Number(numbered[1]);
    const caret = lines[i + 1] ?? "";
    if (/^\s*:\s*\^/.test(caret)) return { message, line: lastLine, column: Math.max(caret.indexOf("^") - (lines[i]!.indexOf("|") + 2) + 1, 1) };
  }
  return { message, line: lastLine ?? source.split("\n").length, column: 1 };
}
