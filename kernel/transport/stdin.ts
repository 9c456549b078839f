import * as zmq from "zeromq";
import { PendingInputs } from "../core/pending-inputs.js";
import type { ChannelReport } from "../core/stats.js";
import type { MessageFactory } from "../protocol/factory.js";
import type { Message } from "../protocol/messages.js";
import { assertContent, ContentError, normalize } from "../protocol/validate.js";
import { printable } from "../protocol/wire.js";
import { eachMessage, messageParser } from "./receive.js";
import { SendQueue } from "./send-queue.js";

/** Input replies are short; a larger message is refused before it is verified or decoded. */
const STDIN_MAX_JSON_BYTES = 16 << 20;

/** The stdin socket: input_request out to a client, its input_reply matched to the input() waiting for it. */
export class Stdin {
  readonly #out: SendQueue;
  readonly #pending = new PendingInputs();

  private constructor(
    readonly socket: zmq.Router,
    private readonly factory: MessageFactory,
    private readonly report: ChannelReport,
  ) {
    this.#out = new SendQueue((frames) => socket.send(frames), (error) => report.log(`send failed: ${String(error)}`));
  }

  static async bind(address: string, factory: MessageFactory, report: ChannelReport): Promise<Stdin> {
    const socket = new zmq.Router();
    await socket.bind(address);
    return new Stdin(socket, factory, report);
  }

  input(request: Message<"execute_request", unknown>, prompt: string, password: boolean): Promise<string> {
    const { msgId, frames } = this.factory.inputRequest(request, { prompt, password });
    const answer = this.#pending.wait(request.header.msg_id, msgId);
    void this.#out.push(frames);
    return answer;
  }

  endInput(request: Message<"execute_request", unknown>): void {
    this.#pending.end(request.header.msg_id);
  }

  flushed(): Promise<void> {
    return this.#out.flush();
  }

  /** Reads input_reply messages until the socket is closed. */
  serve(): Promise<void> {
    const parse = messageParser(this.factory.wire, this.report, { maxJsonBytes: STDIN_MAX_JSON_BYTES });
    return eachMessage(this.socket, (frames) => {
      const reply = parse(frames);
      if (reply !== undefined) this.#receive(reply);
    });
  }

  #receive(message: Message): void {
    const type = message.header.msg_type;
    if (type !== "input_reply") return this.report.rejected("unknown msg_type", printable(type));
    const reply = normalize(message, type);
    try {
      assertContent(reply, type);
    } catch (error) {
      return this.report.rejected("invalid content", (error as ContentError).message);
    }
    if (!this.#pending.answer(reply.parent_header.msg_id, reply.content.value)) return this.report.rejected("no input waiting");
    this.report.accepted(type);
  }
}
