// The transpiler candidates for the engine's cells (issue 16, item 3),
// measured by time per cell *and* resident memory, each in a fresh process
// with the kernel's node flags:
//
//   node bench/profile-transpilers.mjs [--runs N] [--write]
//
// @swc/core (the engine's transpiler before oxc-transform; now only its
// fallback for decorators), oxc-transform, sucrase, esbuild (its
// synchronous transformSync, which runs esbuild's binary as a child
// process: its RSS is added) and amaro (node's own type stripper: swc built
// to WebAssembly). Those not in node_modules are installed for this script
// only, into a temporary directory (`npm install --prefix`), never as
// dependencies. Each is asked for what the engine asked swc: TypeScript to
// modern JavaScript, ES module syntax kept, with a source map.
//
// Prints the table; --write puts it in bench/README.md between
// <!-- profile:transpilers --> and <!-- /profile:transpilers -->.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { median, updateSection } from "./profile-common.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const args = process.argv.slice(2);
const RUNS = args.includes("--runs") ? Number(args[args.indexOf("--runs") + 1]) : Number(process.env.BENCH_REPEATS ?? 3);
const spec = JSON.parse(readFileSync(path.join(root, "kernel.json"), "utf8"));
const FLAGS = spec.argv.slice(spec.argv.indexOf("node") + 1, spec.argv.indexOf("{entry}"));

/** How each candidate is called: `transform(code, filename)` returns JavaScript, with a source map where it makes one. */
const CANDIDATES = [
  {
    name: "@swc/core",
    install: null,
    setup: `const swc = load("@swc/core");
const options = (filename) => ({ filename, swcrc: false, configFile: false, isModule: true, sourceMaps: true, jsc: { parser: { syntax: "typescript", decorators: true }, target: "es2022", transform: { decoratorVersion: "2022-03", useDefineForClassFields: true, verbatimModuleSyntax: true }, preserveAllComments: true } });
const transform = (code, filename) => swc.transformSync(code, options(filename)).code;`,
  },
  {
    name: "oxc-transform",
    install: "oxc-transform",
    setup: `const oxc = load("oxc-transform");
const transform = (code, filename) => { const r = oxc.transformSync(filename, code, { sourcemap: true, target: "es2022", typescript: { onlyRemoveTypeImports: true } }); if (r.errors.length) throw new Error(r.errors[0].message); return r.code; };`,
  },
  {
    name: "sucrase",
    install: "sucrase",
    setup: `const sucrase = load("sucrase");
const transform = (code, filename) => sucrase.transform(code, { transforms: ["typescript"], filePath: filename, sourceMapOptions: { compiledFilename: filename }, keepUnusedImports: true, disableESTransforms: true }).code;`,
  },
  {
    name: "esbuild (transformSync)",
    install: "esbuild",
    setup: `const esbuild = load("esbuild");
const transform = (code, filename) => esbuild.transformSync(code, { loader: "ts", sourcefile: filename, sourcemap: "external", target: "es2022", format: "esm" }).code;`,
  },
  {
    name: "amaro (transform mode)",
    install: "amaro@1",
    setup: `const amaro = load("amaro");
const transform = (code, filename) => amaro.transformSync(code, { mode: "transform", sourceMap: true, filename }).code;`,
  },
];

