// Where a `greenlet-ts doctest` run's time goes (issue 16, item 1), measured:
//
//   node bench/profile-doctest.mjs [--runs N] [--write]
//
// 1. The timeline of whole runs (docs/greenlet-gc.md alone, and the seven
//    ported greenlet pages), from the clocks of the runner and its worker
//    process (bench/profile-hook.mjs, preloaded into both through
//    NODE_OPTIONS): process starts, node's bootstrap, module loading and
//    parsing in the runner, the fork, the worker's module loading, session
//    creation, the examples (their full gc() calls, the waits for V8's
//    finalization task, the first example, which loads oxc, and the rest),
//    the messages between the processes, and the runner's report and exit.
// 2. Module loading in each process, in fresh processes: the runner's and the
//    worker's module graphs as a whole (import() of their entry), and each
//    package they import directly, alone; oxc-transform and its first transform.
// 3. Markdown parsing: the first parse in a process (cold) and a warm one.
// 4. The engine's own work per example: the same files' examples run by
//    runFile() in one process, no worker, no messages, collections off.
// 5. A CPU profile (inspector, 200 µs samples) of both processes of a run of
//    the seven pages, by category.
//
// Prints the tables; --write puts them in bench/README.md between
// <!-- profile:doctest --> and <!-- /profile:doctest -->.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import { median, percentile, updateSection } from "./profile-common.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const cli = path.join(root, "dist/cli/main.js");
const hook = path.join(here, "profile-hook.mjs");
export const SEVEN = ["greenlet.md", "creating-executing-greenlets.md", "switching.md", "greenlet-gc.md", "gui-example.md", "tracing.md", "worker-threads.md"].map((f) => `docs/${f}`);
const args = process.argv.slice(2);
const RUNS = Number((args.includes("--runs") ? args[args.indexOf("--runs") + 1] : undefined) || process.env.BENCH_REPEATS || 5);
const now = () => performance.timeOrigin + performance.now();

