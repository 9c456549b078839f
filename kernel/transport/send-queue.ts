import type { Frame } from "../protocol/wire.js";
/**
 * zeromq.js sockets refuse a send while the previous one is pending (EBUSY):
 * one kernel lost output that way. Sends on a socket go through this queue,
 * in order.
 *
 * While a cell spins, nothing queued can be sent (the queue moves on
 * promise jobs), so a queue may be given limits: past `maxMessages` or
 * `maxBytes` waiting, new messages that may be dropped (output) are dropped
 * and counted, as a ZeroMQ PUB socket drops at its high-water mark. Others
 * (a status, a reply) always go in: they are few, one or two per request.
 *
 * A message pushed while nothing waits is handed to ZeroMQ at once, in the
 * caller's turn, not a promise job later: what a cell printed is then out
 * even if the thread stops right after (a breakpoint pauses it with its
 * promise jobs unrun). What is published while the thread is paused cannot
 * use the queue (it moves on those jobs): IOPub.publishNow.
 */
export class SendQueue {
  #tail: Promise<void> = Promise.resolve();
  #waitingMessages = 0;
  #waitingBytes = 0;
  /** Messages dropped because the limits were reached. */
  dropped = 0;

  constructor(
    private readonly send: (frames: Frame[]) => Promise<void>,
    private readonly onError: (error: unknown) => void,
    private readonly limits: { maxMessages: number; maxBytes: number } = { maxMessages: Infinity, maxBytes: Infinity },
  ) {}

  push(frames: Frame[], droppable = false): Promise<void> {
    const bytes = frames.reduce((sum, frame) => sum + frame.length, 0);
    if (droppable && (this.#waitingMessages >= this.limits.maxMessages || this.#waitingBytes + bytes > this.limits.maxBytes)) {
      this.dropped++;
      return this.#tail;
    }
    this.#waitingMessages++;
    this.#waitingBytes += bytes;
    const sent = this.#waitingMessages === 1 ? this.#sendNow(frames) : this.#tail.then(() => this.send(frames));
    this.#tail = sent
      .catch(this.onError)
      .finally(() => {
        this.#waitingMessages--;
        this.#waitingBytes -= bytes;
      });
    return this.#tail;
  }

  #sendNow(frames: Frame[]): Promise<void> {
    try {
      return this.send(frames);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Resolves when everything queued so far has been handed to ZeroMQ. */
  flush(): Promise<void> {
    return this.#tail;
  }
}
