import { existsSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { removeStaleTemporaries, temporaryPath } from "../../dist/shared/temporary-files.js";

// The leftovers of writers killed before their rename, under the two policies: the doctest
// runner's (its writer has ended) and the kernel history's (old enough), in one definition.

/** A pid no process has: beyond the kernel's pid_max. */
const DEAD = 4194305;

function directoryWith(names: string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-temporaries-"));
  for (const name of names) writeFileSync(path.join(dir, name), "half a fi");
  return dir;
}

describe("removeStaleTemporaries", () => {
  test("writerGone: the files of ended processes go; this process's, other targets' and other names stay", () => {
    const naming = { hidden: true, suffix: ".doctest-update" };
    const dir = directoryWith([`.a.md.${DEAD}.doctest-update`, `.a.md.${process.pid}.doctest-update`, `.b.md.${DEAD}.doctest-update`, ".a.md.x.doctest-update", "a.md"]);
    const target = path.join(dir, "a.md");
    expect(temporaryPath(target, naming)).toBe(path.join(dir, `.a.md.${process.pid}.doctest-update`));
    removeStaleTemporaries(target, naming, { writerGone: true });
    expect([`.a.md.${DEAD}.doctest-update`, `.a.md.${process.pid}.doctest-update`, `.b.md.${DEAD}.doctest-update`, ".a.md.x.doctest-update"].map((name) => existsSync(path.join(dir, name)))).toEqual([false, true, true, true]);
  });

  test("olderThanMs: only files written that long ago go, whatever process wrote them", () => {
    const naming = { suffix: ".tmp" };
    const dir = directoryWith([`history.json.${DEAD}.tmp`, `history.json.${DEAD + 1}.tmp`]);
    const old = new Date(Date.now() - 120_000);
    utimesSync(path.join(dir, `history.json.${DEAD}.tmp`), old, old);
    removeStaleTemporaries(path.join(dir, "history.json"), naming, { olderThanMs: 60_000 });
    expect(existsSync(path.join(dir, `history.json.${DEAD}.tmp`))).toBe(false);
    expect(existsSync(path.join(dir, `history.json.${DEAD + 1}.tmp`))).toBe(true);
  });

  test("a directory that does not exist is nothing to clean", () => {
    expect(() => removeStaleTemporaries("/nonexistent/dir/history.json", { suffix: ".tmp" }, { olderThanMs: 0 })).not.toThrow();
  });
});
