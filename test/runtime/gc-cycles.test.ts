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
});
