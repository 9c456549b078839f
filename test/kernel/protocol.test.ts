import * as zmq from "zeromq";
import { KernelClient, type Msg } from "../helpers/kernel-client.js";

// Protocol-level tests with our own zeromq client against the kernel process.
describe("the kernel's protocol", () => {
  let client: KernelClient;
  beforeAll(async () => {
    client = new KernelClient();
    await client.start();
  }, 60000);
  afterAll(() => client.close());

  test("busy first and idle last around every request, execute_input, exact reply fields", async () => {
    const { reply, iopub } = await client.execute("40 + 2");
    expect(reply.header.msg_type).toBe("execute_reply");
    expect(Object.keys(reply.content).sort()).toEqual(["execution_count", "payload", "status", "user_expressions"]);
    const types = iopub.map((m) => (m.header.msg_type === "status" ? `status:${m.content.execution_state}` : m.header.msg_type));
    expect(types).toEqual(["status:busy", "execute_input", "execute_result", "status:idle"]);
    for (const m of [reply, ...iopub]) expect(m.header.version).toBe("5.3");
    const info = await client.request("kernel_info_request", {});
    expect(info.content.language_info.name).toBe("typescript");
    // A string: clients on the Rust jupyter-protocol crate read only a string or { name, version }.
    expect(info.content.language_info.codemirror_mode).toBe("typescript");
    const onControl = await client.request("kernel_info_request", {}, "control");
    expect(onControl.content).toEqual(info.content);
    const completion = await client.request("complete_request", { code: "'é' + getcur", cursor_pos: 12 });
    expect(completion.content).toMatchObject({ status: "ok", matches: ["getcurrent"], cursor_start: 6, cursor_end: 12 });
    const inspection = await client.request("inspect_request", { code: "getcurrent", cursor_pos: 3, detail_level: 0 });
    expect(inspection.content.found).toBe(true);
    expect(inspection.content.data["text/plain"]).toContain("const getcurrent: () => Greenlet");
    const incomplete = await client.request("is_complete_request", { code: "if (x) {" });
    expect(incomplete.content).toEqual({ status: "incomplete", indent: "  " });
    // No further line can repair these: a console shows the error instead of waiting for more.
    for (const code of ["let 1x = 3;", "const = 7q"]) expect((await client.request("is_complete_request", { code })).content).toEqual({ status: "invalid" });
    expect((await client.request("is_complete_request", { code: "if (x)" })).content).toEqual({ status: "incomplete", indent: "" });
    const history = await client.request("history_request", { hist_access_type: "tail", n: 1, output: true, raw: true });
    expect(history.content.history).toEqual([[1, 1, ["40 + 2", "42"]]]);
  });

  test("forged and replayed messages are dropped; valid ones interleaved are answered", async () => {
    const forged = client.frames("execute_request", { code: "globalThis.forged = true" });
    forged.frames[1] = "0".repeat(64);
    await client.sendRaw(forged.frames);
    await client.sendRaw(["no delimiter here"]);
    await client.sendRaw(["<IDS|MSG>", client.sign(["{", "{}", "{}", "{}"]), "{", "{}", "{}", "{}"]);
    const valid = client.frames("execute_request", { code: "'valid'" });
    await client.sendRaw(valid.frames);
    await client.sendRaw(valid.frames); // the same signature again: a replay
    const iopub = await client.iopubFor(valid.id);
    expect(iopub.find((m) => m.header.msg_type === "execute_result")!.content.data["text/plain"]).toBe("'valid'");
    const check = await client.execute("typeof (globalThis as any).forged");
    expect(check.iopub.find((m) => m.header.msg_type === "execute_result")!.content.data["text/plain"]).toBe("'undefined'");
    expect(client.replies.filter((m) => m.parent_header.msg_id === valid.id)).toHaveLength(1);
    expect(client.stderr).toContain("bad signature");
    expect(client.stderr).toContain("replayed signature");
    expect(client.stderr).not.toContain(client.key);
  });

  test("10,000 printed lines arrive complete and in order", async () => {
    const { iopub } = await client.execute("for (let i = 0; i < 10000; i++) console.log(`line ${i}`)");
    const text = iopub.filter((m) => m.header.msg_type === "stream").map((m) => m.content.text).join("");
    const lines = text.split("\n").filter(Boolean);
    expect(lines).toHaveLength(10000);
    expect(lines.every((line, i) => line === `line ${i}`)).toBe(true);
  });

  test("_ and _error in cells; silent requests and user_expressions leave them alone", async () => {
    const result = (iopub: Msg[]): unknown => iopub.find((m) => m.header.msg_type === "execute_result")?.content.data["text/plain"];
    await client.execute("6 * 7");
    expect(result((await client.execute("_ + 0")).iopub)).toBe("42");
    await client.execute("'from a silent request'", { silent: true });
    const withExpressions = await client.execute("undefined", { user_expressions: { probe: "'from user_expressions'" } });
    expect(withExpressions.reply.content.user_expressions.probe.data["text/plain"]).toBe("'from user_expressions'");
    expect(result((await client.execute("_")).iopub)).toBe("42");
    await client.execute("throw new Error('kernel error')", { stop_on_error: false });
    expect(result((await client.execute("(_error as Error).message")).iopub)).toBe("'kernel error'");
  });

  test("display() of a value whose display method is async: its display_data comes in order, before the reply", async () => {
    const widget = "{ async [Symbol.for('Jupyter.display')]() { await new Promise((r) => setTimeout(r, 50)); return { 'text/html': '<b>widget</b>' } } }";
    const { reply, iopub } = await client.execute(`const widget = ${widget}; console.log('before'); display(widget); console.log('after')`);
    expect(reply.content.status).toBe("ok");
    const outputs = iopub.filter((m) => ["stream", "display_data"].includes(m.header.msg_type));
    expect(outputs.map((m) => m.content.text ?? m.content.data["text/html"])).toEqual(["before\n", "<b>widget</b>", "after\n"]);
    const result = await client.execute("widget");
    expect(result.iopub.find((m) => m.header.msg_type === "execute_result")!.content.data["text/html"]).toBe("<b>widget</b>");
  });

  test("the heartbeat and interrupt_request on control work while a cell spins; state survives", async () => {
    await client.execute("let survivor = 'kept'");
    for (const loop of ["while (true) {}", "await (async () => { await null; while (true) {} })()", "const spin = greenlet(async () => { await getcurrent().parent!.switch(); while (true) {} }); await spin.switch(); await spin.switch()"]) {
      const running = client.execute(loop);
      await new Promise((r) => setTimeout(r, 300));
      await client.hb.send("ping");
      const [echo] = await client.hb.receive();
      expect(echo!.toString()).toBe("ping");
      const interrupt = await client.request("interrupt_request", {}, "control");
      expect(interrupt.content).toEqual({ status: "ok" });
      const { reply } = await running;
      expect(reply.content).toMatchObject({ status: "error", ename: "Interrupted" });
    }
    const after = await client.execute("survivor");
    expect(after.iopub.find((m) => m.header.msg_type === "execute_result")!.content.data["text/plain"]).toBe("'kept'");
  });

  test("stop_on_error aborts the execute requests queued behind a failed cell", async () => {
    const failing = client.execute("await new Promise((r) => setTimeout(r, 200)); throw new Error('stop')");
    const queued = client.execute("'never runs'");
    expect((await failing).reply.content.status).toBe("error");
    const { reply, iopub } = await queued;
    expect(reply.content.status).toBe("aborted");
    expect(iopub.some((m) => m.header.msg_type === "execute_result")).toBe(false);
  });
});

