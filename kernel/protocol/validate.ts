/**
 * The content of a signed message checked against its type before any
 * handler sees it: what the types in messages.ts promise is true at run
 * time. A message may come from any client that has the key, and a field of
 * the wrong type would otherwise reach the engine (code: 42) or the history
 * (n: "all").
 *
 * Normalising and checking are two steps: `normalize` returns the content
 * without the optional fields a client sent as null, `assertContent` checks
 * it and narrows the message to its type, or throws ContentError (as
 * @jupyterlab/services' validateMessage throws).
 */
import type { Incoming, IncomingMessage, Message } from "./messages.js";
import { printable } from "./wire.js";

type Check = (value: unknown) => boolean;

const string: Check = (v) => typeof v === "string";
const boolean: Check = (v) => typeof v === "boolean";
const integer: Check = (v) => Number.isSafeInteger(v);
const object: Check = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const stringMap: Check = (v) => object(v) && Object.values(v as object).every(string);
const oneOf =
  (...values: unknown[]): Check =>
  (v) =>
    values.includes(v);

/** Field → [check, required]: one schema for each type the kernel takes, no more and no less. */
type Schema<C> = { [F in keyof C]-?: [Check, boolean] };

const SCHEMAS: { [K in keyof Incoming]: Schema<Incoming[K]> } = {
  kernel_info_request: {},
  interrupt_request: {},
  execute_request: {
    code: [string, true],
    silent: [boolean, false],
    store_history: [boolean, false],
    user_expressions: [stringMap, false],
    allow_stdin: [boolean, false],
    stop_on_error: [boolean, false],
  },
  complete_request: { code: [string, true], cursor_pos: [integer, true] },
  inspect_request: { code: [string, true], cursor_pos: [integer, true], detail_level: [oneOf(0, 1), false] },
  is_complete_request: { code: [string, true] },
  history_request: {
    hist_access_type: [oneOf("range", "tail", "search"), true],
    output: [boolean, false],
    raw: [boolean, false],
    session: [integer, false],
    start: [integer, false],
    stop: [integer, false],
    n: [integer, false],
    pattern: [string, false],
    unique: [boolean, false],
  },
  comm_info_request: { target_name: [string, false] },
  shutdown_request: { restart: [boolean, false] },
  debug_request: { type: [oneOf("request"), true], seq: [integer, true], command: [string, true], arguments: [object, false] },
  comm_open: { comm_id: [string, true], target_name: [string, true], data: [() => true, false] },
  comm_msg: { comm_id: [string, true], data: [() => true, false] },
  comm_close: { comm_id: [string, true], data: [() => true, false] },
  input_reply: { value: [string, true] },
};

/** A message whose content does not match its type; `message` says which field. */
export class ContentError extends Error {}
ContentError.prototype.name = "ContentError";

/**
 * The content without the fields of the schema that are null: null stands
 * for "not given" (clients written in Python send None for optional fields),
 * so that the handlers' defaults apply. A new object; the message is not changed.
 */
export function normalize<M extends Message>(message: M, msgType: keyof Incoming): M {
  const content = { ...message.content };
  for (const field of Object.keys(SCHEMAS[msgType])) if (content[field] === null) delete content[field];
  return { ...message, content };
}

/** What is wrong with `content` for `msgType`, or undefined if nothing is. Unknown fields are allowed, as the protocol says. */
function contentProblem(msgType: keyof Incoming, content: Record<string, unknown>): string | undefined {
  for (const [field, [check, required]] of Object.entries(SCHEMAS[msgType]) as Array<[string, [Check, boolean]]>) {
    const value = content[field];
    if (value === undefined || value === null) {
      if (required) return `content.${field} is missing`;
    } else if (!check(value)) {
      return `content.${field} has the wrong type`;
    }
  }
  if (msgType === "complete_request" || msgType === "inspect_request") {
    const cursor = content.cursor_pos as number;
    if (cursor < 0 || cursor > [...(content.code as string)].length) return "content.cursor_pos is outside the code";
  }
  return undefined;
}

/** Narrows `message` to `msgType`'s content, or throws ContentError saying what is wrong with it. */
export function assertContent<K extends keyof Incoming>(message: Message, msgType: K): asserts message is IncomingMessage<K> {
  if (message.header.msg_type !== msgType) throw new ContentError(`${printable(message.header.msg_type)} is not ${msgType}`);
  const problem = contentProblem(msgType, message.content);
  if (problem !== undefined) throw new ContentError(problem);
}
