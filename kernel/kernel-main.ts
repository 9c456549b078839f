import { writeSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import * as zmq from "zeromq";
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

  const stdinOut = new SendQueue((frames) => stdin.send(frames), onSendError);
  const waitingInput = new Map<string, (value: string) => void>();
  const channels = {
    input(request: Message, prompt: string, password: boolean): Promise<string> {
      // The input_reply names the input_request as its parent.
      const header = wire.header("input_request");
      return new Promise<string>((resolve) => {
        waitingInput.set(header.msg_id, resolve);
        void stdinOut.push(wire.serialize({ identities: request.identities, header, parent_header: request.header, metadata: {}, content: { prompt, password }, buffers: [] }));
      });
    },
    reply<K extends keyof Replies>(request: Message, msgType: K, content: Replies[K]): void {
      void shellOut.push(wire.serialize({ identities: request.identities, header: wire.header(msgType), parent_header: request.header, metadata: {}, content: content as never, buffers: [] }));
    },
    publish(parent: Message["parent_header"], msgType: string, content: unknown): void {
      void iopubOut.push(wire.serialize({ identities: [Buffer.from(msgType)], header: wire.header(msgType), parent_header: parent, metadata: {}, content: content as never, buffers: [] }));
    },
  };
  // Computed once: the control thread and the shell answer kernel_info with the same reply.
  const kernelInfoReply = kernelInfo();
  const background = startBackgroundChannels(info, kernelInfoReply, wire.session, require.resolve("zeromq"), {
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

  // The engine (and its modules) load after the sockets are up: a client's
  // first kernel_info_request is answered before that, from here.
  let core: KernelCore | undefined;
  const early: Message[] = [];
  const startEngine = async (): Promise<void> => {
    const history = new History(path.join(jupyterDataDir(), "greenlet-ts", "history.json"), log);
    const { Session } = await import("../runtime/engine/index.js");
    const engine = new Session({
      interrupts: true,
      globals: {
        input: (prompt?: string) => core!.input(prompt ?? "", false),
        prompt: (message?: string) => core!.input(message ?? "", false),
        password: (prompt?: string) => core!.input(prompt ?? "", true),
        registerCommTarget: (name: string, handler: never) => core!.comms.registerTarget(name, handler),
        openComm: (target: string, data?: unknown) => core!.comms.open(target, data),
      },
      declarations: [
        "/** Asks the frontend for a line of input (Jupyter's input_request). */",
        "function input(prompt?: string): Promise<string>;",
        "/** The browser's prompt(), asynchronous here: the kernel waits for the frontend's answer. */",
        "function prompt(message?: string): Promise<string>;",
        "/** Like input(), with the typing hidden. */",
        "function password(prompt?: string): Promise<string>;",
        "interface Comm { readonly commId: string; readonly targetName: string; onMsg?: (msg: { data: any; buffers: Uint8Array[] }) => void; onClose?: (msg: { data: any }) => void; send(data?: unknown): void; close(data?: unknown): void }",
        "/** Handles the comms the frontend opens for `name` (a widget's target). */",
        "function registerCommTarget(name: string, handler: (comm: Comm, openMsg: { data: any }) => void): void;",
        "/** Opens a comm to the frontend's target. */",
        "function openComm(target: string, data?: unknown): Comm;",
      ].join("\n"),
    });
    core = new KernelCore(engine, channels as never, kernelInfoReply, history, log);
    for (const request of early.splice(0)) core.receive(request);
    // input_reply messages, matched to the input() waiting for them by parent.
    void (async () => {
      for await (const frames of stdin) {
        try {
          const reply = wire.parse(frames);
          if (reply.header.msg_type !== "input_reply") continue;
          // Matched by parent when the client sets it; jupyter_client's input() does not,
          // so otherwise it answers the oldest input still waiting, as ipykernel assumes.
          let key = String(reply.parent_header.msg_id ?? "");
          if (!waitingInput.has(key)) key = waitingInput.keys().next().value ?? "";
          const waiting = waitingInput.get(key);
          if (waiting !== undefined) {
            waitingInput.delete(key);
            waiting(String((reply.content as { value?: unknown }).value ?? ""));
          }
        } catch (error) {
          log(`stdin: dropped a message (${error instanceof WireError ? error.message : String(error)})`);
        }
      }
    })();
  };
  setImmediate(() => {
    startEngine().catch((error: unknown) => {
      log(`the engine failed to start: ${(error as Error)?.stack ?? String(error)}`);
      process.exit(1);
    });
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
    if (core !== undefined) {
      core.receive(request);
    } else if (request.header.msg_type === "kernel_info_request") {
      channels.publish(request.header, "status", { execution_state: "busy" });
      channels.reply(request, "kernel_info_reply", kernelInfoReply);
      channels.publish(request.header, "status", { execution_state: "idle" });
    } else {
      early.push(request);
    }
  }
}
