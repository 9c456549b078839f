import * as zmq from "zeromq";
import { MessageFactory } from "../protocol/factory.js";
import { REPLY_TO, type ControlRequests, type Message, type Requests, type ShellRequests } from "../protocol/messages.js";
import { Wire, WireError } from "../protocol/wire.js";
import { endpoint, type ConnectionInfo } from "../transport/connection.js";

/** A message as a client sees it (no routing identities). */
export type ReceivedMessage = Omit<Message, "identities">;

/** The reply of an execute_request and the IOPub messages it caused, busy to idle. */
export interface Execution {
  reply: ReceivedMessage;
  iopub: ReceivedMessage[];
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * A Jupyter client over ZeroMQ for any kernel reachable through a connection
 * file: it signs what it sends, checks what it receives, matches replies to
 * requests and gathers IOPub messages by the request they belong to.
 *
 * A request whose message cannot be sent, whose reply does not come in
 * time, or whose socket fails is rejected with the reason; so are the
 * requests still waiting when the client is closed.
 */
export class KernelClient {
  /** How long request() waits for a reply by default (execute() waits as long as its cell runs). */
  static readonly REQUEST_TIMEOUT_MS = 60_000;
  readonly #factory: MessageFactory;
  readonly #shell = new zmq.Dealer();
  readonly #control = new zmq.Dealer();
  readonly #iopub = new zmq.Subscriber();
  readonly #replies = new Map<string, Waiter<ReceivedMessage>>();
  /** IOPub messages by parent msg_id, until the request that caused them is done. */
  readonly #byParent = new Map<string, ReceivedMessage[]>();
  readonly #idle = new Map<string, Waiter<void>>();
  #closed = false;

  constructor(readonly connection: ConnectionInfo) {
    this.#factory = new MessageFactory(new Wire(connection.key, connection.signature_scheme));
    this.#shell.connect(endpoint(connection, connection.shell_port));
    this.#control.connect(endpoint(connection, connection.control_port));
    this.#iopub.connect(endpoint(connection, connection.iopub_port));
    this.#iopub.subscribe();
    void this.#read(this.#shell, (message) => this.#replies.get(message.parent_header.msg_id ?? "")?.resolve(message));
    void this.#read(this.#control, (message) => this.#replies.get(message.parent_header.msg_id ?? "")?.resolve(message));
    void this.#read(this.#iopub, (message) => this.#gather(message));
  }

  /**
   * Resolves once the kernel answers kernel_info and its IOPub status for
   * that request reaches us: a subscription takes a moment to connect, and
   * output sent before then would be lost.
   */
  async ready(timeoutMs = 30000): Promise<ReceivedMessage> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !this.#closed) {
      const { id, reply: replied } = this.#exchange(this.#shell, "kernel_info_request", {}, 500);
      const reply = await replied;
      const idle = reply !== undefined && (await this.#awaitIdle(id, 300));
      this.#byParent.delete(id);
      if (idle) return reply;
    }
    throw new Error(`the kernel did not answer kernel_info within ${timeoutMs} ms`);
  }

  /** Sends a request and resolves with its reply; rejects if none comes within `timeoutMs`. */
  request<K extends keyof ShellRequests>(msgType: K, content: ShellRequests[K], channel?: "shell", timeoutMs?: number): Promise<ReceivedMessage>;
  request<K extends keyof ControlRequests>(msgType: K, content: ControlRequests[K], channel: "control", timeoutMs?: number): Promise<ReceivedMessage>;
  request<K extends keyof Requests>(msgType: K, content: Requests[K], channel: "shell" | "control" = "shell", timeoutMs = KernelClient.REQUEST_TIMEOUT_MS): Promise<ReceivedMessage> {
    const { id, reply } = this.#exchange(channel === "shell" ? this.#shell : this.#control, msgType, content, timeoutMs);
    return handled(
      reply.then((message) => {
        this.#byParent.delete(id);
        if (message === undefined) throw new Error(`no ${REPLY_TO[msgType]} from the kernel within ${timeoutMs} ms`);
        return message;
      }),
    );
  }

