import { readFileSync } from "node:fs";
import path from "node:path";
import { figures, HardenedKernel } from "../helpers/kernel-hardening.js";

// Long sessions, each in its own kernel: 10,000 executes with every kind of
// output; 1,000 cells that each create and drop 1,000 greenlets. After
// warm-up, RSS must grow by less than 10 MB, and no greenlet or finalizer may
// be left behind.

/** Cells with mixed output; `i` makes each one different. */
const CELLS: Array<(i: number) => { code: string; check: (result: string | undefined, types: string[]) => boolean }> = [
  (i) => ({ code: `console.log("line", ${i})`, check: (_, t) => t.includes("stream") }),
  (i) => ({ code: `total += ${i}; total`, check: (r) => r !== undefined && /^\d+$/.test(r) }),
  (i) => ({ code: `display({ cell: ${i} }); display.html("<b>${i}</b>")`, check: (_, t) => t.filter((x) => x === "display_data").length === 2 }),
  (i) => ({ code: `process.stderr.write("warning ${i}\\n"); "${i}".repeat(3)`, check: (r, t) => r === `'${String(i).repeat(3)}'` && t.includes("stream") }),
  (i) => ({ code: `throw new RangeError("failure ${i}")`, check: (_, t) => t.includes("error") }),
  (i) => ({ code: `for (let k = 0; k < 20; k++) console.log(k, ${i}); [${i}, { nested: [${i}] }]`, check: (r, t) => r !== undefined && t.includes("stream") }),
  (i) => ({ code: `{ const handle = display("first", { id: "d${i}" }); handle!.update("second") }`, check: (_, t) => t.includes("update_display_data") }),
];

/**
 * Creates `count` greenlets one after another and drops them: every
 * `suspendEvery`-th is left suspended (the collection after the cell kills
 * it, as CPython's refcounting would), the others run to their end; and
 * registers `finalizers` finalizers on objects dropped at once.
 */
const CHURN = `async function churn(count: number, suspendEvery: number, finalizers: number): Promise<void> {
  for (let k = 0; k < count; k++) {
    const suspend = suspendEvery > 0 && k % suspendEvery === 0;
    const g = greenlet(async (x: number) => (suspend ? await getcurrent().parent!.switch(x) : x));
    await g.switch(k);
  }
  for (let k = 0; k < finalizers; k++) finalize({ k }, () => { finalizedCount++; });
}`;

/** Every 10th cell leaves half its greenlets suspended and registers 10 finalizers, so that a collection follows it. */
const churnCell = (i: number): string => (i % 10 === 0 ? "await churn(1000, 2, 10)" : "await churn(1000, 0, 0)");

