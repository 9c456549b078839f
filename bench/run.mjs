// `npm run bench`: measures greenlet-ts against its anchors in one run, prints
// the tables, and rewrites them (with the SVG charts) in bench/README.md.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
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
  { key: "create", count: 100_000, label: "create + start + finish one greenlet (100,000)", unit: "µs", target: 0.1 },
  { key: "memory", count: 100_000, label: "RSS per suspended greenlet (100,000 more, one frame deep)", unit: "bytes", target: 0.2 },
  { key: "memory-first", count: 100_000, label: "the same, first 100,000 in an empty process", unit: "bytes", target: null },
  { key: "kill", count: 100_000, label: "kill one unreachable suspended greenlet (100,000)", unit: "µs", target: 0.2 },
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
      if (withPython) theirs.push(measure(PYTHON, [path.join(here, "runtime_python_greenlet.py"), metric.key, String(metric.count)]));
    }
    const row = { ...metric, ours: median(ours), theirs: withPython ? median(theirs) : null };
    row.ratio = row.theirs === null ? null : row.ours / row.theirs;
    rows.push(row);
    console.error(`  ${metric.key}: ${format(row.ours)} vs ${row.theirs === null ? "n/a" : format(row.theirs)} ${metric.unit}`);
  }
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

function engineSuite() {
  const runs = [];
  for (let i = 0; i < Math.max(3, Math.ceil(REPEATS / 2)); i++) {
    const result = spawnSync(process.execPath, ["--expose-gc", path.join(here, "engine.mjs")], { cwd: path.dirname(here), encoding: "utf8" });
    if (result.status !== 0) throw new Error(`bench/engine.mjs failed:\n${result.stderr}`);
    runs.push(JSON.parse(result.stdout.trim().split("\n").pop()));
  }
  const pick = (key) => median(runs.map((run) => run[key]));
  const rows = [
    ["per-cell overhead of `1+1` (transpile, evaluate, echo), median", pick("cell"), "≤ 0.3 ms", pick("cell") <= 0.3],
    ["the same, 99th percentile", pick("cellP99"), "—", null],
    [`transpile a ${runs[0].bigCellLines}-line cell with swc`, pick("transpile200"), "≤ 2 ms", pick("transpile200") <= 2],
    ["the same with TypeScript's transpileModule (not used)", pick("typescript200"), "—", null],
    ["prepare it (swc, then the REPL transform)", pick("prepare200"), "—", null],
    ["run it as a cell (prepare, evaluate, echo)", pick("run200"), "—", null],
    ["create a session after the first", pick("session"), "≤ 20 ms", pick("session") <= 20],
    ["create the first session in a process", pick("firstSession"), "—", null],
  ];
  const lines = ["| measure | ms | target | met |", "|---|---|---|---|"];
  for (const [label, value, target, met] of rows) lines.push(`| ${label} | ${value.toFixed(3)} | ${target} | ${met === null ? "n/a" : met ? "yes" : "no"} |`);
  return lines.join("\n");
}

function doctestSuite() {
  const result = spawnSync(process.execPath, [path.join(here, "doctest.mjs")], { cwd: path.dirname(here), encoding: "utf8", env: { ...process.env, BENCH_REPEATS: String(REPEATS) } });
  if (result.status !== 0) throw new Error(`bench/doctest.mjs failed:\n${result.stderr}`);
  const r = JSON.parse(result.stdout.trim().split("\n").pop());
  const ratio = r.python === null ? null : r.ours / r.python;
  const lines = [
    "| measure | greenlet-ts | Python doctest | ratio | target | met |",
    "|---|---|---|---|---|---|",
    `| whole-process wall time, the ported pages (${r.files} files, ${r.examples} examples) vs the original eight (${r.pythonExamples} examples) | ${(r.ours / 1000).toFixed(2)} s | ${r.python === null ? "n/a" : `${(r.python / 1000).toFixed(3)} s`} | ${ratio === null ? "n/a" : `${ratio.toFixed(1)}×`} | ≤ 2× | ${ratio === null ? "n/a" : ratio <= 2 ? "yes" : "no"} |`,
    `| the same with \`--no-autocollect\` (no garbage collection after each example) | ${(r.oursNoCollect / 1000).toFixed(2)} s | | | | |`,
    `| the same with \`--jobs 2\` (2 cores) | ${(r.ours2 / 1000).toFixed(2)} s | | | | |`,
    `| start-up alone (\`--list README.md\`) | ${(r.startup / 1000).toFixed(2)} s | | | | |`,
    `| per example, after start-up | ${((r.ours - r.startup) / r.examples).toFixed(1)} ms | ${r.python === null ? "n/a" : `${(r.python / r.pythonExamples).toFixed(2)} ms (all of it)`} | | | |`,
    `| per example, after start-up, \`--no-autocollect\` | ${((r.oursNoCollect - r.startup) / r.examples).toFixed(1)} ms | | | | |`,
  ];
  return lines.join("\n");
}