/** A whole instrumented `greenlet-ts doctest` run: the records of its runner and its worker. */
export function instrumentedRun(files, { cpu = false, extra = [] } = {}) {
  const out = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-profile-"));
  const env = { ...process.env, PROFILE_OUT: out, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import=${pathToFileURL(hook).href}`.trim() };
  if (cpu) env.PROFILE_CPU = "1";
  const spawnAt = now();
  const result = spawnSync(process.execPath, [cli, "doctest", ...extra, ...files], { cwd: root, encoding: "utf8", env });
  const endAt = now();
  if (!/passed/.test(result.stdout)) throw new Error(`the instrumented run failed:\n${result.stdout}${result.stderr}`);
  const records = readdirSync(out).filter((f) => f.endsWith(".json")).map((f) => JSON.parse(readFileSync(path.join(out, f), "utf8")));
  const profiles = readdirSync(out).filter((f) => f.endsWith(".cpuprofile")).map((f) => ({ pid: Number(f.split(/[-.]/)[0]), profile: JSON.parse(readFileSync(path.join(out, f), "utf8")) }));
  rmSync(out, { recursive: true, force: true });
  const runner = records.find((r) => r.role === "runner");
  const worker = records.find((r) => r.role === "worker");
  if (runner === undefined || worker === undefined) throw new Error("a process of the run left no record");
  return { spawnAt, endAt, runner, worker, profiles, stdout: result.stdout };
}

/** The phases of one run, in milliseconds. */
export function phases({ spawnAt, endAt, runner: r, worker: w }) {
  const at = (rec, what, pick = () => true) => rec.events.find((e) => e.what === what && pick(e))?.at;
  const all = (rec, what, pick = () => true) => rec.events.filter((e) => e.what === what && pick(e));
  const rBoot = r.timeOrigin + r.bootstrapComplete;
  const wBoot = w.timeOrigin + w.bootstrapComplete;
  const fork = at(r, "fork");
  const received = all(w, "file received").map((e) => e.at);
  const started = all(w, "sent", (e) => e.kind === "started");
  const finished = all(w, "sent", (e) => e.kind === "finished");
  const dones = all(w, "sent", (e) => e.kind === "done");
  const lastDone = dones.at(-1).at;
  // Each file: from its arrival to its first "started" (the session and its runner), and the gap after the previous file's "done".
  let sessions = 0;
  let between = 0;
  received.forEach((t, i) => {
    const first = started.find((e) => e.at >= t);
    if (first !== undefined) sessions += first.at - t;
    if (i > 0) between += t - dones[i - 1].at;
  });
  const firstExample = finished[0].at - started[0].at;
  // Full collections while examples ran, and the waits for the finalization task after them.
  const gcs = withWaits(w).filter((g) => g.start >= started[0].at && g.end <= lastDone);
  const gcMs = gcs.reduce((sum, g) => sum + (g.end - g.start), 0);
  const waits = gcs.filter((g) => g.finalized > 0).map((g) => g.finalized - g.end);
  const waitMs = waits.reduce((a, b) => a + b, 0);
  const checking = lastDone - received[0];
  const examples = finished.length;
  const rest = checking - sessions - between - firstExample - gcMs - waitMs;
  const receivedDone = r.events.filter((e) => e.what === "received" && e.kind === "done").at(-1).at;
  const hops = r.events.filter((e) => e.what === "received" && e.sent !== undefined).map((e) => e.at - e.sent);
  const bytes = r.events.filter((e) => e.what === "received").reduce((sum, e) => sum + (e.bytes ?? 0), 0);
  const exit = at(r, "exit");
  return {
    total: endAt - spawnAt,
    rExec: r.timeOrigin - spawnAt,
    rBoot: r.bootstrapComplete,
    rLoader: r.hookStart - rBoot,
    rModulesParse: fork - r.hookStart,
    forkCall: at(r, "forked") - fork,
    wExec: w.timeOrigin - fork,
    wBoot: w.bootstrapComplete,
    wLoader: w.hookStart - wBoot,
    wModules: at(w, "listening") - w.hookStart,
    wWaitFile: Math.max(0, received[0] - at(w, "listening")),
    sessions,
    between,
    firstExample,
    gcMs,
    gcCount: gcs.length,
    gcDurations: gcs.map((g) => g.end - g.start),
    waitMs,
    waits,
    rest,
    examples,
    perExample: rest / Math.max(1, examples - 1),
    lastHop: receivedDone - lastDone,
    messages: hops.length,
    hopP50: median(hops),
    bytes,
    report: exit - receivedDone,
    teardown: endAt - exit,
    runnerWaits: received[0] - fork,
    runnerCpu: (r.cpu.user + r.cpu.system) / 1000,
    workerCpu: (w.cpu.user + w.cpu.system) / 1000,
    gcsPerExample: gcsPerExample(w, started, finished),
  };
}

/** Each gc() with the first finalization callback after it (before the next gc()): V8's finalization task. */
function withWaits(w) {
  return w.gcs.map((g, i) => {
    const next = w.gcs[i + 1]?.start ?? Infinity;
    const callback = w.callbacks.find((t) => t >= g.end && t <= next);
    return { ...g, finalized: callback ?? 0 };
  });
}

/** How many full collections ran during each example (0: nothing alive to collect; 1: collect() found nothing; 2+: it found something). */
function gcsPerExample(w, started, finished) {
  const counts = { 0: 0, 1: 0, more: 0, msOne: 0 };
  for (const end of finished) {
    const start = [...started].reverse().find((s) => s.at <= end.at);
    const inside = withWaits(w).filter((g) => g.start >= start.at && g.end <= end.at);
    if (inside.length === 0) counts[0]++;
    else if (inside.length === 1) {
      counts[1]++;
      const g = inside[0];
      counts.msOne += g.end - g.start + (g.finalized > 0 ? g.finalized - g.end : 0);
    } else counts.more++;
  }
  return counts;
}

function timelineTables() {
  const sides = {};
  for (const [name, files] of [["gc", ["docs/greenlet-gc.md"]], ["seven", SEVEN]]) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(phases(instrumentedRun(files)));
    sides[name] = runs;
  }
  const pick = (name, key) => median(sides[name].map((run) => run[key]));
  const ms = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
  const row = (label, key, note = "") => `| ${label} | ${ms(pick("gc", key))} | ${ms(pick("seven", key))} | ${note} |`;
  const ex = { gc: pick("gc", "examples"), seven: pick("seven", "examples") };
  const lines = [
    `| phase (wall time, ms; median of ${RUNS} runs) | greenlet-gc.md (${ex.gc} examples) | the seven pages (${ex.seven}) | what it is |`,
    "|---|---|---|---|",
    row("**whole run**, spawn to exit", "total", "as `spawnSync` sees it"),
    row("runner: process creation (spawn → node's clock starts)", "rExec", "exec, dynamic linking"),
    row("runner: node's bootstrap", "rBoot", "`performance.nodeTiming.bootstrapComplete`"),
    row("runner: ES module loader start (+ this bench's preload)", "rLoader", "the preload is bench-only"),
    row("runner: its modules, config, finding and parsing the files, until fork()", "rModulesParse", "split in the next table"),
    row("runner: the fork() call itself", "forkCall", "synchronous in the runner"),
    row("worker: process creation (fork() → its clock starts)", "wExec", ""),
    row("worker: node's bootstrap", "wBoot", ""),
    row("worker: loader start (+ preload)", "wLoader", ""),
    row("worker: its modules (worker.js, runner.js → the engine)", "wModules", "the runner waits all along"),
    row("worker: waiting for the file after its modules loaded", "wWaitFile", "0: the file was there first"),
    row("sessions: file received → first example starts", "sessions", "`new Session` (context, globals) per file"),
    row("the first example of the run", "firstExample", "loads oxc-transform, first transform"),
    row("full gc() calls of collect() during the examples", "gcMs", `${pick("gc", "gcCount")} / ${pick("seven", "gcCount")} calls`),
    row("waits for V8's finalization task after them", "waitMs", "gc() returned → the first finalization callback"),
    row("everything else in the examples (engine work, messages sent)", "rest", ""),
    row("… per example (all but the first)", "perExample", "engine `1+1` cell: ≈ 0.19 ms"),
    row("between files: worker's done → next file arrives", "between", "one IPC round trip per file"),
    row("last message: worker's done → runner has it", "lastHop", ""),
    row("runner: report and exit", "report", ""),
    row("process teardown (exit → spawnSync returns)", "teardown", ""),
    row("runner CPU time (user + system)", "runnerCpu", "mostly before the fork"),
    row("worker CPU time (user + system)", "workerCpu", "V8's GC threads included"),
  ];
  const msgRow = `Messages from the worker: ${pick("gc", "messages")} (greenlet-gc.md) / ${pick("seven", "messages")} (seven pages), ${Math.round(pick("seven", "bytes") / 1024)} KB of JSON for the seven; one hop (send → the runner's handler) takes ${ms(pick("gc", "hopP50"))} ms (median).`;
  const g = sides.seven.map((run) => run.gcsPerExample);
  const gcDur = sides.seven.flatMap((run) => run.gcDurations);
  const waits = sides.seven.flatMap((run) => run.waits);
  const col = [
    `| collections in the seven pages' examples (median of ${RUNS} runs) | value |`,
    "|---|---|",
    `| examples with no collection (nothing alive) | ${median(g.map((c) => c[0]))} |`,
    `| examples with one gc() (collect() found nothing) | ${median(g.map((c) => c[1]))} |`,
    `| … their cost (gc() + finalization wait), in all | ${ms(median(g.map((c) => c.msOne)))} ms |`,
    `| examples with 2 or more gc() (something died, or the example called collect() itself) | ${median(g.map((c) => c.more))} |`,
    `| one gc(): median / 90th percentile | ${ms(median(gcDur))} / ${ms(percentile(gcDur, 0.9))} ms |`,
    `| finalization wait: median / 90th percentile / max | ${ms(median(waits))} / ${ms(percentile(waits, 0.9))} / ${ms(Math.max(...waits))} ms |`,
  ];
  return { table: lines.join("\n"), messages: msgRow, collections: col.join("\n"), sides };
}

/** Runs `code` (an ES module body printing one JSON line) in a fresh node process. */
function fresh(code, flags = []) {
  const result = spawnSync(process.execPath, [...flags, "--input-type=module", "-e", code], { cwd: root, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`a measuring process failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").pop());
}

function freshMedian(code, flags = [], runs = RUNS) {
  const values = [];
  for (let i = 0; i < runs; i++) values.push(fresh(code, flags));
  const keys = Object.keys(values[0]);
  return Object.fromEntries(keys.map((k) => [k, typeof values[0][k] === "number" ? median(values.map((v) => v[k])) : values[0][k]]));
}

/** The modules a fresh process loads when it imports `entries`: ES modules through the listing hooks, CommonJS from require.cache. */
function listModules(entries) {
  const code = `
import { register, createRequire } from "node:module";
import { MessageChannel } from "node:worker_threads";
const { port1, port2 } = new MessageChannel();
const urls = new Map();
port1.on("message", (m) => { if (!urls.has(m.url)) urls.set(m.url, m.parent); });
port1.unref();
register(${JSON.stringify(pathToFileURL(path.join(here, "profile-list-hooks.mjs")).href)}, { data: { port: port2 }, transferList: [port2] });
for (const m of ${JSON.stringify(entries)}) await import(m);
await new Promise((r) => setTimeout(r, 100));
const cjs = Object.keys(createRequire(import.meta.url).cache).map((f) => "file://" + f);
console.log(JSON.stringify({ esm: [...urls].filter(([u]) => u.startsWith("file:")), cjs }));`;
  return fresh(code);
}

const distUrl = pathToFileURL(path.join(root, "dist")).href + "/";
const packageOf = (url) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];

/** Module loading: each process's graph as a whole, and the packages it imports directly, each alone in a fresh process. */
function moduleTables() {
  const graphs = [
    { name: "runner", entries: [pathToFileURL(path.join(root, "dist/doctest/cli.js")).href] },
    { name: "worker", entries: [pathToFileURL(path.join(root, "dist/doctest/worker.js")).href, pathToFileURL(path.join(root, "dist/doctest/runner.js")).href] },
  ];
  // The first import() of a file in a process starts the ES module loader: a tiny module first, so that what follows is the module's own cost.
  const warmup = pathToFileURL(path.join(here, "profile-common.mjs")).href;
  const timeImport = (entries) => freshMedian(`await import(${JSON.stringify(warmup)}); const t = performance.now(); for (const m of ${JSON.stringify(entries)}) await import(m); console.log(JSON.stringify({ ms: performance.now() - t }))`);
  const empty = freshMedian(`const t = performance.now(); await import(${JSON.stringify(warmup)}); console.log(JSON.stringify({ ms: performance.now() - t }))`);
  const lines = [
    "| process: what is loaded | modules | import() time, ms (fresh process, median) |",
    "|---|---|---|",
    `| any process: the first import() of a file (a one-line module; starts the ES module loader) | 2 | ${empty.ms.toFixed(1)} |`,
  ];
  const rows = [];
  for (const graph of graphs) {
    const { esm, cjs } = listModules(graph.entries);
    const own = esm.filter(([u]) => u.startsWith(distUrl));
    const packages = new Map();
    for (const [url, parent] of esm) {
      const pkg = packageOf(url);
      if (pkg === undefined) continue;
      if (!packages.has(pkg)) packages.set(pkg, { entry: undefined, modules: 0, direct: false });
      const p = packages.get(pkg);
      p.modules++;
      if (parent?.startsWith(distUrl) && p.entry === undefined) {
        p.entry = url;
        p.direct = true;
      }
    }
    for (const file of cjs) {
      const pkg = packageOf(file);
      if (pkg !== undefined && packages.has(pkg)) packages.get(pkg).modules++;
    }
    const total = timeImport(graph.entries);
    lines.push(`| **${graph.name}**: the whole graph | ${esm.length + cjs.length} (${own.length} of dist/) | **${total.ms.toFixed(1)}** |`);
    let sum = 0;
    const direct = [...packages].filter(([, p]) => p.direct);
    for (const [pkg, p] of direct) {
      const alone = timeImport([p.entry]);
      sum += alone.ms;
      rows.push({ graph: graph.name, pkg, ms: alone.ms });
      const deps = [...packages].filter(([name, q]) => !q.direct && esm.some(([u, parent]) => packageOf(u) === name && packageOf(parent ?? "") === pkg)).map(([name]) => name);
      lines.push(`| ${graph.name}: \`${pkg}\`${deps.length > 0 ? ` (with ${deps.map((d) => `\`${d}\``).join(", ")})` : ""}, alone | ${p.modules + deps.reduce((n, d) => n + packages.get(d).modules, 0)} | ${alone.ms.toFixed(1)} |`);
    }
    lines.push(`| ${graph.name}: the rest, its ${own.length} modules of dist/ (by difference) | ${own.length} | ${(total.ms - sum).toFixed(1)} |`);
  }
  const transpiler = freshMedian(`
import { createRequire } from "node:module";
const require = createRequire(${JSON.stringify(pathToFileURL(path.join(root, "dist/runtime/engine/oxc.js")).href)});
let t = performance.now();
const oxc = require("oxc-transform");
const load = performance.now() - t;
const options = { lang: "ts", sourceType: "module", target: "es2022", sourcemap: true, typescript: { onlyRemoveTypeImports: true } };
t = performance.now();
oxc.transformSync("x.ts", "const x: number = 1; x + 1", options);
const first = performance.now() - t;
t = performance.now();
for (let i = 0; i < 200; i++) oxc.transformSync("x.ts", "const x" + i + ": number = 1; x" + i + " + 1", options);
console.log(JSON.stringify({ load, first, next: (performance.now() - t) / 200 }));`);
  lines.push(`| worker, first example: \`require("oxc-transform")\` | native | ${transpiler.load.toFixed(1)} |`);
  lines.push(`| worker, first example: oxc's first transformSync / each later one | | ${transpiler.first.toFixed(2)} / ${transpiler.next.toFixed(3)} |`);
  const session = freshMedian(`
const { Session } = await import(${JSON.stringify(pathToFileURL(path.join(root, "dist/runtime/engine/index.js")).href)});
let t = performance.now();
const s = new Session({ interrupts: false });
const first = performance.now() - t;
t = performance.now();
const s2 = new Session({ interrupts: false });
const second = performance.now() - t;
t = performance.now();
await s.execute("1+1");
const cell = performance.now() - t;
console.log(JSON.stringify({ first, second, cell }));`, ["--expose-gc"]);
  lines.push(`| worker: \`new Session()\`, first / second in a process | | ${session.first.toFixed(1)} / ${session.second.toFixed(1)} |`);
  lines.push(`| worker: the first cell \`1+1\` (oxc loaded, first transform, first evaluation) | | ${session.cell.toFixed(1)} |`);
  return { table: lines.join("\n"), rows, empty, transpiler, session };
}

/** Markdown parsing: the first parse in a fresh process, and warm ones. */
function parseTable() {
  const documents = pathToFileURL(path.join(root, "dist/doctest/documents.js")).href;
  const r = freshMedian(`
import { readFileSync } from "node:fs";
const { parseDocument } = await import(${JSON.stringify(documents)});
const files = ${JSON.stringify(SEVEN)};
const texts = files.map((f) => readFileSync(f, "utf8"));
const gc = texts[files.indexOf("docs/greenlet-gc.md")];
let t = performance.now();
parseDocument(gc, "docs/greenlet-gc.md");
const gcCold = performance.now() - t;
t = performance.now();
texts.forEach((text, i) => parseDocument(text, files[i]));
const sevenAfter = performance.now() - t;
const warm = [];
for (let i = 0; i < 20; i++) { t = performance.now(); texts.forEach((text, j) => parseDocument(text, files[j])); warm.push(performance.now() - t); }
warm.sort((a, b) => a - b);
console.log(JSON.stringify({ gcCold, sevenAfter, sevenWarm: warm[10], kb: texts.reduce((s, t) => s + t.length, 0) / 1024 }));`);
  return [
    "| Markdown parsing (markdown-it and the session parser), in the runner | ms |",
    "|---|---|",
    `| greenlet-gc.md, the first parse in a process | ${r.gcCold.toFixed(2)} |`,
    `| then the seven pages (${r.kb.toFixed(0)} KB) | ${r.sevenAfter.toFixed(2)} |`,
    `| the seven pages again, warm (median of 20) | ${r.sevenWarm.toFixed(2)} |`,
  ].join("\n");
}

/** The engine's own work per example: runFile() in this process, no worker, no messages; collections off, then on. */
export function inProcessTable() {
  const runner = pathToFileURL(path.join(root, "dist/doctest/runner.js")).href;
  const documents = pathToFileURL(path.join(root, "dist/doctest/documents.js")).href;
  const code = (autoCollect) => `
import { readFileSync } from "node:fs";
const { parseDocument } = await import(${JSON.stringify(documents)});
const { runFile } = await import(${JSON.stringify(runner)});
const files = ${JSON.stringify(SEVEN)};
// The first cell of the process loads the transpiler: not counted.
await runFile(parseDocument("\`\`\`ts\\n> 1 + 1\\n2\\n\`\`\`\\n", "warm.md"), { autoCollect: false });
const t = performance.now();
let examples = 0;
const per = [];
const all = [];
for (const f of files) {
  const r = await runFile(parseDocument(readFileSync(f, "utf8"), f), { autoCollect: ${autoCollect} });
  examples += r.results.length;
  for (const e of r.results) per.push(e.ms);
  for (const e of r.results) all.push({ where: e.file + ":" + e.line, source: e.source.split("\\n")[0].slice(0, 60), ms: e.ms });
}
per.sort((a, b) => a - b);
all.sort((a, b) => b.ms - a.ms);
const total = per.reduce((a, b) => a + b, 0);
console.log(JSON.stringify({ ms: performance.now() - t, examples, p50: per[Math.floor(per.length / 2)], mean: total / per.length, slow: all.slice(0, 6), slowShare: all.slice(0, 6).reduce((s, e) => s + e.ms, 0) / total }));`;
  const off = freshMedian(code(false), ["--expose-gc"]);
  const on = freshMedian(code(true), ["--expose-gc"]);
  return {
    table: [
      "| the seven pages' examples run by `runFile()` in one process (no worker, no messages; oxc already loaded) | collections off | collections on |",
      "|---|---|---|",
      `| all ${off.examples} examples, ms | ${off.ms.toFixed(0)} | ${on.ms.toFixed(0)} |`,
      `| per example: mean / median, ms | ${off.mean.toFixed(2)} / ${off.p50.toFixed(2)} | ${on.mean.toFixed(2)} / ${on.p50.toFixed(2)} |`,
      "",
      `The slowest examples with collections off (one run; together ${(off.slowShare * 100).toFixed(0)}% of the examples' time):`,
      "",
      "| example | first line | ms |",
      "|---|---|---|",
      ...off.slow.map((e) => `| ${e.where} | \`${e.source.replace(/\|/g, "\\|").replace(/\`/g, "'")}\` | ${e.ms.toFixed(1)} |`),
    ].join("\n"),
    off,
    on,
  };
}

/**
 * Which collections a cheaper rule would keep: each example's full gc()
 * calls (runFile() in one process, collections on), against what its
 * source shows it could release: an assignment or `delete`, or a call that
 * creates, switches, throws into or kills a greenlet, registers a
 * finalizer or collects. A scan of the source, not of what ran: a call to
 * a function that does those things is not seen.
 */
export function criterionTable() {
  const runner = pathToFileURL(path.join(root, "dist/doctest/runner.js")).href;
  const documents = pathToFileURL(path.join(root, "dist/doctest/documents.js")).href;
  const { rows } = fresh(`
import { readFileSync } from "node:fs";
const { parseDocument } = await import(${JSON.stringify(documents)});
const { runFile } = await import(${JSON.stringify(runner)});
const gc = globalThis.gc;
let n = 0;
globalThis.gc = (...a) => { n++; return gc(...a); };
const rows = [];
for (const f of ${JSON.stringify(SEVEN)}) {
  let at = 0;
  await runFile(parseDocument(readFileSync(f, "utf8"), f), { autoCollect: true }, { started: () => { at = n; }, finished: (e) => rows.push({ where: f + ":" + e.line, source: e.source, gcs: n - at }) });
}
console.log(JSON.stringify({ rows }));`, ["--expose-gc"]);
  const require = createRequire(path.join(root, "package.json"));
  const acorn = require("acorn");
  const walk = require("acorn-walk");
  const releases = (src) => {
    if (/\.(switch|throw|kill)\(|greenlet\(|new Greenlet|finalize\(|collect\(|gc\(/.test(src)) return true;
    let found = false;
    try {
      // Type annotations out of the way well enough for acorn; a parse that fails falls back to a plain "=" test.
      walk.full(acorn.parse(src.replace(/:\s*[A-Za-z<>[\]| ]+(?=\s*[=;,)])/g, ""), { ecmaVersion: "latest", sourceType: "module", allowAwaitOutsideFunction: true }), (node) => {
        if (node.type === "AssignmentExpression" || (node.type === "UnaryExpression" && node.operator === "delete")) found = true;
      });
    } catch {
      found = /[^=!<>]=[^=>]/.test(src);
    }
    return found;
  };
  const r = { none: 0, nothing: 0, nothingKept: 0, more: 0, moreKept: 0, missed: [] };
  for (const row of rows) {
    const kept = releases(row.source);
    if (row.gcs === 0) r.none++;
    else if (row.gcs === 1) {
      r.nothing++;
      if (kept) r.nothingKept++;
    } else {
      r.more++;
      if (kept) r.moreKept++;
      else r.missed.push(`${row.where} ${row.source.split("\n")[0]}`);
    }
  }
  return [
    "| a cheaper rule: collect only after an example whose source assigns, deletes, or calls switch/throw/kill/greenlet()/finalize()/collect() | examples | the rule keeps |",
    "|---|---|---|",
    `| examples that ran no gc() | ${r.none} | |`,
    `| examples whose one gc() found nothing | ${r.nothing} | ${r.nothingKept} |`,
    `| examples with two or more (something died, or they called collect()) | ${r.more} | ${r.moreKept} |`,
    "",
    `Missed by a source scan (seen at run time only: a finalize() or a switch inside a called function): ${r.missed.map((m) => `\`${m.replace(/`/g, "'")}\``).join(", ") || "none"}.`,
  ].join("\n");
}

/** One full gc() after the seven pages' examples, in one process, under V8 flags that might make it cheaper. */
export function gcFlagsTable() {
  const runner = pathToFileURL(path.join(root, "dist/doctest/runner.js")).href;
  const documents = pathToFileURL(path.join(root, "dist/doctest/documents.js")).href;
  const code = `
import { readFileSync } from "node:fs";
const { parseDocument } = await import(${JSON.stringify(documents)});
const { runFile } = await import(${JSON.stringify(runner)});
await runFile(parseDocument("\`\`\`ts\\n> 1 + 1\\n2\\n\`\`\`\\n", "warm.md"), { autoCollect: false });
const gc = globalThis.gc;
let n = 0, ms = 0;
globalThis.gc = (...a) => { const t = performance.now(); try { return gc(...a); } finally { n++; ms += performance.now() - t; } };
const t = performance.now();
for (const f of ${JSON.stringify(SEVEN)}) await runFile(parseDocument(readFileSync(f, "utf8"), f), { autoCollect: true });
console.log(JSON.stringify({ total: performance.now() - t, gcMs: ms / n, heap: process.memoryUsage().heapUsed / 1048576 }));`;
  const lines = ["| V8 flags of the process (runFile() of the seven pages, collections on; median of " + RUNS + ") | one gc(), ms | all examples, ms | heap used after, MB |", "|---|---|---|---|"];
  for (const flags of [[], ["--optimize-for-size"], ["--single-threaded-gc"], ["--max-semi-space-size=1"]]) {
    const r = freshMedian(code, ["--expose-gc", ...flags]);
    lines.push(`| \`--expose-gc${flags.length ? ` ${flags.join(" ")}` : ""}\` | ${r.gcMs.toFixed(2)} | ${r.total.toFixed(0)} | ${r.heap.toFixed(1)} |`);
  }
  return lines.join("\n");
}

