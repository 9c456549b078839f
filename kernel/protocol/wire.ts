import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { PROTOCOL_VERSION, type Header, type Message } from "./messages.js";
import { ReplayGuard } from "./replay.js";

const DELIMITER = "<IDS|MSG>";

/** Why a message was refused: the kernel counts refusals by these. */
export type RejectReason =
  | "no delimiter"
  | "too few frames"
  | "too large"
  | "bad signature"
  | "replayed signature"
  | "not JSON"
  | "not a JSON object"
  | "bad header"
  | "unknown msg_type"
  | "invalid content"
  | "no input waiting";

/** Why a multipart message was refused (logged once, never passed on). */
/** A frame of an outgoing message: text, or binary (routing identities, a message's buffers). */
export type Frame = Buffer | string;

export class WireError extends Error {
  constructor(
    readonly reason: RejectReason,
    readonly detail?: string,
  ) {
    super(detail === undefined ? reason : `${reason}: ${detail}`);
  }
}

export interface ParseOptions {
  /** Refuse, before verifying or decoding, when the four JSON frames together are larger. */
  maxJsonBytes?: number;
}

/**
 * Signing and parsing of the wire format: identities, `<IDS|MSG>`, the HMAC
 * of the four JSON frames, the frames, then buffers. Cheap checks come first
 * (a 64 MB frame of garbage costs a length comparison), signatures are
 * compared in constant time, and a signature seen before on any channel is
 * refused (a replayed message). An empty key means no signing, and then no
 * replay check either.
 */
export class Wire {
  readonly #algorithm: string | undefined;
  /** Length of a signature in hex. */
  readonly #signatureLength: number = 0;
  readonly replay: ReplayGuard;

  constructor(
    private readonly key: string,
    scheme = "hmac-sha256",
    readonly session: string = randomUUID(),
    replay?: ReplayGuard,
  ) {
    this.replay = replay ?? new ReplayGuard();
    if (key !== "") {
      const match = /^hmac-(.+)$/.exec(scheme);
      if (match === null) throw new Error(`unsupported signature_scheme "${scheme}"`);
      this.#algorithm = match[1]!;
      // Throws early for an algorithm node does not have.
      this.#signatureLength = createHmac(this.#algorithm, "probe").digest().length * 2;
    }
  }

  sign(frames: readonly (string | Buffer)[]): string {
    return this.#algorithm === undefined ? "" : this.#digest(frames).toString("hex");
  }

  #digest(frames: readonly (string | Buffer)[]): Buffer {
    const hmac = createHmac(this.#algorithm!, this.key);
    for (const frame of frames) hmac.update(frame);
    return hmac.digest();
  }

  /** Parses and verifies a received multipart message; throws WireError with the reason. */
  parse(frames: readonly Buffer[], options: ParseOptions = {}): Message {
    const at = frames.findIndex((frame) => frame.length === DELIMITER.length && frame.toString("latin1") === DELIMITER);
    if (at < 0) throw new WireError("no delimiter");
    if (frames.length < at + 6) throw new WireError("too few frames", `${frames.length - at - 1} after the delimiter, 5 needed`);
    const [signature, header, parent, metadata, content] = frames.slice(at + 1, at + 6) as [Buffer, Buffer, Buffer, Buffer, Buffer];
    const size = header.length + parent.length + metadata.length + content.length;
    if (options.maxJsonBytes !== undefined && size > options.maxJsonBytes) throw new WireError("too large", `${size} bytes of JSON, at most ${options.maxJsonBytes}`);
    if (this.#algorithm !== undefined) {
      // A signature of the wrong length is refused before hashing what it claims to sign.
      if (signature.length !== this.#signatureLength) throw new WireError("bad signature");
      const expected = this.#digest([header, parent, metadata, content]);
      if (!timingSafeEqual(signature, Buffer.from(expected.toString("hex")))) throw new WireError("bad signature");
      if (!this.replay.record(expected)) throw new WireError("replayed signature");
    }
    const parsed = {
      identities: frames.slice(0, at),
      header: json(header, "header"),
      parent_header: json(parent, "parent_header"),
      metadata: json(metadata, "metadata"),
      content: json(content, "content"),
      buffers: frames.slice(at + 6),
    };
    const h = parsed.header as Partial<Header>;
    if (typeof h.msg_type !== "string" || typeof h.msg_id !== "string") throw new WireError("bad header", "no msg_type or msg_id string");
    return parsed as unknown as Message;
  }

  /** The frames of a message to send. */
  /**
   * The frames of a message, its JSON parts as strings. Why strings: zeromq
   * sends a Buffer of more than 128 bytes without copying it and, once sent,
   * hands it back to the JavaScript thread that sent it; a thread that has
   * ended by then (the control thread, after the last reply) is written to
   * after it is gone — a heap corruption seen at shutdown. A string is
   * copied into zeromq's own memory, which zeromq frees itself.
   */
  serialize(message: Message<string, unknown>): Frame[] {
    const parts = [message.header, message.parent_header, message.metadata, message.content].map((part) => JSON.stringify(part));
    return [...message.identities, DELIMITER, this.sign(parts), ...parts, ...message.buffers];
  }

  header<T extends string>(msgType: T): Header<T> {
    return { msg_id: randomUUID(), session: this.session, username: "greenlet-ts", date: new Date().toISOString(), msg_type: msgType, version: PROTOCOL_VERSION };
  }
}

function json(frame: Buffer, name: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(frame.toString("utf8"));
  } catch {
    throw new WireError("not JSON", name);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new WireError("not a JSON object", name);
  return value as Record<string, unknown>;
}

/** A value from a message, made safe to log: one line, at most 80 characters. */
export function printable(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
