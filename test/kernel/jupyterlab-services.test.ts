import path from "node:path";
import { startJupyterServer } from "../helpers/jupyter-server.js";
import { ROOT } from "../helpers/node-script.js";
import { runProcess } from "../helpers/spawn.js";

// JupyterLab's client library talking to Debian's jupyter_server, which starts the installed kernelspec.
describe("@jupyterlab/services against jupyter_server", () => {
  test("start the kernel, run cells (streams, GreenletExit, errors, display, input), interrupt, iopub_welcome, shut down", async () => {
    const server = await startJupyterServer("greenlet-ts-lab");
    try {
      const { base, token } = server;
      const result = await runProcess(process.execPath, [path.join(ROOT, "test/kernel/lab-client.mjs"), base, token, "greenlet-ts-lab"], { cwd: ROOT, timeoutMs: 90000 });
      if (result.code !== 0) throw new Error(`${result.stderr}\n${server.log()}`);
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
      server.stop();
    }
  });
});
