import { finalize } from "greenlet-ts";
import { runScript, lines } from "../helpers/node-script.js";

// finalize(): the weakref.finalize analogue that collect() drives.

describe("finalize()", () => {
  test("calling the finalizer runs the callback once and returns its result", () => {
    const calls: string[] = [];
    const target = {};
    const fin = finalize(target, () => {
      calls.push("ran");
      return "result";
    });
    expect(fin.alive).toBe(true);
    expect(fin.peek()?.[0]).toBe(target);
    expect(fin()).toBe("result");
    expect(fin.alive).toBe(false);
    expect(fin()).toBeUndefined();
    expect(fin.peek()).toBeUndefined();
    expect(calls).toEqual(["ran"]);
  });

  test("detach() unregisters without running and returns the object and callback", () => {
    const target = {};
    const callback = (): void => {
      throw new Error("must not run");
    };
    const fin = finalize(target, callback);
    expect(fin.detach()).toEqual([target, callback]);
    expect(fin.alive).toBe(false);
    expect(fin.detach()).toBeUndefined();
    expect(fin()).toBeUndefined();
  });

  test("bad arguments are refused", () => {
    expect(() => finalize(1 as never, () => undefined)).toThrow(TypeError);
    expect(() => finalize({}, "x" as never)).toThrow(TypeError);
  });

  test("collect() runs the callbacks of collected objects before it resolves, and counts them", async () => {
    const { stdout, stderr } = await runScript(`
      function make(label) { const o = { label }; finalize(o, () => console.log("finalized", label)); return o; }
      let a = make("a"), b = make("b");
      const kept = make("kept");
      const detached = finalize({}, () => console.log("detached ran"));
      detached.detach();
      console.log(JSON.stringify(runtimeCounts()));
      a = b = null;
      const stats = await collect();
      console.log("after", stats.finalized, JSON.stringify(runtimeCounts()), kept.label);
    `);
    expect(stderr).toBe("");
    const out = lines(stdout);
    expect(out[0]).toBe('{"activeGreenlets":0,"liveFinalizers":3}');
    expect(out.slice(1, 3).sort()).toEqual(["finalized a", "finalized b"]);
    expect(out[3]).toBe('after 2 {"activeGreenlets":0,"liveFinalizers":1} kept');
  });

  test("a callback that throws is reported on stderr and does not stop the others", async () => {
    const { stdout, stderr } = await runScript(`
      function make(label, fail) { finalize({}, () => { if (fail) throw new RangeError("bad " + label); console.log("ok", label); }); }
      make("one", true); make("two", false);
      const stats = await collect();
      console.log(stats.finalized);
    `);
    expect(lines(stdout)).toEqual(["ok two", "2"]);
    expect(stderr).toMatch(/^Exception ignored in finalizer .*:\nRangeError: bad one\n/);
  });

  test("a finalizer that makes more garbage is followed by further rounds", async () => {
    const { stdout } = await runScript(`
      function chain(n) { finalize({}, () => { console.log("link", n); if (n > 1) chain(n - 1); }); }
      chain(3);
      const stats = await collect();
      console.log(stats.finalized, stats.rounds);
    `);
    expect(lines(stdout)).toEqual(["link 3", "link 2", "link 1", "3 4"]);
  });
});