/** CPU profiles of both processes of a seven-page run, self time by category. */
function cpuTable() {
  const run = instrumentedRun(SEVEN, { cpu: true });
  const categorize = (url, name) => {
    if (name === "(garbage collector)" || name === "(idle)" || name === "(program)") return name;
    if (name === "(root)") return "(root)";
    if (url === "" || url === undefined) return name.startsWith("(") ? name : "V8 built-ins and natives";
    if (url.startsWith("node:")) return "node's own JavaScript (node:…)";
    if (url.includes("profile-hook")) return "this bench's preload";
    const pkg = packageOf(url);
    if (pkg !== undefined) return `\`${pkg}\``;
    const dist = /\/dist\/([^/]+(?:\/engine)?)\//.exec(url);
    if (dist) return `dist/${dist[1]}/`;
    if (/\.md#\d+$/.test(url) || url.includes(".md")) return "the examples' own code";
    return "other";
  };
  const byRole = {};
  for (const { pid, profile } of run.profiles) {
    const role = pid === run.runner.pid ? "runner" : "worker";
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    const totals = (byRole[role] ??= new Map());
    const deltas = profile.timeDeltas;
    profile.samples.forEach((id, i) => {
      const n = nodes.get(id);
      const cat = categorize(n.callFrame.url, n.callFrame.functionName);
      totals.set(cat, (totals.get(cat) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
    });
  }
  const cats = new Set([...(byRole.runner?.keys() ?? []), ...(byRole.worker?.keys() ?? [])]);
  const rows = [...cats].map((c) => ({ c, runner: byRole.runner?.get(c) ?? 0, worker: byRole.worker?.get(c) ?? 0 })).sort((a, b) => b.runner + b.worker - (a.runner + a.worker));
  const lines = ["| self time by category (one run of the seven pages, sampled every 200 µs), ms | runner | worker |", "|---|---|---|"];
  for (const r of rows.filter((r) => r.runner + r.worker >= 2)) lines.push(`| ${r.c} | ${r.runner.toFixed(0)} | ${r.worker.toFixed(0)} |`);
  return lines.join("\n");
}

/** Process start-ups to compare with. */
function startTable() {
  const wall = (cmd, cmdArgs) => {
    const v = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      spawnSync(cmd, cmdArgs, { cwd: root });
      v.push(performance.now() - t);
    }
    return median(v);
  };
  const nodeE = wall(process.execPath, ["-e", "0"]);
  const nodeGc = wall(process.execPath, ["--expose-gc", "-e", "0"]);
  const forkHello = freshMedian(`
import { fork } from "node:child_process";
import { writeFileSync, mkdtempSync } from "node:fs";
import os from "node:os";
const dir = mkdtempSync(os.tmpdir() + "/fork-");
writeFileSync(dir + "/child.mjs", "process.send('hi'); process.on('disconnect', () => process.exit(0));");
const t = performance.now();
const child = fork(dir + "/child.mjs", [], { execArgv: ["--expose-gc"], stdio: ["ignore", "ignore", "pipe", "ipc"] });
const forked = performance.now() - t;
await new Promise((r) => child.once("message", r));
const hello = performance.now() - t;
child.kill("SIGKILL");
console.log(JSON.stringify({ forked, hello }));`);
  return {
    table: [
      "| process starts to compare with | ms |",
      "|---|---|",
      `| \`node -e 0\`, whole process | ${nodeE.toFixed(1)} |`,
      `| \`node --expose-gc -e 0\`, whole process | ${nodeGc.toFixed(1)} |`,
      `| \`fork()\` of an empty ES module child: the call / until its first message | ${forkHello.forked.toFixed(1)} / ${forkHello.hello.toFixed(1)} |`,
    ].join("\n"),
    nodeE,
  };
}

export function profileDoctest() {
  const started = performance.now();
  console.error("profile-doctest: timelines");
  const timeline = timelineTables();
  console.error("profile-doctest: module loading");
  const modules = moduleTables();
  console.error("profile-doctest: parsing, the engine in one process, process starts, CPU profile");
  const parse = parseTable();
  const inProcess = inProcessTable();
  const starts = startTable();
  const criterion = criterionTable();
  const gcFlags = gcFlagsTable();
  const cpu = cpuTable();
  const machine = `node ${process.version}, ${os.cpus().length} cores; ${new Date().toISOString().slice(0, 10)}; \`node bench/profile-doctest.mjs --write\` (${((performance.now() - started) / 1000).toFixed(0)} s)`;
  const body = [
    `_${machine}_`,
    timeline.table,
    timeline.messages,
    timeline.collections,
    criterion,
    gcFlags,
    modules.table,
    parse,
    inProcess.table,
    starts.table,
    cpu,
  ].join("\n\n");
  return { body, timeline, modules, inProcess, starts };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { body } = profileDoctest();
  console.log(body);
  if (args.includes("--write")) updateSection(path.join(here, "README.md"), "profile:doctest", body);
}

