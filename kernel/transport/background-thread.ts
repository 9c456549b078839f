/**
 * The heartbeat and control thread (started by background-channels.ts).
 * It parses control messages with the same Wire as the main thread, sharing
 * its replay table, and reports every refusal to the main thread, which
 * counts and logs it: nothing a client sends can end this loop.
 */
import { parentPort, workerData } from "node:worker_threads";
import * as zmq from "zeromq";
import type { Message } from "../protocol/messages.js";
import { ReplayGuard } from "../protocol/replay.js";
import { contentProblem } from "../protocol/validate.js";
import { printable, Wire, WireError } from "../protocol/wire.js";
import type { BackgroundData, FromBackground, ToBackground } from "./background-channels.js";
import { garbageCollector } from "../../runtime/gc-access.js";
import { endpoint } from "./connection.js";
import { eachMessage } from "./receive.js";
import { SendQueue } from "./send-queue.js";

/** Control messages are small; a larger one is refused before it is verified or decoded (this thread's heap is 32 MB). */
const MAX_JSON_BYTES = 1 << 20;

const port = parentPort!;
const { info, kernelInfo, session, replay } = workerData as BackgroundData;
const wire = new Wire(info.key, info.signature_scheme, session, new ReplayGuard(replay));
const post = (message: FromBackground): void => port.postMessage(message);
const sockets: Array<zmq.Reply | zmq.Router> = [];

/**
 * A received message's memory is ZeroMQ's until its Buffer is collected, and
 * this thread allocates too little for V8 to collect on its own: after a
 * large message, a collection is asked for (once the burst is over).
 */
const LARGE = 1 << 20;
let collection: NodeJS.Timeout | undefined;
function collectSoon(frames: Buffer[]): void {
  if (collection !== undefined || frames.reduce((sum, f) => sum + f.length, 0) < LARGE) return;
  collection = setTimeout(() => {
    collection = undefined;
    garbageCollector()();
  }, 100);
}

async function heartbeat(): Promise<void> {
  const socket = new zmq.Reply();
  sockets.push(socket);
  await socket.bind(endpoint(info, info.hb_port));
  await eachMessage(socket, async (frames) => {
    collectSoon(frames);
    await socket.send(frames);
  });
}

async function control(): Promise<void> {
  const socket = new zmq.Router();
  sockets.push(socket);
  await socket.bind(endpoint(info, info.control_port));
  const out = new SendQueue((frames) => socket.send(frames), (error) => post({ kind: "log", text: `control: send failed: ${String(error)}` }));
  const reply = (request: Message, msgType: string, content: unknown): Promise<void> =>
    out.push(wire.serialize({ identities: request.identities, header: wire.header(msgType), parent_header: request.header, metadata: {}, content: content as never, buffers: [] }));
  port.on("message", (message: ToBackground) => {
    if (message.kind === "shutdown-ready") void reply(message.request, "shutdown_reply", message.content).then(() => post({ kind: "shutdown-replied" }));
    // Sockets closed here, by their own thread, before the process exits.
    if (message.kind === "close") void out.flush().then(() => {
      for (const s of sockets) s.close();
      port.close();
    });
  });
  await eachMessage(socket, async (frames) => {
    collectSoon(frames);
    let request: Message;
    try {
      request = wire.parse(frames, { maxJsonBytes: MAX_JSON_BYTES });
    } catch (error) {
      if (error instanceof WireError) post({ kind: "rejected", reason: error.reason, detail: error.detail });
      else post({ kind: "log", text: `control: ${String(error)}` });
      return;
    }
    const type = request.header.msg_type;
    if (type !== "interrupt_request" && type !== "kernel_info_request" && type !== "shutdown_request") {
      post({ kind: "rejected", reason: "unknown msg_type", detail: printable(type) });
      return;
    }
    const problem = contentProblem(type, request.content);
    if (problem !== undefined) {
      post({ kind: "rejected", reason: "invalid content", detail: `${type}: ${problem}` });
      await reply(request, type.replace(/_request$/, "_reply"), { status: "error", ename: "InvalidRequest", evalue: `${type}: ${problem}`, traceback: [] });
      return;
    }
    post({ kind: "accepted", msgType: type });
    if (type === "interrupt_request") {
      process.kill(process.pid, "SIGINT");
      await reply(request, "interrupt_reply", { status: "ok" });
    } else if (type === "kernel_info_request") {
      await reply(request, "kernel_info_reply", kernelInfo);
    } else {
      post({ kind: "shutdown", request: request as Message<"shutdown_request", { restart?: boolean }> });
    }
  });
}

// Either channel failing (a port taken at start) leaves a kernel no frontend can manage: the main thread ends it.
heartbeat().catch((error: unknown) => post({ kind: "fatal", text: `heartbeat: ${String(error)}` }));
control().catch((error: unknown) => post({ kind: "fatal", text: `control: ${String(error)}` }));
post({ kind: "ready" });
