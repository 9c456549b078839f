// Where a greenlet-ts kernel's memory goes (issue 16, item 1), measured:
//
//   node bench/profile-kernel-memory.mjs [--runs N] [--cells N] [--write]
//
// 1. The real kernel (started by the project's own client, kernel/client/,
//    with the kernelspec's node flags and environment): RSS after start-up
//    and after the first cell, its threads, and its RSS by mapping from
//    /proc/PID/smaps (node's binary, oxc-transform's and zeromq's native
//    modules, @swc/core's were a decorator to load it, the C heap,
//    anonymous memory: V8's heaps and the threads').
// 2. The same pieces added one by one in one process (median of N fresh
//    processes, each step measured after a full gc() and 300 ms): bare node
//    with the kernel's flags, the kernel's modules (zeromq among them), the
//    control/heartbeat thread, the engine's modules, a session, the SIGINT
//    guard thread, the first cell (oxc), and 2,500 more cells.
// 3. Each piece alone, on a bare node each time: a worker thread of each
//    kind, zeromq, oxc-transform and its first transform, @swc/core (the
//    decorator fallback).
// 4. What the per-cell records are: heap snapshots of the real kernel's
//    main thread after 500 cells and after N more, compared by object kind.
//
// Prints the tables; --write puts them in bench/README.md between
// <!-- profile:kernel-memory --> and <!-- /profile:kernel-memory -->.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { median, rssMb, updateSection } from "./profile-common.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const dist = (file) => pathToFileURL(path.join(root, "dist", file)).href;
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const RUNS = option("--runs", Number(process.env.BENCH_REPEATS ?? 3));
const CELLS = option("--cells", 2500);
const TRAJECTORY = option("--trajectory", 12000);
const VARIANT_CELLS = option("--variant-cells", 8000);
const spec = JSON.parse(readFileSync(path.join(root, "kernel.json"), "utf8"));
const FLAGS = spec.argv.slice(spec.argv.indexOf("node") + 1, spec.argv.indexOf("{entry}"));
const ENV = { ...process.env, ...(spec.env ?? {}) };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (v, digits = 1) => (v === null || v === undefined || Number.isNaN(v) ? "n/a" : v.toFixed(digits));

// --- 1 and 4: the real kernel --------------------------------------------------

/** RSS by mapping, from /proc/PID/smaps, in MB. */
function smapsBreakdown(pid) {
  const text = readFileSync(`/proc/${pid}/smaps`, "utf8");
  const groups = new Map();
  let current = "";
  for (const line of text.split("\n")) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      const name = header[1].trim();
      if (name === "") current = "anonymous memory (V8's heaps of every thread, thread stacks, large malloc blocks)";
      else if (name === "[heap]") current = "the C heap ([heap]: malloc)";
      else if (name.startsWith("[stack")) current = "the main thread's stack";
      else if (name.includes("oxc-transform")) current = "oxc-transform's native module";
      else if (name.includes("swc")) current = "@swc/core's native module";
      else if (name.includes("zeromq")) current = "zeromq's native module";
      else if (name === process.execPath || name.endsWith("/node")) current = "node's binary (code and data)";
      else if (name.startsWith("[")) current = "kernel mappings ([vdso], [vvar], ...)";
      else current = "other shared libraries and files";
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) groups.set(current, (groups.get(current) ?? 0) + Number(rss[1]) / 1024);
  }
  return groups;
}

function threads(pid) {
  return Number(/Threads:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]);
}

/** The kernel's own process.memoryUsage(), asked by a cell: V8's heaps of the main thread against the rest. */
async function usage(client) {
  const { iopub } = await client.execute("JSON.stringify(process.memoryUsage())");
  const text = iopub.find((m) => m.header.msg_type === "execute_result")?.content.data["text/plain"];
  const u = JSON.parse(text.slice(1, -1));
  return Object.fromEntries(Object.entries(u).map(([k, v]) => [k, v / 1048576]));
}

