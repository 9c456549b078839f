import { runScript, lines } from "../helpers/node-script.js";

// Kill-on-collect (greenlet_gc.rst and D.74-D.79 of the conformance notes).
// Each case runs in its own `node --expose-gc`.

describe("a suspended greenlet nobody can reach gets GreenletExit", () => {
  test("the seed page's first session: Got GreenletExit; quitting", async () => {
    const { stdout, stderr, code } = await runScript(`
      async function run() {
        console.log("Beginning greenlet");
        try {
          for (;;) {
            console.log("Switching to parent");
            await getcurrent().parent.switch();
          }
        } catch (e) {
          if (!(e instanceof GreenletExit)) throw e;
          console.log("Got GreenletExit; quitting");
          console.log(e.message);
        }
      }
      let glet = greenlet(run);
      await glet.switch();
      glet = null;
      const stats = await collect();
      console.log(JSON.stringify(stats));
    `);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const out = lines(stdout);
    expect(out.slice(0, 4)).toEqual([
      "Beginning greenlet",
      "Switching to parent",
      "Got GreenletExit; quitting",
      "Killing the greenlet because all references have vanished.",
    ]);
    expect(JSON.parse(out[4]!)).toMatchObject({ killed: 1, finalized: 0 });
  });

  test("two suspended greenlets are killed one by one as they are dropped (test_dealloc)", async () => {
    const { stdout } = await runScript(`
      const seen = [];
      const body = async () => {
        try { await getcurrent().parent.switch(); }
        catch (e) { seen.push(e.constructor.name); }
      };
      let g1 = greenlet(body), g2 = greenlet(body);
      await g1.switch(); await g2.switch();
      g1 = null;
      await collect();
      console.log(JSON.stringify(seen), g2.active);
      g2 = null;
      await collect();
      console.log(JSON.stringify(seen), JSON.stringify(runtimeCounts()));
    `);
    expect(lines(stdout)).toEqual([
      '["GreenletExit"] true',
      '["GreenletExit","GreenletExit"] {"activeGreenlets":0,"liveFinalizers":0}',
    ]);
  });

  test("try/finally runs, and code after await collect() sees its output first", async () => {
    const { stdout } = await runScript(`
      let g = greenlet(async () => {
        try { await getcurrent().parent.switch(); } finally { console.log("finally ran"); }
      });
      await g.switch();
      g = null;
      await collect();
      console.log("after collect");
    `);
    expect(lines(stdout)).toEqual(["finally ran", "after collect"]);
  });

  test("another error raised during the kill is reported on stderr, not propagated (test_dealloc_catches_GreenletExit_throws_other)", async () => {
    const { stdout, stderr } = await runScript(`
      class SomeError extends Error { name = "SomeError"; }
      let g = greenlet(async () => {
        try { await getcurrent().parent.switch(); }
        catch { throw new SomeError("raised while dying"); }
      });
      await g.switch();
      g = null;
      const stats = await collect();
      console.log("still running", stats.killed);
    `);
    expect(lines(stdout)).toEqual(["still running 1"]);
    expect(stderr).toMatch(/^Exception ignored in: <Greenlet #\d+ (dead|suspended active started)>\nSomeError: raised while dying\n/);
    expect(stderr.match(/Exception ignored/g)).toHaveLength(1);
  });

  test("the victim's parent is the collecting greenlet during the kill and is restored after (test_parent_restored_on_kill)", async () => {
    const { stdout } = await runScript(`
      const hub = greenlet(() => console.log("hub ran"));
      const main = getcurrent();
      const result = [];
      let g = greenlet(async () => {
        try { await main.switch(); }
        catch (e) {
          result.push(getcurrent().parent === main);
          result.push(getcurrent());
          await hub.switch();
        }
      }, hub);
      await g.switch();
      g = null;
      await collect();
      console.log(result[0], result[1].parent === hub, result[1].active, hub.dead);
    `);
    expect(lines(stdout)).toEqual(["hub ran", "true true true true"]);
  });

  test("one that swallows GreenletExit and switches away is reported and does not make collect() loop", async () => {
    const { stdout, stderr } = await runScript(`
      let g = greenlet(async () => {
        for (;;) {
          try { await getcurrent().parent.switch(); }
          catch (e) { console.log("swallowed", e.constructor.name); }
        }
      });
      await g.switch();
      g = null;
      const stats = await collect();
      console.log("rounds < 10:", stats.rounds < 10, "killed:", stats.killed);
      const again = await collect();
      console.log("again killed:", again.killed);
    `);
    expect(lines(stdout)).toEqual(["swallowed GreenletExit", "rounds < 10: true killed: 0", "again killed: 0"]);
    expect(stderr).toMatch(/^GreenletExit did not kill <Greenlet #\d+ suspended active started>\n$/);
  });

  test("one that resurrects itself survives, and is killed again once dropped again", async () => {
    const { stdout, stderr } = await runScript(`
      const keep = [];
      let kills = 0;
      let g = greenlet(async () => {
        for (;;) {
          try { await getcurrent().parent.switch(); }
          catch (e) { kills++; keep.push(getcurrent()); }
        }
      });
      await g.switch();
      g = null;
      await collect();
      console.log(kills, keep.length, keep[0].active);
      keep.length = 0;
      await collect();
      console.log(kills);
    `);
    expect(lines(stdout)).toEqual(["1 1 true", "2"]);
    expect(stderr).toMatch(/^(GreenletExit did not kill .*\n)?$/);
  });

  test("a value in flight is not lost when its receiver has no references left (test_dealloc_switch_args_not_lost)", async () => {
    const { stdout } = await runScript(`
      const seen = [];
      const main = getcurrent();
      // The setup runs in a function: temporaries of this suspended module frame could keep the worker alive.
      // The worker names main instead of calling getcurrent() before its try/finally: V8 can leave that
      // call's result in a register of the suspended frame, which would keep the worker reachable (docs/gc.md).
      async function scenario() {
        let worker = [greenlet(async () => {
          const value = await main.switch();
          worker = null;
          initiator.parent = main;
          try { await main.switch(value); }
          finally { seen.push("finally"); }
        })];
        await worker[0].switch();
        const initiator = greenlet(() => 42, worker[0]);
        return await initiator.switch();
      }
      const value = await scenario();
      await collect();
      console.log(value, JSON.stringify(seen));
    `);
    expect(lines(stdout)).toEqual(['42 ["finally"]']);
  });

  test("a collection V8 starts by itself only queues the kill; collect() performs it", async () => {
    const { stdout } = await runScript(`
      let g = greenlet(async () => {
        try { await getcurrent().parent.switch(); } finally { console.log("killed"); }
      });
      await g.switch();
      g = null;
      await new Promise((r) => setImmediate(r));
      gc();
      for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 5));
      console.log("after V8's own gc");
      console.log(JSON.stringify(await collect()));
    `);
    const out = lines(stdout);
    expect(out.slice(0, 2)).toEqual(["after V8's own gc", "killed"]);
    expect(JSON.parse(out[2]!).killed).toBe(1);
  });

  test("collect() from inside a greenlet kills with that greenlet as the temporary parent", async () => {
    const { stdout } = await runScript(`
      const collector = greenlet(async () => {
        let victim = greenlet(async () => {
          try { await getcurrent().parent.switch(); }
          catch (e) { console.log("victim's parent is the collector:", getcurrent().parent === collector); }
        });
        await victim.switch();
        victim = null;
        const stats = await collect();
        return stats.killed;
      });
      console.log("killed", await collector.switch());
    `);
    expect(lines(stdout)).toEqual(["victim's parent is the collector: true", "killed 1"]);
  });

  test("works without --expose-gc: collect() enables gc at run time", async () => {
    const { stdout } = await runScript(
      `
      console.log(typeof globalThis.gc);
      let g = greenlet(async () => {
        try { await getcurrent().parent.switch(); } catch (e) { console.log(e.constructor.name); }
      });
      await g.switch();
      g = null;
      console.log((await collect()).killed);
    `,
      [],
    );
    expect(lines(stdout)).toEqual(["undefined", "GreenletExit", "1"]);
  });

  test("a thousand dropped suspended greenlets are all killed in one collect()", async () => {
    const { stdout } = await runScript(`
      let exits = 0;
      // In a function: a loop variable of this (suspended) module frame could keep the last one alive.
      async function spawn(n) {
        const gs = [];
        for (let i = 0; i < n; i++) {
          const g = greenlet(async () => {
            try { await getcurrent().parent.switch(); } catch (e) { if (e instanceof GreenletExit) exits++; }
          });
          await g.switch();
          gs.push(g);
        }
        return gs;
      }
      let gs = await spawn(1000);
      console.log(runtimeCounts().activeGreenlets);
      gs = null;
      const stats = await collect();
      console.log(stats.killed, exits, runtimeCounts().activeGreenlets);
    `);
    expect(lines(stdout)).toEqual(["1000", "1000 1000 0"]);
  });
});

describe("what is not killed", () => {
  test("a greenlet still referenced, a finished one, and an unstarted one are left alone", async () => {
    const { stdout } = await runScript(`
      let log = [];
      const kept = greenlet(async () => { try { await getcurrent().parent.switch(); } catch { log.push("kept killed"); } });
      await kept.switch();
      let finished = greenlet(() => 1); await finished.switch();
      let pending = greenlet(() => log.push("pending ran"));
      const refs = [new WeakRef(finished), new WeakRef(pending)];
      finished = pending = null;
      const stats = await collect();
      console.log(stats.killed, JSON.stringify(log), kept.active, refs.map((r) => r.deref() === undefined).join());
    `);
    expect(lines(stdout)).toEqual(["0 [] true true,true"]);
  });

  test("a subclass's run() keeps its greenlet reachable from its own suspended frame, as in greenlet", async () => {
    const { stdout } = await runScript(`
      class Loop extends Greenlet {
        async run() {
          try { for (;;) await this.parent.switch(); }
          finally { console.log("never printed"); }
        }
      }
      let g = new Loop();
      await g.switch();
      const ref = new WeakRef(g);
      g = null;
      const stats = await collect();
      console.log(stats.killed, ref.deref() !== undefined);
    `);
    expect(lines(stdout)).toEqual(["0 true"]);
  });

  test("a cycle of greenlets referencing each other from their frames leaks", async () => {
    const { stdout } = await runScript(`
      let g1 = greenlet(async () => { const peer = g2; try { await getcurrent().parent.switch(); } finally { console.log("g1 finally", peer.dead); } });
      let g2 = greenlet(async () => { const peer = g1; try { await getcurrent().parent.switch(); } finally { console.log("g2 finally", peer.dead); } });
      await g1.switch();
      await g2.switch();
      const refs = [new WeakRef(g1), new WeakRef(g2)];
      g1 = g2 = null;
      const stats = await collect();
      console.log(stats.killed, refs.every((r) => r.deref() !== undefined), runtimeCounts().activeGreenlets);
    `);
    expect(lines(stdout)).toEqual(["0 true 2"]);
  });
});

describe("weak references (test_weakref.py, test_gc.py)", () => {
  test("a suspended greenlet kept only as an unstarted greenlet's parent dies after it (test_dealloc_weakref)", async () => {
    const { stdout } = await runScript(`
      const seen = [];
      let g2 = null;
      let g = greenlet(async () => {
        try { await getcurrent().parent.switch(); }
        finally { seen.push(ref2.deref() === undefined ? "g2 gone" : "g2 alive"); }
      });
      await g.switch();
      g2 = greenlet(() => 1, g);
      const ref2 = new WeakRef(g2);
      g = null;
      await collect();
      console.log(JSON.stringify(seen));
      g2 = null;
      await collect();
      console.log(JSON.stringify(seen));
    `);
    expect(lines(stdout)).toEqual(["[]", '["g2 gone"]']);
  });

  test("a greenlet that returns itself, a self-referencing subclass and a run bound to itself are collected", async () => {
    const { stdout } = await runScript(`
      let dead = await greenlet(getcurrent).switch();
      let selfish = new (class extends Greenlet {})(); selfish.self = selfish;
      let bound = greenlet(); bound.run = (() => bound).bind(bound);
      const refs = [new WeakRef(dead), new WeakRef(selfish), new WeakRef(bound)];
      console.log(dead.dead, dead === refs[0].deref());
      dead = selfish = bound = null;
      await collect();
      console.log(refs.map((r) => r.deref() === undefined).join());
    `);
    expect(lines(stdout)).toEqual(["true true", "true,true,true"]);
  });

  test("switch arguments are not retained after the switch (test_arg_refs)", async () => {
    const { stdout } = await runScript(`
      const g = greenlet(async (x) => { for (;;) x = await getcurrent().parent.switch(x); });
      let arg = { big: "x".repeat(1000) };
      const ref = new WeakRef(arg);
      for (let i = 0; i < 100; i++) await g.switch(arg);
      await g.switch(null);
      arg = null;
      await collect();
      console.log(ref.deref() === undefined);
    `);
    expect(lines(stdout)).toEqual(["true"]);
  });
});
