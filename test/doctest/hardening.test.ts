import { readdirSync, readFileSync, readlinkSync, realpathSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../helpers/node-script.js";
import { runProcess } from "../helpers/spawn.js";
import { cli, fixture } from "../helpers/cli.js";

// A file whose example exits, exhausts memory, loops, blocks or crashes its
// worker fails with the reason; every other file's result stays what it is
// when checked alone, with --jobs and without. Real processes throughout.

const fence = "```";
const block = (...lines: string[]): string => [`${fence}ts`, ...lines, fence, ""].join("\n");

/** The processes whose working directory is `dir` (Linux /proc). */
function processesIn(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      if (realpathSync(readlinkSync(`/proc/${pid}/cwd`)) === realpathSync(dir)) found.push(`${pid}: ${readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ")}`);
    } catch {
      // gone, or not ours to look at
    }
  }
  return found;
}

/** Prints a test's figures on one line, to be gathered into the report by hand. */
function figures(name: string, values: Record<string, unknown>): void {
  process.stdout.write(`[figures] ${name} ${JSON.stringify(values)}\n`);
}

interface JsonExample {
  line: number;
  status: string;
  reason?: string;
  got?: string;
}
interface JsonFile {
  file: string;
  error?: string;
  results: JsonExample[];
}

/** What a run says of each file, without timings (and without output, which a killed worker may not have sent). */
function outcome(stdout: string): Record<string, { error?: string; results: string[] }> {
  const report = JSON.parse(stdout) as { files: JsonFile[] };
  return Object.fromEntries(
    report.files.map((f) => [f.file, { ...(f.error === undefined ? {} : { error: f.error }), results: f.results.map((r) => `${r.line} ${r.status}${r.reason ? `: ${r.reason}` : ""}`) }]),
  );
}

const GOOD = {
  "a-good.md": `${block("const base = 40;")}${block("> base + 2", "42", "> console.log('out'); console.error('err'); 'echo'", "out", "err", "'echo'")}`,
  "z-good.md": block("> await new Promise((r) => setTimeout(r, 20)); 'z'", "'z'", "> typeof base", "'undefined'"),
};
const BAD = {
  "b-exit.md": block("> 1 + 1", "2", "> process.exit(3)", "> 'after'", "'after'"),
  "c-memory.md": block("> const hog = []", "> while (true) hog.push(new Array(1e6).fill(1.5))", "> 'after'", "'after'"),
  "d-loop.md": block("> let n = 0", "> while (true) { n++ }", "> 'after'", "'after'"),
  "e-blocking.md": block("> Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)", "> 'after'", "'after'"),
  "f-killed.md": block("> process.kill(process.pid, 'SIGKILL')", "> 'after'", "'after'"),
  "g-abort.md": block("> 'before'", "'before'", "> process.abort()"),
  "h-setup-loop.md": `${block("for (;;) {}")}${block("> 'after'", "'after'")}`,
};
const ORDER = ["a-good.md", "b-exit.md", "c-memory.md", "d-loop.md", "e-blocking.md", "f-killed.md", "g-abort.md", "h-setup-loop.md", "z-good.md"];
// Small, so that exhausting it is quick; the other examples need far less.
const HEAP = { GREENLET_TS_DOCTEST_HEAP_MB: "64" };
// Room for c-memory.md to exhaust its heap first (0.4-0.7 s alone, over 1.5 s on two busy cores).
const TIMEOUT = "3000";

const EXPECTED = {
  "b-exit.md": {
    error: "the worker process running this file ended (exit code 3): the example at line 4 called process.exit(3)",
    results: ["2 passed", "5 not-run: not run: the worker died during the example at line 4"],
  },
  "c-memory.md": {
    error: "the worker process running this file ended (signal SIGABRT): it ran out of memory (JavaScript heap out of memory) during the example at line 3",
    results: ["2 passed", "4 not-run: not run: the worker died during the example at line 3"],
  },
  "d-loop.md": { results: ["2 passed", `3 failed: timed out after ${TIMEOUT} ms`, "4 not-run: not run: the example at line 3 timed out"] },
  "e-blocking.md": { results: [`2 failed: timed out after ${TIMEOUT} ms`, "3 not-run: not run: the example at line 2 timed out"] },
  "f-killed.md": {
    error: "the worker process running this file ended (signal SIGKILL): it was killed by SIGKILL during the example at line 2 (the system's out-of-memory killer does that)",
    results: ["3 not-run: not run: the worker died during the example at line 2"],
  },
  "g-abort.md": { results: ["2 passed"] },
  "h-setup-loop.md": { results: [`1 failed: timed out after ${TIMEOUT} ms`, "5 not-run: not run: the setup code at line 1 timed out"] },
};

