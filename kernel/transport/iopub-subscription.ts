import type * as zmq from "zeromq";
import { eachMessage } from "./receive.js";

/**
 * Resolves when a client has subscribed to IOPub (an XPUB socket hears the
 * subscriptions), or after `maxMs`.
 *
 * Why: a client connects its IOPub socket while the kernel starts, and its
 * subscription reaches the kernel a little after the connection. A reply to
 * the first kernel_info_request sent before then comes with status messages
 * that are lost, and jupyter_client, which takes a status message on IOPub as
 * the proof that IOPub works, waits 0.2 s and asks again. The kernel handles
 * its first shell message once the subscription is there, at most `maxMs`
 * later (for a client that never subscribes).
 */
export function iopubSubscribed(socket: zmq.XPublisher, maxMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, maxMs);
    // Read for as long as the socket is open: unread subscriptions would pile up.
    eachMessage(socket, (frames) => {
      // A subscription is one frame: byte 1, then the topic (byte 0 ends one).
      if (frames[0]?.[0] === 1) {
        clearTimeout(timer);
        resolve();
      }
    }).catch(() => undefined);
  });
}
