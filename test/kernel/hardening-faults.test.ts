import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { figures, HardenedKernel } from "../helpers/kernel-hardening.js";

// Faults inside cells: exhausting memory and process.exit() end the kernel,
// the history file stays whole and the next kernel starts with it; a kill at
// any moment leaves it whole too; errors thrown by timers and unhandled
// rejections are reported to their cell and the kernel keeps running.

const historyFile = (dataDir: string): string => path.join(dataDir, "greenlet-ts", "history.json");

/** The inputs in a history file; throws if it is not whole JSON. */
function historyInputs(dataDir: string): string[] {
  const stored = JSON.parse(readFileSync(historyFile(dataDir), "utf8")) as { entries: Array<{ input: string }> };
  return stored.entries.map((e) => e.input);
}

/** Waits until the history file holds `input` (the kernel writes at most once a second). */
async function historyHas(dataDir: string, input: string): Promise<void> {
  for (;;) {
    if (existsSync(historyFile(dataDir)) && historyInputs(dataDir).includes(input)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A new kernel on the same data directory: what its history holds, and whether it had to set a file aside. */
async function nextKernel(dataDir: string): Promise<{ inputs: string[]; stderr: string }> {
  const next = new HardenedKernel({ dataDir });
  await next.start();
  try {
    const tail = await next.request("history_request", { hist_access_type: "tail", n: 100, output: false, raw: true });
    expect(tail.content.status).toBe("ok");
    const ok = await next.execute("'the next kernel runs'");
    expect(HardenedKernel.result(ok.iopub)).toBe("'the next kernel runs'");
    return { inputs: tail.content.history.map((h: [number, number, string]) => h[2]), stderr: next.stderr };
  } finally {
    await next.close();
  }
}

describe("a cell that exhausts memory", () => {
  test("ends the kernel; the history file is whole, and the next kernel starts with it", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-oom-"));
    // A small heap, so that exhausting it takes a moment.
    const kernel = new HardenedKernel({ dataDir, nodeFlags: ["--max-old-space-size=128"], noCoreDump: true });
    await kernel.start();
    try {
      await kernel.execute("const kept = 'before the fault'");
      await kernel.execute("kept.length");
      await historyHas(dataDir, "kept.length");
      // After a quiet second the input is written before the cell runs: the fatal cell is in the history too.
      await new Promise((r) => setTimeout(r, 1200));
      const started = performance.now();
      const hog = "const hog: number[][] = []; for (;;) hog.push(new Array(1 << 20).fill(1))";
      kernel.submit(hog);
      const exit = await kernel.exited;
      const ms = performance.now() - started;
      // V8 aborts the process at its heap limit: no JavaScript runs any more, so no handler can end it more gently.
      expect(exit.code === 0 && exit.signal === null).toBe(false);
      expect(kernel.stderr).toContain("heap out of memory");
      expect(historyInputs(dataDir)).toEqual(["const kept = 'before the fault'", "kept.length", hog]);
      const next = await nextKernel(dataDir);
      expect(next.inputs).toEqual(["const kept = 'before the fault'", "kept.length", hog]);
      expect(next.stderr).not.toContain("could not be read");
      expect(readdirSync(path.dirname(historyFile(dataDir))).filter((f) => f.endsWith(".unreadable"))).toEqual([]);
      figures("oom", { exit, msToExit: Math.round(ms) });
    } finally {
      await kernel.close();
    }
  }, 60000);
});

describe("a cell that calls process.exit()", () => {
  test("ends the kernel cleanly: its output and reply go out, the exit status is kept, the history is whole", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-exit-"));
    const kernel = new HardenedKernel({ dataDir });
    await kernel.start();
    try {
      await kernel.execute("let x = 1");
      const code = "console.log('before exit'); process.exit(3); console.log('not reached')";
      const { reply, iopub } = await kernel.execute(code);
      expect(reply.content).toMatchObject({ status: "error", ename: "KernelExit" });
      const text = iopub.filter((m) => m.header.msg_type === "stream").map((m) => m.content.text).join("");
      expect(text).toBe("before exit\n");
      expect(await kernel.exited).toEqual({ code: 3, signal: null });
      expect(kernel.stderr).toContain("process.exit(3) was called");
      // The counters are logged on the way out: the exit went through the kernel's own path.
      expect(kernel.counters().executed).toBe(2);
      expect(historyInputs(dataDir)).toEqual(["let x = 1", code]);
      const next = await nextKernel(dataDir);
      expect(next.inputs).toEqual(["let x = 1", code]);
    } finally {
      await kernel.close();
    }
  }, 60000);

  test("from a timer, after its cell has finished: the kernel ends with that status", async () => {
    const kernel = new HardenedKernel();
    await kernel.start();
    try {
      const { reply } = await kernel.execute("setTimeout(() => process.exit(0), 50); 'scheduled'");
      expect(reply.content.status).toBe("ok");
      expect(await kernel.exited).toEqual({ code: 0, signal: null });
      expect(kernel.stderr).toContain("process.exit(0) was called");
    } finally {
      await kernel.close();
    }
  }, 60000);
});

describe("SIGTERM", () => {
  test("ends the kernel even while a cell spins; the history file is whole", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-term-"));
    const kernel = new HardenedKernel({ dataDir });
    await kernel.start();
    try {
      await kernel.execute("'before'");
      const spinning = kernel.submit("while (true) {}");
      await kernel.waitIopub(spinning.id, (messages) => messages.some((m) => m.header.msg_type === "execute_input"));
      kernel.process.kill("SIGTERM");
      expect(await kernel.exited).toEqual({ code: null, signal: "SIGTERM" });
      expect(historyInputs(dataDir)[0]).toBe("'before'");
    } finally {
      await kernel.close();
    }
  }, 60000);
});

