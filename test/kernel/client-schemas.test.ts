import { readFileSync } from "node:fs";
import path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import { KernelClient, type Msg } from "../helpers/kernel-client.js";
import { ROOT } from "../helpers/node-script.js";

// Every message the kernel sends in a session, checked against what the
// stricter clients require, not only jupyter_client: the serde types of the
// Rust jupyter-protocol crate (runtimed, Zed's REPL, kernel-testbed), where
// one field of the wrong shape makes the whole message unreadable, and the
// checks @jupyterlab/services runs on every message. The rules are data, in
// test/kernel/schemas/, each with the source it was read from.

const SCHEMAS = ["jupyter-protocol-rs", "jupyterlab-services"] as const;
type SchemaSet = (typeof SCHEMAS)[number];

const ajv = new Ajv({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true });
const defs: Record<SchemaSet, Record<string, unknown>> = {} as never;
for (const name of SCHEMAS) {
  const schema = JSON.parse(readFileSync(path.join(ROOT, "test/kernel/schemas", `${name}.schema.json`), "utf8"));
  ajv.addSchema(schema);
  defs[name] = schema.$defs;
}
const validator = (set: SchemaSet, def: string): ValidateFunction | undefined => (Object.hasOwn(defs[set], def) ? ajv.getSchema(`${set}#/$defs/${def}`) : undefined);

type Channel = "shell" | "iopub";

/** What is wrong with `msg` for one client's rules: [] if nothing. */
function problems(set: SchemaSet, msg: Msg, channel: Channel): string[] {
  const type = msg.header.msg_type;
  const found: string[] = [];
  const check = (validate: ValidateFunction, value: unknown, what: string): void => {
    if (!validate(value)) for (const e of validate.errors ?? []) found.push(`${set} ${type} ${what}${e.instancePath} ${e.message} (${e.schemaPath})`);
  };
  // The JupyterLab client sees messages from the websocket, which adds the channel.
  check(validator(set, "message")!, set === "jupyterlab-services" ? { ...msg, channel } : msg, "message");
  // JupyterLab checks content on IOPub only; the Rust crate checks every type it knows.
  const content = set === "jupyterlab-services" && channel !== "iopub" ? undefined : validator(set, type);
  if (content !== undefined) check(content, msg.content, "content");
  return found;
}

describe("the kernel's messages under the Rust jupyter-protocol crate's and @jupyterlab/services' rules", () => {
  test("the rules reject what broke those clients: codemirror_mode as an object without version, a history output that is null", () => {
    const languageInfo = validator("jupyter-protocol-rs", "language_info")!;
    expect(languageInfo({ name: "typescript", version: "6.0", codemirror_mode: { name: "javascript", typescript: true } })).toBe(false);
    expect(languageInfo({ name: "typescript", version: "6.0", codemirror_mode: "typescript" })).toBe(true);
    expect(languageInfo({ name: "python", version: "3", codemirror_mode: { name: "ipython", version: 3 } })).toBe(true);
    const history = validator("jupyter-protocol-rs", "history_reply")!;
    expect(history({ status: "ok", history: [[1, 1, ["const z = 1", null]]] })).toBe(false);
    expect(history({ status: "ok", history: [[1, 1, ["const z = 1", ""]], [1, 2, "1"]] })).toBe(true);
    const status = validator("jupyterlab-services", "status")!;
    expect(status({ execution_state: "waiting" })).toBe(false);
  });

  test("every reply and IOPub message of a session passes both", async () => {
    const client = new KernelClient();
    await client.start();
    const sent: Array<[Msg, Channel]> = [];
    try {
      const run = async (code: string, extra: Record<string, unknown> = {}): Promise<void> => {
        await client.execute(code, extra);
      };
      await client.request("kernel_info_request", {}, "control");
      await run("console.log('out'); console.error('err'); 40 + 2");
      await run("null.x");
      await run("1", { silent: true });
      await run("null.y", { silent: true });
      await run("'unstored'", { store_history: false });
      await run("const z = 1");
      await run("display.html('<b>x</b>'); const h = display('0%', { id: 'p' }); h!.update('100%'); clearOutput(true); display.json({ a: 1 })");
      await run("const doubled = 21", { user_expressions: { ok: "doubled * 2", bad: "nope()" } });
      await run("const c = openComm('schema.target', { a: 1 }); c.send({ b: 2 }); c.close()");
      // An aborted reply: a request queued behind a failing cell.
      await Promise.all([run("await new Promise((r) => setTimeout(r, 100)); throw new Error('stop')"), run("'aborted'")]);
      // An error reply to a request whose content is refused.
      await client.request("complete_request", { code: "x", cursor_pos: 99 });
      await client.request("complete_request", { code: "getcur", cursor_pos: 6 });
      await client.request("inspect_request", { code: "getcurrent", cursor_pos: 3, detail_level: 0 });
      await client.request("inspect_request", { code: "nothingHere", cursor_pos: 3, detail_level: 0 });
      for (const code of ["1 + 1", "if (x) {", "let 1x = 3;"]) await client.request("is_complete_request", { code });
      await client.request("history_request", { hist_access_type: "tail", n: 10, output: true, raw: true });
      await client.request("history_request", { hist_access_type: "range", session: 0, start: 1, stop: 5, output: false, raw: true });
      await client.request("history_request", { hist_access_type: "search", pattern: "*z*", n: 5, output: true, raw: true });
      await client.request("comm_info_request", {});
      await client.request("interrupt_request", {}, "control");
      await client.request("shutdown_request", { restart: false }, "control");
      // The status messages of the last requests are on their way.
      await new Promise((r) => setTimeout(r, 300));
      sent.push(...client.replies.map((m): [Msg, Channel] => [m, "shell"]), ...client.iopubMessages.map((m): [Msg, Channel] => [m, "iopub"]));

      const types = new Set(sent.map(([m]) => m.header.msg_type));
      for (const [m] of sent) if (typeof m.content.status === "string" && m.content.status !== "ok") types.add(`${m.header.msg_type} ${m.content.status}`);
      const expected = [
        "kernel_info_reply", "execute_reply", "complete_reply", "inspect_reply", "is_complete_reply", "history_reply", "comm_info_reply", "interrupt_reply", "shutdown_reply",
        "status", "execute_input", "stream", "execute_result", "error", "display_data", "update_display_data", "clear_output", "comm_open", "comm_msg", "comm_close", "iopub_welcome",
        "execute_reply error", "execute_reply aborted", "complete_reply error",
      ];
      expect({
        // The session covers every type above,
        notSent: expected.filter((type) => !types.has(type)),
        // and sent no type the Rust crate has no type for (it would reach it untyped),
        untyped: [...types].filter((type) => !type.includes(" ") && validator("jupyter-protocol-rs", type) === undefined),
        problems: SCHEMAS.flatMap((set) => sent.flatMap(([msg, channel]) => problems(set, msg, channel))),
      }).toEqual({ notSent: [], untyped: [], problems: [] });
    } finally {
      await client.close();
    }
  }, 60000);
});
