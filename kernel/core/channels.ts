import type { ErrorReply, Header, IOPubMessages, Message, ReplyOf, ShellRequests } from "../protocol/messages.js";

/**
 * What the shell's core needs of the transport: replies on shell, broadcasts
 * on IOPub, input on stdin. transport/main-channels.ts is the one over
 * ZeroMQ; the in-process tests use a fake that records what is sent.
 */
export interface Channels {
  reply<K extends keyof ShellRequests>(request: Message<K, unknown>, content: ReplyOf<K> | ErrorReply): void;
  publish<K extends keyof IOPubMessages>(parent: Partial<Header>, msgType: K, content: IOPubMessages[K]): void;
  /** Sends input_request on stdin to the client that sent `request`; resolves with its input_reply's value. */
  input(request: Message<"execute_request", unknown>, prompt: string, password: boolean): Promise<string>;
  /** The request's cell has finished: input() calls of it still waiting (an interrupt) wait no more. */
  endInput(request: Message<"execute_request", unknown>): void;
  /** Resolves once everything published so far has been handed to ZeroMQ. */
  flushed(): Promise<void>;
}