describe("kills while the history is being written", () => {
  test("SIGKILL at any moment leaves the history file whole; the next kernel starts with it", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-kill-"));
    let sessions = 0;
    for (let round = 0; round < 4; round++) {
      const kernel = new HardenedKernel({ dataDir });
      await kernel.start();
      // A stream of cells (each stored in the history), killed part way through.
      let stop = false;
      const writing = (async () => {
        for (let i = 0; !stop; i++) {
          await kernel.execute(`"round ${round} cell ${i}" + "x".repeat(${i % 100})`).catch(() => undefined);
        }
      })();
      await new Promise((r) => setTimeout(r, 300 + round * 450));
      kernel.process.kill("SIGKILL");
      await kernel.exited;
      stop = true;
      await kernel.close();
      void writing;
      const inputs = historyInputs(dataDir);
      expect(inputs.length).toBeGreaterThan(0);
      sessions++;
    }
    const next = await nextKernel(dataDir);
    expect(next.stderr).not.toContain("could not be read");
    expect(next.inputs.some((input) => input.startsWith(`"round ${sessions - 1} cell`))).toBe(true);
  }, 120000);
});

describe("errors outside the running cell", () => {
  let kernel: HardenedKernel;
  beforeAll(async () => {
    kernel = new HardenedKernel();
    await kernel.start();
  }, 60000);
  afterAll(() => kernel.close());

  test("an error thrown by a timer and an unhandled rejection are reported to the cell that made them; the kernel keeps running", async () => {
    await kernel.execute("const survivor = 'still here'");
    const origin = await kernel.execute(
      "setTimeout(() => { throw new Error('thrown by a timer') }, 20); Promise.reject(new Error('rejected, not handled')); setTimeout(() => Promise.reject(new Error('rejected in a timer')), 300); 'scheduled'",
    );
    expect(origin.reply.content.status).toBe("ok");
    // Another cell runs meanwhile: the late errors still go to the cell that made them.
    const meanwhile = await kernel.execute("await new Promise((r) => setTimeout(r, 600)); 'waited'");
    expect(HardenedKernel.result(meanwhile.iopub)).toBe("'waited'");
    const errors = await kernel.waitIopub(origin.id, (messages) => messages.filter((m) => m.header.msg_type === "error").length >= 3);
    expect(errors.filter((m) => m.header.msg_type === "error").map((m) => m.content.evalue).sort()).toEqual(["rejected in a timer", "rejected, not handled", "thrown by a timer"]);
    expect(meanwhile.iopub.filter((m) => m.header.msg_type === "error")).toEqual([]);
    const after = await kernel.execute("survivor");
    expect(HardenedKernel.result(after.iopub)).toBe("'still here'");
    await kernel.ping();
  }, 30000);
});
