import * as zmq from "zeromq";
import type { Message } from "../protocol/messages.js";
import { Wire } from "../protocol/wire.js";
import { endpoint, type ConnectionInfo } from "../transport/connection.js";

/** A message as a client sees it (no routing identities). */
export type ReceivedMessage = Omit<Message, "identities">;

/** The reply of an execute_request and the IOPub messages it caused, busy to idle. */
export interface Execution {
  reply: ReceivedMessage;
  iopub: ReceivedMessage[];
}

/**
 * A Jupyter client over ZeroMQ for any kernel reachable through a connection
 * file: it signs what it sends, checks what it receives, matches replies to
 * requests and gathers IOPub messages by the request they belong to.
 */
export class KernelClient {
  readonly #wire: Wire;
  readonly #shell = new zmq.Dealer();
  readonly #control = new zmq.Dealer();
  readonly #iopub = new zmq.Subscriber();
  readonly #replies = new Map<string, (message: ReceivedMessage) => void>();
  /** IOPub messages by parent msg_id, until the request that caused them is done. */
  readonly #byParent = new Map<string, ReceivedMessage[]>();
  readonly #idle = new Map<string, () => void>();
  #closed = false;

  constructor(readonly connection: ConnectionInfo) {
    this.#wire = new Wire(connection.key, connection.signature_scheme);
    this.#shell.connect(endpoint(connection, connection.shell_port));
    this.#control.connect(endpoint(connection, connection.control_port));
    this.#iopub.connect(endpoint(connection, connection.iopub_port));
    this.#iopub.subscribe();
    void this.#readReplies(this.#shell);
    void this.#readReplies(this.#control);
    void this.#readIopub();
  }

  /**
   * Resolves once the kernel answers kernel_info and its IOPub status for
   * that request reaches us: a subscription takes a moment to connect, and
   * output sent before then would be lost.
   */
  async ready(timeoutMs = 30000): Promise<ReceivedMessage> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !this.#closed) {
      const id = this.#send(this.#shell, "kernel_info_request", {});
      const reply = await this.#await(id, 500);
      const idle = reply !== undefined && (await this.#awaitIdle(id, 300));
      this.#byParent.delete(id);
      if (idle) return reply;
    }
    throw new Error(`the kernel did not answer kernel_info within ${timeoutMs} ms`);
  }

  /** Sends a request and resolves with its reply. */
  request(msgType: string, content: Record<string, unknown>, channel: "shell" | "control" = "shell"): Promise<ReceivedMessage> {
    const id = this.#send(channel === "shell" ? this.#shell : this.#control, msgType, content);
    return this.#await(id) as Promise<ReceivedMessage>;
  }

  /** Runs code as a frontend does; resolves when both the reply and the idle status have come. */
  async execute(code: string, options: { storeHistory?: boolean; stopOnError?: boolean; onSent?: (msgId: string) => void } = {}): Promise<Execution> {
    const id = this.#send(this.#shell, "execute_request", {
      code,
      silent: false,
      store_history: options.storeHistory ?? true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: options.stopOnError ?? true,
    });
    options.onSent?.(id);
    const idle = this.#awaitIdle(id);
    const reply = (await this.#await(id))!;
    await idle;
    const iopub = this.#byParent.get(id) ?? [];
    this.#byParent.delete(id);
    return { reply, iopub };
  }

  /** The IOPub messages received so far for a request still in progress. */
  received(msgId: string): readonly ReceivedMessage[] {
    return this.#byParent.get(msgId) ?? [];
  }

  /** interrupt_request on the control channel (the kernelspec's interrupt_mode is "message"). */
  interrupt(): Promise<ReceivedMessage> {
    return this.request("interrupt_request", {}, "control");
  }

  /** shutdown_request on control; resolves with the reply. */
  shutdown(): Promise<ReceivedMessage> {
    return this.request("shutdown_request", { restart: false }, "control");
  }

  close(): void {
    this.#closed = true;
    for (const socket of [this.#shell, this.#control, this.#iopub]) socket.close();
  }

  #send(socket: zmq.Dealer, msgType: string, content: Record<string, unknown>): string {
    const header = this.#wire.header(msgType);
    this.#byParent.set(header.msg_id, []);
    void socket.send(this.#wire.serialize({ identities: [], header, parent_header: {}, metadata: {}, content, buffers: [] })).catch(() => undefined);
    return header.msg_id;
  }

  #await(id: string, timeoutMs?: number): Promise<ReceivedMessage | undefined> {
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
        this.#replies.delete(id);
        resolve(undefined);
      }, timeoutMs);
      this.#replies.set(id, (message) => {
        if (timer !== undefined) clearTimeout(timer);
        this.#replies.delete(id);
        resolve(message);
      });
    });
  }

  #awaitIdle(id: string, timeoutMs?: number): Promise<boolean> {
    if (this.#byParent.get(id)?.some(isIdle)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
        this.#idle.delete(id);
        resolve(false);
      }, timeoutMs);
      this.#idle.set(id, () => {
        if (timer !== undefined) clearTimeout(timer);
        this.#idle.delete(id);
        resolve(true);
      });
    });
  }

  async #readReplies(socket: zmq.Dealer): Promise<void> {
    try {
      for await (const frames of socket) {
        const message = this.#parse(frames);
        if (message !== undefined) this.#replies.get(message.parent_header.msg_id ?? "")?.(message);
      }
    } catch {
      // the socket was closed
    }
  }

  async #readIopub(): Promise<void> {
    try {
      for await (const frames of this.#iopub) {
        const message = this.#parse(frames);
        const parent = message?.parent_header.msg_id;
        if (message === undefined || parent === undefined) continue;
        // Only requests of ours are gathered: other clients' traffic is not kept.
        this.#byParent.get(parent)?.push(message);
        if (isIdle(message)) this.#idle.get(parent)?.();
      }
    } catch {
      // the socket was closed
    }
  }

  #parse(frames: Buffer[]): ReceivedMessage | undefined {
    try {
      const { identities, ...message } = this.#wire.parse(frames);
      return message;
    } catch {
      return undefined; // a message that fails the signature check is not the kernel's
    }
  }
}

function isIdle(message: ReceivedMessage): boolean {
  return message.header.msg_type === "status" && (message.content as { execution_state?: string }).execution_state === "idle";
}
