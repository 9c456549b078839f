// `npm run bench`: measures greenlet-ts against its anchors in one run, prints
// the tables, and rewrites them (with the SVG charts) in bench/README.md.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { installDeno, writeDenoKernelspec } from "./deno.mjs";
import { barChart } from "./svg-chart.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const PYTHON = "/usr/bin/python3";
const REPEATS = Number(process.env.BENCH_REPEATS ?? 7);

/** Runs one measurement in a fresh process; returns its value or null when the anchor is missing. */
function measure(command, args) {
  const result = spawnSync(command, args, { cwd: path.dirname(here), encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").pop()).value;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function pythonGreenletAvailable() {
  if (!existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ["-c", "import greenlet"]).status === 0;
}

const RUNTIME_METRICS = [
  { key: "switch", count: 1_000_000, label: "switch (ping-pong, 1,000,000 switches)", unit: "ns", target: 0.5 },
  // Floors: the same work with V8's promises alone, no greenlet (runtime-greenlet-ts.mjs); no Python side.
  { key: "switch-floor", count: 1_000_000, label: "… its floor: the same hand-over through bare promises, no greenlet", unit: "ns", target: null, ownOnly: true },
  { key: "create", count: 100_000, label: "create + start + finish one greenlet (100,000)", unit: "µs", target: 0.1 },
  { key: "memory", count: 100_000, label: "RSS per suspended greenlet (100,000 more, one frame deep)", unit: "bytes", target: 0.2 },
  { key: "memory-first", count: 100_000, label: "the same, first 100,000 in an empty process", unit: "bytes", target: null },
  { key: "kill", count: 100_000, label: "kill one unreachable suspended greenlet (100,000)", unit: "µs", target: 0.2 },
  { key: "kill-floor", count: 100_000, label: "… its floor: one gc(), V8's finalization callbacks, then each waiting async function rejected and its catch run", unit: "µs", target: null, ownOnly: true },
];

function runtimeSuite() {
  const withPython = pythonGreenletAvailable();
  const rows = [];
  for (const metric of RUNTIME_METRICS) {
    const ours = [];
    const theirs = [];
    // Interleaved, so that a noisy moment of the machine hits both sides.
    for (let i = 0; i < REPEATS; i++) {
      ours.push(measure(process.execPath, ["--expose-gc", path.join(here, "runtime-greenlet-ts.mjs"), metric.key, String(metric.count)]));
      if (withPython && !metric.ownOnly) theirs.push(measure(PYTHON, [path.join(here, "runtime_python_greenlet.py"), metric.key, String(metric.count)]));
    }
    const row = { ...metric, ours: median(ours), theirs: withPython && !metric.ownOnly ? median(theirs) : null };
    row.ratio = row.theirs === null ? null : row.ours / row.theirs;
    rows.push(row);
    console.error(`  ${metric.key}: ${format(row.ours)} vs ${row.theirs === null ? "n/a" : format(row.theirs)} ${metric.unit}`);
  }
  // Without Python's greenlet the ratios cannot be measured: the last measured ones are carried, with their date.
  const previous = readResults().runtime;
  const recorded = withPython ? undefined : previous?.withPython ? { date: previous.date, rows: previous.rows } : previous?.recorded;
  saveResult("runtime", { withPython, rows: Object.fromEntries(rows.map((row) => [row.key, { ours: row.ours, theirs: row.theirs, ratio: row.ratio, target: row.target }])), ...(recorded ? { recorded } : {}) });
  return { withPython, rows };
}

function format(value) {
  if (value === null) return "n/a";
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function runtimeTable({ withPython, rows }) {
  const lines = [
    `| measure | unit | greenlet-ts | Python greenlet${withPython ? "" : " (not installed)"} | ratio | target | met |`,
    "|---|---|---|---|---|---|---|",
  ];
  for (const row of rows) {
    const met = row.ratio === null || row.target === null ? "n/a" : row.ratio <= row.target ? "yes" : "no";
    const ratio = row.ratio === null ? "n/a" : `${row.ratio.toFixed(2)}×`;
    const target = row.target === null ? "—" : `≤ ${row.target}×`;
    lines.push(`| ${row.label} | ${row.unit} | ${format(row.ours)} | ${format(row.theirs)} | ${ratio} | ${target} | ${met} |`);
  }
  return lines.join("\n");
}

/** Replaces the text between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` in bench/README.md. */
function updateReadme(name, body) {
  const file = path.join(here, "README.md");
  const text = readFileSync(file, "utf8");
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < start) throw new Error(`bench/README.md has no ${open} ... ${close} section`);
  writeFileSync(file, `${text.slice(0, start + open.length)}\n${body}\n${text.slice(end)}`);
}

/**
 * The figures of each suite's last run, kept in bench/results.json, so that
 * the issue 16 table (which takes rows from several suites) can be re-made
 * when only some suites run (BENCH_ONLY).
 */
const RESULTS = path.join(here, "results.json");
function readResults() {
  return existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, "utf8")) : {};
}
function saveResult(suite, value) {
  const all = readResults();
  all[suite] = { date: new Date().toISOString().slice(0, 10), node: process.version, ...value };
  writeFileSync(RESULTS, `${JSON.stringify(all, null, 2)}\n`);
}

