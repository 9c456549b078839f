import { createRequire } from "node:module";
import type * as Acorn from "acorn";
import type * as AcornWalk from "acorn-walk";

const require = createRequire(import.meta.url);
let parser: typeof Acorn | undefined;
let walker: typeof AcornWalk | undefined;

/** acorn, loaded on the first cell that needs a parse: a session of plain expressions (the REPL transform's fast path) never loads it (some 14 ms). */
export function acorn(): typeof Acorn {
  return (parser ??= require("acorn") as typeof Acorn);
}

/** acorn-walk, loaded with the first walk. */
export function walk(): typeof AcornWalk {
  return (walker ??= require("acorn-walk") as typeof AcornWalk);
}
