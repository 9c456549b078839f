import { Worker } from "node:worker_threads";
import type { ConnectionInfo } from "./connection.js";

/**
 * Heartbeat and control in their own thread, so that both keep answering
 * while a cell spins on the main thread: the heartbeat echoes, and an
 * interrupt_request sends SIGINT to this process (which breaks into the
 * running cell) and replies at once. kernel_info_request is answered there
 * too, from the info the main thread gave; shutdown_request is passed to the
 * main thread, and replied to once it is ready to exit.
 */
const THREAD = `
const { parentPort, workerData } = require("node:worker_threads");
const { createHmac, randomUUID, timingSafeEqual } = require("node:crypto");
const zmq = require(workerData.zeromq);
const { info, kernelInfo, session } = workerData;
const DELIMITER = "<IDS|MSG>";
const algorithm = info.key === "" ? undefined : info.signature_scheme.replace(/^hmac-/, "");
const sign = (parts) => { if (!algorithm) return ""; const h = createHmac(algorithm, info.key); for (const p of parts) h.update(p); return h.digest("hex"); };
const seen = new Set();
const endpoint = (port) => info.transport === "ipc" ? "ipc://" + info.ip + "-" + port : "tcp://" + info.ip + ":" + port;

const sockets = [];
async function heartbeat() {
  const socket = new zmq.Reply();
  sockets.push(socket);
  await socket.bind(endpoint(info.hb_port));
  for await (const frames of socket) await socket.send(frames);
}

async function control() {
  const socket = new zmq.Router();
  sockets.push(socket);
  await socket.bind(endpoint(info.control_port));
  let tail = Promise.resolve();
  const send = (frames) => (tail = tail.then(() => socket.send(frames)).catch(() => undefined));
  const reply = (request, msgType, content) => {
    const header = { msg_id: randomUUID(), session, username: "greenlet-ts", date: new Date().toISOString(), msg_type: msgType, version: "5.3" };
    const parts = [header, request.header, {}, content].map((p) => Buffer.from(JSON.stringify(p)));
    return send([...request.identities, Buffer.from(DELIMITER), Buffer.from(sign(parts)), ...parts]);
  };
  parentPort.on("message", (message) => {
    if (message.kind === "shutdown-ready") reply(message.request, "shutdown_reply", message.content).then(() => parentPort.postMessage({ kind: "shutdown-replied" }));
    // Sockets closed here, by their own thread, before the process exits.
    if (message.kind === "close") tail.then(() => { for (const s of sockets) s.close(); parentPort.close(); });
  });
  for await (const frames of socket) {
    let request;
    try {
      const at = frames.findIndex((f) => f.toString() === DELIMITER);
      if (at < 0 || frames.length < at + 6) throw new Error("malformed message");
      const [signature, ...parts] = frames.slice(at + 1, at + 6);
      if (algorithm) {
        const expected = Buffer.from(sign(parts));
        if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) throw new Error("bad signature");
        if (seen.has(signature.toString())) throw new Error("replayed signature");
        seen.add(signature.toString());
      }
      const [header, parent, metadata, content] = parts.map((p) => JSON.parse(p.toString()));
      request = { identities: frames.slice(0, at), header, parent_header: parent, metadata, content };
    } catch (error) {
      parentPort.postMessage({ kind: "log", text: "control: dropped a message: " + error.message });
      continue;
    }
    const type = request.header.msg_type;
    if (type === "interrupt_request") {
      process.kill(process.pid, "SIGINT");
      parentPort.postMessage({ kind: "interrupt" });
      await reply(request, "interrupt_reply", { status: "ok" });
    } else if (type === "kernel_info_request") {
      await reply(request, "kernel_info_reply", kernelInfo);
    } else if (type === "shutdown_request") {
      parentPort.postMessage({ kind: "shutdown", request });
    } else {
      parentPort.postMessage({ kind: "log", text: "control: no handler for " + type });
    }
  }
}
heartbeat().catch(() => undefined);
control().catch(() => undefined);
parentPort.postMessage({ kind: "ready" });
`;

export interface BackgroundEvents {
  onShutdown(request: { header: { msg_id: string }; content: { restart?: boolean } } & Record<string, unknown>): void;
  onLog(text: string): void;
}

export function startBackgroundChannels(info: ConnectionInfo, kernelInfo: unknown, session: string, zeromqPath: string, events: BackgroundEvents): Worker {
  const worker = new Worker(THREAD, {
    eval: true,
    workerData: { info, kernelInfo, session, zeromq: zeromqPath },
    resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 2, codeRangeSizeMb: 4 },
  });
  worker.on("message", (message: { kind: string; text?: string; request?: never }) => {
    if (message.kind === "shutdown") events.onShutdown(message.request!);
    else if (message.kind === "log") events.onLog(message.text!);
  });
  worker.on("error", (error) => events.onLog(`background channels failed: ${String(error)}`));
  return worker;
}