function engineSuite() {
  const runs = [];
  for (let i = 0; i < Math.max(3, Math.ceil(REPEATS / 2)); i++) {
    const result = spawnSync(process.execPath, ["--expose-gc", path.join(here, "engine.mjs")], { cwd: path.dirname(here), encoding: "utf8" });
    if (result.status !== 0) throw new Error(`bench/engine.mjs failed:\n${result.stderr}`);
    runs.push(JSON.parse(result.stdout.trim().split("\n").pop()));
  }
  const pick = (key) => median(runs.map((run) => run[key]));
  saveResult("engine", Object.fromEntries(Object.keys(runs[0]).filter((key) => typeof runs[0][key] === "number").map((key) => [key, pick(key)])));
  const rows = [
    ["per-cell overhead of `1+1` (transpile, evaluate, echo), median", pick("cell"), "≤ 0.3 ms", pick("cell") <= 0.3],
    ["the same, 99th percentile", pick("cellP99"), "—", null],
    [`transpile a ${runs[0].bigCellLines}-line cell with oxc`, pick("transpile200"), "≤ 2 ms", pick("transpile200") <= 2],
    ["the same with TypeScript's transpileModule (not used)", pick("typescript200"), "—", null],
    ["prepare it (oxc, then the REPL transform)", pick("prepare200"), "—", null],
    ["run it as a cell (prepare, evaluate, echo)", pick("run200"), "—", null],
    ["create a session after the first", pick("session"), "≤ 20 ms", pick("session") <= 20],
    ["create the first session in a process", pick("firstSession"), "—", null],
  ];
  const lines = ["| measure | ms | target | met |", "|---|---|---|---|"];
  for (const [label, value, target, met] of rows) lines.push(`| ${label} | ${value.toFixed(3)} | ${target} | ${met === null ? "n/a" : met ? "yes" : "no"} |`);
  return lines.join("\n");
}

/**
 * Python's doctest on greenlet's pages needs Python's greenlet; when it is
 * not installed, the anchor is the figure issue 16 recorded, said so.
 */
const PYTHON_DOCTEST_RECORDED = { ms: 49, where: "issue 16's figure of 2026-12-01" };

function pythonAnchor(r) {
  if (r.python !== null) return { ms: r.python, label: `${(r.python / 1000).toFixed(3)} s`, perExample: `${(r.python / r.pythonExamples).toFixed(2)} ms (all of it)` };
  return { ms: PYTHON_DOCTEST_RECORDED.ms, label: `not measured (${r.pythonMissing}); ${(PYTHON_DOCTEST_RECORDED.ms / 1000).toFixed(3)} s is ${PYTHON_DOCTEST_RECORDED.where}`, perExample: "n/a" };
}

function doctestSuite() {
  const env = { ...process.env, BENCH_REPEATS: String(REPEATS), BENCH_PYTHON_GREENLET: pythonGreenletAvailable() ? "1" : "0" };
  const result = spawnSync(process.execPath, [path.join(here, "doctest.mjs")], { cwd: path.dirname(here), encoding: "utf8", env });
  if (result.status !== 0) throw new Error(`bench/doctest.mjs failed:\n${result.stderr}`);
  const r = JSON.parse(result.stdout.trim().split("\n").pop());
  saveResult("doctest", r);
  const anchor = pythonAnchor(r);
  const ratio = r.ours / anchor.ms;
  const perExample = (r.oursNoCollect - r.oneFile) / (r.examples - 1);
  const c = r.collections;
  const lines = [
    "| measure | greenlet-ts | Python doctest | ratio | target | met |",
    "|---|---|---|---|---|---|",
    `| whole-process wall time, the seven ported pages (${r.files} files, ${r.examples} examples) vs the original eight${r.python === null ? "" : ` (${r.pythonExamples} examples)`} | ${(r.ours / 1000).toFixed(2)} s | ${anchor.label} | ${ratio.toFixed(1)}× | ≤ 5× | ${ratio <= 5 ? "yes" : "no"} |`,
    `| the same with \`--no-autocollect\` (no garbage collection after each example) | ${(r.oursNoCollect / 1000).toFixed(2)} s | | | | |`,
    `| the same with \`--jobs 2\` (two workers, 2 cores) | ${(r.ours2 / 1000).toFixed(2)} s | | | | |`,
    `| start-up alone (\`--list README.md\`: no worker) | ${(r.startup / 1000).toFixed(2)} s | \`node -e 0\`: ${(r.nodeE / 1000).toFixed(3)} s | | ≤ 0.15 s | ${r.startup <= 150 ? "yes" : "no"} |`,
    `| a one-file run (\`bench/one-example.md\`: one example, \`1 + 1\`) | ${(r.oneFile / 1000).toFixed(2)} s | | | ≤ 0.15 s | ${r.oneFile <= 150 ? "yes" : "no"} |`,
    `| per example, after the one-file run, \`--no-autocollect\` | ${perExample.toFixed(2)} ms | ${anchor.perExample} | | ≤ 0.3 ms | ${perExample <= 0.3 ? "yes" : "no"} |`,
    `| per example, after the one-file run, with the collections | ${((r.ours - r.oneFile) / (r.examples - 1)).toFixed(2)} ms | | | | |`,
    ...(r.trivial
      ? [
          `| per example that does nothing (a page of ${r.trivialExamples} \`N + 1\`, after the one-file run) | ${((r.trivial - r.oneFile) / (r.trivialExamples - 1)).toFixed(2)} ms | | | | |`,
          `| … the same page in one process: the runner and checker (\`runFile()\`) / the engine alone (\`Session.execute\`) | ${(r.trivialRunner / r.trivialExamples).toFixed(2)} / ${(r.trivialEngine / r.trivialExamples).toFixed(2)} ms | | | | |`,
        ]
      : []),
    `| the collections after examples (default − \`--no-autocollect\`) | ${((r.ours - r.oursNoCollect) / 1000).toFixed(2)} s | | | only where something could die | ${c.foundNothing <= c.foundSomething ? "yes" : "no"} |`,
    `| … examples that ran no gc() / one that found nothing / two or more (something died, or the example called collect() itself), one instrumented run | ${c.none} / ${c.foundNothing} / ${c.foundSomething} | | | | |`,
    `| … the full gc() calls and the waits for V8's finalization task after them, one instrumented run | ${c.gcCalls} calls, ${(c.gcMs / 1000).toFixed(2)} s + ${(c.waitMs / 1000).toFixed(3)} s | | | | |`,
  ];
  return lines.join("\n");
}

