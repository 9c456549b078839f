import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { PROTOCOL_VERSION, type Header, type Message } from "./messages.js";

const DELIMITER = "<IDS|MSG>";

/** Why a multipart message was refused (logged once, never passed on). */
export class WireError extends Error {}

/**
 * Signing and parsing of the wire format: identities, `<IDS|MSG>`, the HMAC
 * of the four JSON frames, the frames, then buffers. Signatures are compared
 * in constant time, and a signature seen before is refused (a replayed
 * message), as ipykernel's digest history does. An empty key means no signing.
 */
export class Wire {
  readonly #algorithm: string | undefined;
  readonly #seen = new Set<string>();
  readonly #seenOrder: string[] = [];
  static readonly HISTORY = 1 << 16;

  constructor(
    private readonly key: string,
    scheme = "hmac-sha256",
    readonly session = randomUUID(),
  ) {
    if (key !== "") {
      const match = /^hmac-(.+)$/.exec(scheme);
      if (match === null) throw new WireError(`unsupported signature_scheme "${scheme}"`);
      this.#algorithm = match[1]!;
      createHmac(this.#algorithm, "probe"); // throws early for an algorithm node does not have
    }
  }

  sign(frames: readonly (string | Buffer)[]): string {
    if (this.#algorithm === undefined) return "";
    const hmac = createHmac(this.#algorithm, this.key);
    for (const frame of frames) hmac.update(frame);
    return hmac.digest("hex");
  }

  /** Parses and verifies a received multipart message. */
  parse(frames: readonly Buffer[]): Message {
    const at = frames.findIndex((frame) => frame.length === DELIMITER.length && frame.toString() === DELIMITER);
    if (at < 0) throw new WireError("no <IDS|MSG> delimiter");
    if (frames.length < at + 6) throw new WireError(`${frames.length - at - 1} frames after the delimiter, 5 needed`);
    const [signature, header, parent, metadata, content] = frames.slice(at + 1, at + 6) as [Buffer, Buffer, Buffer, Buffer, Buffer];
    if (this.#algorithm !== undefined) {
      const expected = Buffer.from(this.sign([header, parent, metadata, content]));
      if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) throw new WireError("bad signature");
      const text = signature.toString();
      if (this.#seen.has(text)) throw new WireError("replayed signature");
      this.#remember(text);
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
    if (typeof h.msg_type !== "string" || typeof h.msg_id !== "string") throw new WireError("header without msg_type or msg_id");
    return parsed as unknown as Message;
  }

  /** The frames of a message to send. */
  serialize(message: Message): Buffer[] {
    const parts = [message.header, message.parent_header, message.metadata, message.content].map((part) => Buffer.from(JSON.stringify(part)));
    return [...message.identities, Buffer.from(DELIMITER), Buffer.from(this.sign(parts)), ...parts, ...message.buffers];
  }

  header<T extends string>(msgType: T): Header<T> {
    return { msg_id: randomUUID(), session: this.session, username: "greenlet-ts", date: new Date().toISOString(), msg_type: msgType, version: PROTOCOL_VERSION };
  }

  #remember(signature: string): void {
    this.#seen.add(signature);
    this.#seenOrder.push(signature);
    if (this.#seenOrder.length > Wire.HISTORY) this.#seen.delete(this.#seenOrder.shift()!);
  }
}

function json(frame: Buffer, name: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(frame.toString("utf8"));
  } catch {
    throw new WireError(`${name} is not JSON`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new WireError(`${name} is not a JSON object`);
  return value as Record<string, unknown>;
}
