// JupyterLab's own client library (@jupyterlab/services) against a running
// jupyter_server: starts the kernel named argv[4] and runs cells; prints JSON.
// Usage: node lab-client.mjs BASE_URL TOKEN KERNEL_NAME
import { KernelManager, ServerConnection } from "@jupyterlab/services";
import WebSocket from "ws";

const [baseUrl, token, kernelName] = process.argv.slice(2);
const serverSettings = ServerConnection.makeSettings({ baseUrl, wsUrl: baseUrl.replace(/^http/, "ws"), token, WebSocket, fetch, appendToken: true });
const manager = new KernelManager({ serverSettings });
await manager.ready;
const kernel = await manager.startNew({ name: kernelName });
const info = await kernel.info;
// iopub_welcome messages as the library hands them on, after its validateMessage has passed them.
const welcomes = [];
kernel.iopubMessage.connect((_, msg) => {
  if (msg.header.msg_type === "iopub_welcome") welcomes.push({ channel: msg.channel, parent_header: msg.parent_header, content: msg.content });
});

async function run(code, options = {}) {
  const future = kernel.requestExecute({ code, allow_stdin: options.stdin !== undefined }, true);
  const outputs = [];
  future.onIOPub = (msg) => {
    if (!["status", "execute_input"].includes(msg.header.msg_type)) outputs.push({ type: msg.header.msg_type, content: msg.content });
  };
  if (options.stdin !== undefined) future.onStdin = (msg) => future.sendInputReply({ status: "ok", value: options.stdin }, msg.header);
  const reply = await future.done;
  return { status: reply.content.status, outputs };
}

const results = { implementation: info.implementation, language: info.language_info.name };
results.cells = [
  await run("let glet: Greenlet | null = greenlet(async () => { try { for (;;) await getcurrent().parent!.switch() } catch (e) { console.log('Got GreenletExit; quitting') } }); await glet.switch(); 'started'"),
  await run("glet = null;"),
  await run("throw new RangeError('lab error')"),
  await run("display.markdown('**md**')"),
  await run("`hello ${await input('name')}`", { stdin: "Lab" }),
];
// Interrupt through the server's REST API (interrupt_request on control).
const spinning = run("while (true) {}");
await new Promise((r) => setTimeout(r, 700));
await kernel.interrupt();
results.interrupted = await spinning;
results.after = await run("6 * 7");
// A second connection to the kernel: the server subscribes to IOPub for it, and the kernel's
// welcome reaches every subscriber, this first connection too.
const before = welcomes.length;
const second = manager.connectTo({ model: kernel.model });
for (let i = 0; i < 100 && welcomes.length === before; i++) await new Promise((r) => setTimeout(r, 50));
second.dispose();
results.welcomes = welcomes.slice(before, before + 1);
results.afterWelcome = await run("'still fine'");
await kernel.shutdown();
manager.dispose();
console.log(JSON.stringify(results));
process.exit(0);