describe("soak: 10,000 executes", () => {
  let kernel: HardenedKernel;
  const measured: { before?: number; after?: number } = {};
  beforeAll(async () => {
    kernel = new HardenedKernel();
    await kernel.start();
  }, 60000);
  afterAll(() => kernel.close());

  const heapUsedKb = async (): Promise<number> => Number(HardenedKernel.result((await kernel.execute("gc(); process.memoryUsage().heapUsed >> 10", { store_history: false, silent: false })).iopub));

  /** Runs `count` cells, up to `window` in flight, checking each one's reply and output; returns the failures. */
  async function run(count: number, start: number, window = 50): Promise<number> {
    let failures = 0;
    const inFlight = new Set<Promise<void>>();
    for (let i = start; i < start + count; i++) {
      const { code, check } = CELLS[i % CELLS.length]!(i);
      const { id, reply } = kernel.submit(code);
      const done: Promise<void> = reply
        .then(async (msg) => {
          const iopub = await kernel.iopubFor(id);
          const expectedStatus = code.startsWith("throw") ? "error" : "ok";
          if (msg.content.status !== expectedStatus || !check(HardenedKernel.result(iopub), iopub.map((m) => m.header.msg_type))) failures++;
          kernel.forget(id);
        })
        .finally(() => inFlight.delete(done));
      inFlight.add(done);
      if (inFlight.size >= window) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    return failures;
  }

  test("every reply and output right; parents and history bounded; figures", async () => {
    await kernel.execute("let total = 0");
    const t0 = performance.now();
    expect(await run(2000, 0)).toBe(0);
    await kernel.settledRssKb();
    measured.before = await kernel.settledRssKb();
    const heapBefore = await heapUsedKb();
    const warmupMs = performance.now() - t0;
    const t1 = performance.now();
    expect(await run(10_000, 2000)).toBe(0);
    const executesMs = performance.now() - t1;
    await kernel.settledRssKb();
    measured.after = await kernel.settledRssKb();
    const heapAfter = await heapUsedKb();

    await kernel.shutdown();
    const counters = kernel.counters();
    // One parent header per cell was kept for ever; now the last 1,000 used.
    expect(counters.parents).toBe(1000);
    expect(counters.executed).toBeGreaterThanOrEqual(12_000 + 1);
    const history = JSON.parse(readFileSync(path.join(kernel.dataDir, "greenlet-ts", "history.json"), "utf8")) as { entries: unknown[] };
    expect(history.entries).toHaveLength(10_000);
    figures("soak executes", {
      rssBeforeKb: measured.before,
      rssAfterKb: measured.after,
      rssDeltaKb: measured.after - measured.before,
      heapUsedDeltaKb: heapAfter - heapBefore,
      warmupMs: Math.round(warmupMs),
      executesMs: Math.round(executesMs),
      perExecuteMs: Number((executesMs / 10_000).toFixed(2)),
    });
  }, 180000);

  // What stays per cell: its text (for stack traces into it, and for
  // completion, within 1 MB), its history entry (10,000 kept) and a few
  // small objects, about 0.3 KB; the kernel runs with a young generation of
  // at most 16 MB (kernel.json), which the 2,000 warm-up cells fill.
  test("RSS after warm-up grows by less than 10 MB over the 10,000 executes", () => {
    expect(measured.after! - measured.before!).toBeLessThan(10 * 1024);
  });
});

describe("soak: 1,000 cells of 1,000 greenlets", () => {
  let kernel: HardenedKernel;
  beforeAll(async () => {
    kernel = new HardenedKernel();
    await kernel.start();
  }, 60000);
  afterAll(() => kernel.close());

  async function cells(from: number, count: number): Promise<void> {
    for (let i = from; i < from + count; i++) {
      const { id, reply, iopub } = await kernel.execute(churnCell(i), { store_history: false });
      if (reply.content.status !== "ok") throw new Error(`cell ${i}: ${JSON.stringify(reply.content)}`);
      expect(iopub.filter((m) => m.header.msg_type === "error")).toEqual([]);
      kernel.forget(id);
    }
  }

  test("RSS grows < 10 MB after warm-up; no greenlet or finalizer left behind", async () => {
    await kernel.execute(`let finalizedCount = 0; ${CHURN}`);
    // Warm-up long enough for V8 to have grown its young generation to its working size (16 to 32 MB here).
    const t0 = performance.now();
    await cells(0, 300);
    await kernel.settledRssKb();
    const rssBefore = await kernel.settledRssKb();
    const warmupMs = performance.now() - t0;
    const t1 = performance.now();
    await cells(300, 1000);
    const cellsMs = performance.now() - t1;

    const stats = await kernel.execute("const { runtimeCounts } = await import('greenlet-ts'); JSON.stringify({ collected: await collect(), counts: runtimeCounts(), finalizedCount })", { store_history: false });
    const { collected, counts, finalizedCount } = JSON.parse(HardenedKernel.result(stats.iopub)!.slice(1, -1));
    // The collections after the cells left nothing: no greenlet alive, no finalizer pending, nothing for this one to do.
    expect(counts).toEqual({ activeGreenlets: 0, liveFinalizers: 0 });
    expect(collected).toMatchObject({ killed: 0, finalized: 0 });
    expect(finalizedCount).toBe(130 * 10);
    await kernel.settledRssKb();
    const rssAfter = await kernel.settledRssKb();
    expect(rssAfter - rssBefore).toBeLessThan(10 * 1024);
    figures("soak greenlets", {
      rssBeforeKb: rssBefore,
      rssAfterKb: rssAfter,
      rssDeltaKb: rssAfter - rssBefore,
      greenlets: 1300 * 1000,
      warmupMs: Math.round(warmupMs),
      cellsMs: Math.round(cellsMs),
      perCellMs: Number((cellsMs / 1000).toFixed(1)),
      collected,
      counts,
      finalizedCount,
    });
  }, 180000);
});
