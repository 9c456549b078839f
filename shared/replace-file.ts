import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, unlinkSync } from "node:fs";

/**
 * Replaces `target` all at once with what `write` puts into a file
 * descriptor: written to `temporary` (beside the target, so that the rename
 * stays on one file system), given `mode`, flushed to disk, then renamed
 * over the target. A crash at any moment leaves the old file or the new one.
 * On an error the temporary file is removed and the error thrown.
 * Used by the doctest runner's --update and by the kernel's history.
 */
export function replaceFile(target: string, temporary: string, mode: number, write: (fd: number) => void): void {
  try {
    const fd = openSync(temporary, "w", mode);
    try {
      write(fd);
      fchmodSync(fd, mode);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, target);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // nothing to clean up
    }
    throw error;
  }
}