/** The kernels' figures: median over runs, per kernel and key; null when a kernel failed in any run. */
const KERNEL_RUNS = Number(process.env.BENCH_KERNEL_RUNS ?? 3);
const KERNELS = [
  { label: "ours", name: "greenlet-ts-bench", language: "greenlet-ts", title: "greenlet-ts" },
  { label: "ipykernel", name: "python3", language: "python", title: "ipykernel" },
  { label: "deno", name: "deno-bench", language: "deno", title: "Deno" },
];

function kernelSuite() {
  const prefix = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-bench-"));
  const install = spawnSync(process.execPath, [path.join(path.dirname(here), "dist/cli/main.js"), "install", "--prefix", prefix, "--name", "greenlet-ts-bench"], { encoding: "utf8" });
  if (install.status !== 0) throw new Error(install.stderr);
  const jupyterPath = path.join(prefix, "share", "jupyter");
  let env = { ...process.env, JUPYTER_PATH: jupyterPath, PYDEVD_DISABLE_FILE_VALIDATION: "1" };
  const deno = installDeno();
  if (deno.reason !== undefined) console.error(`  Deno not measured: ${deno.reason}`);
  else {
    console.error(`  Deno: ${deno.version} (${deno.deno})`);
    env = { ...env, ...writeDenoKernelspec(deno.deno, jupyterPath) };
  }
  const kernels = KERNELS.filter((k) => k.label !== "deno" || deno.reason === undefined);
  const cells = Number(process.env.BENCH_KERNEL_CELLS ?? 2500);
  const runs = [];
  try {
    for (let i = 0; i < KERNEL_RUNS; i++) {
      const result = spawnSync(PYTHON, [path.join(here, "kernel_bench.py"), "--cells", String(cells), ...kernels.map((k) => `${k.label}=${k.name}:${k.language}`)], { encoding: "utf8", env });
      if (result.status !== 0) throw new Error(`bench/kernel_bench.py failed:\n${result.stderr}`);
      const run = JSON.parse(result.stdout.trim().split("\n").pop());
      for (const k of kernels) if (run[k.label]?.error) console.error(`  ${k.title} failed: ${run[k.label].error}`);
      runs.push(run);
    }
  } finally {
    deno.cleanup?.();
  }
  const figures = {};
  for (const k of KERNELS) {
    const ok = runs.length > 0 && runs.every((run) => run[k.label] !== undefined && run[k.label].error === undefined);
    if (!ok) {
      figures[k.label] = { notMeasured: k.label === "deno" && deno.reason !== undefined ? deno.reason : runs.map((run) => run[k.label]?.error).find(Boolean) ?? "not run" };
      continue;
    }
    // A figure missing from some run (lines that never all came) is the median of the runs that have it.
    const keys = new Set(runs.flatMap((run) => Object.keys(run[k.label]).filter((key) => typeof run[k.label][key] === "number")));
    figures[k.label] = Object.fromEntries([...keys].map((key) => [key, median(runs.map((run) => run[k.label][key]).filter((v) => typeof v === "number"))]));
    figures[k.label].lines_complete = runs.every((run) => run[k.label].lines_complete);
    figures[k.label].lines_incomplete_runs = runs.filter((run) => !run[k.label].lines_complete).length;
  }
  saveResult("kernel", { cells, runs: runs.length, deno: deno.version ?? null, figures, floor: kernelFloor() });
  return kernelTable(figures, cells, deno);
}

