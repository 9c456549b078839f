import { writeSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import * as zmq from "zeromq";
import { History } from "./core/history.js";
import { KernelCore, type ErrorReply } from "./core/kernel-core.js";
import { KernelStats } from "./core/stats.js";
import { PROTOCOL_VERSION, type Message, type Replies } from "./protocol/messages.js";
import { contentProblem } from "./protocol/validate.js";
import { printable, Wire, WireError } from "./protocol/wire.js";
import { startBackgroundChannels } from "./transport/background-channels.js";
import { endpoint, readConnectionFile } from "./transport/connection.js";
import { topicText, watchSubscriptions } from "./transport/iopub-subscription.js";
import { eachMessage } from "./transport/receive.js";
import { TokenBucket } from "./transport/rate-limit.js";
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
      // A mode name, as Deno's kernel sends: clients built on the Rust jupyter-protocol crate (runtimed,
      // Zed) read only a string or { name, version }, and could not read the object form
      // { name: "javascript", typescript: true }. The classic Notebook and JupyterLab look the name up
      // in CodeMirror's mode list, where "typescript" is the JavaScript mode with TypeScript on.
      codemirror_mode: "typescript",
    },
    banner: `greenlet-ts ${VERSION}: TypeScript cells on greenlets (node ${process.version})`,
    help_links: [{ text: "greenlet-ts", url: "https://www.npmjs.com/package/greenlet-ts" }],
    debugger: false,
  };
}

/** What a cell's process.exit() throws: the cell stops there, the kernel ends once it has replied. */
class KernelExit extends Error {}
KernelExit.prototype.name = "KernelExit";

/**
 * IOPub is a PUB socket: a subscriber that falls HWM messages behind loses
 * messages, its status "idle" among them, and then waits forever. Output
 * messages are therefore limited to OUTPUT_PER_SECOND (after a burst of
 * OUTPUT_BURST), well under the high-water mark, and the rest are dropped
 * and said so, as Jupyter's server does at 1,000 messages a second; status
 * messages and results are never dropped.
 */
const OUTPUT_PER_SECOND = 2000;
const OUTPUT_BURST = 5000;
const IOPUB_HWM = 20_000;

/** How long the first shell message may wait for a client's IOPub subscription. */
const FIRST_SUBSCRIBER_WAIT_MS = 1000;

/**
 * iopub_welcome messages a second (after a burst): each goes to every
 * subscriber, and anyone who can reach the port may subscribe without the
 * key, so a flood of subscriptions must not become a flood of messages.
 */
const WELCOMES_PER_SECOND = 50;
const WELCOME_BURST = 100;

/** Input replies are short; a larger message is refused before it is verified or decoded. */
const STDIN_MAX_JSON_BYTES = 16 << 20;

