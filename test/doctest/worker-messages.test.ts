import { batchedSender } from "../../dist/doctest/worker.js";
import type { FromWorker } from "../../dist/doctest/pool.js";

const result = (line: number) => ({ file: "a.md", line, source: "1", want: "1\n", status: "passed", ms: 1 }) as never;
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// A worker's messages to the pool: an example's "finished" goes with what follows it, as one message.
describe("the worker's sender", () => {
  test("a finished example goes with the next one's start, or with the file's end, as one batch; output goes at once", async () => {
    const posted: FromWorker[] = [];
    const send = batchedSender((message) => posted.push(message));
    send({ kind: "started", line: 2 });
    send({ kind: "output", text: "out\n" });
    expect(posted).toEqual([
      { kind: "started", line: 2 },
      { kind: "output", text: "out\n" },
    ]);
    send({ kind: "finished", result: result(2) });
    expect(posted).toHaveLength(2);
    send({ kind: "started", line: 4 });
    send({ kind: "finished", result: result(4) });
    send({ kind: "done", result: { file: "a.md", results: [], warnings: [] } });
    expect(posted.slice(2)).toEqual([
      { kind: "batch", messages: [{ kind: "finished", result: result(2) }, { kind: "started", line: 4 }] },
      { kind: "batch", messages: [{ kind: "finished", result: result(4) }, { kind: "done", result: { file: "a.md", results: [], warnings: [] } }] },
    ]);
    await nextTurn();
    expect(posted).toHaveLength(4);
  });

  test("a finished example with nothing after it goes alone on the next turn of the event loop, or at flush()", async () => {
    const posted: FromWorker[] = [];
    const send = batchedSender((message) => posted.push(message));
    send({ kind: "finished", result: result(2) });
    await nextTurn();
    expect(posted).toEqual([{ kind: "finished", result: result(2) }]);
    send({ kind: "finished", result: result(4) });
    send.flush();
    expect(posted).toEqual([
      { kind: "finished", result: result(2) },
      { kind: "finished", result: result(4) },
    ]);
    // Two in a row (a skipped example is told as it comes): in order, one message each.
    send({ kind: "finished", result: result(6) });
    send({ kind: "finished", result: result(8) });
    send({ kind: "started", line: 10 });
    expect(posted.slice(2)).toEqual([
      { kind: "finished", result: result(6) },
      { kind: "batch", messages: [{ kind: "finished", result: result(8) }, { kind: "started", line: 10 }] },
    ]);
    await nextTurn();
    expect(posted).toHaveLength(4);
  });
});
