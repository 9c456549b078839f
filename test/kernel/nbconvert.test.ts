import { mkdtempSync, readFileSync, copyFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { cli } from "../helpers/cli.js";
import { ROOT } from "../helpers/node-script.js";
import { runProcess } from "../helpers/spawn.js";

// Debian's `jupyter nbconvert --to notebook --execute` runs a notebook on the installed kernelspec.
describe("jupyter nbconvert", () => {
  test("executes a notebook with the kernel and stores its outputs", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-nbconvert-"));
    expect((await cli(["install", "--prefix", dir, "--name", "greenlet-ts"], ROOT)).code).toBe(0);
    copyFileSync(path.join(ROOT, "test/kernel/fixtures/greenlets.ipynb"), path.join(dir, "greenlets.ipynb"));
    const result = await runProcess("/usr/bin/jupyter", ["nbconvert", "--to", "notebook", "--execute", "--output", "executed.ipynb", "greenlets.ipynb"], {
      cwd: dir,
      env: { ...process.env, JUPYTER_PATH: path.join(dir, "share", "jupyter"), JUPYTER_DATA_DIR: path.join(dir, "data"), PYDEVD_DISABLE_FILE_VALIDATION: "1" },
      timeoutMs: 120000,
    });
    if (result.code !== 0) throw new Error(result.stderr);
    // nbformat may store text as a list of lines: join them back.
    const notebook = JSON.parse(readFileSync(path.join(dir, "executed.ipynb"), "utf8"), (_key, value) => (Array.isArray(value) && value.every((v) => typeof v === "string") ? value.join("") : value));
    const [, first, second] = notebook.cells;
    expect(first.execution_count).toBe(1);
    expect(first.outputs).toEqual([{ output_type: "execute_result", execution_count: 1, data: { "text/plain": "2" }, metadata: {} }]);
    expect(second.outputs).toEqual([
      { output_type: "stream", name: "stdout", text: "from the greenlet: 42\n" },
      { output_type: "display_data", data: { "text/html": "<b>done</b>", "text/plain": "<b>done</b>" }, metadata: {} },
    ]);
  });
});
