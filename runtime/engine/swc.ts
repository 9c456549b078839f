import { createRequire } from "node:module";
import type * as Swc from "@swc/core";

const require = createRequire(import.meta.url);
let loaded: typeof Swc | undefined;

/** swc, loaded on first use: a process that never compiles a cell does not pay for it. */
export function swc(): typeof Swc {
  return (loaded ??= require("@swc/core") as typeof Swc);
}

/** One error in the text swc throws. */
export interface SwcError {
  message: string;
  /** A caret points into the code; an error found at the end of the input has none. */
  pointed: boolean;
  /** 1-based line and column of the first caret under a plain line of the snippet. */
  line?: number;
  column?: number;
  /** The last line the snippet numbers. */
  lastLine?: number;
}

/**
 * The errors of swc's text: each one is `x MESSAGE`, then a snippet whose
 * numbered lines (` 2 | code`) are followed by a caret line (`   :    ^`)
 * under the error; the caret line of a span over several lines is drawn
 * after a margin (`   : `---  ^`), where its column means nothing. Text
 * in a shape not recognised is one error that is not known to be at the end.
 */
export function swcErrors(error: unknown): SwcError[] {
  const lines = String((error as Error)?.message ?? error).split("\n");
  const errors: SwcError[] = [];
  let current: SwcError = { message: lines[0]!.trim(), pointed: true };
  for (let i = 0; i < lines.length; i++) {
    const start = /^\s*x (.+)$/.exec(lines[i]!);
    if (start !== null) {
      errors.push((current = { message: start[1]!.trim(), pointed: false }));
      continue;
    }
    const numbered = /^\s*(\d+) \|/.exec(lines[i]!);
    if (numbered === null) continue;
    current.lastLine = Number(numbered[1]);
    const caret = lines[i + 1] ?? "";
    if (!/^\s*:.*\^/.test(caret)) continue;
    current.pointed = true;
    if (current.line === undefined && /^\s*:\s*\^/.test(caret)) {
      current.line = current.lastLine;
      current.column = caret.indexOf("^") - (lines[i]!.indexOf("|") + 2) + 1;
    }
  }
  return errors.length > 0 ? errors : [current];
}
