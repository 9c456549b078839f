import { CoreHarness } from "../helpers/kernel-core.js";

// The shell's protocol rules, tested on the core alone (a fake transport, a
// scripted engine): what test/kernel/protocol.test.ts checks through real
// sockets, here in milliseconds, and the cases sockets make hard to stage.

describe("the shell core", () => {
  test("busy first and idle last around every request; execute_input before the result; the reply before idle", async () => {
    const h = new CoreHarness();
    const { id, reply } = await h.execute("40 + 2");
    expect(h.channels.kinds(id)).toEqual(["status:busy", "execute_input", "execute_result", "execute_reply", "status:idle"]);
    expect(reply.content).toEqual({ status: "ok", execution_count: 1, user_expressions: {}, payload: [] });
    for (const type of ["kernel_info_request", "is_complete_request", "comm_info_request"]) {
      const other = h.send(type, type === "is_complete_request" ? { code: "if (x) {" } : {});
      await h.idle(other);
      expect(h.channels.kinds(other)).toEqual(["status:busy", type.replace("request", "reply"), "status:idle"]);
    }
    const completion = await h.reply(h.send("complete_request", { code: "'é' + get", cursor_pos: 7 }));
    expect(completion.content).toMatchObject({ status: "ok", matches: ["'é' + gCompleted"], cursor_start: 0, cursor_end: 7 });
    expect((await h.reply(h.send("inspect_request", { code: "x", cursor_pos: 1 }))).content).toEqual({ status: "ok", found: true, data: { "text/plain": "about x" }, metadata: {} });
    expect((await h.reply(h.send("is_complete_request", { code: "if (x) {" }))).content).toEqual({ status: "incomplete", indent: "  " });
  });

  test("requests are handled one at a time, in order: the next one's busy comes after the last one's idle", async () => {
    const h = new CoreHarness();
    let release!: () => void;
    h.engine.script("slow", (cell) => new Promise((resolve) => (release = () => resolve(cell.ok("'slow'")))));
    const slow = h.send("execute_request", { code: "slow" });
    const info = h.send("kernel_info_request");
    await h.engine.started("slow");
    expect(h.channels.kinds(info)).toEqual([]);
    release();
    await h.idle(info);
    const order = h.channels.sent.filter((m) => m.type === "status").map((m) => `${m.parent === slow ? "slow" : "info"}:${m.content.execution_state}`);
    expect(order).toEqual(["slow:busy", "slow:idle", "info:busy", "info:idle"]);
  });

  test("execution counts: silent and store_history false take no number; replies carry the last stored one", async () => {
    // The sequence of test/kernel/protocol.test.ts, as ipykernel 6.17 numbers it.
    const h = new CoreHarness();
    const silent = { silent: true, store_history: true };
    const unstored = { store_history: false };
    const counts = async (code: string, extra: Record<string, unknown> = {}): Promise<[number, Array<[string, number]>]> => {
      const { reply, iopub } = await h.execute(code, extra);
      return [reply.content.execution_count, iopub.filter((m) => m.content.execution_count !== undefined).map((m) => [m.type, m.content.execution_count])];
    };
    expect(await counts("'silent first'", silent)).toEqual([0, []]);
    expect(await counts("'unstored first'", unstored)).toEqual([0, [["execute_input", 1], ["execute_result", 1]]]);
    expect(await counts("'one'")).toEqual([1, [["execute_input", 1], ["execute_result", 1]]]);
    expect(await counts("'silent'", silent)).toEqual([1, []]);
    expect(await counts("'unstored'", unstored)).toEqual([1, [["execute_input", 2], ["execute_result", 2]]]);
    expect(await counts("'two'")).toEqual([2, [["execute_input", 2], ["execute_result", 2]]]);
    const failed = await h.execute("throw silently", silent);
    expect(failed.reply.content).toMatchObject({ status: "error", ename: "Error", evalue: "silently", execution_count: 2 });
    expect(h.channels.kinds(failed.id)).toEqual(["status:busy", "execute_reply", "status:idle"]);
    // A silent cell leaves `_` alone; the engine is told so.
    expect(h.engine.executed.map((e) => e.options?.updateUnderscore)).toEqual([false, true, true, false, true, true, false]);
  });

  test("stop_on_error: the execute requests queued behind a failed cell are aborted, other requests are not", async () => {
    const h = new CoreHarness();
    let fail!: () => void;
    h.engine.script("failing", (cell) => new Promise((resolve) => (fail = () => resolve(cell.error("Error", "stop")))));
    const failing = h.send("execute_request", { code: "failing" });
    const queued = h.send("execute_request", { code: "'never runs'" });
    const info = h.send("kernel_info_request");
    const alsoQueued = h.send("execute_request", { code: "'nor this'", silent: true });
    await h.engine.started("failing");
    fail();
    await h.idle(info);
    expect((await h.reply(failing)).content).toMatchObject({ status: "error", evalue: "stop", execution_count: 1 });
    for (const id of [queued, alsoQueued]) {
      expect((await h.reply(id)).content).toEqual({ status: "aborted", execution_count: 1 });
      expect(h.channels.kinds(id)).toEqual(["status:busy", "execute_reply", "status:idle"]);
    }
    expect((await h.reply(info)).content.status).toBe("ok");
    expect(h.engine.executed.map((e) => e.code)).toEqual(["failing"]);
    // stop_on_error false: what is queued runs.
    const tolerant = h.send("execute_request", { code: "throw tolerated", stop_on_error: false });
    const next = h.send("execute_request", { code: "'runs'" });
    expect((await h.reply(tolerant)).content.status).toBe("error");
    expect((await h.reply(next)).content).toMatchObject({ status: "ok", execution_count: 3 });
  });

  test("output after a cell's reply goes to that cell's request; a silent cell's stream and result are not shown", async () => {
    const h = new CoreHarness();
    const first = await h.execute("'first'");
    const second = await h.execute("'second'");
    // A timer of cell 1 prints while nothing runs, then while another cell runs.
    h.engine.cell(1).emit({ kind: "stream", name: "stdout", text: "late\n" });
    h.engine.cell(1).emit({ kind: "display", data: { "text/html": "<b>late</b>" }, metadata: {}, displayId: "d1" });
    await h.channels.until((m) => m.type === "stream");
    h.engine.script("prints", (cell) => {
      cell.emit({ kind: "stream", name: "stdout", text: "own\n" });
      h.engine.cell(2).emit({ kind: "stream", name: "stderr", text: "second's\n" });
      return cell.ok();
    });
    const third = await h.execute("prints");
    const streams = h.channels.sent.filter((m) => m.type === "stream" || m.type === "display_data").map((m) => [m.parent, m.type, m.content.text ?? m.content.data["text/html"]]);
    expect(streams).toEqual([
      [first.id, "stream", "late\n"],
      [first.id, "display_data", "<b>late</b>"],
      [third.id, "stream", "own\n"],
      [second.id, "stream", "second's\n"],
    ]);
    expect(h.channels.sent.find((m) => m.type === "display_data")!.content.transient).toEqual({ display_id: "d1" });
    // A silent cell's stream and result stay out of the frontend; its displays do not.
    h.engine.script("quiet", (cell) => {
      cell.emit({ kind: "stream", name: "stdout", text: "hidden\n" });
      cell.emit({ kind: "display", data: { "text/plain": "shown" }, metadata: {} });
      return cell.ok("'hidden result'");
    });
    const quiet = await h.execute("quiet", { silent: true });
    expect(h.channels.kinds(quiet.id)).toEqual(["status:busy", "display_data", "execute_reply", "status:idle"]);
  });

  test("consecutive writes of a cell become one stream message, sent before anything else", async () => {
    const h = new CoreHarness();
    h.engine.script("writes", (cell) => {
      for (let i = 0; i < 1000; i++) cell.emit({ kind: "stream", name: "stdout", text: `${i}\n` });
      cell.emit({ kind: "stream", name: "stderr", text: "warning\n" });
      return cell.ok("'done'");
    });
    const { iopub } = await h.execute("writes");
    expect(iopub.map((m) => m.type)).toEqual(["status", "execute_input", "stream", "stream", "execute_result", "status"]);
    expect(iopub[2]!.content.text.split("\n")).toHaveLength(1001);
    expect(iopub[3]!.content).toEqual({ name: "stderr", text: "warning\n" });
  });

  test("invalid content gets an error reply inside busy/idle; an unknown msg_type is refused with no reply at all", async () => {
    const h = new CoreHarness();
    const invalid = h.send("execute_request", { code: 42 });
    expect((await h.reply(invalid)).content).toEqual({ status: "error", ename: "InvalidRequest", evalue: "execute_request: content.code has the wrong type", traceback: [], execution_count: 0 });
    expect(h.channels.kinds(invalid)).toEqual(["status:busy", "execute_reply", "status:idle"]);
    const history = await h.reply(h.send("history_request", { hist_access_type: "tail", n: "10" }));
    expect(history.type).toBe("history_reply");
    expect(history.content.evalue).toBe("history_request: content.n has the wrong type");
    // null stands for "not given": the handler's default applies.
    expect((await h.execute("'null is absent'", { stop_on_error: null, user_expressions: null })).reply.content.status).toBe("ok");
    // A notification with invalid content is refused and answered with nothing.
    const comm = h.send("comm_msg", { comm_id: 7 });
    await h.idle(comm);
    expect(h.channels.kinds(comm)).toEqual(["status:busy", "status:idle"]);
    for (const type of ["shutdown_request", "interrupt_request", "debug_request", "constructor", "__proto__", "input_reply"]) {
      const id = h.send(type);
      await h.execute("'after'");
      expect(h.channels.kinds(id)).toEqual([]);
    }
    expect(h.rejected()).toEqual([
      "shell: rejected a message (invalid content: execute_request: content.code has the wrong type)",
      "shell: rejected a message (invalid content: history_request: content.n has the wrong type)",
      "shell: rejected a message (invalid content: comm_msg: content.comm_id has the wrong type)",
      ...["shutdown_request", "interrupt_request", "debug_request", "constructor", "__proto__", "input_reply"].map((t) => `shell: rejected a message (unknown msg_type: "${t}")`),
    ]);
    expect(h.stats.counters.accepted.shell).toMatchObject({ execute_request: 7 });
  });

  test("a handler that throws: logged, and an error reply with its name and message", async () => {
    const h = new CoreHarness();
    h.engine.complete = () => {
      throw new RangeError("no completions today");
    };
    const reply = await h.reply(h.send("complete_request", { code: "x", cursor_pos: 1 }));
    expect(reply).toMatchObject({ type: "complete_reply", content: { status: "error", ename: "RangeError", evalue: "no completions today" } });
    expect(h.logs.some((line) => line.startsWith("shell: complete_request failed: RangeError: no completions today"))).toBe(true);
  });

  test("kernel_info is answered before the engine has loaded; requests that need it wait for it, in order", async () => {
    let loaded!: () => void;
    const h = new CoreHarness({ backend: new Promise<void>((resolve) => (loaded = resolve)) });
    const info = await h.reply(h.send("kernel_info_request"));
    expect(info.content).toMatchObject({ status: "ok", protocol_version: "5.3", language_info: { name: "typescript", codemirror_mode: "typescript" } });
    const cell = h.send("execute_request", { code: "'after loading'" });
    const second = h.send("kernel_info_request");
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(h.channels.kinds(cell)).toEqual(["status:busy"]);
    loaded();
    await h.idle(second);
    expect(h.channels.kinds(cell)).toEqual(["status:busy", "execute_input", "execute_result", "execute_reply", "status:idle"]);
  });

  test("user_expressions: evaluated after an ok cell, quietly, each to its bundle or its error", async () => {
    const h = new CoreHarness();
    const { id, reply } = await h.execute("'cell'", { user_expressions: { a: "'value'", b: "throw bad" } });
    expect(reply.content.user_expressions).toEqual({
      a: { status: "ok", data: { "text/plain": "'value'" }, metadata: {} },
      b: { status: "error", ename: "Error", evalue: "bad", traceback: ["Error: bad"] },
    });
    // Their results and errors are not published, and they leave `_` alone.
    expect(h.channels.kinds(id)).toEqual(["status:busy", "execute_input", "execute_result", "execute_reply", "status:idle"]);
    expect(h.engine.executed.slice(1).map((e) => e.options)).toEqual([
      { filename: "user_expressions.a", updateUnderscore: false },
      { filename: "user_expressions.b", updateUnderscore: false },
    ]);
  });

  test("stop(): nothing queued runs; the request being handled finishes", async () => {
    const h = new CoreHarness();
    let release!: () => void;
    h.engine.script("running", (cell) => new Promise((resolve) => (release = () => resolve(cell.ok("'finished'")))));
    const running = h.send("execute_request", { code: "running" });
    const queued = h.send("execute_request", { code: "'queued'" });
    await h.engine.started("running");
    const stopped = h.core.stop();
    h.send("kernel_info_request");
    release();
    await stopped;
    expect((await h.reply(running)).content.status).toBe("ok");
    expect(h.channels.kinds(queued)).toEqual([]);
    expect(h.engine.executed.map((e) => e.code)).toEqual(["running"]);
  });
});
