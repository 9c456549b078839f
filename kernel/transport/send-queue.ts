/**
 * zeromq.js sockets refuse a send while the previous one is pending (EBUSY):
 * one kernel lost output that way. Sends on a socket go through this queue,
 * in order.
 */
export class SendQueue {
  #tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly send: (frames: Buffer[]) => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  push(frames: Buffer[]): Promise<void> {
    this.#tail = this.#tail.then(() => this.send(frames)).catch(this.onError);
    return this.#tail;
  }

  /** Resolves when everything queued so far has been handed to ZeroMQ. */
  flush(): Promise<void> {
    return this.#tail;
  }
}
