import path from "node:path";
import { echoed, runSession } from "../helpers/engine.js";
import { ROOT, runScript } from "../helpers/node-script.js";

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

describe("interrupts in a program run with node --input-type=module", () => {
  // The SIGINT guard's thread is an eval'd worker: it must not inherit
  // --input-type=module from the parent, or it runs as an ES module without require().
  test("a spinning cell is still interrupted", async () => {
    const engine = JSON.stringify(path.join(ROOT, "dist/runtime/engine/index.js"));
    const result = await runScript(`
      const { Session } = await import(${engine});
      const { Worker } = await import("node:worker_threads");
      const session = new Session();
      new Worker("setTimeout(() => process.kill(" + process.pid + ", 'SIGINT'), 300)", { eval: true, execArgv: [] });
      const outcome = await session.execute("while (true) {}");
      console.log(outcome.status);
      session.close();
      process.exit(0);
    `);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("interrupted\n");
  });
});
