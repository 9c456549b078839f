import { randomUUID } from "node:crypto";
import { ControlCore } from "../../dist/kernel/core/control.js";
import { kernelInfo } from "../../dist/kernel/core/kernel-info.js";
import { KernelStats } from "../../dist/kernel/core/stats.js";
import { MessageFactory } from "../../dist/kernel/protocol/factory.js";
import { REPLY_TO, type Message } from "../../dist/kernel/protocol/messages.js";
import { assertContent, ContentError, normalize } from "../../dist/kernel/protocol/validate.js";
import { Wire } from "../../dist/kernel/protocol/wire.js";

// The control channel's core, as the control thread runs it, with a fake
// host: the handlers, the dispatch model it shares with shell, and the
// message factory both threads send with.

function message(msgType: string, content: Record<string, unknown> = {}): Message {
  const header = { msg_id: randomUUID(), session: "test", username: "test", date: new Date().toISOString(), msg_type: msgType, version: "5.3" };
  return { identities: [Buffer.from("client")], header, parent_header: {}, metadata: {}, content, buffers: [] };
}

class ControlHarness {
  readonly replies: Array<{ type: string; parent: string; content: any }> = [];
  readonly logs: string[] = [];
  readonly stats = new KernelStats((line) => this.logs.push(line));
  interrupts = 0;
  shutdowns = 0;
  readonly debugRequests: unknown[] = [];
  #close!: () => void;
  readonly #closing = new Promise<void>((resolve) => (this.#close = resolve));
  readonly core = new ControlCore(
    {
      kernelInfo: kernelInfo(),
      interrupt: () => void this.interrupts++,
      shutdown: () => {
        this.shutdowns++;
        return this.#closing;
      },
      // The adapter needs V8's inspector of a main thread: here the host answers as a DAP adapter would.
      debug: async (request) => {
        this.debugRequests.push(request);
        return { type: "response", seq: 1, request_seq: request.seq, command: request.command, success: true, body: { echoed: request.arguments ?? {} } };
      },
    },
    this.stats.report("control"),
    (request, content) => void this.replies.push({ type: REPLY_TO[request.header.msg_type], parent: request.header.msg_id, content }),
  );

  send(msgType: string, content: Record<string, unknown> = {}): string {
    const m = message(msgType, content);
    this.core.receive(m);
    return m.header.msg_id;
  }

  replyTo(id: string): { type: string; content: any } | undefined {
    return this.replies.find((r) => r.parent === id);
  }

  /** The main thread closes the control thread: what waited for it is answered. */
  close(): Promise<void> {
    this.#close();
    return this.core.settled();
  }
}

describe("the control core", () => {
  test("kernel_info and interrupt are answered at once; the reply names come from REPLY_TO", async () => {
    const h = new ControlHarness();
    const info = h.send("kernel_info_request");
    const interrupt = h.send("interrupt_request");
    await h.core.settled();
    expect(h.replyTo(info)).toMatchObject({ type: "kernel_info_reply", content: { status: "ok", implementation: "greenlet-ts", debugger: true } });
    expect(h.replyTo(interrupt)).toEqual({ type: "interrupt_reply", parent: interrupt, content: { status: "ok" } });
    expect(h.interrupts).toBe(1);
    expect(h.stats.counters.accepted.control).toEqual({ kernel_info_request: 1, interrupt_request: 1 });
  });

  test("a debug_request reaches the debugger and its DAP response is the debug_reply; malformed DAP content is refused with an error reply", async () => {
    const h = new ControlHarness();
    const ok = h.send("debug_request", { type: "request", seq: 7, command: "debugInfo", arguments: { x: 1 } });
    const noSeq = h.send("debug_request", { type: "request", command: "debugInfo" });
    const notRequest = h.send("debug_request", { type: "event", seq: 8, command: "debugInfo" });
    const badArguments = h.send("debug_request", { type: "request", seq: 9, command: "next", arguments: [1] });
    await h.core.settled();
    expect(h.replyTo(ok)).toEqual({ type: "debug_reply", parent: ok, content: { type: "response", seq: 1, request_seq: 7, command: "debugInfo", success: true, body: { echoed: { x: 1 } } } });
    for (const [id, field] of [[noSeq, "seq"], [notRequest, "type"], [badArguments, "arguments"]] as const) {
      expect(h.replyTo(id)).toMatchObject({ type: "debug_reply", content: { status: "error", ename: "InvalidRequest" } });
      expect(h.replyTo(id)!.content.evalue).toContain(`content.${field}`);
    }
    expect(h.debugRequests).toHaveLength(1);
  });

  test("a shutdown_request waits for the main thread, and an interrupt_request is answered meanwhile", async () => {
    const h = new ControlHarness();
    const shutdown = h.send("shutdown_request", { restart: true });
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.shutdowns).toBe(1);
    expect(h.replyTo(shutdown)).toBeUndefined();
    const interrupt = h.send("interrupt_request");
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.replyTo(interrupt)?.content).toEqual({ status: "ok" });
    expect(h.replyTo(shutdown)).toBeUndefined();
    await h.close();
    expect(h.replyTo(shutdown)).toMatchObject({ type: "shutdown_reply", content: { status: "ok", restart: true } });
    expect(h.replies.map((r) => r.type)).toEqual(["interrupt_reply", "shutdown_reply"]);
  });

  test("shell requests and unknown types are refused with no reply; invalid content gets an error reply named by REPLY_TO", async () => {
    const h = new ControlHarness();
    const refused = ["execute_request", "comm_open", "debug_event", "constructor", "toString"].map((type) => h.send(type, { code: "1" }));
    const invalid = h.send("shutdown_request", { restart: "yes" });
    const nullRestart = h.send("shutdown_request", { restart: null });
    await h.close();
    for (const id of refused) expect(h.replyTo(id)).toBeUndefined();
    expect(h.replyTo(invalid)).toEqual({
      type: "shutdown_reply",
      parent: invalid,
      content: { status: "error", ename: "InvalidRequest", evalue: "shutdown_request: content.restart has the wrong type", traceback: [] },
    });
    expect(h.replyTo(nullRestart)?.content).toEqual({ status: "ok", restart: false });
    expect(h.stats.counters.rejected.control).toEqual({ "unknown msg_type": 5, "invalid content": 1 });
    expect(h.logs).toContain('control: rejected a message (unknown msg_type: "debug_event")');
    expect(h.interrupts).toBe(0);
  });
});

