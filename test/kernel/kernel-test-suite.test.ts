import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { cli } from "../helpers/cli.js";
import { ROOT } from "../helpers/node-script.js";
import { runProcess } from "../helpers/spawn.js";

// The Jupyter project's jupyter_kernel_test suite (Debian's python3-jupyter-kernel-test)
// against a kernelspec installed by `greenlet-ts install --prefix`.
describe("jupyter_kernel_test", () => {
  test("every test of the suite passes (the pager test is skipped: the kernel has no pager)", async () => {
    const prefix = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-kernelspec-"));
    expect((await cli(["install", "--prefix", prefix, "--name", "greenlet-ts-suite"], ROOT)).code).toBe(0);
    const result = await runProcess("/usr/bin/python3", [path.join(ROOT, "test/kernel/kernel_test_suite.py")], {
      env: {
        ...process.env,
        JUPYTER_PATH: path.join(prefix, "share", "jupyter"),
        JUPYTER_DATA_DIR: path.join(prefix, "data"),
        GREENLET_TS_KERNEL: "greenlet-ts-suite",
        PYDEVD_DISABLE_FILE_VALIDATION: "1",
      },
      timeoutMs: 120000,
    });
    const ran = /Ran (\d+) tests/.exec(result.stderr);
    expect(Number(ran?.[1])).toBe(12);
    expect(result.stderr).toMatch(/\nOK \(skipped=1\)\n/);
    expect(result.stderr).not.toMatch(/terminate called|Napi::Error/);
    expect(result.code).toBe(0);
  });
});
