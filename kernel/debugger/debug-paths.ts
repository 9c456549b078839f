import os from "node:os";
import path from "node:path";
import { murmur2 } from "./murmur2.js";

/**
 * Where a cell's code is dumped for the debugger, and the name its script
 * runs under. The main thread (naming each cell's script) and the control
 * thread (answering dumpCell and debugInfo) compute the same names from the
 * same process id, without a message between them: a cell runs under the
 * name of its dumped file whether or not a client is attached, so that a
 * breakpoint set later in a function defined earlier still binds.
 */

/** The seed ipykernel uses: any fixed number would do, the client takes it from debugInfo. */
export const HASH_SEED = 3339675911;
export const TMP_FILE_SUFFIX = ".ts";

/** The directory of this kernel's dumped cells, ending with a separator (a prefix the client appends the hash to). */
export function tmpFilePrefix(): string {
  return (prefix ??= path.join(os.tmpdir(), `greenlet-ts-debug-${process.pid}`) + path.sep);
}
let prefix: string | undefined;

/** The file a cell with this code is dumped to, as JupyterLab computes it. */
export function cellPath(code: string, prefix = tmpFilePrefix()): string {
  return `${prefix}${murmur2(code, HASH_SEED)}${TMP_FILE_SUFFIX}`;
}
