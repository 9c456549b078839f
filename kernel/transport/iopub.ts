import * as zmq from "zeromq";
import type { Counters } from "../core/stats.js";
import type { MessageFactory } from "../protocol/factory.js";
import type { Header, IOPubMessages } from "../protocol/messages.js";
import { topicText, watchSubscriptions } from "./iopub-subscription.js";
import { TokenBucket } from "./rate-limit.js";
import { SendQueue } from "./send-queue.js";

/**
 * IOPub is a PUB socket: a subscriber that falls HWM messages behind loses
 * messages, its status "idle" among them, and then waits forever. Output
 * messages are therefore limited to OUTPUT_PER_SECOND (after a burst of
 * OUTPUT_BURST), well under the high-water mark, and the rest are dropped
 * and said so, as Jupyter's server does at 1,000 messages a second; status
 * messages and results are never dropped.
 */
const OUTPUT_PER_SECOND = 2000;
const OUTPUT_BURST = 5000;
const IOPUB_HWM = 20_000;

/** How long the first shell message may wait for a client's IOPub subscription. */
const FIRST_SUBSCRIBER_WAIT_MS = 1000;

/**
 * iopub_welcome messages a second (after a burst): each goes to every
 * subscriber, and anyone who can reach the port may subscribe without the
 * key, so a flood of subscriptions must not become a flood of messages.
 */
const WELCOMES_PER_SECOND = 50;
const WELCOME_BURST = 100;

const OUTPUT = new Set<keyof IOPubMessages>(["stream", "display_data", "update_display_data"]);

/**
 * The IOPub socket of the main thread, the only thread that publishes.
 * (A debugger's debug_event would have to come from the control thread; see
 * core/control.ts for why that means moving this socket there.)
 */
export class IOPub {
  readonly #out: SendQueue;
  readonly #outputTokens = new TokenBucket(OUTPUT_PER_SECOND, OUTPUT_BURST);
  /** Output dropped by the rate limit since the last notice, and the request it was for. */
  readonly #dropped = { count: 0, parent: {} as Partial<Header> };
  /** Resolves when a client has subscribed, or after FIRST_SUBSCRIBER_WAIT_MS. */
  readonly subscribed: Promise<void>;

  private constructor(
    readonly socket: zmq.XPublisher,
    private readonly factory: MessageFactory,
    private readonly counters: Counters,
    onSendError: (error: unknown) => void,
  ) {
    // Output waiting while a cell spins is limited too (nothing is sent until it yields).
    this.#out = new SendQueue((frames) => socket.send(frames), onSendError, { maxMessages: OUTPUT_BURST, maxBytes: 256 << 20 });
    this.subscribed = this.#welcome();
  }

  static async bind(address: string, factory: MessageFactory, counters: Counters, onSendError: (error: unknown) => void): Promise<IOPub> {
    const socket = new zmq.XPublisher({ sendHighWaterMark: IOPUB_HWM });
    // Every subscription is passed up, not only the first to a topic: each new client gets its welcome.
    socket.verbosity = "allSubs";
    await socket.bind(address);
    return new IOPub(socket, factory, counters, onSendError);
  }

  /**
   * JEP 65 (messaging spec 5.5): each new IOPub subscription is answered with
   * iopub_welcome, which tells a client that its subscription is live without
   * polling kernel_info. It has no parent and its topic is the subscription
   * itself, so that it matches the subscriber whatever topic it chose; the
   * other subscribers get it too, and ignore it.
   */
  #welcome(): Promise<void> {
    const tokens = new TokenBucket(WELCOMES_PER_SECOND, WELCOME_BURST);
    return watchSubscriptions(this.socket, FIRST_SUBSCRIBER_WAIT_MS, (topic) => {
      const subscription = topicText(topic);
      if (subscription === undefined || !tokens.take()) return;
      void this.#out.push(this.factory.iopub({}, "iopub_welcome", { subscription }, Buffer.from(topic)));
    });
  }

  publish<K extends keyof IOPubMessages>(parent: Partial<Header>, msgType: K, content: IOPubMessages[K]): void {
    const output = OUTPUT.has(msgType);
    if (output && !this.#outputTokens.take()) {
      this.#dropped.count++;
      this.#dropped.parent = parent;
      this.counters.iopubDropped++;
      return;
    }
    if (msgType === "status" && this.#dropped.count > 0) {
      // Before the next status: what was dropped, where the user looks for it.
      const text = `[greenlet-ts: ${this.#dropped.count.toLocaleString("en-US")} output messages dropped: more than ${OUTPUT_PER_SECOND.toLocaleString("en-US")} a second]\n`;
      this.#dropped.count = 0;
      void this.#out.push(this.factory.iopub(this.#dropped.parent, "stream", { name: "stderr", text }));
    }
    void this.#out.push(this.factory.iopub(parent, msgType, content), output);
  }

  /**
   * Publishes at once, ahead of anything still queued: for the debugger's
   * messages, which come while this thread is paused at a breakpoint, when
   * the queue cannot move (it moves on promise jobs, which do not run). A
   * PUB socket's send never waits, so it is done when send() returns; were
   * a send waiting all the same (zeromq.js refuses a second one), the
   * message goes into the queue.
   */
  publishNow<K extends keyof IOPubMessages>(parent: Partial<Header>, msgType: K, content: IOPubMessages[K]): void {
    const frames = this.factory.iopub(parent, msgType, content);
    try {
      void this.socket.send(frames);
    } catch {
      void this.#out.push(frames);
    }
  }

  /** Resolves once everything published so far has been handed to ZeroMQ. */
  flushed(): Promise<void> {
    return this.#out.flush();
  }

  /** Messages the send queue dropped (too many waiting while a cell spun). */
  get queueDropped(): number {
    return this.#out.dropped;
  }
}