describe("greenlet-ts doctest: a file that takes its worker down fails alone", () => {
  let dir: string;
  let alone: Record<string, unknown>;
  // Without --timeout: the default timeout has to end an example that never ends. Started
  // first, it waits (without using the CPU) while the other tests run.
  let defaultTimeout: Promise<{ code: number | null; stdout: string; ms: number }>;

  beforeAll(async () => {
    dir = fixture({ ...GOOD, ...BAD, "forever.md": block("> await new Promise(() => {})", "> 'after'", "'after'") });
    const started = performance.now();
    defaultTimeout = runProcess(process.execPath, [path.join(ROOT, "dist/cli/main.js"), "doctest", "forever.md", "a-good.md", "--reporter", "json"], {
      cwd: dir,
      timeoutMs: 180000,
    }).then((result) => ({ ...result, ms: performance.now() - started }));
    const good = await cli(["doctest", "a-good.md", "z-good.md", "--reporter", "json", "--timeout", TIMEOUT], dir, HEAP);
    expect(good.code).toBe(0);
    alone = outcome(good.stdout);
  });

  test.each([["1"], ["2"]])("--jobs %s: each bad file fails with its reason, in order; the good files are as when checked alone", async (jobs) => {
    const started = performance.now();
    const run = await cli(["doctest", ...ORDER, "--reporter", "json", "--timeout", TIMEOUT, "--jobs", jobs], dir, HEAP);
    const ms = performance.now() - started;
    expect(run.code).toBe(1);
    const files = outcome(run.stdout);
    expect(Object.keys(files)).toEqual(ORDER);
    for (const name of Object.keys(GOOD)) expect(files[name]).toEqual(alone[name]);
    const { "g-abort.md": abort, ...rest } = EXPECTED;
    for (const [name, expected] of Object.entries(rest)) expect([name, files[name]]).toEqual([name, expected]);
    // process.abort(): no cause node tells; the reason says where, and the last lines of stderr follow.
    expect(files["g-abort.md"]!.results).toEqual(abort.results);
    expect(files["g-abort.md"]!.error).toMatch(/^the worker process running this file ended \(signal SIGABRT\): it crashed during the example at line 4/);
    expect(JSON.parse(run.stdout).totals).toEqual({ passed: 8, failed: 7, skipped: 6 });
    figures(`isolation --jobs ${jobs}`, { files: ORDER.length, examples: 20, setupBlocks: 2, ms: Math.round(ms), reasons: Object.fromEntries(Object.entries(files).map(([f, r]) => [f, r.error ?? r.results.find((x) => x.includes("failed")) ?? "passed"])) });
  });

  test("one worker serves every file; only a crash costs a new one", async () => {
    const files: Record<string, string> = {};
    const names: string[] = [];
    for (let i = 0; i < 6; i++) {
      if (i === 3) names.push("b-exit.md");
      // The worker's pid, as the output of a failing example.
      files[`pid${i}.md`] = block("> process.pid", "0");
      names.push(`pid${i}.md`);
    }
    const pids = fixture({ ...files, "b-exit.md": BAD["b-exit.md"] });
    const run = await cli(["doctest", ...names, "--reporter", "json"], pids);
    const report = JSON.parse(run.stdout) as { files: JsonFile[] };
    const seen = report.files.filter((f) => f.file.startsWith("pid")).map((f) => f.results[0]!.got!.trim());
    expect(seen).toHaveLength(6);
    expect(new Set(seen.slice(0, 3)).size).toBe(1);
    expect(new Set(seen.slice(3)).size).toBe(1);
    expect(seen[3]).not.toBe(seen[0]);
    expect(seen).not.toContain(String(process.pid));
  });

  test("--fail-fast: no file is started after a file whose worker died", async () => {
    const run = await cli(["doctest", "b-exit.md", "a-good.md", "--fail-fast", "--reporter", "json"], dir);
    expect(run.code).toBe(1);
    expect(Object.keys(outcome(run.stdout))).toEqual(["b-exit.md"]);
  });

  test("a timer an example left spinning fails the file's next example (timed out), not the next file", async () => {
    const spin = fixture({
      "spin.md": block("> setTimeout(() => { for (;;) {} }, 0); 'armed'", "'armed'", "> await new Promise((r) => setTimeout(r, 50)); 'next'", "'next'"),
      "ok.md": block("> 'ok'", "'ok'"),
    });
    const run = await cli(["doctest", "spin.md", "ok.md", "--reporter", "json", "--timeout", "1000"], spin);
    const files = outcome(run.stdout);
    expect(files["spin.md"]!.results[0]).toBe("2 passed");
    expect(files["spin.md"]!.results[1]).toMatch(/^4 failed: timed out after 1000 ms$/);
    expect(files["ok.md"]).toEqual({ results: ["2 passed"] });
  });

  test("no worker outlives the run, whatever its examples left behind", async () => {
    // An interval keeps a process alive, and without its disconnect listener the worker would not notice the end.
    const left = fixture({ "left.md": block("> process.removeAllListeners('disconnect'); require('node:timers').setInterval(() => {}, 1000); 'armed'", "'armed'") });
    const run = await cli(["doctest", "left.md"], left);
    expect(run.code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const leftOver = processesIn(left);
    for (const entry of leftOver) process.kill(Number(entry.split(":")[0]), "SIGKILL");
    expect(leftOver).toEqual([]);
  });

  test("in process (the library, greenlet-ts/jest): the timeout interrupts a looping setup block or example, file after file", async () => {
    const script = `
      import { parseMarkdown, runFile } from ${JSON.stringify(path.join(ROOT, "dist/doctest/index.js"))};
      const page = ${JSON.stringify(`${block("for (;;) {}")}${block("> 'after'", "'after'")}`)};
      const loop = ${JSON.stringify(block("> 1", "1", "> while (true) {}", "> 2", "2"))};
      const lines = [];
      // Twice each: the timer thread is shared, and must serve the second file as the first.
      for (const text of [page, loop, page, loop]) {
        const result = await runFile(parseMarkdown(text, "p.md"), { timeoutMs: 300 });
        lines.push(result.results.map((r) => r.line + " " + r.status + (r.reason ? ": " + r.reason : "")).join("; "));
      }
      console.log(lines.join("\\n"));
    `;
    // A file, not -e with --input-type=module: the engine's own interrupt thread would be evaluated as a module.
    const file = path.join(fixture({ "script.mjs": script }), "script.mjs");
    const run = await runProcess(process.execPath, ["--expose-gc", file], { cwd: ROOT, timeoutMs: 30000 });
    const setup = "1 failed: timed out after 300 ms; 5 not-run: not run: the setup code at line 1 timed out";
    const loop = "2 passed; 4 failed: timed out after 300 ms; 5 not-run: not run: the example at line 4 timed out";
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe([setup, loop, setup, loop, ""].join("\n"));
  });

  test("--timeout 0 turns the timeout off; bad values are usage errors; --help tells the default", async () => {
    const slow = fixture({ "slow.md": block("> await new Promise((r) => setTimeout(r, 1200)); 'slow'", "'slow'") });
    expect((await cli(["doctest", "slow.md", "--timeout", "1000"], slow)).code).toBe(1);
    expect((await cli(["doctest", "slow.md", "--timeout", "0"], slow)).code).toBe(0);
    expect((await cli(["doctest", "slow.md"], slow)).code).toBe(0);
    for (const bad of ["-1", "1.5", "soon"]) expect(await cli(["doctest", "slow.md", "--timeout", bad], slow)).toMatchObject({ code: 2, stderr: expect.stringContaining("--timeout") });
    const help = await cli(["doctest", "--help"], slow);
    expect(help.stdout).toContain("(default: 60000; 0: no timeout)");
  });

  test(
    "without --timeout, an example that never ends fails after the default 60 s; the next file is checked",
    async () => {
      const run = await defaultTimeout;
      expect(run.code).toBe(1);
      const files = outcome(run.stdout);
      expect(files["forever.md"]).toEqual({ results: ["2 failed: timed out after 60000 ms", "3 not-run: not run: the example at line 2 timed out"] });
      expect(files["a-good.md"]).toEqual(alone["a-good.md"]);
      figures("default timeout", { ms: Math.round(run.ms) });
    },
    180000,
  );
});
