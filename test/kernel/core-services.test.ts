import { CellOutput } from "../../dist/kernel/core/cell-output.js";
import { CoreHarness, historyFile } from "../helpers/kernel-core.js";

// History, comms and stdin as the core handles them, on a fake transport
// and a scripted engine (see core-shell.test.ts).

describe("history", () => {
  test("stored cells are added before they run, with their result's text/plain once they have one; tail, range and search", async () => {
    const earlier = [
      { session: 1, line: 1, input: "const old = 1", output: null },
      { session: 1, line: 2, input: "old + 1", output: "2" },
    ];
    const h = new CoreHarness({ historyFile: historyFile(earlier) });
    expect(h.history.session).toBe(2);
    let seenWhileRunning: unknown;
    h.engine.script("looks at the history", (cell) => {
      seenWhileRunning = h.history.query({ hist_access_type: "tail", n: 1 });
      return cell.ok();
    });
    await h.execute("looks at the history");
    expect(seenWhileRunning).toEqual([[2, 1, "looks at the history"]]);
    await h.execute("'with result'");
    await h.execute("'silent'", { silent: true });
    await h.execute("'unstored'", { store_history: false });
    await h.execute("throw failed");
    const history = async (content: Record<string, unknown>): Promise<unknown> => (await h.reply(h.send("history_request", content))).content.history;
    expect(await history({ hist_access_type: "tail", n: 3, output: true, raw: true })).toEqual([
      [2, 1, ["looks at the history", ""]],
      [2, 2, ["'with result'", "'with result'"]],
      [2, 3, ["throw failed", ""]],
    ]);
    expect(await history({ hist_access_type: "range", session: -1, start: 1, stop: 10, output: true })).toEqual([
      [1, 1, ["const old = 1", ""]],
      [1, 2, ["old + 1", "2"]],
    ]);
    expect(await history({ hist_access_type: "range", session: 0, start: 2, stop: 3 })).toEqual([[2, 2, "'with result'"]]);
    expect(await history({ hist_access_type: "search", pattern: "*old*" })).toEqual([
      [1, 1, "const old = 1"],
      [1, 2, "old + 1"],
    ]);
    expect(await history({ hist_access_type: "search", pattern: "?with*", n: 1 })).toEqual([[2, 2, "'with result'"]]);
  });
});

describe("comms", () => {
  test("a target registered by a cell: the frontend opens a comm, messages go both ways, comm_info lists it, the frontend closes it", async () => {
    const h = new CoreHarness();
    const events: string[] = [];
    h.core.comms.registerTarget("counter", (comm, open) => {
      let count = (open.data as { start: number }).start;
      comm.onMsg = (msg) => {
        count += (msg.data as { add: number }).add;
        comm.send({ count, buffers: msg.buffers.length });
      };
      comm.onClose = () => events.push(`closed at ${count}`);
    });
    const open = h.send("comm_open", { comm_id: "c1", target_name: "counter", data: { start: 10 } });
    await h.idle(open);
    expect(h.channels.kinds(open)).toEqual(["status:busy", "status:idle"]);
    const message = h.send("comm_msg", { comm_id: "c1", data: { add: 5 } }, [Buffer.from("x")]);
    await h.idle(message);
    expect(h.channels.sent.filter((m) => m.parent === message && m.type === "comm_msg").map((m) => m.content)).toEqual([{ comm_id: "c1", data: { count: 15, buffers: 1 } }]);
    expect((await h.reply(h.send("comm_info_request", { target_name: "counter" }))).content).toEqual({ status: "ok", comms: { c1: { target_name: "counter" } } });
    expect((await h.reply(h.send("comm_info_request", { target_name: "other" }))).content.comms).toEqual({});
    await h.idle(h.send("comm_close", { comm_id: "c1", data: {} }));
    expect(events).toEqual(["closed at 15"]);
    expect((await h.reply(h.send("comm_info_request", {}))).content.comms).toEqual({});
    // A message for a comm that is gone is logged, not an error.
    await h.idle(h.send("comm_msg", { comm_id: "c1", data: {} }));
    expect(h.logs).toContain("comm_msg for the unknown comm c1");
  });

  test("a cell opens a comm: comm_open, comm_msg and comm_close go to that cell's request; an unknown target is closed at once", async () => {
    const h = new CoreHarness();
    h.engine.script("opens", (cell) => {
      const comm = h.core.comms.open("frontend.target", { hello: 1 });
      comm.send({ more: 2 });
      comm.close();
      expect(() => comm.send({})).toThrow(/is closed/);
      return cell.ok();
    });
    const { iopub } = await h.execute("opens");
    expect(iopub.filter((m) => m.type.startsWith("comm_")).map((m) => [m.type, m.content.target_name ?? null, m.content.data])).toEqual([
      ["comm_open", "frontend.target", { hello: 1 }],
      ["comm_msg", null, { more: 2 }],
      ["comm_close", null, {}],
    ]);
    const unknown = h.send("comm_open", { comm_id: "c2", target_name: "nobody", data: {} });
    await h.idle(unknown);
    expect(h.channels.sent.find((m) => m.parent === unknown && m.type === "comm_close")!.content).toEqual({ comm_id: "c2", data: {} });
  });
});