describe("execution counts", () => {
  // ipykernel 6.17 gives, for this very sequence (measured with jupyter_client 7.4.9): replies
  // 0, 0, 1, 2, 2, 2, 3, 3 and execute_input/execute_result 1, 1, 2, 3, 3.
  test("silent and store_history false do not count; their reply carries the number of the last stored cell", async () => {
    const client = new KernelClient();
    await client.start();
    try {
      // As jupyter_client sends them: execute(silent=True) keeps store_history=True, which silent overrides.
      const silent = { silent: true, store_history: true };
      const unstored = { store_history: false };
      const counts = async (code: string, extra: Record<string, unknown> = {}): Promise<[number, Array<[string, number]>]> => {
        const { reply, iopub } = await client.execute(code, extra);
        const numbered = iopub.filter((m: Msg) => m.content.execution_count !== undefined).map((m: Msg): [string, number] => [m.header.msg_type, m.content.execution_count]);
        return [reply.content.execution_count, numbered];
      };
      expect(await counts("'silent first'", silent)).toEqual([0, []]);
      expect(await counts("'unstored first'", unstored)).toEqual([0, [["execute_input", 1], ["execute_result", 1]]]);
      expect(await counts("'one'")).toEqual([1, [["execute_input", 1], ["execute_result", 1]]]);
      expect(await counts("'two'")).toEqual([2, [["execute_input", 2], ["execute_result", 2]]]);
      expect(await counts("'silent'", silent)).toEqual([2, []]);
      expect(await counts("'unstored'", unstored)).toEqual([2, [["execute_input", 3], ["execute_result", 3]]]);
      expect(await counts("'three'")).toEqual([3, [["execute_input", 3], ["execute_result", 3]]]);
      const failed = await client.execute("null.x", silent);
      expect(failed.reply.content).toMatchObject({ status: "error", execution_count: 3 });
      const history = await client.request("history_request", { hist_access_type: "tail", n: 10, output: false, raw: true });
      expect(history.content.history.map((h: [number, number, string]) => [h[1], h[2]])).toEqual([
        [1, "'one'"],
        [2, "'two'"],
        [3, "'three'"],
      ]);
    } finally {
      await client.close();
    }
  });
});

