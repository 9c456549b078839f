import {
  REPLY_TO,
  type ErrorReply,
  type Header,
  type IOPubMessages,
  type Message,
  type Outgoing,
  type ReplyOf,
  type Requests,
  type StdinRequests,
} from "./messages.js";
import type { Frame, Wire } from "./wire.js";

/** A message built and signed, with the msg_id a reply to it will name as its parent. */
export interface Built {
  msgId: string;
  frames: Frame[];
}

/**
 * Every message the kernel sends, and the requests our client sends, built
 * here: the main thread (shell, IOPub, stdin), the control thread and
 * kernel/client/ each hold one over their own Wire. Typed by channel: a
 * reply's type comes from REPLY_TO, an IOPub message's content from its type.
 */
export class MessageFactory {
  constructor(readonly wire: Wire) {}

  /** The reply to `request`, to its sender on its channel. */
  reply<K extends keyof Requests>(request: Message<K, unknown>, content: ReplyOf<K> | ErrorReply): Frame[] {
    return this.#build(request.identities, REPLY_TO[request.header.msg_type], request.header, content).frames;
  }

  /** An IOPub message; its topic (the first frame) is its type unless given. */
  iopub<K extends keyof IOPubMessages>(parent: Partial<Header>, msgType: K, content: IOPubMessages[K], topic: Buffer = Buffer.from(msgType)): Frame[] {
    return this.#build([topic], msgType, parent, content).frames;
  }

  /** input_request on stdin, to the client that sent `request`; its input_reply names the msgId as parent. */
  inputRequest(request: Message<string, unknown>, content: StdinRequests["input_request"]): Built {
    return this.#build(request.identities, "input_request", request.header, content);
  }

  /** A client's request (on a DEALER socket: no identities, no parent). */
  request<K extends keyof Requests>(msgType: K, content: Requests[K]): Built {
    return this.#build([], msgType, {}, content);
  }

  #build<K extends keyof Outgoing | keyof Requests>(identities: Buffer[], msgType: K, parent: Partial<Header>, content: unknown): Built {
    const header = this.wire.header(msgType);
    const frames = this.wire.serialize({ identities, header, parent_header: parent, metadata: {}, content, buffers: [] });
    return { msgId: header.msg_id, frames };
  }
}