/** Cells: many small different ones, one of 200 lines, and one with what cells use that only some strippers accept. */
const MEASURE = `
const settle = async () => { gc(); await new Promise((r) => setTimeout(r, 300)); gc(); await new Promise((r) => setTimeout(r, 100)); return rssTree(); };
function rssTree() {
  // This process and its children (esbuild's service).
  const { readFileSync, readdirSync } = require("node:fs");
  const rss = (pid) => { try { return Number(/VmRSS:\\s+(\\d+)/.exec(readFileSync("/proc/" + pid + "/status", "utf8"))[1]) / 1024; } catch { return 0; } };
  let total = rss(process.pid);
  for (const entry of readdirSync("/proc")) {
    if (!/^\\d+$/.test(entry)) continue;
    try { if (readFileSync("/proc/" + entry + "/stat", "utf8").split(") ")[1].split(" ")[1] === String(process.pid)) total += rss(entry); } catch {}
  }
  return total;
}
const before = await settle();
const heapBefore = process.memoryUsage().heapTotal / 1048576;
let t = performance.now();
${"${SETUP}"}
const load_ms = performance.now() - t;
const loaded = await settle();
t = performance.now();
transform("const x: number = 1; x + 1", "cell.ts");
const first_ms = performance.now() - t;
const times = [];
for (let i = 0; i < 2000; i++) {
  const code = "const x" + i + ": number = " + i + "; x" + i + " + 1";
  const s = performance.now();
  transform(code, "cell" + i + ".ts");
  times.push(performance.now() - s);
}
times.sort((a, b) => a - b);
const lines = [];
for (let i = 0; i < 20; i++) {
  lines.push(
    "interface Item" + i + " { id: number; name: string; tags?: string[] }",
    "const items" + i + ": Item" + i + "[] = [{ id: " + i + ", name: 'item " + i + "' }];",
    "function describe" + i + "(item: Item" + i + "): string {",
    "  const tags = item.tags?.join(', ') ?? 'none';",
    "  return item.id + ': ' + item.name + ' (' + tags + ')';",
    "}",
    "class Counter" + i + "<T> { private count = 0; add(_value: T): this { this.count++; return this; } }",
    "for (const item of items" + i + ") describe" + i + "(item);",
    "let total" + i + " = items" + i + ".reduce((sum, item) => sum + item.id, 0) satisfies number;",
    "new Counter" + i + "<number>().add(total" + i + ");",
  );
}
const big = lines.join("\\n");
const bigTimes = [];
for (let i = 0; i < 30; i++) { const s = performance.now(); transform(big, "big.ts"); bigTimes.push(performance.now() - s); }
bigTimes.sort((a, b) => a - b);
const after = await settle();
const heapAfter = process.memoryUsage().heapTotal / 1048576;
// A feature passes when the output is JavaScript that parses (acorn, latest syntax): a stripper that leaves an enum or a decorator fails.
const acorn = require("acorn");
const features = {};
for (const [feature, code] of Object.entries({
  enum: "enum Color { Red, Green } Color.Green",
  "parameter properties": "class P { constructor(private x: number) {} }",
  "import type": "import type { A } from './a'; let a: A;",
  "top-level await": "const v = await Promise.resolve(1); v",
  decorators: "function dec(c: any, _: any) { return c; } @dec class D {}",
})) {
  try { acorn.parse(transform(code, "f.ts"), { ecmaVersion: "latest", sourceType: "module" }); features[feature] = true; } catch { features[feature] = false; }
}
console.log(JSON.stringify({ before, load_ms, loaded_mb: loaded - before, first_ms, p50_ms: times[1000], mean_ms: times.reduce((a, b) => a + b, 0) / times.length, big_ms: bigTimes[15], after_mb: after - before, native_mb: after - before - (heapAfter - heapBefore), features }));
process.exit(0);
`;

