import type * as zmq from "zeromq";
import { eachMessage } from "./receive.js";

/**
 * Reads the subscriptions an XPUB socket hears, for as long as it is open:
 * `onSubscribe` gets the topic of each one (the socket must be verbose, or
 * a second client subscribing to the same topic is not heard). Resolves when
 * the first client has subscribed, or after `maxMs`.
 *
 * Why the first one: a client connects its IOPub socket while the kernel
 * starts, and its subscription reaches the kernel a little after the
 * connection. A reply to the first kernel_info_request sent before then
 * comes with status messages that are lost, and jupyter_client, which takes
 * a status message on IOPub as the proof that IOPub works, waits 0.2 s and
 * asks again. The kernel handles its first shell message once the
 * subscription is there, at most `maxMs` later (for a client that never
 * subscribes).
 */
export function watchSubscriptions(socket: zmq.XPublisher, maxMs: number, onSubscribe: (topic: Buffer) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, maxMs);
    // Read for as long as the socket is open: unread subscriptions would pile up.
    eachMessage(socket, (frames) => {
      // A subscription is one frame: byte 1, then the topic (byte 0 ends one).
      const frame = frames[0];
      if (frame?.[0] === 1) {
        clearTimeout(timer);
        resolve();
        onSubscribe(frame.subarray(1));
      }
    }).catch(() => undefined);
  });
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A subscription topic as text, or undefined if it is not UTF-8 (JEP 65: such a subscription gets no welcome). */
export function topicText(topic: Buffer): string | undefined {
  try {
    return utf8.decode(topic);
  } catch {
    return undefined;
  }
}