describe("the IOPub welcome (JEP 65)", () => {
  let client: KernelClient;
  beforeAll(async () => {
    client = new KernelClient();
    await client.start();
  }, 60000);
  afterAll(() => client.close());

  /** Subscribes a new SUB socket to `topic` and resolves with the first message it gets (frames and JSON parts), or undefined. */
  async function firstMessage(topic: string | Buffer, timeoutMs: number): Promise<{ frames: Buffer[]; msg: Msg } | undefined> {
    const sub = new zmq.Subscriber({ receiveTimeout: timeoutMs });
    sub.connect(`tcp://127.0.0.1:${client.ports.iopub_port}`);
    sub.subscribe(topic);
    try {
      const frames = await sub.receive();
      const at = frames.findIndex((f) => f.toString() === "<IDS|MSG>");
      const [signature, header, parent, metadata, content] = frames.slice(at + 1, at + 6).map((f) => f.toString());
      expect(signature).toBe(client.sign([header!, parent!, metadata!, content!]));
      return { frames, msg: { header: JSON.parse(header!), parent_header: JSON.parse(parent!), metadata: JSON.parse(metadata!), content: JSON.parse(content!) } };
    } catch (error) {
      if ((error as { code?: string }).code === "EAGAIN") return undefined;
      throw error;
    } finally {
      sub.close();
    }
  }

  const welcomes = (): Msg[] => client.iopubMessages.filter((m) => m.header.msg_type === "iopub_welcome");

  test("a new subscriber's first message is iopub_welcome: its subscription, as topic and content, and no parent", async () => {
    // Our own client got one when it connected.
    expect(welcomes().length).toBeGreaterThanOrEqual(1);
    const all = await firstMessage("", 5000);
    expect(all!.frames[0]!.length).toBe(0);
    expect(all!.msg).toMatchObject({ header: { msg_type: "iopub_welcome", version: "5.3" }, parent_header: {}, metadata: {}, content: { subscription: "" } });
    const topical = await firstMessage("kernel.topic.", 5000);
    expect(topical!.frames[0]!.toString()).toBe("kernel.topic.");
    expect(topical!.msg.content).toEqual({ subscription: "kernel.topic." });
  });

  test("other subscribers see each welcome too and ignore it; a subscription that is not UTF-8 gets none", async () => {
    // The welcomes of earlier subscribers have all arrived: none comes for 300 ms.
    for (let seen = -1; seen !== welcomes().length; ) {
      seen = welcomes().length;
      await new Promise((r) => setTimeout(r, 300));
    }
    const before = welcomes().length;
    await firstMessage("", 5000);
    for (let i = 0; i < 100 && welcomes().length === before; i++) await new Promise((r) => setTimeout(r, 10));
    expect(welcomes().length).toBe(before + 1);
    expect(await firstMessage(Buffer.from([0xff, 0xfe]), 500)).toBeUndefined();
    expect(welcomes().length).toBe(before + 1);
    // Requests go on as before.
    const { reply } = await client.execute("1 + 1");
    expect(reply.content.status).toBe("ok");
  });

  test("a flood of subscriptions is not a flood of welcomes: at most 100 at once, then 50 a second", async () => {
    // Anyone who reaches the port may subscribe, without the key; an XSUB socket can send subscriptions in a loop.
    const flood = new zmq.XSubscriber();
    flood.connect(`tcp://127.0.0.1:${client.ports.iopub_port}`);
    const before = welcomes().length;
    const started = Date.now();
    try {
      for (let i = 0; i < 5000; i++) await flood.send(Buffer.from([1]));
      const { reply } = await client.execute("'answered'");
      expect(reply.content.status).toBe("ok");
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      flood.close();
    }
    const seconds = (Date.now() - started) / 1000;
    const got = welcomes().length - before;
    expect(got).toBeGreaterThan(0);
    expect(got).toBeLessThanOrEqual(100 + Math.ceil(50 * seconds) + 1);
  });
});