/** Installs the candidates that node_modules lacks into a temporary directory; returns where to load each from. */
function installCandidates() {
  const missing = CANDIDATES.filter((c) => c.install !== null && !existsSync(path.join(root, "node_modules", c.install.replace(/@[^/]*$/, ""))));
  const dir = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-transpilers-"));
  const result = missing.length === 0 ? { status: 0 } : spawnSync("npm", ["install", "--prefix", dir, ...missing.map((c) => c.install), "--no-save", "--no-audit", "--no-fund", "--loglevel=error"], { encoding: "utf8", timeout: 300_000 });
  const failed = result.status !== 0 ? (result.stderr || result.error?.message || "").trim().split("\n").slice(-2).join(" ") : null;
  return { dir, failed, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function profileTranspilers() {
  const started = performance.now();
  const installed = installCandidates();
  const rows = [];
  try {
    for (const candidate of CANDIDATES) {
      const pkg = candidate.install === null ? candidate.name : candidate.install.replace(/@[^/]*$/, "");
      const fromProject = existsSync(path.join(root, "node_modules", pkg));
      const base = fromProject ? path.join(root, "package.json") : path.join(installed.dir, "package.json");
      if (!fromProject && installed.failed !== null) {
        rows.push({ candidate, error: `not measured: npm install failed (${installed.failed})` });
        continue;
      }
      const version = JSON.parse(readFileSync(path.join(path.dirname(base), "node_modules", pkg, "package.json"), "utf8")).version;
      const code = `const { createRequire } = await import("node:module"); const require = createRequire(import.meta.url); const load = createRequire(${JSON.stringify(pathToFileURL(base).href)});\n${MEASURE.replace("${SETUP}", candidate.setup)}`;
      const runs = [];
      let error;
      for (let i = 0; i < RUNS && error === undefined; i++) {
        const r = spawnSync(process.execPath, [...FLAGS, "--input-type=module", "-e", code], { cwd: root, encoding: "utf8", env: { ...process.env, ...(spec.env ?? {}) }, timeout: 300_000 });
        if (r.status !== 0) error = `failed: ${r.stderr.trim().split("\n").slice(-3).join(" ")}`;
        else runs.push(JSON.parse(r.stdout.trim().split("\n").pop()));
      }
      if (error !== undefined) {
        rows.push({ candidate, version, error });
        continue;
      }
      const pick = (key) => median(runs.map((run) => run[key]));
      rows.push({ candidate, version, load: pick("load_ms"), loaded: pick("loaded_mb"), first: pick("first_ms"), p50: pick("p50_ms"), mean: pick("mean_ms"), big: pick("big_ms"), after: pick("after_mb"), native: pick("native_mb"), features: runs[0].features, bare: pick("before") });
      console.error(`  ${candidate.name} ${version}: ${pick("p50_ms").toFixed(3)} ms/cell, +${pick("after_mb").toFixed(1)} MB`);
    }
  } finally {
    installed.cleanup();
  }
  const features = Object.keys(rows.find((r) => r.features)?.features ?? {});
  const lines = [
    `| candidate (fresh process each, kernel flags; median of ${RUNS}) | load, ms | RSS after load, MB | first transform, ms | small cell p50 / mean, ms (2,000 different) | 200-line cell, ms | RSS added in all, MB | … outside V8's heap, MB | ${features.join(" | ")} |`,
    `|---|---|---|---|---|---|---|---|${features.map(() => "---|").join("")}`,
  ];
  for (const r of rows) {
    const name = `${r.candidate.name}${r.version ? ` ${r.version}` : ""}`;
    if (r.error !== undefined) lines.push(`| ${name} | ${r.error} |${" |".repeat(6 + features.length)}`);
    else lines.push(`| ${name} | ${r.load.toFixed(1)} | +${r.loaded.toFixed(1)} | ${r.first.toFixed(2)} | ${r.p50.toFixed(3)} / ${r.mean.toFixed(3)} | ${r.big.toFixed(2)} | +${r.after.toFixed(1)} | +${r.native.toFixed(1)} | ${features.map((f) => (r.features[f] ? "yes" : "**no**")).join(" | ")} |`);
  }
  const machine = `node ${process.version}, ${os.cpus().length} cores; ${new Date().toISOString().slice(0, 10)}; \`node bench/profile-transpilers.mjs --write\` (${((performance.now() - started) / 1000).toFixed(0)} s)`;
  return { body: `_${machine}_\n\n${lines.join("\n")}`, rows };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { body } = profileTranspilers();
  console.log(body);
  if (args.includes("--write")) updateSection(path.join(here, "README.md"), "profile:transpilers", body);
}