  /** Runs code as a frontend does; resolves when both the reply and the idle status have come. */
  execute(code: string, options: { storeHistory?: boolean; stopOnError?: boolean; onSent?: (msgId: string) => void } = {}): Promise<Execution> {
    const { id, reply } = this.#exchange(this.#shell, "execute_request", {
      code,
      silent: false,
      store_history: options.storeHistory ?? true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: options.stopOnError ?? true,
    });
    options.onSent?.(id);
    const idle = this.#awaitIdle(id);
    return handled(
      Promise.all([reply, idle]).then(([message]) => {
        const iopub = this.#byParent.get(id) ?? [];
        this.#byParent.delete(id);
        return { reply: message!, iopub };
      }),
    );
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

  /** Closes the sockets; requests still waiting are rejected. */
  close(): void {
    this.#closed = true;
    for (const socket of [this.#shell, this.#control, this.#iopub]) {
      // What is still queued is dropped: requests to a kernel that is gone must not keep the process from exiting.
      socket.linger = 0;
      socket.close();
    }
    this.#failAll(new Error("the kernel client was closed"));
  }

  /**
   * Sends a request; `reply` resolves with its reply, or with undefined after
   * `timeoutMs`, and rejects if the message cannot be sent or a socket fails.
   */
  #exchange<K extends keyof Requests>(socket: zmq.Dealer, msgType: K, content: Requests[K], timeoutMs?: number): { id: string; reply: Promise<ReceivedMessage | undefined> } {
    const { msgId, frames } = this.#factory.request(msgType, content);
    this.#byParent.set(msgId, []);
    const reply = this.#wait(this.#replies, msgId, timeoutMs, undefined);
    socket.send(frames).catch((error: unknown) => {
      this.#replies.get(msgId)?.reject(error);
      this.#idle.get(msgId)?.reject(error);
      this.#byParent.delete(msgId);
    });
    return { id: msgId, reply };
  }

  #awaitIdle(id: string, timeoutMs?: number): Promise<boolean> {
    if (this.#byParent.get(id)?.some(isIdle)) return Promise.resolve(true);
    return this.#wait(this.#idle, id, timeoutMs, "timed out" as const).then((result) => result !== "timed out");
  }

  /** A promise registered in `waiters` under `id`; `onTimeout` is its value if `timeoutMs` passes first. */
  #wait<T, U>(waiters: Map<string, Waiter<T>>, id: string, timeoutMs: number | undefined, onTimeout: U): Promise<T | U> {
    return handled(
      new Promise<T | U>((resolve, reject) => {
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(id);
        };
        const timer = timeoutMs === undefined ? undefined : setTimeout(() => (done(), resolve(onTimeout)), timeoutMs);
        waiters.set(id, { resolve: (value) => (done(), resolve(value)), reject: (error) => (done(), reject(error)) });
      }),
    );
  }

  #failAll(error: unknown): void {
    for (const waiter of [...this.#replies.values(), ...this.#idle.values()]) waiter.reject(error);
  }

  #gather(message: ReceivedMessage): void {
    const parent = message.parent_header.msg_id;
    if (parent === undefined) return;
    // Only requests of ours are gathered: other clients' traffic is not kept.
    this.#byParent.get(parent)?.push(message);
    if (isIdle(message)) this.#idle.get(parent)?.resolve();
  }

  /** Reads a socket until it is closed; a socket that fails otherwise fails every request still waiting. */
  async #read(socket: zmq.Dealer | zmq.Subscriber, handle: (message: ReceivedMessage) => void): Promise<void> {
    try {
      for await (const frames of socket) {
        const message = this.#parse(frames);
        if (message !== undefined) handle(message);
      }
    } catch (error) {
      if (!socket.closed) this.#failAll(error);
    }
  }

  #parse(frames: Buffer[]): ReceivedMessage | undefined {
    try {
      const { identities, ...message } = this.#factory.wire.parse(frames);
      return message;
    } catch (error) {
      // A message that fails the checks (its signature first) is not the kernel's.
      if (error instanceof WireError) return undefined;
      throw error;
    }
  }
}

/**
 * `promise`, marked as handled: a caller that does not wait for the answer
 * (`void client.interrupt()`) must not get an unhandled rejection from a
 * kernel that has gone away, and one that awaits it still sees the error.
 */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

function isIdle(message: ReceivedMessage): boolean {
  return message.header.msg_type === "status" && (message.content as { execution_state?: string }).execution_state === "idle";
}
