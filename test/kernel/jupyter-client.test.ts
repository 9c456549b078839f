import { runProcess } from "../helpers/spawn.js";
import path from "node:path";
import { ROOT } from "../helpers/node-script.js";
import { cli } from "../helpers/cli.js";
import { mkdtempSync } from "node:fs";
import os from "node:os";

// The kernel driven by a real Jupyter client: Debian's jupyter_client, through
// a kernelspec installed by `greenlet-ts install --prefix`.
describe("the kernel under jupyter_client", () => {
  test("kernel_info, execute (streams, results, errors, display, GreenletExit, silent), interrupt, completion, is_complete, history, iopub_welcome, shutdown", async () => {
    const prefix = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-kernelspec-"));
    const installed = await cli(["install", "--prefix", prefix, "--name", "greenlet-ts-test"], ROOT);
    expect(installed.code).toBe(0);
    const { code, stdout, stderr } = await runProcess("/usr/bin/python3", [path.join(ROOT, "test/kernel/jupyter_client_session.py"), "greenlet-ts-test"], {
      env: { ...process.env, JUPYTER_PATH: path.join(prefix, "share", "jupyter"), JUPYTER_DATA_DIR: path.join(prefix, "data") },
      timeoutMs: 90000,
    });
    if (code !== 0) throw new Error(stderr);
    const r = JSON.parse(stdout.trim().split("\n").pop()!);
    expect(r.kernel_info).toMatchObject({ status: "ok", protocol_version: "5.3", implementation: "greenlet-ts", language_info: { name: "typescript", mimetype: "text/typescript", file_extension: ".ts", codemirror_mode: "typescript" } });
    const [one, two, three, four, five, six] = r.cells;
    expect(one.reply).toMatchObject({ status: "ok", execution_count: 1 });
    expect(one.outputs).toEqual([
      { type: "execute_input", content: { code: "1+1", execution_count: 1 } },
      { type: "execute_result", content: { execution_count: 1, data: { "text/plain": "2" }, metadata: {} } },
    ]);
    expect(two.outputs.slice(1)).toEqual([
      { type: "stream", content: { name: "stdout", text: "hi\n" } },
      { type: "stream", content: { name: "stderr", text: "err\n" } },
      { type: "execute_result", content: { execution_count: 2, data: { "text/plain": "'x'" }, metadata: {} } },
    ]);
    expect(three.reply).toMatchObject({ status: "error", ename: "TypeError", evalue: "Cannot read properties of null (reading 'x')" });
    expect(three.outputs[1]).toMatchObject({ type: "error", content: { ename: "TypeError", traceback: ["TypeError: Cannot read properties of null (reading 'x')", "    at [3]:1:6"] } });
    expect(four.outputs.slice(1).map((o: any) => [o.type, o.content.data["text/plain"], o.content.transient])).toEqual([
      ["display_data", "<b>bold</b>", undefined],
      ["display_data", "'0%'", { display_id: "p" }],
      ["update_display_data", "'100%'", { display_id: "p" }],
    ]);
    expect(five.outputs.slice(1)).toEqual([]);
    expect(six.outputs.slice(1)).toEqual([
      { type: "stream", content: { name: "stdout", text: "Got GreenletExit; quitting\n" } },
      { type: "execute_result", content: { execution_count: 6, data: { "text/plain": "null" }, metadata: {} } },
    ]);
    expect(r.interrupted.reply).toMatchObject({ status: "error", ename: "Interrupted" });
    expect(r.after_interrupt.reply).toMatchObject({ status: "ok" });
    expect(r.after_interrupt.outputs[1].content.data["text/plain"]).toBe("2");
    expect(r.prompt).toEqual({ prompt: "Name? ", password: false });
    expect(r.input.outputs.find((o: any) => o.type === "execute_result").content.data["text/plain"]).toBe("'hello Ada'");
    expect(r.no_stdin.reply).toMatchObject({ status: "error", evalue: "input() is not available: the frontend that sent this cell does not accept input (allow_stdin is false)" });
    expect(r.user_expressions.reply.user_expressions).toEqual({
      double: { status: "ok", data: { "text/plain": "40" }, metadata: {} },
      bad: { status: "error", ename: "ReferenceError", evalue: "nope is not defined", traceback: ["ReferenceError: nope is not defined", "    at user_expressions.bad:1:1"] },
    });
    expect(r.complete).toMatchObject({ status: "ok", matches: ["getcurrent"], cursor_start: 0, cursor_end: 6 });
    expect(r.is_complete).toEqual({ status: "incomplete", indent: "  " });
    expect(r.is_invalid).toEqual({ status: "invalid" });
    expect(r.silent).toMatchObject({ status: "ok", execution_count: r.user_expressions.reply.execution_count });
    expect(r.welcome).toEqual({ msg_type: "iopub_welcome", parent_header: {}, content: { subscription: "" } });
    expect(r.history.map((h: [number, number, string]) => h[2])).toEqual(["const name = await input('Name? '); `hello ${name}`", "await input('x')", "const z = 20"]);
    expect(r.alive_after_shutdown).toBe(false);
  });
});
