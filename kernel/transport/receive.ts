import type * as zmq from "zeromq";
import type { ChannelReport } from "../core/stats.js";
import type { Message } from "../protocol/messages.js";
import { WireError, type ParseOptions, type Wire } from "../protocol/wire.js";

type Receiving = zmq.Reply | zmq.Router | zmq.XPublisher;

/**
 * Calls `handle` with each message of `socket` until it is closed, and holds
 * no message while waiting for the next one: a refused 64 MB message must be
 * freed at once, not when another message comes (on stdin that can be never).
 * Used by the main thread and the control thread alike.
 *
 * The frames live only in the callback given to `then`, never in this
 * async function: V8 can keep a value an async function no longer uses in
 * its suspended frame (a register not yet overwritten), and a
 * `for await (const frames of ...)` loop kept the last message alive that way
 * (+64 MB measured after one large message on stdin).
 */
export async function eachMessage(socket: Receiving, handle: (frames: Buffer[]) => void | Promise<void>): Promise<void> {
  const next = async (): Promise<boolean> => {
    let frames: Buffer[];
    try {
      frames = await socket.receive();
    } catch (error) {
      if (socket.closed) return false;
      throw error;
    }
    await handle(frames);
    return true;
  };
  while (await next()) {
    // each message handled in next()
  }
}

/**
 * Parses and verifies received frames for one channel: a message, or
 * undefined when it was refused (reported, with its reason, to `report`).
 * Shell, stdin and control parse through this, on either thread.
 */
export function messageParser(wire: Wire, report: ChannelReport, options: ParseOptions = {}): (frames: Buffer[]) => Message | undefined {
  return (frames) => {
    try {
      return wire.parse(frames, options);
    } catch (error) {
      // Counted, logged once (rate-limited); never reaches a handler.
      if (error instanceof WireError) report.rejected(error.reason, error.detail);
      else report.log(String(error));
      return undefined;
    }
  };
}