describe("input() over stdin", () => {
  test("an input_request to the client of the running cell; its input_reply's value, matched by parent or else the oldest waiting", async () => {
    const h = new CoreHarness();
    const answers: string[] = [];
    h.engine.script("asks", async (cell) => {
      answers.push(await h.core.input("name? "), await h.core.input("secret? ", true));
      return cell.ok();
    });
    const id = h.send("execute_request", { code: "asks", allow_stdin: true });
    const first = await h.channels.until((m) => m.type === "input_request");
    expect(first).toMatchObject({ channel: "stdin", parent: id, content: { prompt: "name? ", password: false } });
    // jupyter_client's input() sets no parent: the oldest input waiting takes it.
    expect(h.channels.answer("Ada")).toBe(true);
    const second = await h.channels.until((m) => m.type === "input_request" && m.content.password);
    expect(h.channels.answer("hidden", second.id)).toBe(true);
    await h.idle(id);
    expect(answers).toEqual(["Ada", "hidden"]);
    // No input waits any more: a further reply is refused by the transport (false).
    expect(h.channels.answer("nobody asked")).toBe(false);
  });

  test("allow_stdin false, or no cell running: input() fails with a clear error, nothing is sent on stdin", async () => {
    const h = new CoreHarness();
    h.engine.script("asks", async (cell) => {
      try {
        await h.core.input("?");
        return cell.ok("'answered'");
      } catch (error) {
        return cell.error("Error", (error as Error).message);
      }
    });
    const { reply } = await h.execute("asks", { allow_stdin: false });
    expect(reply.content.evalue).toBe("input() is not available: the frontend that sent this cell does not accept input (allow_stdin is false)");
    await expect(h.core.input("?")).rejects.toThrow("input() can only be called while a cell runs");
    expect(h.channels.sent.filter((m) => m.channel === "stdin")).toEqual([]);
  });

  test("an interrupted input() does not take the reply meant for the next cell's input()", async () => {
    const h = new CoreHarness();
    let interrupt!: () => void;
    h.engine.script("interrupted", (cell) => {
      void h.core.input("first? ");
      return new Promise((resolve) => (interrupt = () => resolve(cell.error("Interrupted", "interrupted"))));
    });
    const answers: string[] = [];
    h.engine.script("next", async (cell) => {
      answers.push(await h.core.input("second? "));
      return cell.ok();
    });
    const interrupted = h.send("execute_request", { code: "interrupted", stop_on_error: false });
    const next = h.send("execute_request", { code: "next" });
    await h.channels.until((m) => m.type === "input_request");
    interrupt();
    await h.channels.until((m) => m.type === "input_request" && m.parent === next);
    // The frontend answers without a parent: it must reach the second prompt, not the abandoned first.
    expect(h.channels.answer("for the second")).toBe(true);
    await h.idle(next);
    expect(answers).toEqual(["for the second"]);
    expect((await h.reply(interrupted)).content.ename).toBe("Interrupted");
  });
});

describe("late output", () => {
  test("the parents of the last PARENTS cells that printed are kept; output of an older cell is dropped and counted", async () => {
    const h = new CoreHarness();
    const first = await h.execute("'first'");
    // Cell 1 prints now and then, so it stays among the most recently used.
    for (const i of [0, 500, 1000]) {
      h.engine.script(`'cell ${i}'`, (cell) => {
        h.engine.cell(1).emit({ kind: "display", data: { "text/plain": `still ${i}` }, metadata: {} });
        return cell.ok();
      });
    }
    let last = "";
    for (let i = 0; i < CellOutput.PARENTS + 10; i++) last = h.send("execute_request", { code: `'cell ${i}'` });
    await h.idle(last);
    h.engine.cell(1).emit({ kind: "display", data: { "text/plain": "late" }, metadata: {} });
    h.engine.cell(2).emit({ kind: "display", data: { "text/plain": "forgotten" }, metadata: {} });
    expect(h.channels.sent.filter((m) => m.type === "display_data").map((m) => [m.parent === first.id, m.content.data["text/plain"]])).toEqual([
      [true, "still 0"],
      [true, "still 500"],
      [true, "still 1000"],
      [true, "late"],
    ]);
    expect(h.stats.counters).toMatchObject({ lateOutputDropped: 1, parents: CellOutput.PARENTS });
  });
});
