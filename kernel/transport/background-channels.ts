import { Worker } from "node:worker_threads";
import type { Message } from "../protocol/messages.js";
import type { RejectReason } from "../protocol/wire.js";
import type { ConnectionInfo } from "./connection.js";

/** What the thread is started with. */
export interface BackgroundData {
  info: ConnectionInfo;
  kernelInfo: unknown;
  session: string;
  /** The replay table shared with the main thread's Wire. */
  replay: SharedArrayBuffer;
}

/** From the thread to the main thread. */
export type FromBackground =
  | { kind: "ready" }
  | { kind: "log"; text: string }
  | { kind: "fatal"; text: string }
  | { kind: "rejected"; reason: RejectReason; detail?: string }
  | { kind: "accepted"; msgType: string }
  | { kind: "shutdown"; request: Message<"shutdown_request", { restart?: boolean }> }
  | { kind: "shutdown-replied" };

/** From the main thread to the thread. */
export type ToBackground = { kind: "shutdown-ready"; request: Message; content: { status: "ok"; restart: boolean } } | { kind: "close" };

export interface BackgroundEvents {
  onShutdown(request: Message<"shutdown_request", { restart?: boolean }>): void;
  onLog(text: string): void;
  /** A channel of the thread stopped: the kernel cannot be managed any more. */
  onFatal(text: string): void;
  onRejected(reason: RejectReason, detail: string | undefined): void;
  onAccepted(msgType: string): void;
}

/**
 * Heartbeat and control in their own thread (background-thread.ts), so that
 * both keep answering while a cell spins on the main thread: the heartbeat
 * echoes, and an interrupt_request sends SIGINT to this process (which
 * breaks into the running cell) and replies at once. kernel_info_request is
 * answered there too, from the info the main thread gave; shutdown_request
 * is passed to the main thread, and replied to once it is ready to exit.
 */
export function startBackgroundChannels(info: ConnectionInfo, kernelInfo: unknown, session: string, replay: SharedArrayBuffer, events: BackgroundEvents): Worker & { send(message: ToBackground): void } {
  const data: BackgroundData = { info, kernelInfo, session, replay };
  const worker = new Worker(new URL("./background-thread.js", import.meta.url), {
    workerData: data,
    resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 2, codeRangeSizeMb: 4 },
  });
  worker.on("message", (message: FromBackground) => {
    switch (message.kind) {
      case "shutdown":
        events.onShutdown(message.request);
        break;
      case "log":
        events.onLog(message.text);
        break;
      case "fatal":
        events.onFatal(message.text);
        break;
      case "rejected":
        events.onRejected(message.reason, message.detail);
        break;
      case "accepted":
        events.onAccepted(message.msgType);
        break;
    }
  });
  worker.on("error", (error) => events.onFatal(`the control thread failed: ${String(error)}`));
  return Object.assign(worker, { send: (message: ToBackground) => worker.postMessage(message) });
}
