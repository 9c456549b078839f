import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { cli, fixture } from "../helpers/cli.js";
import { ROOT } from "../helpers/node-script.js";

// The second client: Debian's `jupyter nbconvert --execute` runs the
// notebooks on the installed kernelspec, and the same checker compares its
// outputs with the stored ones. Both clients must agree, on passes and on failures.
describe("notebooks executed by jupyter nbconvert", () => {
  let env: Record<string, string>;
  beforeAll(async () => {
    const prefix = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-kernelspec-"));
    expect((await cli(["install", "--prefix", prefix], ROOT)).code).toBe(0);
    env = { JUPYTER_PATH: path.join(prefix, "share", "jupyter"), JUPYTER_DATA_DIR: path.join(prefix, "data"), PYDEVD_DISABLE_FILE_VALIDATION: "1" };
  });

  test("the repository's notebooks match their stored outputs", async () => {
    const run = await cli(["doctest", "--client", "nbconvert", "--jupyter", "/usr/bin/jupyter", "notebooks"], ROOT, env);
    expect(run.stdout).toMatch(/^\d+ passed, 0 failed, 0 skipped\n$/);
    expect(Number(run.stdout.split(" ")[0])).toBeGreaterThanOrEqual(25);
    expect(run.code).toBe(0);
  }, 120000);

  test("a wrong stored output fails with the same report from both clients", async () => {
    const cells = [
      { cell_type: "code", metadata: {}, source: "const xs = [3, 1, 2].sort();\nconsole.log(xs.join());", execution_count: null, outputs: [{ output_type: "stream", name: "stdout", text: "3,1,2\n" }] },
      { cell_type: "code", metadata: {}, source: "xs.length", execution_count: null, outputs: [{ output_type: "execute_result", execution_count: 2, metadata: {}, data: { "text/plain": "3" } }] },
    ];
    const dir = fixture({ "wrong.ipynb": JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: "greenlet-ts", display_name: "TS" } }, cells }) });
    const ours = await cli(["doctest", "wrong.ipynb"], dir, env);
    const theirs = await cli(["doctest", "--client", "nbconvert", "--jupyter", "/usr/bin/jupyter", "wrong.ipynb"], dir, env);
    expect(ours.stdout).toContain("FAIL wrong.ipynb:cell 1\n");
    expect(ours.stdout).toContain("-3,1,2\n  +1,2,3");
    expect(ours.stdout).toContain("1 passed, 1 failed, 0 skipped");
    expect(theirs.stdout).toBe(ours.stdout);
    expect([ours.code, theirs.code]).toEqual([1, 1]);
  }, 120000);
});
