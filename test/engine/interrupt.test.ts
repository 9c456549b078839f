import { echoed, runSession } from "../helpers/engine.js";

// session.interrupt() sends SIGINT to the process; these tests send it from
// another thread while the main thread spins, as the kernel's control thread does.

describe("interrupting a running cell", () => {
  test("stops all three kinds of loop within 1 s with Interrupted and leaves the session usable", async () => {
    const s = await runSession([
      "let kept = 'state survives'",
      { code: "while (true) {}", interruptAfterMs: 300 },
      { code: "await (async () => { await null; await new Promise((r) => setTimeout(r, 10)); while (true) {} })()", interruptAfterMs: 300 },
      { code: "const spinner = greenlet(async () => { await getcurrent().parent!.switch(); while (true) {} }); await spinner.switch(); await spinner.switch()", interruptAfterMs: 300 },
      "kept",
      "getcurrent().parent === null && spinner.dead",
      { code: "await new Promise((r) => setTimeout(r, 10000))", interruptAfterMs: 300 },
      "1 + 1",
    ]);
    expect(s.results.map((r) => r.status)).toEqual(["ok", "interrupted", "interrupted", "interrupted", "ok", "ok", "interrupted", "ok"]);
    for (const index of [1, 2, 3, 6]) {
      expect(s.results[index].error.ename).toBe("Interrupted");
      // Sent after 300 ms; stopped well within 1 s of that.
      expect(s.results[index].ms).toBeLessThan(1300);
    }
    expect(echoed(s, 5)).toBe("'state survives'");
    expect(echoed(s, 6)).toBe("true");
    expect(echoed(s, 8)).toBe("2");
    // One error event per interrupted cell.
    expect(s.events.filter((e) => e.kind === "error").map((e) => e.cell)).toEqual([2, 3, 4, 7]);
  });
});
