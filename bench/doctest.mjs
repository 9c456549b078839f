// Measures `greenlet-ts doctest` on docs/ against Python's stdlib doctest on
// greenlet's original pages (run by /usr/bin/python3), whole-process wall
// time, in one run; prints one JSON object.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "dist/cli/main.js");
const pages = path.resolve(root, "../shared/reference/greenlet-docs");
const ORIGINAL = ["greenlet.rst", "creating_executing_greenlets.rst", "switching.rst", "greenlet_gc.rst", "gui_example.rst", "tracing.rst", "python_threads.rst", "contextvars.rst"];
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function wall(command, args, cwd) {
  const start = performance.now();
  const result = spawnSync(command, args, { cwd, encoding: "utf8" });
  const ms = performance.now() - start;
  return { ms, stdout: result.stdout, status: result.status };
}

const docs = readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => path.join("docs", f));
const counted = wall(process.execPath, [cli, "doctest", ...docs], root);
const examples = counted.stdout.match(/(\d+) passed, (\d+) failed, (\d+) skipped/).slice(1, 4).reduce((a, b) => a + Number(b), 0);

const ours = [];
const oursNoCollect = [];
const ours2 = [];
const python = [];
const empty = [];
const withPython = existsSync("/usr/bin/python3") && existsSync(pages);
for (let i = 0; i < REPEATS; i++) {
  ours.push(wall(process.execPath, [cli, "doctest", ...docs], root).ms);
  oursNoCollect.push(wall(process.execPath, [cli, "doctest", "--no-autocollect", ...docs], root).ms);
  ours2.push(wall(process.execPath, [cli, "doctest", "--jobs", "2", ...docs], root).ms);
  empty.push(wall(process.execPath, [cli, "doctest", "--list", "README.md"], root).ms);
  if (withPython) python.push(wall("/usr/bin/python3", ["-m", "doctest", ...ORIGINAL], pages).ms);
}
const pythonExamples = withPython
  ? Number(/(\d+) tests? in/.exec(spawnSync("/usr/bin/python3", ["-c", `import doctest,sys\nt=0\nfor f in ${JSON.stringify(ORIGINAL)}:\n  r=doctest.testfile(f, module_relative=False, report=False, optionflags=doctest.REPORT_ONLY_FIRST_FAILURE)\n  t+=r.attempted\nprint(t, 'tests in')`], { cwd: pages, encoding: "utf8" }).stdout)?.[1] ?? 0)
  : 0;
console.log(
  JSON.stringify({
    files: docs.length,
    examples,
    ours: median(ours),
    oursNoCollect: median(oursNoCollect),
    ours2: median(ours2),
    startup: median(empty),
    python: withPython ? median(python) : null,
    pythonExamples,
  }),
);
