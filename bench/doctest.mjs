// Measures `greenlet-ts doctest` on the seven greenlet pages ported to
// TypeScript (docs/) against Python's stdlib doctest on greenlet's eight
// original pages (run by /usr/bin/python3), whole-process wall time,
// interleaved in one run; and what a run costs whatever it checks: the
// `--list README.md` run (no worker), a one-file run of a page with one
// example (bench/one-example.md: worker, engine and oxc loaded, one cell),
// and `node -e 0`. One more run, instrumented (bench/profile-hook.mjs),
// counts the collections after examples. Prints one JSON object.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { instrumentedRun, phases, SEVEN } from "./profile-doctest.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "dist/cli/main.js");
const pages = path.resolve(root, "../shared/reference/greenlet-docs");
const ORIGINAL = ["greenlet.rst", "creating_executing_greenlets.rst", "switching.rst", "greenlet_gc.rst", "gui_example.rst", "tracing.rst", "python_threads.rst", "contextvars.rst"];
const ONE = "bench/one-example.md";
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
// A page of examples that do nothing (\`> N + 1\`): what an example costs the run itself.
const TRIVIAL = 400;
const trivialDir = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-bench-trivial-"));
const trivialFile = path.join(trivialDir, "trivial.md");
writeFileSync(trivialFile, `# Trivial\n\n\`\`\`ts\n${Array.from({ length: TRIVIAL }, (_, i) => `> ${i} + 1\n${i + 1}`).join("\n")}\n\`\`\`\n`);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function wall(command, args, cwd) {
  const start = performance.now();
  const result = spawnSync(command, args, { cwd, encoding: "utf8", timeout: 120_000 });
  const ms = performance.now() - start;
  return { ms, stdout: result.stdout, status: result.status };
}

const counted = wall(process.execPath, [cli, "doctest", ...SEVEN], root);
const examples = counted.stdout.match(/(\d+) passed, (\d+) failed, (\d+) skipped/).slice(1, 4).reduce((a, b) => a + Number(b), 0);

const ours = [];
const oursNoCollect = [];
const ours2 = [];
const python = [];
const list = [];
const one = [];
const nodeE = [];
const trivial = [];
const trivialInProcess = [];
// Without greenlet, Python's doctest fails its examples at once (and python_threads.rst can hang): no anchor then.
// bench/run.mjs checks for it and says so in BENCH_PYTHON_GREENLET (unset: assumed there; the timeouts below stop a hang).
const pythonMissing = !existsSync("/usr/bin/python3")
  ? "/usr/bin/python3 is not installed"
  : !existsSync(pages)
    ? `${pages} is missing`
    : process.env.BENCH_PYTHON_GREENLET === "0"
      ? "Python's greenlet is not installed (Debian: python3-greenlet)"
      : null;
const withPython = pythonMissing === null;
for (let i = 0; i < REPEATS; i++) {
  ours.push(wall(process.execPath, [cli, "doctest", ...SEVEN], root).ms);
  oursNoCollect.push(wall(process.execPath, [cli, "doctest", "--no-autocollect", ...SEVEN], root).ms);
  ours2.push(wall(process.execPath, [cli, "doctest", "--jobs", "2", ...SEVEN], root).ms);
  list.push(wall(process.execPath, [cli, "doctest", "--list", "README.md"], root).ms);
  one.push(wall(process.execPath, [cli, "doctest", ONE], root).ms);
  nodeE.push(wall(process.execPath, ["-e", "0"], root).ms);
  trivial.push(wall(process.execPath, [cli, "doctest", trivialFile], root).ms);
  trivialInProcess.push(inProcess());
  if (withPython) python.push(wall("/usr/bin/python3", ["-m", "doctest", ...ORIGINAL], pages).ms);
}
const pythonExamples = withPython
  ? Number(/(\d+) tests? in/.exec(spawnSync("/usr/bin/python3", ["-c", `import doctest,sys\nt=0\nfor f in ${JSON.stringify(ORIGINAL)}:\n  r=doctest.testfile(f, module_relative=False, report=False, optionflags=doctest.REPORT_ONLY_FIRST_FAILURE)\n  t+=r.attempted\nprint(t, 'tests in')`], { cwd: pages, encoding: "utf8", timeout: 120_000 }).stdout)?.[1] ?? 0)
  : 0;

rmSync(trivialDir, { recursive: true, force: true });

/**
 * The trivial page in one process, without the worker: runFile() (the
 * runner and the checker on the engine) against the engine alone running
 * the same cells in a session; both after a warm-up page.
 */
function inProcess() {
  const url = (file) => JSON.stringify(new URL(`file://${path.join(root, "dist", file)}`).href);
  const code = `
import { readFileSync } from "node:fs";
const { parseDocument } = await import(${url("doctest/documents.js")});
const { runFile } = await import(${url("doctest/runner.js")});
const { Session } = await import(${url("runtime/engine/index.js")});
await runFile(parseDocument("\`\`\`ts\\n> 1 + 1\\n2\\n\`\`\`\\n", "warm.md"), { autoCollect: false });
const doc = parseDocument(readFileSync(${JSON.stringify(trivialFile)}, "utf8"), ${JSON.stringify(trivialFile)});
let t = performance.now();
await runFile(doc, {});
const runner = performance.now() - t;
const session = new Session();
await session.execute("0");
t = performance.now();
for (let i = 0; i < ${TRIVIAL}; i++) await session.execute(i + " + 1", { filename: "trivial.md", lineOffset: i });
const engine = performance.now() - t;
session.close();
console.log(JSON.stringify({ runner, engine }));`;
  const result = spawnSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", code], { cwd: root, encoding: "utf8", timeout: 120_000 });
  if (result.status !== 0) throw new Error(`the in-process trivial run failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").pop());
}

// The collections, counted in one instrumented run (its times are a little slower than the plain runs above).
const instrumented = phases(instrumentedRun(SEVEN));
console.log(
  JSON.stringify({
    files: SEVEN.length,
    examples,
    ours: median(ours),
    oursNoCollect: median(oursNoCollect),
    ours2: median(ours2),
    startup: median(list),
    oneFile: median(one),
    nodeE: median(nodeE),
    trivialExamples: TRIVIAL,
    trivial: median(trivial),
    trivialRunner: median(trivialInProcess.map((r) => r.runner)),
    trivialEngine: median(trivialInProcess.map((r) => r.engine)),
    python: withPython ? median(python) : null,
    pythonExamples,
    pythonMissing,
    collections: {
      gcCalls: instrumented.gcCount,
      gcMs: instrumented.gcMs,
      waitMs: instrumented.waitMs,
      none: instrumented.gcsPerExample[0],
      foundNothing: instrumented.gcsPerExample[1],
      foundNothingMs: instrumented.gcsPerExample.msOne,
      foundSomething: instrumented.gcsPerExample.more,
    },
  }),
);
