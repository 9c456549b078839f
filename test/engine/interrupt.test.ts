import path from "node:path";
import { echoed, runSession, type Step } from "../helpers/engine.js";
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

describe("an interrupt that comes while the cell is being compiled", () => {
  // The SIGINT reaches the process before the evaluation begins; the loop that follows never
  // lets the engine look for it between jobs, so the evaluation must see it as it starts.
  test("still stops the loop that the cell then starts", async () => {
    // A first cell parks the guard thread (a SIGINT before that would end the process) and loads swc.
    // Then about 6,000 statements: compiling them takes some 200 ms, and SIGINT comes 50 ms after the
    // cell is handed over (well after it has started: a SIGINT from before a cell is an old one).
    const long = `${Array.from({ length: 6000 }, (_, i) => `const v${i}: number = ${i};`).join("\n")}\nwhile (true) {}`;
    const s = await runSession(["0", { code: long, interruptAfterMs: 50 }, "1 + 1"]);
    expect(s.results.map((r) => r.status)).toEqual(["ok", "interrupted", "ok"]);
    expect(s.results[1].ms).toBeLessThan(3000);
    expect(echoed(s, 3)).toBe("2");
  });
});

describe("interrupting greenlets that switch to each other", () => {
  // Each turn passes through the host's promise jobs, so an interrupt comes
  // sometimes inside an evaluation and sometimes between two jobs of a loop
  // that never lets the event loop run: both must end the cell and the loop.
  test("each of 8 interrupts at different moments ends the cell, the switching stops, the survivors can be ended", async () => {
    const pingPong = "{ let ping: Greenlet, pong: Greenlet; ping = greenlet(async () => { for (;;) { turns++; await pong.switch(); } }); pong = greenlet(async () => { for (;;) await ping.switch(); }); all.push(ping, pong); await ping.switch() }";
    const steps: Array<Step | string> = ["let turns = 0; const all: Greenlet[] = []"];
    for (let i = 0; i < 8; i++) steps.push({ code: pingPong, interruptAfterMs: 20 + i * 15 }, "const before = turns; await new Promise((r) => setTimeout(r, 30)); turns === before && turns > 0");
    steps.push("let ended = 0; for (const g of all) if (!g.dead) { await g.throw(); ended++; } all.every((g) => g.dead) && getcurrent().parent === null");
    const s = await runSession(steps);
    const statuses = s.results.map((r) => r.status);
    expect(statuses).toEqual(["ok", ...Array.from({ length: 8 }, () => ["interrupted", "ok"]).flat(), "ok"]);
    for (let i = 0; i < 8; i++) expect(echoed(s, 3 + 2 * i)).toBe("true");
    expect(echoed(s, 18)).toBe("true");
  });
});

describe("an interrupted cell's timers", () => {
  test("stop: a loop awaiting a timer and an interval end with their cell; other cells' timers go on", async () => {
    const s = await runSession([
      "let looped = 0, ticked = 0, other = 0; setInterval(() => { other++ }, 5); 'started'",
      { code: "for (;;) { looped++; await new Promise((r) => setTimeout(r, 2)); }", interruptAfterMs: 200 },
      { code: "setInterval(() => { ticked++ }, 5); while (true) {}", interruptAfterMs: 200 },
      // Any tick of the first cell's interval shows it goes on (a loaded machine may run few of them in the wait).
      "const seen = [looped, ticked, other]; await new Promise((r) => setTimeout(r, 200)); [looped - seen[0], ticked - seen[1], other - seen[2] > 0, seen[0] > 5]",
    ]);
    expect(s.results.map((r) => r.status)).toEqual(["ok", "interrupted", "interrupted", "ok"]);
    // Nothing of the interrupted cells ran in the 200 ms; the first cell's interval kept ticking.
    expect(echoed(s, 4)).toBe("[ 0, 0, true, true ]");
  });

  test("a greenlet made by an interrupted cell still waits on timers for the cells that switch into it", async () => {
    const s = await runSession([
      { code: "const sleeper = greenlet(async () => { for (;;) { await new Promise((r) => setTimeout(r, 5)); await getcurrent().parent!.switch('slept'); } }); while (true) {}", interruptAfterMs: 200 },
      "await sleeper.switch()",
      "await sleeper.switch()",
    ]);
    expect(s.results.map((r) => r.status)).toEqual(["interrupted", "ok", "ok"]);
    expect(echoed(s, 2)).toBe("'slept'");
    expect(echoed(s, 3)).toBe("'slept'");
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
