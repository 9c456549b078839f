// Measures greenlet-ts for the runtime table of bench/README.md.
// Usage: node --expose-gc bench/runtime-greenlet-ts.mjs METRIC COUNT  → prints one JSON line.
import { greenlet, getcurrent, collect } from "../dist/runtime/index.js";

const [metric, countText] = process.argv.slice(2);
const count = Number(countText);
const now = () => process.hrtime.bigint();
const settle = () => new Promise((resolve) => setImmediate(resolve));

async function rssAfterGc() {
  await settle();
  globalThis.gc();
  await settle();
  globalThis.gc();
  return process.memoryUsage().rss;
}

/** RSS before, with `count` and with 2 × `count` suspended greenlets. */
async function suspendedRss(count) {
  const main = getcurrent();
  const body = async () => {
    await main.switch();
  };
  const keep = [];
  const suspend = async () => {
    for (let i = 0; i < count; i++) {
      const g = greenlet(body);
      await g.switch();
      keep.push(g);
    }
  };
  const before = await rssAfterGc();
  await suspend();
  const first = await rssAfterGc();
  await suspend();
  const second = await rssAfterGc();
  if (keep.length !== 2 * count) throw new Error("unreachable");
  return [first, second, before];
}

const metrics = {
  /** ns per switch: main and a greenlet pass a value back and forth. */
  async switch() {
    const main = getcurrent();
    const g = greenlet(async () => {
      for (;;) await main.switch();
    });
    await g.switch();
    for (let i = 0; i < 200_000; i++) await g.switch(i); // warm-up
    const start = now();
    for (let i = 0; i < count / 2; i++) await g.switch(i);
    return Number(now() - start) / count;
  },

  /** µs to create, start and finish one greenlet. */
  async create() {
    const body = (i) => i;
    for (let i = 0; i < 20_000; i++) await greenlet(body).switch(i); // warm-up
    const start = now();
    for (let i = 0; i < count; i++) await greenlet(body).switch(i);
    return Number(now() - start) / count / 1000;
  },

  /**
   * bytes of RSS per greenlet suspended one frame deep: the growth from a
   * first batch of `count` to a second one, so that fixed costs (V8's young
   * generation growing to its full size) do not count as per-greenlet ones.
   */
  async memory() {
    const [first, second] = await suspendedRss(count);
    return (second - first) / count;
  },

  /** The same from an empty process: includes the fixed costs. */
  async "memory-first"() {
    const [first, , before] = await suspendedRss(count);
    return (first - before) / count;
  },

  /** µs to kill one unreachable suspended greenlet through collect(). */
  async kill() {
    const main = getcurrent();
    let exits = 0;
    const body = async () => {
      try {
        await main.switch();
      } catch {
        exits++;
      }
    };
    const spawn = async () => {
      const keep = [];
      for (let i = 0; i < count; i++) {
        const g = greenlet(body);
        await g.switch();
        keep.push(g);
      }
      return keep;
    };
    let keep = await spawn();
    await collect(); // a collection with nothing to kill: its cost is not the kills'
    keep = null;
    const start = now();
    const stats = await collect();
    const elapsed = Number(now() - start);
    if (stats.killed !== count || exits !== count) throw new Error(`killed ${stats.killed} of ${count}`);
    return elapsed / count / 1000;
  },

  /**
   * The floor under switch: the same hand-over with no greenlet at all. Two
   * async functions pass an integer through promises' resolve functions,
   * which is what every switch does at least (make the caller's promise,
   * resolve the target's, await), so V8's promise and await machinery alone.
   */
  async "switch-floor"() {
    const waiting = { a: noop, b: noop };
    const hand = (me, other, value) => {
      const promise = new Promise((resolve) => {
        waiting[me] = resolve;
      });
      const wake = waiting[other];
      waiting[other] = noop;
      wake(value);
      return promise;
    };
    void (async () => {
      let value = await new Promise((resolve) => {
        waiting.b = resolve;
      });
      for (;;) value = await hand("b", "a", value);
    })();
    for (let i = 0; i < 200_000; i++) await hand("a", "b", i); // warm-up
    const start = now();
    for (let i = 0; i < count / 2; i++) await hand("a", "b", i);
    return Number(now() - start) / count;
  },

  /**
   * The floor under kill: `count` async functions waiting on a promise, each
   * reachable through an object a FinalizationRegistry watches, are dropped;
   * one full gc(), V8's finalization callbacks, then each promise rejected and
   * its function's catch run, one after another. collect() does all of this
   * and then one more gc() (a killed greenlet may have released more garbage).
   */
  async "kill-floor"() {
    let exits = 0;
    const found = [];
    const registry = new FinalizationRegistry((held) => found.push(held));
    const spawn = () => {
      const keep = [];
      for (let i = 0; i < count; i++) {
        const held = { reject: noop, done: null };
        held.done = (async () => {
          try {
            await new Promise((_, reject) => {
              held.reject = reject;
            });
          } catch {
            exits++;
          }
        })();
        const target = {};
        registry.register(target, held);
        keep.push(target);
      }
      return keep;
    };
    let keep = spawn();
    await settle();
    globalThis.gc();
    await settle();
    keep = null;
    const start = now();
    await settle();
    globalThis.gc();
    while (found.length < count) await settle();
    const error = new Error("exit");
    for (const held of found.splice(0)) {
      held.reject(error);
      await held.done;
    }
    const elapsed = Number(now() - start);
    if (exits !== count) throw new Error(`ended ${exits} of ${count}`);
    return elapsed / count / 1000;
  },
};

function noop() {}

const measure = metrics[metric];
if (measure === undefined) {
  console.error(`unknown metric ${metric}; one of ${Object.keys(metrics).join(", ")}`);
  process.exit(2);
}
console.log(JSON.stringify({ metric, value: await measure() }));
