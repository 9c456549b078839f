import { runScript, lines } from "../helpers/node-script.js";

// The "Cycles In Frames" sessions of greenlet_gc.rst, with finalize() in the
// role of Python's __del__.

const PRELUDE = `
  class Cycle {
    constructor() { finalize(this, () => console.log("(Running finalizer)")); }
  }
  async function collectIt() {
    console.log("Collecting garbage");
    await collect();
  }
  async function run(collectFn = collectIt) {
    let cycle1 = new Cycle();
    let cycle2 = new Cycle();
    cycle1.cycle = cycle2;
    cycle2.cycle = cycle1;
    console.log("Deleting cycle vars");
    cycle1 = cycle2 = null;
    await collectFn();
    console.log("Returning");
  }
`;

const COLLECTED = ["Collecting garbage", "(Running finalizer)", "(Running finalizer)"];

describe("cycles in frames (greenlet_gc.rst)", () => {
  test("manually cleared cycles are collected while the function runs", async () => {
    const { stdout } = await runScript(`${PRELUDE} await run();`);
    expect(lines(stdout)).toEqual(["Deleting cycle vars", ...COLLECTED, "Returning"]);
  });

  test("the same inside a greenlet that is active", async () => {
    const { stdout } = await runScript(`${PRELUDE} const glet = greenlet(run); await glet.switch(); console.log(glet.dead);`);
    expect(lines(stdout)).toEqual(["Deleting cycle vars", ...COLLECTED, "Returning", "true"]);
  });

  test("the same after switching away to the main greenlet", async () => {
    const { stdout } = await runScript(`${PRELUDE}
      const main = getcurrent();
      let glet = greenlet(run);
      await glet.switch(() => main.switch());
      await collectIt();
      glet = null;
      await collect();
    `);
    expect(lines(stdout)).toEqual(["Deleting cycle vars", ...COLLECTED]);
  });

  test("cycles in suspended frames are not collected until the greenlet is garbage", async () => {
    const { stdout } = await runScript(`${PRELUDE}
      async function inner() {
        const cycle1 = new Cycle();
        const cycle2 = new Cycle();
        cycle1.cycle = cycle2;
        cycle2.cycle = cycle1;
        await getcurrent().parent.switch();
      }
      async function outer() {
        const glet = greenlet(inner);
        await glet.switch();
        await collectIt();
        return glet.active;
      }
      const outerGlet = greenlet(outer);
      console.log(await outerGlet.switch());
      console.log(outerGlet.dead);
      await collectIt();
    `);
    expect(lines(stdout)).toEqual(["Collecting garbage", "true", "true", ...COLLECTED]);
  });

  test("a cycle of greenlets is a leak: the inner greenlet is never killed, its cycle never freed", async () => {
    // outer keeps inner on its own greenlet object; inner's suspended frame
    // (and its parent link) keep outer: once outer_glet is dropped the whole
    // cycle is unreachable, and still nothing is collected, as in greenlet.
    const { stdout } = await runScript(`${PRELUDE}
      let innerRef;
      async function inner() {
        const cycle1 = new Cycle();
        const cycle2 = new Cycle();
        cycle1.cycle = cycle2;
        cycle2.cycle = cycle1;
        const parent = getcurrent().parent;
        await parent.switch();
        console.log("inner resumed");
      }
      async function outer() {
        const glet = greenlet(inner);
        innerRef = new WeakRef(glet);
        getcurrent().child_greenlet = glet;
        await glet.switch();
        await collectIt();
      }
      let outerGlet = greenlet(outer);
      console.log(await outerGlet.switch());
      console.log(outerGlet.dead);
      await collectIt();
      outerGlet = null;
      const stats = [await collect(), await collect()];
      await collectIt();
      console.log(JSON.stringify(stats.map(({ finalized, killed }) => ({ finalized, killed }))));
      console.log(JSON.stringify(runtimeCounts()));
      console.log(innerRef.deref()?.active);
    `);
    expect(lines(stdout)).toEqual([
      "Collecting garbage",
      "undefined",
      "true",
      "Collecting garbage",
      "Collecting garbage",
      JSON.stringify([{ finalized: 0, killed: 0 }, { finalized: 0, killed: 0 }]),
      JSON.stringify({ activeGreenlets: 1, liveFinalizers: 2 }),
      "true",
    ]);
  });

  test("the parent link alone closes the cycle: a child kept on its dead parent's object leaks", async () => {
    const { stdout } = await runScript(`${PRELUDE}
      async function inner() {
        const cycle1 = new Cycle();
        const cycle2 = new Cycle();
        cycle1.cycle = cycle2;
        cycle2.cycle = cycle1;
        await getcurrent().parent.switch();
      }
      async function outer() {
        getcurrent().child_greenlet = greenlet(inner);
        await getcurrent().child_greenlet.switch();
      }
      let outerGlet = greenlet(outer);
      await outerGlet.switch();
      outerGlet = null;
      await collectIt();
      await collectIt();
      console.log(JSON.stringify(runtimeCounts()));
    `);
    expect(lines(stdout)).toEqual(["Collecting garbage", "Collecting garbage", JSON.stringify({ activeGreenlets: 1, liveFinalizers: 2 })]);
  });

  test("without child_greenlet there is no cycle: the same inner greenlet, its frame holding its parent, is killed", async () => {
    const { stdout } = await runScript(`${PRELUDE}
      async function inner() {
        const cycle1 = new Cycle();
        const cycle2 = new Cycle();
        cycle1.cycle = cycle2;
        cycle2.cycle = cycle1;
        const parent = getcurrent().parent;
        await parent.switch();
      }
      async function outer() {
        const glet = greenlet(inner);
        await glet.switch();
        await collectIt();
      }
      let outerGlet = greenlet(outer);
      await outerGlet.switch();
      outerGlet = null;
      await collectIt();
      console.log(JSON.stringify(runtimeCounts()));
    `);
    expect(lines(stdout)).toEqual(["Collecting garbage", ...COLLECTED, JSON.stringify({ activeGreenlets: 0, liveFinalizers: 0 })]);
  });
});
