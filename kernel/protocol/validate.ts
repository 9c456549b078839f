/**
 * The content of a signed request checked against its type before any
 * handler sees it: what the types in messages.ts promise is true at run
 * time. A message may come from any client that has the key, and a field of
 * the wrong type would otherwise reach the engine (code: 42) or the history
 * (n: "all").
 */
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

/** Per message type: field → [check, required]. */
const SCHEMAS: Record<string, Record<string, [Check, boolean]>> = {
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
  comm_open: { comm_id: [string, true], target_name: [string, true] },
  comm_msg: { comm_id: [string, true] },
  comm_close: { comm_id: [string, true] },
  input_reply: { value: [string, true] },
};

/** Is `msgType` one this kernel has a schema (and so a handler) for? */
export function isKnownType(msgType: string): boolean {
  return Object.hasOwn(SCHEMAS, msgType);
}

/**
 * What is wrong with a message's content, or undefined if nothing is.
 * Unknown fields are allowed, as the protocol says; an optional field that is
 * null is removed, so that the handlers' defaults apply to it.
 */
export function contentProblem(msgType: string, content: Record<string, unknown>): string | undefined {
  if (!isKnownType(msgType)) return `no schema for ${msgType}`;
  for (const [field, [check, required]] of Object.entries(SCHEMAS[msgType]!)) {
    const value = content[field];
    // null stands for "not given" (clients written in Python send None for optional fields).
    if (value === undefined || value === null) {
      if (required) return `content.${field} is missing`;
      delete content[field];
      continue;
    }
    if (!check(value)) return `content.${field} has the wrong type`;
  }
  if (msgType === "complete_request" || msgType === "inspect_request") {
    const cursor = content.cursor_pos as number;
    if (cursor < 0 || cursor > [...(content.code as string)].length) return "content.cursor_pos is outside the code";
  }
  return undefined;
}
