import { readdirSync, realpathSync, statSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";
import { replaceFile } from "../shared/replace-file.js";

/** `.NAME.PID.doctest-update`: where a write goes before it is renamed over NAME. */
const TEMPORARY = /^\.(.+)\.(\d+)\.doctest-update$/;

/**
 * Replaces the file (the one a symlink points to) with `text` all at once:
 * written and flushed to a temporary file beside it, with its mode, then
 * renamed over it. A crash at any moment leaves the old file or the new one.
 */
export function writeAtomically(file: string, text: string): void {
  const target = realpathSync(file);
  const mode = statSync(target).mode & 0o7777;
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.doctest-update`);
  replaceFile(target, temporary, mode, (fd) => writeSync(fd, text));
}

/** Temporary files of this file that an --update killed before its rename left behind. */
export function removeStaleTemporaries(file: string): void {
  let directory: string;
  let entries: string[];
  try {
    const target = realpathSync(file);
    directory = path.dirname(target);
    entries = readdirSync(directory);
    file = target;
  } catch {
    return;
  }
  for (const entry of entries) {
    const match = TEMPORARY.exec(entry);
    if (match === null || match[1] !== path.basename(file) || isRunning(Number(match[2]))) continue;
    try {
      unlinkSync(path.join(directory, entry));
    } catch {
      // gone already
    }
  }
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