async function realKernel({ snapshots = false, cells = CELLS, warm = 500 } = {}) {
  const { launchKernel } = await import(dist("kernel/client/launch.js"));
  const { KernelClient } = await import(dist("kernel/client/kernel-client.js"));
  const cwd = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-memory-"));
  const env = { ...process.env, JUPYTER_DATA_DIR: cwd };
  if (snapshots) env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --heapsnapshot-signal=SIGUSR2`.trim();
  const kernel = await launchKernel({ cwd, env });
  const client = new KernelClient(kernel.connection);
  const pid = kernel.process.pid;
  const result = {};
  try {
    await client.ready();
    await sleep(500);
    result.start = rssMb(pid);
    result.startThreads = threads(pid);
    result.startMaps = smapsBreakdown(pid);
    await client.execute("1+1");
    await sleep(500);
    result.first = rssMb(pid);
    result.firstThreads = threads(pid);
    result.firstMaps = smapsBreakdown(pid);
    for (let i = 0; i < warm; i++) await client.execute(`${i} + 1`);
    await sleep(500);
    result.before = rssMb(pid);
    result.usageBefore = await usage(client);
    if (snapshots) result.snapshotA = await snapshot(kernel, cwd);
    for (let i = warm; i < warm + cells; i++) await client.execute(`${i} + 1`);
    await sleep(500);
    result.after = rssMb(pid);
    result.usageAfter = await usage(client);
    result.afterMaps = smapsBreakdown(pid);
    if (snapshots) result.snapshotB = await snapshot(kernel, cwd);
    result.growth = ((result.after - result.before) / cells) * 1000;
    result.heapGrowth = ((result.usageAfter.heapTotal - result.usageBefore.heapTotal) / cells) * 1000;
    result.heapUsedGrowth = ((result.usageAfter.heapUsed - result.usageBefore.heapUsed) / cells) * 1000;
  } finally {
    client.close();
    kernel.kill();
    await kernel.exited;
    rmSync(cwd, { recursive: true, force: true });
  }
  return result;
}

/**
 * RSS of one kernel every `every` cells, nothing forced: V8's collection
 * schedule shows. The kernel is started as its kernelspec starts it, with
 * `extraFlags` added; `collectEvery` runs a cell `await collect()` (a full
 * gc() of the main thread) every that many cells, as an idle-time
 * collection in the kernel would.
 */
async function rssTrajectory(cells, every, { extraFlags = [], collectEvery = 0, heap = true } = {}) {
  const { spawn } = await import("node:child_process");
  const { writeFileSync } = await import("node:fs");
  const { loopbackConnection } = await import(dist("kernel/client/launch.js"));
  const { KernelClient } = await import(dist("kernel/client/kernel-client.js"));
  const cwd = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-memory-"));
  const connection = await loopbackConnection();
  writeFileSync(path.join(cwd, "connection.json"), JSON.stringify(connection), { mode: 0o600 });
  const child = spawn(process.execPath, [...FLAGS, ...extraFlags, path.join(root, "dist/cli/main.js"), "kernel", "-f", path.join(cwd, "connection.json")], { cwd, env: { ...ENV, JUPYTER_DATA_DIR: cwd }, stdio: "ignore" });
  const client = new KernelClient(connection);
  const points = [];
  let cellMs = 0;
  try {
    await client.ready();
    const started = performance.now();
    let paused = 0;
    for (let n = 0; n <= cells; n++) {
      if (n % every === 0) {
        const t = performance.now();
        await sleep(300);
        const rss = rssMb(child.pid);
        points.push({ cells: n, rss, heap: n === 0 || !heap ? null : (await usage(client)).heapTotal });
        paused += performance.now() - t;
      }
      if (collectEvery > 0 && n > 0 && n % collectEvery === 0) await client.execute("await collect()");
      await client.execute(`${n} + 1`);
    }
    cellMs = (performance.now() - started - paused) / cells;
  } finally {
    client.close();
    child.kill("SIGKILL");
    rmSync(cwd, { recursive: true, force: true });
  }
  return { points, cellMs };
}

/** Has the kernel write a heap snapshot of its main thread (SIGUSR2), waits for it, and sums it by object kind. */
async function snapshot(kernel, dir) {
  const before = new Set(readdirSync(dir).filter((f) => f.endsWith(".heapsnapshot")));
  kernel.process.kill("SIGUSR2");
  for (let i = 0; i < 600; i++) {
    await sleep(100);
    const file = readdirSync(dir).find((f) => f.endsWith(".heapsnapshot") && !before.has(f));
    if (file === undefined) continue;
    // Written when the size stops changing.
    let size = -1;
    for (;;) {
      await sleep(300);
      const text = readFileSync(path.join(dir, file), "utf8");
      if (text.length === size && text.endsWith("}")) return JSON.parse(text);
      size = text.length;
    }
  }
  throw new Error("the kernel wrote no heap snapshot");
}

/** The kind of a heap snapshot node, for the tables: objects by constructor, strings, code, arrays, closures... */
function kindOf(type, name) {
  if (type === "object") return `${name} objects`;
  if (type === "string" || type === "concatenated string" || type === "sliced string") return "strings";
  if (type === "closure") return "functions (closures)";
  if (type === "code") return "compiled code (bytecode, scripts' data)";
  if (type === "array") return `internal arrays${name ? ` (${name})` : ""}`;
  if (type === "hidden") return `V8 internals (${name})`;
  return type;
}

/** A heap snapshot's nodes and their retainers, read from the flat arrays of the format. */
function graph(snap) {
  const meta = snap.snapshot.meta;
  const nw = meta.node_fields.length;
  const ew = meta.edge_fields.length;
  const [typeAt, nameAt, idAt, sizeAt, edgeCountAt] = ["type", "name", "id", "self_size", "edge_count"].map((f) => meta.node_fields.indexOf(f));
  const [edgeTypeAt, edgeNameAt, toAt] = ["type", "name_or_index", "to_node"].map((f) => meta.edge_fields.indexOf(f));
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const count = snap.nodes.length / nw;
  const nodes = new Array(count);
  const retainer = new Int32Array(count).fill(-1);
  const retainerEdge = new Array(count);
  let edge = 0;
  for (let n = 0; n < count; n++) {
    const i = n * nw;
    nodes[n] = { type: nodeTypes[snap.nodes[i + typeAt]], name: snap.strings[snap.nodes[i + nameAt]], id: snap.nodes[i + idAt], size: snap.nodes[i + sizeAt] };
    for (let e = 0; e < snap.nodes[i + edgeCountAt]; e++, edge += ew) {
      const type = edgeTypes[snap.edges[edge + edgeTypeAt]];
      if (type === "weak") continue;
      const to = snap.edges[edge + toAt] / nw;
      // The first strong retainer found is kept (enough to say who holds what grew).
      if (retainer[to] === -1) {
        retainer[to] = n;
        const nameOrIndex = snap.edges[edge + edgeNameAt];
        retainerEdge[to] = type === "element" || type === "hidden" ? `[${nameOrIndex}]` : snap.strings[nameOrIndex];
      }
    }
  }
  return { nodes, retainer, retainerEdge };
}

/**
 * Where each node of a snapshot is held: walking up its first strong
 * retainers to the nearest private field (`#sources`, `#entries`, ...), the
 * fields through which this code base keeps its records. Sums self sizes
 * by that field (and the kind of object that has it).
 */
function byPrivateField(g) {
  const memo = new Array(g.nodes.length);
  const keyOf = (start) => {
    const path = [];
    let at = start;
    let key;
    for (let steps = 0; steps < 200; steps++) {
      if (memo[at] !== undefined) {
        key = memo[at];
        break;
      }
      path.push(at);
      const edge = g.retainerEdge[at];
      const parent = g.retainer[at];
      if (parent === -1) {
        key = "held elsewhere (not under a private field)";
        break;
      }
      if (typeof edge === "string" && edge.startsWith("#")) {
        const p = g.nodes[parent];
        key = `\`${edge}\` of ${kindOf(p.type, p.name)}`;
        break;
      }
      at = parent;
    }
    key ??= "held elsewhere (not under a private field)";
    for (const p of path) memo[p] = key;
    return key;
  };
  const sums = new Map();
  g.nodes.forEach((n, i) => {
    const key = keyOf(i);
    const s = sums.get(key) ?? { count: 0, size: 0 };
    s.count++;
    s.size += n.size;
    sums.set(key, s);
  });
  return sums;
}

/** What grew between two snapshots of the same process: net, by kind of node and by the private field holding it. */
function growth(snapA, snapB) {
  const a = graph(snapA);
  const b = graph(snapB);
  const total = (g) => g.nodes.reduce((sum, n) => sum + n.size, 0);
  const kinds = (g) => {
    const m = new Map();
    for (const n of g.nodes) {
      const k = kindOf(n.type, n.name);
      const v = m.get(k) ?? { count: 0, size: 0 };
      v.count++;
      v.size += n.size;
      m.set(k, v);
    }
    return m;
  };
  const diff = (x, y) => {
    const out = new Map();
    for (const key of new Set([...x.keys(), ...y.keys()])) {
      const p = x.get(key) ?? { count: 0, size: 0 };
      const q = y.get(key) ?? { count: 0, size: 0 };
      out.set(key, { count: q.count - p.count, size: q.size - p.size, after: q.size });
    }
    return out;
  };
  return { totalA: total(a), totalB: total(b), byKind: diff(kinds(a), kinds(b)), byHolder: diff(byPrivateField(a), byPrivateField(b)) };
}

// --- 2: the pieces added one by one ------------------------------------------------

/** The steps, run in one fresh process with the kernel's flags; prints RSS after each. */
const STAGES = `
import { rssMb } from ${JSON.stringify(pathToFileURL(path.join(here, "profile-common.mjs")).href)};
const settle = async () => { gc(); await new Promise((r) => setTimeout(r, 300)); gc(); await new Promise((r) => setTimeout(r, 100)); return rssMb(); };
const out = {};
out.bare = await settle();
const { kernelInfo } = await import(${JSON.stringify(dist("kernel/core/kernel-info.js"))});
await import(${JSON.stringify(dist("kernel/kernel-main.js"))});
out.kernelModules = await settle();
const { startBackgroundChannels } = await import(${JSON.stringify(dist("kernel/transport/background-channels.js"))});
const { loopbackConnection } = await import(${JSON.stringify(dist("kernel/client/launch.js"))});
const background = startBackgroundChannels(await loopbackConnection(), kernelInfo(), "bench", new SharedArrayBuffer(4096), { onShutdown() {}, onLog() {}, onFatal(t) { console.error(t); }, onRejected() {}, onAccepted() {} });
await new Promise((r) => setTimeout(r, 500));
out.control = await settle();
const { Session } = await import(${JSON.stringify(dist("runtime/engine/index.js"))});
out.engineModules = await settle();
const session = new Session({ interrupts: false });
out.session = await settle();
const { SigintGuard } = await import(${JSON.stringify(dist("runtime/engine/sigint-guard.js"))});
const guard = new SigintGuard(() => {});
await guard.ready;
out.guard = await settle();
await session.execute("1+1");
out.firstCell = await settle();
for (let i = 0; i < 500; i++) await session.execute(i + " + 1");
out.warm = await settle();
for (let i = 500; i < 500 + ${CELLS}; i++) await session.execute(i + " + 1");
out.cells = await settle();
const heap = process.memoryUsage();
out.heapUsed = heap.heapUsed / 1048576;
console.log(JSON.stringify(out));
process.exit(0);
`;

/** One piece on a bare node: RSS before and after, each after a full gc() and 300 ms. */
function alone(code) {
  return `
import { rssMb } from ${JSON.stringify(pathToFileURL(path.join(here, "profile-common.mjs")).href)};
import { Worker } from "node:worker_threads";
import { createRequire } from "node:module";
const require = createRequire(${JSON.stringify(dist("runtime/engine/oxc.js"))});
const settle = async () => { gc(); await new Promise((r) => setTimeout(r, 300)); gc(); await new Promise((r) => setTimeout(r, 100)); return rssMb(); };
const before = await settle();
${code}
const after = await settle();
console.log(JSON.stringify({ before, after, delta: after - before }));
process.exit(0);
`;
}

const PIECES = [
  ["an empty worker thread (node's default limits)", `const w = new Worker("require('node:worker_threads').parentPort.postMessage(1); setInterval(() => {}, 1e9)", { eval: true, execArgv: [] }); await new Promise((r) => w.once("message", r));`],
  ["the SIGINT guard's worker (parked; heap limits 8 MB old, 1 MB young)", `const { SigintGuard } = await import(${JSON.stringify(dist("runtime/engine/sigint-guard.js"))}); const g = new SigintGuard(() => {}); await g.ready;`],
  ["a worker with the control thread's limits (32 MB old, 2 MB young) that loads zeromq", `const w = new Worker("require('zeromq'); require('node:worker_threads').parentPort.postMessage(1); setInterval(() => {}, 1e9)", { eval: true, execArgv: [], resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 2, codeRangeSizeMb: 4 } }); await new Promise((r) => w.once("message", r));`],
  ["zeromq in the main thread", `require("zeromq");`],
  ['`require("oxc-transform")`', `require("oxc-transform");`],
  ["oxc-transform and its first transform (a one-line cell)", `require("oxc-transform").transformSync("c.ts", "const x: number = 1; x + 1", { lang: "ts", sourceType: "module", target: "es2022", sourcemap: true, typescript: { onlyRemoveTypeImports: true } });`],
  ['`require("@swc/core")` (loaded only for a cell with decorators)', `require("@swc/core");`],
  ["the engine's modules (dist/runtime/engine)", `await import(${JSON.stringify(dist("runtime/engine/index.js"))});`],
];

function runNode(code, extraFlags = []) {
  const result = spawnSync(process.execPath, [...FLAGS, ...extraFlags, "--input-type=module", "-e", code], { cwd: root, env: ENV, encoding: "utf8", timeout: 300_000 });
  if (result.status !== 0) throw new Error(`a measuring process failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").pop());
}

function medianOf(objects) {
  return Object.fromEntries(Object.keys(objects[0]).map((k) => [k, median(objects.map((o) => o[k]))]));
}

export async function profileKernelMemory() {
  const started = performance.now();
  console.error("profile-kernel-memory: the real kernel");
  const kernels = [];
  for (let i = 0; i < RUNS; i++) kernels.push(await realKernel());
  const k = (key) => median(kernels.map((r) => r[key]));
  const mapsTable = (() => {
    const names = new Set(kernels.flatMap((r) => [...r.startMaps.keys(), ...r.firstMaps.keys(), ...r.afterMaps.keys()]));
    const rows = [...names].map((name) => ({
      name,
      start: median(kernels.map((r) => r.startMaps.get(name) ?? 0)),
      first: median(kernels.map((r) => r.firstMaps.get(name) ?? 0)),
      after: median(kernels.map((r) => r.afterMaps.get(name) ?? 0)),
    }));
    rows.sort((a, b) => b.first - a.first);
    return [
      `| the real kernel's RSS by mapping (/proc/PID/smaps), MB, median of ${RUNS} kernels | after start-up | after the first cell | after ${(500 + CELLS).toLocaleString("en")} more cells |`,
      "|---|---|---|---|",
      `| **RSS** (VmRSS) | **${mb(k("start"))}** | **${mb(k("first"))}** | **${mb(k("after"))}** |`,
      ...rows.filter((r) => Math.max(r.start, r.first, r.after) >= 0.1).map((r) => `| ${r.name} | ${mb(r.start)} | ${mb(r.first)} | ${mb(r.after)} |`),
      `| threads (node's 4 platform workers, libuv's, V8's, the two worker threads, zeromq's I/O threads...) | ${k("startThreads")} | ${k("firstThreads")} | |`,
      `| growth per 1,000 cells (\`N + 1\`, from cell 500 to ${(500 + CELLS).toLocaleString("en")}) | | | ${mb(k("growth"), 2)} |`,
      `| … of which the main thread's V8 heap (heapTotal; heapUsed, live and garbage) | | | ${mb(k("heapGrowth"), 2)} (${mb(k("heapUsedGrowth"), 2)}) |`,
    ].join("\n");
  })();

  console.error("profile-kernel-memory: the pieces one by one");
  const stages = [];
  for (let i = 0; i < RUNS; i++) stages.push(runNode(STAGES));
  const s = medianOf(stages);
  const stageRows = [
    [`bare node with the kernel's flags (\`${FLAGS.join(" ")}\`, \`MALLOC_MMAP_THRESHOLD_\`)`, "bare", null],
    ["+ the kernel's modules (`dist/kernel/kernel-main.js`: zeromq, protocol, core)", "kernelModules", "bare"],
    ["+ the control/heartbeat thread (a worker isolate that loads zeromq, two sockets)", "control", "kernelModules"],
    ["+ the engine's modules (`dist/runtime/engine`: acorn, the runtime, ...)", "engineModules", "control"],
    ["+ a session (its vm context and globals)", "session", "engineModules"],
    ["+ the SIGINT guard thread (a parked worker isolate)", "guard", "session"],
    ["+ the first cell `1+1` (loads oxc-transform, first transform and evaluation)", "firstCell", "guard"],
    ["+ 500 cells `N + 1`", "warm", "firstCell"],
    [`+ ${CELLS.toLocaleString("en")} more cells (per 1,000: ${mb(((s.cells - s.warm) / CELLS) * 1000, 2)} MB)`, "cells", "warm"],
  ];
  const stagesTable = [
    `| one process, the kernel's pieces added one by one (each after a full gc() and 300 ms; median of ${RUNS} processes) | RSS, MB | added, MB |`,
    "|---|---|---|",
    ...stageRows.map(([label, key, prev]) => `| ${label} | ${mb(s[key])} | ${prev === null ? "" : `${s[key] - s[prev] >= 0 ? "+" : ""}${mb(s[key] - s[prev])}`} |`),
  ].join("\n");

  console.error("profile-kernel-memory: each piece alone");
  const pieceRows = [];
  let bare = [];
  for (const [label, code] of PIECES) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(runNode(alone(code)));
    const m = medianOf(runs);
    bare.push(m.before);
    pieceRows.push(`| ${label} | +${mb(m.delta)} |`);
  }
  const piecesTable = [`| each piece alone, on a bare node with the kernel's flags (RSS ${mb(median(bare))} MB; median of ${RUNS}) | RSS added, MB |`, "|---|---|", ...pieceRows].join("\n");

  console.error("profile-kernel-memory: heap snapshots of the kernel's main thread");
  // From cell 1,500: the records bounded at 1,000 (CellOutput's parents) are full by then.
  const snap = await realKernel({ snapshots: true, warm: 1500 });
  const grown = growth(snap.snapshotA, snap.snapshotB);
  const per = 1000 / CELLS;
  const top = (map, n) => [...map].sort((p, q) => q[1].size - p[1].size).slice(0, n).filter(([, v]) => v.size > 0);
  const esc = (t) => t.replace(/\|/g, "\\|");
  const snapTable = [
    `| the kernel's main-thread heap, net change from cell 1,500 to ${(1500 + CELLS).toLocaleString("en")} (two heap snapshots: live objects only), per 1,000 cells | objects | KB |`,
    "|---|---|---|",
    `| **the whole heap** (${mb(grown.totalA / 1048576)} → ${mb(grown.totalB / 1048576)} MB) | | **${mb(((grown.totalB - grown.totalA) / 1024) * per)}** |`,
    ...top(grown.byKind, 8).map(([key, v]) => `| ${esc(key)} | +${Math.round(v.count * per)} | +${mb((v.size / 1024) * per)} |`),
  ].join("\n");
  const holderTable = [
    "| the same, by the private field that holds it (up the first strong retainers), per 1,000 cells | objects | KB | held at the end, KB |",
    "|---|---|---|---|",
    ...[...grown.byHolder]
      .filter(([, v]) => Math.abs(v.size) * per >= 5 * 1024)
      .sort((p, q) => Math.abs(q[1].size) - Math.abs(p[1].size))
      .slice(0, 10)
      .map(([key, v]) => `| ${esc(key)} | ${v.count >= 0 ? "+" : ""}${Math.round(v.count * per)} | ${v.size >= 0 ? "+" : ""}${mb((v.size / 1024) * per)} | ${mb(v.after / 1024, 0)} |`),
  ].join("\n");

  console.error(`profile-kernel-memory: RSS over ${TRAJECTORY} cells`);
  const { points: trajectory } = await rssTrajectory(TRAJECTORY, Math.max(1, Math.round(TRAJECTORY / 12)));
  const variants = [];
  for (const [label, options] of [
    ["the kernelspec's flags (as above)", {}],
    ["+ `--optimize-for-size`", { extraFlags: ["--optimize-for-size"] }],
    ["the kernelspec's flags, a cell `await collect()` every 500 cells (a full gc(), as an idle-time collection would)", { collectEvery: 500 }],
  ]) {
    console.error(`profile-kernel-memory: RSS over ${VARIANT_CELLS} cells, ${label}`);
    variants.push({ label, ...(await rssTrajectory(VARIANT_CELLS, 1000, { ...options, heap: false })) });
  }
  const trajectoryTable = [
    "| cells run (`N + 1`), one kernel, nothing forced | " + trajectory.map((t) => t.cells.toLocaleString("en")).join(" | ") + " |",
    "|---" + "|---".repeat(trajectory.length) + "|",
    "| RSS, MB | " + trajectory.map((t) => mb(t.rss)).join(" | ") + " |",
    "| the main thread's V8 heap (heapTotal), MB | " + trajectory.map((t) => mb(t.heap)).join(" | ") + " |",
  ].join("\n");
  const variantTable = [
    `| RSS (MB) every 1,000 cells, one kernel each | ${variants[0].points.map((t) => t.cells.toLocaleString("en")).join(" | ")} | cell round trip, ms (mean) |`,
    `|---${"|---".repeat(variants[0].points.length + 1)}|`,
    ...variants.map((v) => `| ${v.label} | ${v.points.map((t) => mb(t.rss, 0)).join(" | ")} | ${v.cellMs.toFixed(2)} |`),
  ].join("\n");

  const machine = `node ${process.version}, ${os.cpus().length} cores; ${new Date().toISOString().slice(0, 10)}; \`node bench/profile-kernel-memory.mjs --write\` (${((performance.now() - started) / 1000).toFixed(0)} s)`;
  return { body: [`_${machine}_`, mapsTable, trajectoryTable, variantTable, stagesTable, piecesTable, snapTable, holderTable].join("\n\n"), kernels, stages: s };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { body } = await profileKernelMemory();
  console.log(body);
  if (args.includes("--write")) updateSection(path.join(here, "README.md"), "profile:kernel-memory", body);
}