describe("comms", () => {
  let client: KernelClient;
  beforeAll(async () => {
    client = new KernelClient();
    await client.start();
  }, 60000);
  afterAll(() => client.close());

  test("a widget-style round trip: the frontend opens a comm on a target a cell registered, messages go both ways, comm_info lists it", async () => {
    await client.execute("registerCommTarget('counter', (comm, open) => { let count = open.data.start; comm.onMsg = (msg) => { count += msg.data.add; comm.send({ count }); }; comm.onClose = () => console.log('closed at', count); })");
    const open = client.frames("comm_open", { comm_id: "c1", target_name: "counter", data: { start: 10 } });
    await client.sendRaw(open.frames);
    await client.iopubFor(open.id);
    const message = client.frames("comm_msg", { comm_id: "c1", data: { add: 5 } });
    await client.sendRaw(message.frames);
    const fromKernel = (await client.iopubFor(message.id)).find((m) => m.header.msg_type === "comm_msg")!;
    expect(fromKernel.content).toEqual({ comm_id: "c1", data: { count: 15 } });
    const info = await client.request("comm_info_request", { target_name: "counter" });
    expect(info.content).toEqual({ status: "ok", comms: { c1: { target_name: "counter" } } });
    const close = client.frames("comm_close", { comm_id: "c1", data: {} });
    await client.sendRaw(close.frames);
    await client.iopubFor(close.id);
    expect((await client.request("comm_info_request", {})).content.comms).toEqual({});
  });

  test("a cell opens a comm; a comm_open for an unknown target is closed at once", async () => {
    const { iopub } = await client.execute("const c = openComm('frontend.target', { hello: 1 }); c.send({ more: 2 }); c.close(); c.commId.length");
    const kinds = iopub.filter((m) => m.header.msg_type.startsWith("comm_")).map((m) => [m.header.msg_type, m.content.target_name ?? null, m.content.data]);
    expect(kinds).toEqual([
      ["comm_open", "frontend.target", { hello: 1 }],
      ["comm_msg", null, { more: 2 }],
      ["comm_close", null, {}],
    ]);
    const unknown = client.frames("comm_open", { comm_id: "c2", target_name: "nobody", data: {} });
    await client.sendRaw(unknown.frames);
    const reply = (await client.iopubFor(unknown.id)).find((m) => m.header.msg_type === "comm_close");
    expect(reply?.content.comm_id).toBe("c2");
  });
});

describe("shutdown", () => {
  test("shutdown_request on control: the reply comes, then the process exits with status 0", async () => {
    const client = new KernelClient();
    await client.start();
    const exited = new Promise<number | null>((resolve) => client.kernel.on("exit", (code) => resolve(code)));
    const reply = await client.request("shutdown_request", { restart: false }, "control");
    expect(reply.content).toEqual({ status: "ok", restart: false });
    expect(await exited).toBe(0);
    await client.close();
  });
});

describe("signals and restarts", () => {
  test("SIGINT sent to the kernel process interrupts a spinning cell, as interrupt_mode signal would", async () => {
    const client = new KernelClient();
    await client.start();
    try {
      // A first cell loads the engine and its SIGINT guard: a signal before them would end the process (node's default).
      await client.execute("1 + 1");
      const running = client.execute("while (true) {}");
      await new Promise((r) => setTimeout(r, 300));
      client.kernel.kill("SIGINT");
      expect((await running).reply.content).toMatchObject({ status: "error", ename: "Interrupted" });
      const after = await client.execute("1 + 1");
      expect(after.reply.content.status).toBe("ok");
    } finally {
      await client.close();
    }
  });

  test("history is kept across kernel restarts, in the Jupyter data directory", async () => {
    const { mkdtempSync } = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-history-"));
    const first = new KernelClient(dataDir);
    await first.start();
    await first.execute("const fromFirstRun = 1");
    await first.close();
    const second = new KernelClient(dataDir);
    await second.start();
    try {
      await second.execute("'second run'");
      const tail = await second.request("history_request", { hist_access_type: "tail", n: 2, output: false, raw: true });
      expect(tail.content.history.map((h: [number, number, string]) => h[2])).toEqual(["const fromFirstRun = 1", "'second run'"]);
      const previous = await second.request("history_request", { hist_access_type: "range", session: -1, start: 1, stop: 10, output: false, raw: true });
      expect(previous.content.history).toEqual([[1, 1, "const fromFirstRun = 1"]]);
      const search = await second.request("history_request", { hist_access_type: "search", pattern: "*second*", output: false, raw: true });
      expect(search.content.history.map((h: [number, number, string]) => h[2])).toEqual(["'second run'"]);
    } finally {
      await second.close();
    }
  });
});
