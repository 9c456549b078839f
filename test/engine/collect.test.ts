import { echoed, printed, runSession } from "../helpers/engine.js";

describe("auto-collect after each cell", () => {
  test("dropping the last reference prints the seed page's GreenletExit message right there", async () => {
    const s = await runSession([
      "async function run() {\n  console.log('Beginning greenlet');\n  try {\n    for (;;) {\n      console.log('Switching to parent');\n      await getcurrent().parent!.switch();\n    }\n  } catch (e) {\n    if (!(e instanceof GreenletExit)) throw e;\n    console.log('Got GreenletExit; quitting');\n  }\n}",
      "let glet: Greenlet | null = greenlet(run)",
      "await glet.switch();",
      "glet = null;",
      "'next'",
    ]);
    expect(printed(s, 3)).toBe("Beginning greenlet\nSwitching to parent\n");
    expect(printed(s, 4)).toBe("Got GreenletExit; quitting\n");
    expect(echoed(s, 4)).toBe("null");
    expect(printed(s, 5)).toBe("");
  });

  test("finalizers print in the cell that dropped their object; off per session it waits for collect()", async () => {
    const on = await runSession(["let o: object | null = {}; finalize(o, () => console.log('(Running finalizer)'))", "o = null; 'dropped'"]);
    expect(printed(on, 2)).toBe("(Running finalizer)\n");
    const off = await runSession(["let o: object | null = {}; finalize(o, () => console.log('(Running finalizer)'))", "o = null; 'dropped'", "await collect(); 'collected'"], {
      autoCollect: false,
    });
    expect(printed(off, 2)).toBe("");
    expect(printed(off, 3)).toBe("(Running finalizer)\n");
  });
});

describe("ending a session", () => {
  // As Python's doctest clears a test's globals: what only they held dies, in the session's last cell.
  test("end() lets the user's globals go: a suspended greenlet gets GreenletExit, and the context can be collected", async () => {
    const { Session } = await import("../../dist/runtime/engine/index.js");
    const { garbageCollector } = await import("../../dist/runtime/gc-access.js");
    // jest's require cannot load oxc-transform (an ES module) on node 20: loaded by import() first.
    await (await import("../../dist/runtime/engine/oxc.js")).preloadOxc();
    const output: string[] = [];
    // In a function of its own: the test must not hold the session it checks is gone.
    const runAndEnd = async (): Promise<WeakRef<object>> => {
      const session = new Session({
        autoCollect: false,
        onEvent: (event) => {
          if (event.kind === "stream") output.push(event.text);
        },
      });
      const first = await session.execute(
        "const receiver = greenlet(async () => { try { for (;;) await getcurrent().parent!.switch(); } finally { console.log('receiver ends'); } });\nawait receiver.switch();\nlet kept = { big: new Array(1000).fill(1) };",
      );
      expect(first).toMatchObject({ status: "ok" });
      await session.end();
      await expect(session.execute("1")).rejects.toThrow("the session is closed");
      return new WeakRef(session.globals);
    };
    const context = await runAndEnd();
    expect(output.join("")).toBe("receiver ends\n");
    for (let i = 0; i < 5 && context.deref() !== undefined; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      garbageCollector()();
    }
    expect(context.deref()).toBeUndefined();
  });

  test("end() with nothing alive runs no collection and closes", async () => {
    const { Session } = await import("../../dist/runtime/engine/index.js");
    const { runtimeCounts } = await import("../../dist/runtime/index.js");
    await (await import("../../dist/runtime/engine/oxc.js")).preloadOxc();
    const session = new Session();
    await session.execute("let x = 1");
    expect(runtimeCounts()).toEqual({ activeGreenlets: 0, liveFinalizers: 0 });
    await session.end();
    await expect(session.execute("1")).rejects.toThrow("the session is closed");
  });
});