function kernelTable(figures, cells, deno) {
  const value = (label, key) => (figures[label]?.notMeasured !== undefined ? null : (figures[label]?.[key] ?? null));
  const cell = (label, key) => (figures[label]?.notMeasured !== undefined ? "not measured" : format(value(label, key)));
  const compare = (key, test) => {
    const ours = value("ours", key);
    return ours === null ? "n/a" : test(ours);
  };
  const atMost = (limit) => (limit === null ? "n/a" : undefined);
  const rows = [
    ["start-up to the first kernel_info_reply", "s", "startup", "≤ Deno's", () => compare("startup", (o) => atMost(value("deno", "startup")) ?? (o <= value("deno", "startup") ? "yes" : "no"))],
    ["execute `1+1`, round trip p50", "ms", "p50_ms", "≤ ipykernel's and Deno's", () => compare("p50_ms", (o) => { const a = [value("ipykernel", "p50_ms"), value("deno", "p50_ms")].filter((v) => v !== null); return a.length === 0 ? "n/a" : o <= Math.min(...a) ? "yes" : "no"; })],
    ["execute `1+1`, round trip p99", "ms", "p99_ms", "—", () => "n/a"],
    ["10,000 printed lines, all delivered (the idle status and the last line both in)", "s", "lines_s", "≤ 2× ipykernel", () => compare("lines_s", (o) => atMost(value("ipykernel", "lines_s")) ?? (o <= 2 * value("ipykernel", "lines_s") ? "yes" : "no"))],
    ["… the idle status came at", "s", "lines_idle_s", "—", () => "n/a"],
    ["… lines received (of 10,000; median of the runs)", "lines", "lines_received", "—", () => "n/a"],
    ["… lines that came after the idle status (the protocol has output before idle)", "lines", "lines_after_idle", "—", () => "n/a"],
    ["RSS after start-up", "MB", "rss_start_mb", "≤ ipykernel's", () => compare("rss_start_mb", (o) => atMost(value("ipykernel", "rss_start_mb")) ?? (o <= value("ipykernel", "rss_start_mb") ? "yes" : "no"))],
    ["RSS after the first cell (`1+1`)", "MB", "rss_first_mb", "≤ ipykernel's", () => compare("rss_first_mb", (o) => atMost(value("ipykernel", "rss_first_mb")) ?? (o <= value("ipykernel", "rss_first_mb") ? "yes" : "no"))],
    [`RSS growth per 1,000 small cells (\`N + 1\`, over ${cells.toLocaleString("en")} cells after the first 722)`, "MB", "growth_mb_per_1000", "≤ 2 MB", () => compare("growth_mb_per_1000", (o) => (o <= 2 ? "yes" : "no"))],
    ["… RSS before / after those cells", "MB", null, "—", () => "n/a"],
    [`… what the cells keep: RSS growth per 1,000 cells between two full collections (${Math.floor(cells / 2).toLocaleString("en")} cells)`, "MB", "retained_mb_per_1000", "≤ 2 MB, flat", () => compare("retained_mb_per_1000", (o) => (o <= 2 ? "yes" : "no"))],
    ["… a small cell's round trip meanwhile (mean)", "ms", "cell_ms", "—", () => "n/a"],
  ];
  const lines = ["| measure | unit | greenlet-ts | ipykernel | Deno | target | met |", "|---|---|---|---|---|---|---|"];
  for (const [label, unit, key, target, met] of rows) {
    const cells3 = key === null
      ? KERNELS.map((k) => (figures[k.label]?.notMeasured !== undefined ? "not measured" : `${format(value(k.label, "rss_before_growth_mb"))} / ${format(value(k.label, "rss_after_growth_mb"))}`))
      : KERNELS.map((k) => (unit === "lines" && value(k.label, key) !== null ? String(Math.round(value(k.label, key))) : cell(k.label, key)));
    lines.push(`| ${label} | ${unit} | ${cells3.join(" | ")} | ${target} | ${met()} |`);
  }
  const complete = (label) => (figures[label]?.notMeasured !== undefined ? "not measured" : figures[label]?.lines_complete ? "yes" : `no (${figures[label]?.lines_incomplete_runs} of the runs lost lines; the delivery time is the median of the others, if any)`);
  lines.push("", `All 10,000 lines arrived, in order, in every run: greenlet-ts ${complete("ours")}; ipykernel ${complete("ipykernel")}; Deno ${complete("deno")}.`);
  lines.push("", deno.reason === undefined ? `Deno: ${deno.version}, from the npm package \`@deno/linux-x64-glibc\` installed in a temporary directory for the run.` : `Deno: not measured: ${deno.reason}.`);
  return lines.join("\n");
}

/**
 * What any node kernel pays before its own code: RSS of a bare node with
 * the kernelspec's flags and environment, and with two empty worker threads
 * with small heap limits (as the kernel has two: the control/heartbeat
 * thread and the SIGINT guard).
 * Medians of fresh processes, each after a full gc() and 300 ms.
 */
function kernelFloor() {
  const spec = JSON.parse(readFileSync(path.join(path.dirname(here), "kernel.json"), "utf8"));
  const flags = spec.argv.slice(spec.argv.indexOf("node") + 1, spec.argv.indexOf("{entry}"));
  const rssOf = (code) => {
    const values = [];
    for (let i = 0; i < 5; i++) {
      const result = spawnSync(process.execPath, [...flags, "-e", code], { encoding: "utf8", env: { ...process.env, ...spec.env } });
      if (result.status !== 0) throw new Error(`bare node failed:\n${result.stderr}`);
      values.push(Number(result.stdout.trim()));
    }
    return median(values);
  };
  const report = "gc(); setTimeout(() => { gc(); console.log(process.memoryUsage().rss / 1048576); process.exit(0); }, 300);";
  return {
    bare_mb: rssOf(report),
    // Two, with the SIGINT guard's heap limits (the smallest the kernel gives a thread).
    two_workers_mb: rssOf(`const { Worker } = require("node:worker_threads"); let up = 0; for (let i = 0; i < 2; i++) new Worker("require('node:worker_threads').parentPort.postMessage(1); setInterval(() => {}, 1000)", { eval: true, resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1, codeRangeSizeMb: 2 } }).once("message", () => { if (++up === 2) { ${report} } });`),
  };
}

