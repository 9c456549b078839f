import { writeSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import * as zmq from "zeromq";
import { Session } from "../runtime/engine/index.js";
import { History } from "./core/history.js";
import { KernelCore } from "./core/kernel-core.js";
import { PROTOCOL_VERSION, type Message, type Replies } from "./protocol/messages.js";
import { Wire, WireError } from "./protocol/wire.js";
import { startBackgroundChannels } from "./transport/background-channels.js";
import { endpoint, readConnectionFile } from "./transport/connection.js";
import { SendQueue } from "./transport/send-queue.js";

const require = createRequire(import.meta.url);
const VERSION = (require("../../package.json") as { version: string }).version;

/** Kernel logs go straight to file descriptor 2: never into a cell's captured output, never the key. */
function log(text: string): void {
  try {
    writeSync(2, `[greenlet-ts kernel] ${text}\n`);
  } catch {
    // stderr closed
  }
}

function jupyterDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  const base = process.env.XDG_DATA_HOME ?? path.join(os.homedir(), ".local", "share");
  return path.join(base, "jupyter");
}

export function kernelInfo(): Replies["kernel_info_reply"] {
  const typescript = (require("typescript/package.json") as { version: string }).version;
  return {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: "greenlet-ts",
    implementation_version: VERSION,
    language_info: {
      name: "typescript",
      version: typescript,
      mimetype: "text/typescript",
      file_extension: ".ts",
      pygments_lexer: "typescript",
      codemirror_mode: { name: "javascript", typescript: true },
    },
    banner: `greenlet-ts ${VERSION}: TypeScript cells on greenlets (node ${process.version})`,
    help_links: [{ text: "greenlet-ts", url: "https://www.npmjs.com/package/greenlet-ts" }],
    debugger: false,
  };
}

/** `greenlet-ts kernel -f CONNECTION_FILE`: runs until a shutdown_request. */
export async function runKernel(connectionFile: string): Promise<void> {
  const info = readConnectionFile(connectionFile, log);
  const wire = new Wire(info.key, info.signature_scheme);
  const shell = new zmq.Router();
  const stdin = new zmq.Router();
  const iopub = new zmq.Publisher();
  await shell.bind(endpoint(info, info.shell_port));
  await stdin.bind(endpoint(info, info.stdin_port));
  await iopub.bind(endpoint(info, info.iopub_port));
  const onSendError = (error: unknown): void => log(`send failed: ${String(error)}`);
  const shellOut = new SendQueue((frames) => shell.send(frames), onSendError);
  const iopubOut = new SendQueue((frames) => iopub.send(frames), onSendError);

  const channels = {
    reply<K extends keyof Replies>(request: Message, msgType: K, content: Replies[K]): void {
      void shellOut.push(wire.serialize({ identities: request.identities, header: wire.header(msgType), parent_header: request.header, metadata: {}, content: content as never, buffers: [] }));
    },
    publish(parent: Message["parent_header"], msgType: string, content: unknown): void {
      void iopubOut.push(wire.serialize({ identities: [Buffer.from(msgType)], header: wire.header(msgType), parent_header: parent, metadata: {}, content: content as never, buffers: [] }));
    },
  };
  const history = new History(path.join(jupyterDataDir(), "greenlet-ts", "history.json"), log);
  const engine = new Session({ interrupts: true });
  const core = new KernelCore(engine, channels as never, kernelInfo(), history, log);

  const background = startBackgroundChannels(info, kernelInfo(), wire.session, require.resolve("zeromq"), {
    onLog: log,
    onShutdown: (request) => {
      void iopubOut.flush().then(() => {
        background.postMessage({ kind: "shutdown-ready", request, content: { status: "ok", restart: Boolean(request.content?.restart) } });
        // Once the reply is out: every socket closed by the thread that owns it, then exit.
        background.once("message", () => {
          background.postMessage({ kind: "close" });
          background.once("exit", () => exit());
        });
        setTimeout(() => exit(), 2000).unref();
      });
    },
  });

  const exit = (): void => {
    for (const socket of [shell, stdin, iopub]) socket.close();
    process.exit(0);
  };
  channels.publish({}, "status", { execution_state: "starting" });
  let dropped = 0;
  // A closed socket ends this loop (at exit).
  for await (const frames of shell) {
    let request: Message;
    try {
      request = wire.parse(frames);
    } catch (error) {
      // Logged, rate-limited; never reaches the engine.
      if (dropped++ < 100 || dropped % 1000 === 0) log(`shell: dropped a message (${error instanceof WireError ? error.message : String(error)})`);
      continue;
    }
    core.receive(request);
  }
}