describe("the message factory and the validators", () => {
  const wire = new Wire("key", "hmac-sha256", "kernel-session");
  const factory = new MessageFactory(wire);
  // As they come out of a socket: every frame a Buffer (the factory gives its JSON parts as strings).
  const parse = (frames: Array<Buffer | string>): Message => new Wire("key", "hmac-sha256").parse(frames.map((frame) => Buffer.from(frame)));

  test("a reply goes to its request's sender, typed by REPLY_TO, signed, with the request as parent", () => {
    const request = message("is_complete_request", { code: "x" });
    const frames = factory.reply(request, { status: "complete" });
    expect(frames[0]).toEqual(Buffer.from("client"));
    const reply = parse(frames);
    expect(reply.header).toMatchObject({ msg_type: "is_complete_reply", session: "kernel-session", username: "greenlet-ts", version: "5.3" });
    expect(reply.parent_header).toEqual(request.header);
    expect(reply.content).toEqual({ status: "complete" });
    // Text, not Buffers: zeromq copies a string, while a Buffer of more than 128 bytes is handed back to the
    // sending thread later — after the control thread has ended, that wrote to freed memory (a heap corruption
    // at shutdown). The routing identities are Buffers of a few bytes, which zeromq copies.
    expect(frames.slice(1).map((frame) => typeof frame)).toEqual(Array(6).fill("string"));
  });

  test("IOPub messages carry their type as topic; input_request goes to the requester on stdin; a client's request has no identities", () => {
    const status = factory.iopub({ msg_id: "p" }, "status", { execution_state: "idle" });
    expect(status[0]!.toString()).toBe("status");
    expect(parse(status)).toMatchObject({ header: { msg_type: "status" }, parent_header: { msg_id: "p" }, content: { execution_state: "idle" } });
    const execute = message("execute_request", { code: "await input()" });
    const input = factory.inputRequest(execute, { prompt: "?", password: false });
    expect(input.frames[0]).toEqual(Buffer.from("client"));
    expect(parse(input.frames)).toMatchObject({ header: { msg_id: input.msgId, msg_type: "input_request" }, parent_header: { msg_id: execute.header.msg_id } });
    const request = factory.request("kernel_info_request", {});
    expect(request.frames[0]!.toString()).toBe("<IDS|MSG>");
    expect(parse(request.frames).header.msg_id).toBe(request.msgId);
  });

  test("normalize drops the null fields of the schema and leaves the message alone; assertContent narrows or throws ContentError", () => {
    const original = message("execute_request", { code: "1", silent: null, extra: null });
    const normalized = normalize(original, "execute_request");
    expect(normalized.content).toEqual({ code: "1", extra: null });
    expect(original.content).toEqual({ code: "1", silent: null, extra: null });
    expect(() => assertContent(normalized, "execute_request")).not.toThrow();
    const problems = [
      [message("execute_request", {}), "content.code is missing"],
      [message("complete_request", { code: "ab", cursor_pos: 3 }), "content.cursor_pos is outside the code"],
      [message("inspect_request", { code: "ab", cursor_pos: 1, detail_level: 2 }), "content.detail_level has the wrong type"],
      [message("input_reply", { value: 42 }), "content.value has the wrong type"],
    ] as const;
    for (const [m, problem] of problems) {
      const type = m.header.msg_type as "execute_request";
      expect(() => assertContent(m, type)).toThrow(new ContentError(problem));
    }
    expect(() => assertContent(message("kernel_info_request"), "execute_request")).toThrow(ContentError);
  });
});