/**
 * Issue 16's table: its rows, from the last run of each suite
 * (bench/results.json), each with its target and whether it is met, and
 * a chart of each measure divided by its target.
 */
function issueTable() {
  const all = readResults();
  const { doctest: d, kernel: k, runtime: rt, engine: e } = all;
  const fmt = (v, digits = 2) => (v === null || v === undefined || Number.isNaN(v) ? "n/a" : v.toFixed(digits));
  const met = (v, limit) => (v === null || v === undefined || limit === null || limit === undefined ? "n/a" : v <= limit ? "yes" : "no");
  const rows = [];
  const bars = [];
  const bar = (label, value, target) => {
    if (value !== null && value !== undefined && target) bars.push({ label, value: value / target, target: 1 });
  };
  if (d) {
    const anchor = pythonAnchor(d);
    const ratio = d.ours / anchor.ms;
    const perExample = (d.oursNoCollect - d.oneFile) / (d.examples - 1);
    const c = d.collections;
    const floorS = (d.nodeE + c.gcMs) / 1000;
    rows.push([`\`greenlet-ts doctest\` on the seven ported greenlet pages (${d.examples} examples), whole process`, `${fmt(d.ours / 1000)} s`, `Python's doctest on greenlet's eight pages: ${anchor.label} (${fmt(ratio, 1)}×)`, "≤ 5× Python", met(ratio, 5),
      `Floor: node's own start (${fmt(d.nodeE / 1000, 3)} s) and the full gc() calls after examples that leave a greenlet or a finalizer alive (${c.gcCalls} calls, ${fmt(c.gcMs / 1000)} s) come to ${fmt(floorS)} s, ${fmt((floorS * 1000) / anchor.ms, 1)}× Python, before any of our own work; Python's reference counting kills at once, with no collection. Landed: the worker forked before the runner loads; each process loads only what the run uses; a file's session ends with its globals cleared (a page's context no longer stays in the heap that later collections walk); the REPL transform skips its parse when nothing needs rewriting; batched messages; oxc instead of swc. See "Where the time goes".`]);
    bar("doctest ÷ 5× Python", ratio, 5);
    rows.push(["… fixed cost of a run: `--list README.md` (no worker)", `${fmt(d.startup / 1000)} s`, `\`node -e 0\`: ${fmt(d.nodeE / 1000, 3)} s`, "≤ 0.15 s", met(d.startup, 150),
      `Floor: \`node -e 0\` itself (${fmt(d.nodeE / 1000, 3)} s here); then the ES module loader starts and markdown-it, which finds the examples, loads (about 13 and 59 ms in "Where the time goes"). Landed: the CLI loads only its command's modules; diff, comment-parser and the engine are not loaded to list.`]);
    rows.push(["… fixed cost of a run: a one-file run (one example)", `${fmt(d.oneFile / 1000)} s`, "", "≤ 0.15 s", met(d.oneFile, 150),
      `Floor: two node processes: examples never run in the runner's own (a crash, a hang or an exhausted heap must fail one file, not the run: docs/doctest.md, "Isolation"); the worker is forked first, while the runner loads, and still has to start (\`node -e 0\`: ${fmt(d.nodeE / 1000, 3)} s) and load the engine and the transpiler before the example runs.`]);
    bar("one-file run", d.oneFile, 150);
    rows.push(["… per example without collections (`--no-autocollect`)", `${fmt(perExample)} ms`, e ? `engine \`1+1\` cell: ${fmt(e.cell)} ms` : "", "≤ 0.3 ms", met(perExample, 0.3),
      `${d.trivial ? `An example that does nothing (a page of ${d.trivialExamples} \`N + 1\`) costs ${fmt((d.trivial - d.oneFile) / (d.trivialExamples - 1))} ms in a whole run: the engine's cell ${fmt(d.trivialEngine / d.trivialExamples)} ms, the runner and the checker in one process ${fmt((d.trivialRunner - d.trivialEngine) / d.trivialExamples)} ms more, and the rest (${fmt((d.trivial - d.oneFile) / (d.trivialExamples - 1) - d.trivialRunner / d.trivialExamples)} ms) is the worker: its message to the runner and the runner's handling of it, on two cores shared by both processes. ` : ""}The figure here is a mean over pages whose examples do real work: docs/worker-threads.md starts a worker thread (about 110 ms, "Where the time goes"), several examples switch into greenlets that call collect() themselves; a file that leaves a greenlet or a finalizer alive ends with one collection even with \`--no-autocollect\` (its session ends as Python's doctest ends a test). Landed: the REPL transform's fast path (no parse for a cell without declarations, imports or await), one message per example instead of two, an exact match checked without normalizing.`]);
    bar("per example", perExample, 0.3);
    rows.push(["… the collections after examples", `${fmt((d.ours - d.oursNoCollect) / 1000)} s; ${c.foundNothing} of ${d.examples} examples ran a full gc() that found nothing, ${c.foundSomething} ran two or more (something died, or they called collect())`, `one full gc() here: ${fmt(c.gcMs / Math.max(1, c.gcCalls), 1)} ms`, "only where something could die, never more than one full GC when nothing does", `no (the second half: yes)`,
      `Any code can drop the last reference to a greenlet (\`list.pop()\`, \`map.delete(k)\`, a callback), not only an assignment that a source scan or a counter sees, so the only sound rule is "something is alive": examples with no greenlet and no finalizer alive run no gc() (${c.none} here), and one that finds nothing runs exactly one. Each gc() walks the whole heap (${fmt(c.gcMs / Math.max(1, c.gcCalls), 1)} ms here). Tried: V8 flags (none made a gc() cheaper beyond the noise: "Where the time goes"); sessions ended so the heap stays small; a source scan (unsound: it misses a drop inside a called function).`]);
  } else rows.push(["doctest rows", "not measured yet (`BENCH_ONLY=doctest`)", "", "", "n/a", "—"]);
  if (k) {
    const f = k.figures;
    const v = (label, key) => (f[label]?.notMeasured !== undefined ? null : (f[label]?.[key] ?? null));
    const deno = f.deno?.notMeasured !== undefined ? `Deno not measured (${f.deno.notMeasured})` : null;
    rows.push(["kernel RSS after start-up / after the first cell", `${fmt(v("ours", "rss_start_mb"), 1)} / ${fmt(v("ours", "rss_first_mb"), 1)} MB`, `ipykernel ${fmt(v("ipykernel", "rss_start_mb"), 1)} / ${fmt(v("ipykernel", "rss_first_mb"), 1)} MB; ${deno ?? `Deno ${fmt(v("deno", "rss_start_mb"), 1)} / ${fmt(v("deno", "rss_first_mb"), 1)} MB`}`, "≤ ipykernel after the first cell", met(v("ours", "rss_first_mb"), v("ipykernel", "rss_first_mb")),
      k.floor ? `Floor: a bare node with the kernelspec's flags is ${fmt(k.floor.bare_mb, 1)} MB (most of it node's own binary mapped in), and ${fmt(k.floor.two_workers_mb, 1)} MB with two empty worker threads, as the kernel has (the control/heartbeat thread, which answers while a cell runs, and the SIGINT guard, which keeps an evaluation at about 2 µs instead of 85), before ZeroMQ, the protocol, the engine and the transpiler. Landed: oxc-transform instead of @swc/core (−21 MB after the first cell), \`--optimize-for-size\`. Tried: one bundled file instead of the modules (+1.5 MB, not kept). "Where the memory goes" has the pieces.` : "—"]);
    bar("RSS, first cell", v("ours", "rss_first_mb"), v("ipykernel", "rss_first_mb"));
    rows.push([`kernel RSS growth per 1,000 small cells (over ${k.cells.toLocaleString("en")}; between two full collections, over ${Math.floor(k.cells / 2).toLocaleString("en")})`, `+${fmt(v("ours", "growth_mb_per_1000"), 1)} MB (+${fmt(v("ours", "retained_mb_per_1000"), 1)} MB)`, `ipykernel +${fmt(v("ipykernel", "growth_mb_per_1000"), 1)} MB (+${fmt(v("ipykernel", "retained_mb_per_1000"), 1)} MB); ${deno ?? `Deno +${fmt(v("deno", "growth_mb_per_1000"), 1)} MB (no full collection to force)`}`, "≤ 2 MB, and flat over 10,000 cells", met(v("ours", "growth_mb_per_1000"), 2),
      "Over 12,000 cells: \"Where the memory goes\". What the cells keep is each cell's source (for stack traces into it later, as ipykernel keeps every cell in linecache) and the history (at most 10,000 entries)."]);
    bar("RSS growth", v("ours", "growth_mb_per_1000"), 2);
    rows.push(["start-up to first `kernel_info_reply` (jupyter_client)", `${fmt(v("ours", "startup"), 3)} s`, `${deno ?? `Deno ${fmt(v("deno", "startup"), 3)} s`}; ipykernel ${fmt(v("ipykernel", "startup"), 3)} s`, "≤ Deno's", met(v("ours", "startup"), v("deno", "startup")), "—"]);
    bar("start-up", v("ours", "startup"), v("deno", "startup"));
    const anchors = [v("ipykernel", "p50_ms"), v("deno", "p50_ms")].filter((x) => x !== null);
    rows.push(["`1+1` round trip p50", `${fmt(v("ours", "p50_ms"))} ms`, `${deno ?? `Deno ${fmt(v("deno", "p50_ms"))} ms`}; ipykernel ${fmt(v("ipykernel", "p50_ms"))} ms`, "keep ahead", met(v("ours", "p50_ms"), anchors.length ? Math.min(...anchors) : null), "—"]);
    bar("1+1 p50", v("ours", "p50_ms"), anchors.length ? Math.min(...anchors) : null);
  } else rows.push(["kernel rows", "not measured yet (`BENCH_ONLY=kernel`)", "", "", "n/a", "—"]);
  if (rt) {
    const source = rt.withPython ? rt : rt.recorded;
    const sw = source?.rows.switch ?? {};
    const kill = source?.rows.kill ?? {};
    const note = rt.withPython ? "—" : source ? `Python's greenlet is not installed now: the ratios measured on ${source.date}` : "Python's greenlet is not installed";
    const swFloor = rt.rows?.["switch-floor"]?.ours;
    const killFloor = rt.rows?.["kill-floor"]?.ours;
    rows.push(["greenlet switch / kill via collect()", `${fmt(sw.ratio)}× / ${fmt(kill.ratio)}× of Python greenlet`, note, "≤ 0.5× / ≤ 0.2×", `${met(sw.ratio, 0.5)} / ${met(kill.ratio, 0.2)}`,
      swFloor === undefined ? "—" : `Floors, measured in the same run with V8's promises alone: a switch's hand-over ${fmt(swFloor, 0)} ns (ours ${fmt(sw.ours, 0)}); a kill's gc(), finalization callback and rejected await ${fmt(killFloor)} µs (ours ${fmt(kill.ours)}, which adds the confirming second gc()).`]);
    bar("switch", sw.ratio, 0.5);
    bar("kill", kill.ratio, 0.2);
  } else rows.push(["greenlet switch / kill", "not measured yet (`BENCH_ONLY=runtime`)", "", "", "n/a", "—"]);
  const when = ["doctest", "kernel", "runtime", "engine"].filter((s) => all[s]).map((s) => `${s} ${all[s].date}`).join(", ");
  const table = ["| measure | greenlet-ts | anchors | target | met | what stops it, what was tried |", "|---|---|---|---|---|---|", ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
  if (bars.length > 0) writeFileSync(path.join(here, "issue16.svg"), barChart({ title: "issue 16: each measure ÷ its target (≤ 1× is met)", bars }));
  return `_from the last run of each suite: ${when}_\n\n${table}\n\n![each measure divided by its target](issue16.svg)`;
}

/**
 * Checking notebooks/: our client (one kernel process per notebook, over
 * ZeroMQ) against Jupyter's own, nbconvert --execute on the same kernel,
 * each as a whole `greenlet-ts doctest` process.
 */
function notebookSuite() {
  const root = path.dirname(here);
  const prefix = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-bench-nb-"));
  const install = spawnSync(process.execPath, [path.join(root, "dist/cli/main.js"), "install", "--prefix", prefix], { encoding: "utf8" });
  if (install.status !== 0) throw new Error(install.stderr);
  const env = { ...process.env, JUPYTER_PATH: path.join(prefix, "share", "jupyter"), PYDEVD_DISABLE_FILE_VALIDATION: "1" };
  const time = (args) => {
    const started = performance.now();
    const result = spawnSync(process.execPath, ["--expose-gc", path.join(root, "dist/cli/main.js"), "doctest", ...args, "notebooks"], { cwd: root, encoding: "utf8", env });
    if (result.status !== 0) throw new Error(`greenlet-ts doctest ${args.join(" ")} notebooks failed:\n${result.stdout}${result.stderr}`);
    return { ms: performance.now() - started, cells: Number(result.stdout.split(" ")[0]) };
  };
  const ours = [];
  const theirs = [];
  let cells = 0;
  for (let i = 0; i < Math.max(3, Math.ceil(REPEATS / 2)); i++) {
    const a = time([]);
    ours.push(a.ms);
    cells = a.cells;
    theirs.push(time(["--client", "nbconvert", "--jupyter", "/usr/bin/jupyter"]).ms);
  }
  const [o, t] = [median(ours), median(theirs)];
  return [
    "| measure | greenlet-ts client | nbconvert --execute | ratio |",
    "|---|---|---|---|",
    `| check the 3 notebooks (${cells} code cells), whole process | ${(o / 1000).toFixed(2)} s | ${(t / 1000).toFixed(2)} s | ${(o / t).toFixed(2)}× |`,
    `| per notebook | ${(o / 3000).toFixed(2)} s | ${(t / 3000).toFixed(2)} s | |`,
  ].join("\n");
}

/** A user's own project: importing its TypeScript, and checking its docs (examples/library). */
function projectSuite() {
  const result = spawnSync(process.execPath, [path.join(here, "project.mjs")], { cwd: path.dirname(here), encoding: "utf8", env: { ...process.env, BENCH_REPEATS: String(REPEATS) } });
  if (result.status !== 0) throw new Error(`bench/project.mjs failed:\n${result.stderr}`);
  const r = JSON.parse(result.stdout.trim().split("\n").pop());
  const ratio = r.withImports / r.without;
  return [
    "| measure | greenlet-ts | anchor | difference or ratio | target | met |",
    "|---|---|---|---|---|---|",
    `| first import of a ${r.lines}-line TypeScript module (the engine's loader) vs node importing the same code as JavaScript | ${r.ts.toFixed(2)} ms | ${r.js.toFixed(2)} ms | +${r.extra.toFixed(2)} ms | ≤ +10 ms | ${r.extra <= 10 ? "yes" : "no"} |`,
    `| second import of the unchanged module (a reload check included) | ${(r.again * 1000).toFixed(1)} µs | — | — | ≤ 100 µs | ${r.again <= 0.1 ? "yes" : "no"} |`,
    `| \`greenlet-ts doctest README.md src\` in examples/library vs the same ${r.examples} examples without imports (the library inline), whole process | ${(r.withImports / 1000).toFixed(2)} s | ${(r.without / 1000).toFixed(2)} s | ${ratio.toFixed(2)}× | ≤ 1.2× | ${ratio <= 1.2 ? "yes" : "no"} |`,
  ].join("\n");
}

/** JupyterLab's debugger: `1+1` with no client attached, attached, and with a breakpoint elsewhere. */
function debuggerSuite() {
  const result = spawnSync(process.execPath, [path.join(here, "debugger.mjs")], { cwd: path.dirname(here), encoding: "utf8", env: { ...process.env, BENCH_REPEATS: String(REPEATS) } });
  if (result.status !== 0) throw new Error(`bench/debugger.mjs failed:\n${result.stderr}`);
  const r = JSON.parse(result.stdout.trim().split("\n").pop());
  const row = (label, value) => {
    const ratio = value / r.none;
    return `| ${label} | ${value.toFixed(2)} ms | ${r.none.toFixed(2)} ms | ${ratio.toFixed(2)}× | ≤ 1.2× | ${ratio <= 1.2 ? "yes" : "no"} |`;
  };
  return [
    `| \`1+1\` round trip p50 (${r.cells} cells a block) | greenlet-ts | no client attached | ratio | target | met |`,
    "|---|---|---|---|---|---|",
    row("debugger attached, no breakpoint", r.attached),
    row("debugger attached, a breakpoint in another cell", r.breakpoint),
  ].join("\n");
}

const machine = `node ${process.version}, ${process.platform} ${process.arch}; median of ${REPEATS} interleaved runs; ${new Date().toISOString().slice(0, 10)}`;

// BENCH_ONLY=notebooks,kernel runs only those suites (the others' tables are kept).
const only = process.env.BENCH_ONLY?.split(",");
const wanted = (suite) => only === undefined || only.includes(suite);

if (wanted("runtime")) {
  console.error("runtime: greenlet-ts vs Python greenlet");
  const runtime = runtimeSuite();
  let table = runtimeTable(runtime);
  const recorded = runtime.withPython ? undefined : readResults().runtime?.recorded;
  if (recorded) {
    const ratios = Object.entries(recorded.rows).filter(([, row]) => row.ratio !== null).map(([key, row]) => `${key} ${row.ratio.toFixed(2)}×`).join(", ");
    table += `\n\nPython's greenlet is not installed on this machine now (Debian: \`python3-greenlet\`), so there are no ratios in this run; the last ones measured with it (${recorded.date}): ${ratios}.`;
  }
  console.log(`\n## Runtime (${machine})\n\n${table}\n`);
  if (runtime.withPython) {
    writeFileSync(
      path.join(here, "runtime-ratios.svg"),
      barChart({
        title: "greenlet-ts / Python greenlet (lower is better; tick = target)",
        bars: runtime.rows.filter((row) => row.target !== null).map((row) => ({ label: row.key, value: row.ratio, target: row.target })),
      }),
    );
  }
  updateReadme("runtime", `_${machine}_\n\n${table}\n\n![ratios](runtime-ratios.svg)`);
}

if (wanted("engine")) {
  console.error("engine: per-cell costs");
  const engineTable = engineSuite();
  console.log(`\n## Engine (${machine})\n\n${engineTable}\n`);
  updateReadme("engine", `_${machine}_\n\n${engineTable}`);
}

if (wanted("doctest")) {
  console.error("doctest: greenlet-ts doctest vs Python's doctest");
  const doctestTable = doctestSuite();
  console.log(`\n## Doctest (${machine})\n\n${doctestTable}\n`);
  updateReadme("doctest", `_${machine}_\n\n${doctestTable}`);
}

if (wanted("project")) {
  console.error("project: importing a project's TypeScript, checking its docs");
  const projectTable = projectSuite();
  console.log(`\n## Project (${machine})\n\n${projectTable}\n`);
  updateReadme("project", `_${machine}_\n\n${projectTable}`);
}

if (wanted("debugger")) {
  console.error("debugger: 1+1 with and without a debugger client attached");
  const debuggerTable = debuggerSuite();
  console.log(`\n## Debugger (${machine})\n\n${debuggerTable}\n`);
  updateReadme("debugger", `_${machine}_\n\n${debuggerTable}`);
}

if (wanted("kernel") && spawnSync(PYTHON, ["-c", "import jupyter_client, ipykernel"]).status === 0) {
  console.error("kernel: greenlet-ts vs ipykernel through jupyter_client");
  const kernelTable = kernelSuite();
  console.log(`\n## Kernel (${machine})\n\n${kernelTable}\n`);
  updateReadme("kernel", `_${machine.replace(/median of \d+ interleaved runs/, `median of ${KERNEL_RUNS} runs`)}_\n\n${kernelTable}`);
}

// Re-made whenever a suite it draws on has run (BENCH_ONLY=issue16: re-made from results.json alone).
if (["doctest", "kernel", "runtime", "engine", "issue16"].some((suite) => wanted(suite))) {
  const issue = issueTable();
  console.log(`\n## Issue 16\n\n${issue}\n`);
  updateReadme("issue16", issue);
}

if (wanted("notebooks") && existsSync("/usr/bin/jupyter") && spawnSync(PYTHON, ["-c", "import nbconvert"]).status === 0) {
  console.error("notebooks: our client vs jupyter nbconvert --execute");
  const notebookTable = notebookSuite();
  console.log(`\n## Notebooks (${machine})\n\n${notebookTable}\n`);
  updateReadme("notebooks", `_${machine}_\n\n${notebookTable}`);
}
