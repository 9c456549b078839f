import { realpathSync, statSync, writeSync } from "node:fs";
import { replaceFile } from "../shared/replace-file.js";
import { removeStaleTemporaries, temporaryPath, type TemporaryNaming } from "../shared/temporary-files.js";

/** `.NAME.PID.doctest-update`: where a write goes before it is renamed over NAME. */
const NAMING: TemporaryNaming = { hidden: true, suffix: ".doctest-update" };

/**
 * Replaces the file (the one a symlink points to) with `text` all at once:
 * written and flushed to a temporary file beside it, with its mode, then
 * renamed over it. A crash at any moment leaves the old file or the new one.
 */
export function writeAtomically(file: string, text: string): void {
  const target = realpathSync(file);
  const mode = statSync(target).mode & 0o7777;
  replaceFile(target, temporaryPath(target, NAMING), mode, (fd) => writeSync(fd, text));
}

/**
 * Temporary files of this file that an --update killed before its rename
 * left behind. A runner that is still running may be writing its own: only
 * those of processes that have ended are removed.
 */
export function removeUpdateLeftovers(file: string): void {
  let target: string;
  try {
    target = realpathSync(file);
  } catch {
    return;
  }
  removeStaleTemporaries(target, NAMING, { writerGone: true });
}
