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
