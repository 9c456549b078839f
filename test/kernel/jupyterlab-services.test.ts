import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { cli } from "../helpers/cli.js";
import { ROOT } from "../helpers/node-script.js";
import { runProcess } from "../helpers/spawn.js";
import { freePort } from "../helpers/kernel-client.js";

// JupyterLab's client library talking to Debian's jupyter_server, which starts the installed kernelspec.
describe("@jupyterlab/services against jupyter_server", () => {
  test("start the kernel, run cells (streams, GreenletExit, errors, display, input), interrupt, iopub_welcome, shut down", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-lab-"));
    expect((await cli(["install", "--prefix", dir, "--name", "greenlet-ts-lab"], ROOT)).code).toBe(0);
    const port = await freePort();
    const token = randomUUID();
    const env = { ...process.env, JUPYTER_PATH: path.join(dir, "share", "jupyter"), JUPYTER_DATA_DIR: path.join(dir, "data"), JUPYTER_RUNTIME_DIR: path.join(dir, "runtime") };
    const server = spawn(
      "/usr/bin/python3",
      ["-m", "jupyter_server", "--allow-root", "--no-browser", `--ServerApp.token=${token}`, `--ServerApp.port=${port}`, "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1", `--ServerApp.root_dir=${dir}`],
      { env, stdio: ["ignore", "ignore", "pipe"] },
    );
    let log = "";
    server.stderr!.on("data", (chunk) => (log += chunk));
    try {
      const base = `http://127.0.0.1:${port}`;
      for (let i = 0; ; i++) {
        try {
          if ((await fetch(`${base}/api/status?token=${token}`)).ok) break;
        } catch {
          // not listening yet
        }
        if (i > 150) throw new Error(`jupyter_server did not start:\n${log}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const result = await runProcess(process.execPath, [path.join(ROOT, "test/kernel/lab-client.mjs"), base, token, "greenlet-ts-lab"], { cwd: ROOT, timeoutMs: 90000 });
      if (result.code !== 0) throw new Error(`${result.stderr}\n${log}`);
      const r = JSON.parse(result.stdout.trim().split("\n").pop()!);
      expect(r).toMatchObject({ implementation: "greenlet-ts", language: "typescript" });
      const [started, dropped, failed, shown, asked] = r.cells;
      expect(started.outputs).toEqual([{ type: "execute_result", content: { execution_count: 1, data: { "text/plain": "'started'" }, metadata: {} } }]);
      expect(dropped.outputs[0]).toEqual({ type: "stream", content: { name: "stdout", text: "Got GreenletExit; quitting\n" } });
      expect(failed.status).toBe("error");
      expect(failed.outputs[0]).toMatchObject({ type: "error", content: { ename: "RangeError", evalue: "lab error" } });
      expect(shown.outputs[0]).toMatchObject({ type: "display_data", content: { data: { "text/markdown": "**md**" } } });
      expect(asked.outputs[0].content.data["text/plain"]).toBe("'hello Lab'");
      expect(r.interrupted.status).toBe("error");
      expect(r.interrupted.outputs[0].content.ename).toBe("Interrupted");
      expect(r.after.outputs[0].content.data["text/plain"]).toBe("42");
      // The kernel's iopub_welcome passes the library's message validation and is handed on as an IOPub message.
      expect(r.welcomes).toEqual([{ channel: "iopub", parent_header: {}, content: { subscription: "" } }]);
      expect(r.afterWelcome.outputs[0].content.data["text/plain"]).toBe("'still fine'");
    } finally {
      server.kill("SIGTERM");
    }
  });
});
