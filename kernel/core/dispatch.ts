import type { ErrorReply, IncomingMessage, Message, ReplyOf, Requests, ShellNotifications } from "../protocol/messages.js";
import { assertContent, type ContentError, normalize } from "../protocol/validate.js";
import { printable } from "../protocol/wire.js";
import type { ChannelReport } from "./stats.js";

export type Handler<K extends keyof Requests> = (request: IncomingMessage<K>) => ReplyOf<K> | Promise<ReplyOf<K>>;
export type Notification<K extends keyof ShellNotifications> = (message: IncomingMessage<K>) => void;

/** A channel's handlers: requests by type, each answered with REPLY_TO's reply, and notifications, answered with nothing. */
export interface HandlerTable<R extends keyof Requests, N extends keyof ShellNotifications = never> {
  requests: { [K in R]: Handler<K> };
  notifications: { [K in N]: Notification<K> };
}

/** How a dispatcher replies; it resolves once the reply is handed on. */
export type ReplySender<R extends keyof Requests> = <K extends R>(request: IncomingMessage<K>, content: ReplyOf<K> | ErrorReply) => void | Promise<void>;

/**
 * The one dispatch model of shell and control (xeus's core serves both the
 * same way): a table of handlers keyed by msg_type; a type not in it is
 * refused, content is normalised and checked before a handler sees it, a
 * request always gets its reply — an error reply when its content is invalid
 * or its handler throws — and the reply's type comes from REPLY_TO. Every
 * outcome goes to the channel's report. What differs between the channels
 * stays with their owners: the shell queues requests and publishes busy and
 * idle around each (KernelCore); control runs each at once (ControlCore).
 */
export class Dispatcher<R extends keyof Requests, N extends keyof ShellNotifications = never> {
  constructor(
    private readonly table: HandlerTable<R, N>,
    private readonly report: ChannelReport,
    private readonly send: ReplySender<R>,
    /** Fields an error reply adds for some requests (an execute_reply's execution_count). */
    private readonly errorFields: (msgType: R) => Partial<ErrorReply> = () => ({}),
  ) {}

  /** Does this channel take `message`'s type? If not, it is refused here, once. */
  accepts(message: Message): boolean {
    const type = message.header.msg_type;
    if (Object.hasOwn(this.table.requests, type) || Object.hasOwn(this.table.notifications, type)) return true;
    this.report.rejected("unknown msg_type", printable(type));
    return false;
  }

  /** Checks, runs and answers a message `accepts` took; what its handler throws becomes its error reply. */
  async handle(message: Message): Promise<void> {
    const type = message.header.msg_type as R | N;
    const checked = normalize(message, type);
    try {
      assertContent(checked, type);
    } catch (error) {
      // Counted and logged as a refusal; a request still gets its (error) reply, so that no client waits forever.
      const problem = `${type}: ${(error as ContentError).message}`;
      this.report.rejected("invalid content", problem);
      if (this.#isRequest(checked)) await this.#replyError(checked, "InvalidRequest", problem);
      return;
    }
    this.report.accepted(type);
    try {
      if (this.#isRequest(checked)) await this.#run(checked);
      else this.#notify(checked as IncomingMessage<N>);
    } catch (error) {
      this.report.log(`${type} failed: ${(error as Error)?.stack ?? String(error)}`);
      if (this.#isRequest(checked)) await this.#replyError(checked, (error as Error)?.name ?? "Error", (error as Error)?.message ?? String(error));
    }
  }

  async #run(request: IncomingMessage<R>): Promise<void> {
    const handler: Handler<R> = this.table.requests[request.header.msg_type];
    const reply = await handler(request);
    await this.send(request, reply);
  }

  #notify(message: IncomingMessage<N>): void {
    const notification: Notification<N> = this.table.notifications[message.header.msg_type];
    notification(message);
  }

  async #replyError(request: IncomingMessage<R>, ename: string, evalue: string): Promise<void> {
    await this.send(request, { status: "error", ename, evalue, traceback: [], ...this.errorFields(request.header.msg_type) });
  }

  #isRequest(message: Message<string, unknown>): message is IncomingMessage<R> {
    return Object.hasOwn(this.table.requests, message.header.msg_type);
  }
}