function kernelSuite() {
  const prefix = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-bench-"));
  const install = spawnSync(process.execPath, [path.join(path.dirname(here), "dist/cli/main.js"), "install", "--prefix", prefix, "--name", "greenlet-ts-bench"], { encoding: "utf8" });
  if (install.status !== 0) throw new Error(install.stderr);
  const env = { ...process.env, JUPYTER_PATH: path.join(prefix, "share", "jupyter"), PYDEVD_DISABLE_FILE_VALIDATION: "1" };
  const runs = [];
  for (let i = 0; i < Math.max(3, Math.ceil(REPEATS / 2)); i++) {
    const result = spawnSync(PYTHON, [path.join(here, "kernel_bench.py"), "greenlet-ts-bench", "python3"], { encoding: "utf8", env });
    if (result.status !== 0) throw new Error(`bench/kernel_bench.py failed:\n${result.stderr}`);
    runs.push(JSON.parse(result.stdout.trim().split("\n").pop()));
  }
  const pick = (side, key) => (runs.every((run) => run[side]) ? median(runs.map((run) => run[side][key])) : null);
  const rows = [
    ["start-up to the first kernel_info_reply", "s", "startup", "≤ 0.5×", 0.5],
    ["execute `1+1`, round trip p50", "ms", "p50_ms", "≤ 1×", 1],
    ["execute `1+1`, round trip p99", "ms", "p99_ms", "—", null],
    ["10,000 printed lines delivered", "s", "lines_s", "≤ 2×", 2],
    ["RSS after start-up", "MB", "rss_mb", "≤ 1×", 1],
  ];
  const lines = ["| measure | unit | greenlet-ts | ipykernel | ratio | target | met |", "|---|---|---|---|---|---|---|"];
  for (const [label, unit, key, target, limit] of rows) {
    const ours = pick("ours", key);
    const theirs = pick("ipykernel", key);
    const ratio = theirs === null ? null : ours / theirs;
    lines.push(`| ${label} | ${unit} | ${format(ours)} | ${format(theirs)} | ${ratio === null ? "n/a" : `${ratio.toFixed(2)}×`} | ${target} | ${limit === null || ratio === null ? "n/a" : ratio <= limit ? "yes" : "no"} |`);
  }
  const complete = runs.every((run) => run.ours.lines_complete);
  lines.push("", `All 10,000 lines arrived, in order, in every run: ${complete ? "yes" : "no"}.`);
  return lines.join("\n");
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
  const table = runtimeTable(runtime);
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
  updateReadme("kernel", `_${machine}_\n\n${kernelTable}`);
}

if (wanted("notebooks") && existsSync("/usr/bin/jupyter") && spawnSync(PYTHON, ["-c", "import nbconvert"]).status === 0) {
  console.error("notebooks: our client vs jupyter nbconvert --execute");
  const notebookTable = notebookSuite();
  console.log(`\n## Notebooks (${machine})\n\n${notebookTable}\n`);
  updateReadme("notebooks", `_${machine}_\n\n${notebookTable}`);
}
