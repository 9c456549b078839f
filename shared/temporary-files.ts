import { readdirSync, statSync, unlinkSync } from "node:fs";
import path from "node:path";

/**
 * How the temporary files of a target are named beside it:
 * `[.]NAME.PID SUFFIX`, NAME the target's file name and PID the writer's
 * process id (`.page.md.4242.doctest-update`, `history.json.4242.tmp`).
 */
export interface TemporaryNaming {
  /** A leading dot, so that a directory listing does not show the file. */
  hidden?: boolean;
  suffix: string;
}

/**
 * When a temporary file is left over, rather than being written now:
 * - `writerGone`: the process its name gives is not running. For files that
 *   only this machine writes.
 * - `olderThanMs`: it was last written that long ago. For a directory that
 *   processes of other machines write too (a Jupyter data directory on a
 *   shared home), where a process id says nothing.
 */
export type StalePolicy = { writerGone: true } | { olderThanMs: number };

/** Where this process (or `pid`) writes `target` before renaming the file over it. */
export function temporaryPath(target: string, naming: TemporaryNaming, pid = process.pid): string {
  return path.join(path.dirname(target), `${naming.hidden ? "." : ""}${path.basename(target)}.${pid}${naming.suffix}`);
}

/**
 * Removes the temporary files of `target` that writers killed before their
 * rename left behind, as `policy` tells them from those being written.
 * Quietly does nothing where there is nothing to read or remove.
 */
export function removeStaleTemporaries(target: string, naming: TemporaryNaming, policy: StalePolicy): void {
  const directory = path.dirname(target);
  let entries: string[];
  try {
    entries = readdirSync(directory);
  } catch {
    return;
  }
  const prefix = `${naming.hidden ? "." : ""}${path.basename(target)}.`;
  for (const entry of entries) {
    if (!entry.startsWith(prefix) || !entry.endsWith(naming.suffix)) continue;
    const pid = entry.slice(prefix.length, entry.length - naming.suffix.length);
    if (!/^\d+$/.test(pid)) continue;
    const temporary = path.join(directory, entry);
    try {
      if (isStale(temporary, Number(pid), policy)) unlinkSync(temporary);
    } catch {
      // gone already
    }
  }
}

function isStale(temporary: string, pid: number, policy: StalePolicy): boolean {
  if ("olderThanMs" in policy) return Date.now() - statSync(temporary).mtimeMs > policy.olderThanMs;
  return !isRunning(pid);
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