/** `greenlet-ts kernel -f CONNECTION_FILE`: runs until a shutdown_request or process.exit() (or a signal). */
export async function runKernel(connectionFile: string): Promise<void> {
  const info = readConnectionFile(connectionFile, log);
  const stats = new KernelStats(log);
  const wire = new Wire(info.key, info.signature_scheme);
  const shell = new zmq.Router();
  const stdin = new zmq.Router();
  const iopub = new zmq.XPublisher({ sendHighWaterMark: IOPUB_HWM });
  // Every subscription is passed up, not only the first to a topic: each new client gets its welcome.
  iopub.verbosity = "allSubs";
  await shell.bind(endpoint(info, info.shell_port));
  await stdin.bind(endpoint(info, info.stdin_port));
  await iopub.bind(endpoint(info, info.iopub_port));
  const onSendError = (error: unknown): void => log(`send failed: ${String(error)}`);
  const shellOut = new SendQueue((frames) => shell.send(frames), onSendError);
  // Output waiting while a cell spins is limited too (nothing is sent until it yields).
  const iopubOut = new SendQueue((frames) => iopub.send(frames), onSendError, { maxMessages: OUTPUT_BURST, maxBytes: 256 << 20 });
  const welcomeTokens = new TokenBucket(WELCOMES_PER_SECOND, WELCOME_BURST);
  /**
   * JEP 65 (messaging spec 5.5): each new IOPub subscription is answered with
   * iopub_welcome, which tells a client that its subscription is live without
   * polling kernel_info. It has no parent and its topic is the subscription
   * itself, so that it matches the subscriber whatever topic it chose; the
   * other subscribers get it too, and ignore it.
   */
  const subscribed = watchSubscriptions(iopub, FIRST_SUBSCRIBER_WAIT_MS, (topic) => {
    const subscription = topicText(topic);
    if (subscription === undefined || !welcomeTokens.take()) return;
    const header = wire.header("iopub_welcome");
    void iopubOut.push(wire.serialize({ identities: [Buffer.from(topic)], header, parent_header: {}, metadata: {}, content: { subscription }, buffers: [] }));
  });
  const outputTokens = new TokenBucket(OUTPUT_PER_SECOND, OUTPUT_BURST);
  /** Output dropped by the rate limit since the last notice, and the request it was for. */
  const droppedOutput = { count: 0, parent: {} as Message["parent_header"] };

  const stdinOut = new SendQueue((frames) => stdin.send(frames), onSendError);
  /** input() calls waiting for their input_reply, by the msg_id of their input_request. */
  const waitingInput = new Map<string, { request: string; resolve: (value: string) => void }>();
  const send = (parent: Message["parent_header"], msgType: string, content: unknown, droppable: boolean): void => {
    void iopubOut.push(wire.serialize({ identities: [Buffer.from(msgType)], header: wire.header(msgType), parent_header: parent, metadata: {}, content: content as never, buffers: [] }), droppable);
  };
  const channels = {
    input(request: Message, prompt: string, password: boolean): Promise<string> {
      // The input_reply names the input_request as its parent.
      const header = wire.header("input_request");
      return new Promise<string>((resolve) => {
        waitingInput.set(header.msg_id, { request: request.header.msg_id, resolve });
        void stdinOut.push(wire.serialize({ identities: request.identities, header, parent_header: request.header, metadata: {}, content: { prompt, password }, buffers: [] }));
      });
    },
    flushed(): Promise<void> {
      return iopubOut.flush();
    },
    endInput(request: Message): void {
      // An interrupted input() must not take the reply meant for the next one.
      for (const [id, waiting] of waitingInput) if (waiting.request === request.header.msg_id) waitingInput.delete(id);
    },
    reply<K extends keyof Replies>(request: Message, msgType: K, content: Replies[K] | ErrorReply): void {
      void shellOut.push(wire.serialize({ identities: request.identities, header: wire.header(msgType), parent_header: request.header, metadata: {}, content: content as never, buffers: [] }));
    },
    publish(parent: Message["parent_header"], msgType: string, content: unknown): void {
      const output = msgType === "stream" || msgType === "display_data" || msgType === "update_display_data";
      if (output && !outputTokens.take()) {
        droppedOutput.count++;
        droppedOutput.parent = parent;
        stats.counters.iopubDropped++;
        return;
      }
      if (msgType === "status" && droppedOutput.count > 0) {
        // Before the next status: what was dropped, where the user looks for it.
        const text = `[greenlet-ts: ${droppedOutput.count.toLocaleString("en-US")} output messages dropped: more than ${OUTPUT_PER_SECOND.toLocaleString("en-US")} a second]\n`;
        droppedOutput.count = 0;
        send(droppedOutput.parent, "stream", { name: "stderr", text }, false);
      }
      send(parent, msgType, content, output);
    },
  };
  // Computed once: the control thread and the shell answer kernel_info with the same reply.
  const kernelInfoReply = kernelInfo();
  let core: KernelCore | undefined;
  let history: History | undefined;

  // Every way out but a crash comes through here: history and counters are written, whoever called exit.
  const exitProcess = process.exit.bind(process) as (code?: number) => never;
  process.on("exit", (code) => {
    history?.flush();
    stats.flush();
    stats.counters.iopubDropped += iopubOut.dropped;
    log(`counters: ${JSON.stringify(stats.counters)}`);
    log(`exited with status ${code}`);
  });
  let finishing = false;
  /**
   * Ends the kernel cleanly: no new request starts, the one being handled
   * finishes if `waitForCell`, everything queued is handed to ZeroMQ, the
   * shutdown_reply (if any) goes out, then the sockets are closed by their
   * threads and the process exits with `code`.
   */
  const finish = async (code: number, why: string, options: { waitForCell?: boolean; shutdown?: Message<"shutdown_request", { restart?: boolean }> } = {}): Promise<void> => {
    if (finishing) return;
    finishing = true;
    process.exitCode = code;
    log(why);
    // Whatever happens below, the process ends.
    setTimeout(() => exitProcess(code), 5000).unref();
    const stopped = core?.stop();
    if (options.waitForCell) await stopped;
    await Promise.all([shellOut.flush(), iopubOut.flush(), stdinOut.flush()]);
    if (options.shutdown !== undefined) {
      const replied = new Promise<void>((resolve) => background.on("message", (m: { kind: string }) => m.kind === "shutdown-replied" && resolve()));
      background.send({ kind: "shutdown-ready", request: options.shutdown, content: { status: "ok", restart: Boolean(options.shutdown.content?.restart) } });
      await replied;
    }
    const threadEnded = new Promise((resolve) => background.once("exit", resolve));
    background.send({ kind: "close" });
    await Promise.race([threadEnded, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    for (const socket of [shell, stdin, iopub]) socket.close();
    exitProcess(code);
  };

  const background = startBackgroundChannels(info, kernelInfoReply, wire.session, wire.replay.buffer, {
    onLog: log,
    onFatal: (text) => void finish(1, `${text}: the kernel cannot be managed without control and heartbeat; exiting`),
    onRejected: (reason, detail) => stats.reject("control", reason, detail),
    onAccepted: (msgType) => stats.accept("control", msgType),
    // Replied once IOPub is flushed; a running cell is not waited for.
    onShutdown: (request) => void finish(0, "shutdown_request: exiting", { shutdown: request }),
  });
  // No SIGTERM handler: a handler runs on the main thread, which a spinning cell holds, so a kernel
  // with one could not be terminated; Jupyter sends SIGTERM only to a kernel that did not shut down.

  // The engine (and its modules) load after the sockets are up: a client's
  // first kernel_info_request is answered before that, from here.
  const early: Message[] = [];
  const startEngine = async (): Promise<void> => {
    history = new History(path.join(jupyterDataDir(), "greenlet-ts", "history.json"), log);
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
    core = new KernelCore(engine, channels as never, kernelInfoReply, history, log, stats);
    // process.exit() in a cell ends the kernel the clean way: the cell's reply and output go out first.
    process.exit = function exit(code?: number | string | null): never {
      const status = code === undefined || code === null ? Number(process.exitCode ?? 0) : Number(code);
      const valid = Number.isInteger(status) ? status : 1;
      void finish(valid, `process.exit(${valid}) was called: exiting once the cell has finished`, { waitForCell: true });
      throw new KernelExit(`process.exit(${valid}) was called: the kernel exits after this cell`);
    } as typeof process.exit;
    for (const request of early.splice(0)) core.receive(request);
    // input_reply messages, matched to the input() waiting for them by parent.
    void eachMessage(stdin, (frames) => {
      let reply: Message;
      try {
        reply = wire.parse(frames, { maxJsonBytes: STDIN_MAX_JSON_BYTES });
      } catch (error) {
        if (error instanceof WireError) stats.reject("stdin", error.reason, error.detail);
        else log(`stdin: ${String(error)}`);
        return;
      }
      const type = reply.header.msg_type;
      if (type !== "input_reply") return stats.reject("stdin", "unknown msg_type", printable(type));
      const problem = contentProblem(type, reply.content);
      if (problem !== undefined) return stats.reject("stdin", "invalid content", problem);
      // Matched by parent when the client sets it; jupyter_client's input() does not,
      // so otherwise it answers the oldest input still waiting, as ipykernel assumes.
      let key = String(reply.parent_header.msg_id ?? "");
      if (!waitingInput.has(key)) key = waitingInput.keys().next().value ?? "";
      const waiting = waitingInput.get(key);
      if (waiting === undefined) return stats.reject("stdin", "no input waiting");
      stats.accept("stdin", type);
      waitingInput.delete(key);
      waiting.resolve(reply.content.value as string);
    });
  };
  setImmediate(() => {
    startEngine().catch((error: unknown) => {
      log(`the engine failed to start: ${(error as Error)?.stack ?? String(error)}`);
      exitProcess(1);
    });
  });

  channels.publish({}, "status", { execution_state: "starting" });
  await subscribed;
  // A closed socket ends this loop (at exit).
  await eachMessage(shell, (frames) => {
    let request: Message;
    try {
      request = wire.parse(frames);
    } catch (error) {
      // Counted, logged once (rate-limited); never reaches the engine.
      if (error instanceof WireError) stats.reject("shell", error.reason, error.detail);
      else log(`shell: ${String(error)}`);
      return;
    }
    if (core !== undefined) {
      core.receive(request);
    } else if (request.header.msg_type === "kernel_info_request") {
      stats.accept("shell", "kernel_info_request");
      channels.publish(request.header, "status", { execution_state: "busy" });
      channels.reply(request, "kernel_info_reply", kernelInfoReply);
      channels.publish(request.header, "status", { execution_state: "idle" });
    } else {
      early.push(request);
    }
  });
}
