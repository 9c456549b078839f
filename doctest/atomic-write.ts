import { renameSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Replaces a file's contents all at once: the text goes to a temporary file
 * beside it, which is then renamed over the original. A crash at any moment
 * leaves either the old file or the new one, never a mix.
 */
export function writeFileAtomic(file: string, text: string): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.doctest-update`);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, file);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // nothing to clean up
    }
    throw error;
  }
}
