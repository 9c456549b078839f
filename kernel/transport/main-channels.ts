import * as zmq from "zeromq";
import type { Channels } from "../core/channels.js";
import type { KernelStats } from "../core/stats.js";
import { MessageFactory } from "../protocol/factory.js";
import type { ErrorReply, Header, IOPubMessages, Message, ReplyOf, ShellRequests } from "../protocol/messages.js";
import type { Wire } from "../protocol/wire.js";
import { endpoint, type ConnectionInfo } from "./connection.js";
import { IOPub } from "./iopub.js";
import { eachMessage, messageParser } from "./receive.js";
import { SendQueue } from "./send-queue.js";
import { Stdin } from "./stdin.js";

/**
 * The main thread's channels over ZeroMQ: shell, IOPub and stdin (heartbeat
 * and control have a thread of their own, background-channels.ts). What the
 * core sends goes out through here, in order per socket.
 */
export class MainChannels implements Channels {
  readonly #shellOut: SendQueue;

  private constructor(
    readonly shell: zmq.Router,
    readonly iopub: IOPub,
    readonly stdin: Stdin,
    private readonly factory: MessageFactory,
    private readonly stats: KernelStats,
  ) {
    this.#shellOut = new SendQueue((frames) => shell.send(frames), (error) => stats.report("shell").log(`send failed: ${String(error)}`));
  }

  /** Binds the three sockets to the connection file's ports. */
  static async bind(info: ConnectionInfo, wire: Wire, stats: KernelStats, log: (text: string) => void): Promise<MainChannels> {
    const factory = new MessageFactory(wire);
    const shell = new zmq.Router();
    await shell.bind(endpoint(info, info.shell_port));
    const stdin = await Stdin.bind(endpoint(info, info.stdin_port), factory, stats.report("stdin"));
    const iopub = await IOPub.bind(endpoint(info, info.iopub_port), factory, stats.counters, (error) => log(`iopub: send failed: ${String(error)}`));
    return new MainChannels(shell, iopub, stdin, factory, stats);
  }

  reply<K extends keyof ShellRequests>(request: Message<K, unknown>, content: ReplyOf<K> | ErrorReply): void {
    void this.#shellOut.push(this.factory.reply(request, content));
  }

  publish<K extends keyof IOPubMessages>(parent: Partial<Header>, msgType: K, content: IOPubMessages[K]): void {
    this.iopub.publish(parent, msgType, content);
  }

  input(request: Message<"execute_request", unknown>, prompt: string, password: boolean): Promise<string> {
    return this.stdin.input(request, prompt, password);
  }

  endInput(request: Message<"execute_request", unknown>): void {
    this.stdin.endInput(request);
  }

  flushed(): Promise<void> {
    return this.iopub.flushed();
  }

  /**
   * Passes shell messages to `receive` until the socket is closed (at exit),
   * the first once a client has subscribed to IOPub; reads stdin meanwhile.
   */
  async serve(receive: (request: Message) => void): Promise<void> {
    void this.stdin.serve();
    await this.iopub.subscribed;
    const parse = messageParser(this.factory.wire, this.stats.report("shell"));
    await eachMessage(this.shell, (frames) => {
      const request = parse(frames);
      if (request !== undefined) receive(request);
    });
  }

  /** Resolves once everything queued on the three sockets has been handed to ZeroMQ. */
  async flushAll(): Promise<void> {
    await Promise.all([this.#shellOut.flush(), this.iopub.flushed(), this.stdin.flushed()]);
  }

  close(): void {
    for (const socket of [this.shell, this.stdin.socket, this.iopub.socket]) socket.close();
  }
}
