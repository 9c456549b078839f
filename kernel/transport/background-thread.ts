/**
 * The heartbeat and control thread (started by background-channels.ts).
 * It parses control messages with the same Wire as the main thread, sharing
 * its replay table, answers them with the core's control handlers
 * (core/control.ts), and reports every refusal to the main thread, which
 * counts and logs it: nothing a client sends can end this loop.
 */
import { parentPort, workerData } from "node:worker_threads";
import * as zmq from "zeromq";
import { ControlCore, type ControlHost } from "../core/control.js";
import { ControlDebugger } from "../debugger/control-debugger.js";
import type { ChannelReport } from "../core/stats.js";
import { MessageFactory } from "../protocol/factory.js";
import { ReplayGuard } from "../protocol/replay.js";
import { Wire } from "../protocol/wire.js";
import type { BackgroundData, FromBackground, ToBackground } from "./background-channels.js";
import { garbageCollector } from "../../runtime/gc-access.js";
import { endpoint } from "./connection.js";
import { eachMessage, messageParser } from "./receive.js";
import { SendQueue } from "./send-queue.js";

/** How long the thread outlives its closed sockets, for zeromq to hand back what they sent. */
const RELEASE_MS = 100;

/** Control messages are small; a larger one is refused before it is verified or decoded (this thread's heap is 32 MB). */
const MAX_JSON_BYTES = 1 << 20;

const port = parentPort!;
const { info, kernelInfo, session, replay } = workerData as BackgroundData;
const wire = new Wire(info.key, info.signature_scheme, session, new ReplayGuard(replay));
const factory = new MessageFactory(wire);
const post = (message: FromBackground): void => port.postMessage(message);
const sockets: Array<zmq.Reply | zmq.Router> = [];

const report: ChannelReport = {
  channel: "control",
  rejected: (reason, detail) => post({ kind: "rejected", reason, detail }),
  accepted: (msgType) => post({ kind: "accepted", msgType }),
  log: (text) => post({ kind: "log", text: `control: ${text}` }),
};

/** Resolved when the main thread says it is closing: a shutdown_request waiting for that is then answered. */
let closing!: () => void;
const closed = new Promise<void>((resolve) => (closing = resolve));

const debug = new ControlDebugger(report.log);

const host: ControlHost = {
  kernelInfo,
  // A cell stopped at a breakpoint is let run first: the debugger sends SIGINT then.
  interrupt: () => debug.interrupt(() => process.kill(process.pid, "SIGINT")),
  shutdown: async () => {
    // A stopped cell is let go first: the main thread, paused, could never end the kernel.
    await debug.close();
    post({ kind: "shutdown" });
    return closed;
  },
  debug: (request, header) => debug.handle(request, header),
  replied: (request) => {
    if (request.header.msg_type === "debug_request") void debug.replied(request.header);
  },
};

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
  const out = new SendQueue((frames) => socket.send(frames), (error) => report.log(`send failed: ${String(error)}`));
  const core = new ControlCore(host, report, (request, content) => out.push(factory.reply(request, content)));
  port.on("message", (message: ToBackground) => {
    if (message.kind !== "close") return;
    closing();
    void debug.close();
    // The requests in flight answered, then the sockets closed here, by their own thread, before the process exits.
    void core
      .settled()
      .then(() => out.flush())
      .then(() => {
        for (const s of sockets) s.close();
        // zeromq hands a sent Buffer back to this thread once it is done with it (the heartbeat echoes
        // Buffers): the thread lives on a moment for that, since a thread gone by then is written to.
        setTimeout(() => port.close(), RELEASE_MS);
      });
  });
  const parse = messageParser(wire, report, { maxJsonBytes: MAX_JSON_BYTES });
  await eachMessage(socket, (frames) => {
    collectSoon(frames);
    const request = parse(frames);
    if (request !== undefined) core.receive(request);
  });
}

// Either channel failing (a port taken at start) leaves a kernel no frontend can manage: the main thread ends it.
heartbeat().catch((error: unknown) => post({ kind: "fatal", text: `heartbeat: ${String(error)}` }));
control().catch((error: unknown) => post({ kind: "fatal", text: `control: ${String(error)}` }));
