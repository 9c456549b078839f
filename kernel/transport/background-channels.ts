import { Worker } from "node:worker_threads";
import type { KernelInfoReply } from "../protocol/messages.js";
import type { RejectReason } from "../protocol/wire.js";
import type { ConnectionInfo } from "./connection.js";

/** What the thread is started with. */
export interface BackgroundData {
  info: ConnectionInfo;
  kernelInfo: KernelInfoReply;
  session: string;
  /** The replay table shared with the main thread's Wire. */
  replay: SharedArrayBuffer;
}

/** From the thread to the main thread. */
export type FromBackground =
  | { kind: "log"; text: string }
  | { kind: "fatal"; text: string }
  | { kind: "rejected"; reason: RejectReason; detail?: string }
  | { kind: "accepted"; msgType: string }
  | { kind: "shutdown" };

/** From the main thread to the thread: the kernel is exiting; answer what is in flight and close. */
export type ToBackground = { kind: "close" };

export interface BackgroundEvents {
  /** A shutdown_request came: its reply goes out once close() is called. */
  onShutdown(): void;
  onLog(text: string): void;
  /** A channel of the thread stopped: the kernel cannot be managed any more. */
  onFatal(text: string): void;
  onRejected(reason: RejectReason, detail: string | undefined): void;
  onAccepted(msgType: string): void;
}

export interface BackgroundChannels {
  /** Lets the thread answer what it has in flight (a shutdown_request), close its sockets and end; at most `waitMs`. */
  close(waitMs: number): Promise<void>;
}

/**
 * Heartbeat and control in their own thread (background-thread.ts), so that
 * both keep answering while a cell spins on the main thread: the heartbeat
 * echoes, and the control requests are handled there by the core's control
 * handlers (core/control.ts) — an interrupt_request sends SIGINT to this
 * process, which breaks into the running cell; kernel_info is answered from
 * the info the main thread gave; a shutdown_request is passed to the main
 * thread, and replied to when it closes the thread.
 */
export function startBackgroundChannels(info: ConnectionInfo, kernelInfo: KernelInfoReply, session: string, replay: SharedArrayBuffer, events: BackgroundEvents): BackgroundChannels {
  const data: BackgroundData = { info, kernelInfo, session, replay };
  const worker = new Worker(new URL("./background-thread.js", import.meta.url), {
    workerData: data,
    resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 2, codeRangeSizeMb: 4 },
  });
  worker.on("message", (message: FromBackground) => {
    switch (message.kind) {
      case "shutdown":
        return events.onShutdown();
      case "log":
        return events.onLog(message.text);
      case "fatal":
        return events.onFatal(message.text);
      case "rejected":
        return events.onRejected(message.reason, message.detail);
      case "accepted":
        return events.onAccepted(message.msgType);
    }
  });
  worker.on("error", (error) => events.onFatal(`the control thread failed: ${String(error)}`));
  const ended = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  return {
    close: async (waitMs) => {
      worker.postMessage({ kind: "close" } satisfies ToBackground);
      await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, waitMs).unref())]);
    },
  };
}
