import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { cli, fixture } from "../helpers/cli.js";
import { ROOT } from "../helpers/node-script.js";

const fence = "```";
const block = (...lines: string[]): string => [`${fence}ts`, ...lines, fence, ""].join("\n");

/** Packages a run loads only when it needs them: a failure's diff, JSDoc comments, a tsconfig.json, a stack to map. */
const ON_DEMAND = ["diff", "comment-parser", "get-tsconfig", "@jridgewell/trace-mapping"];

interface Loaded {
  argv: string;
  /** file: URLs of every ES module resolved and CommonJS file required. */
  modules: string[];
}

/** Runs `greenlet-ts doctest ARGS` in `dir` with test/helpers/loaded-modules.mjs preloaded in every process; what each process loaded. */
async function loadedBy(args: string[], dir: string): Promise<{ stdout: string; runner: Loaded; worker: Loaded | undefined }> {
  const record = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-loaded-"));
  const preload = pathToFileURL(path.join(ROOT, "test/helpers/loaded-modules.mjs")).href;
  const result = await cli(["doctest", ...args], dir, { LOADED_MODULES_DIR: record, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import=${preload}`.trim() });
  const processes = readdirSync(record).map((pid): Loaded => {
    const [argv, ...rest] = readFileSync(path.join(record, pid), "utf8").trim().split("\n");
    return { argv: argv!, modules: rest.map((line) => line.slice(line.indexOf(" ") + 1)) };
  });
  const runner = processes.find((p) => p.argv.includes(path.join("dist", "cli", "main.js")));
  const worker = processes.find((p) => p.argv.includes(path.join("dist", "doctest", "worker.js")));
  if (runner === undefined) throw new Error(`no record of the runner process:\n${result.stdout}${result.stderr}`);
  return { stdout: result.stdout, runner, worker };
}

const packagesOf = (loaded: Loaded): Set<string> => new Set(loaded.modules.map((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1]).filter((name): name is string => name !== undefined));

describe("what a doctest run loads", () => {
  test("a passing Markdown run loads neither diff, comment-parser, get-tsconfig nor trace-mapping, in the runner or in the worker", async () => {
    const dir = fixture({ "pass.md": `# Passing\n\n${block("const base: number = 40;")}\n${block("> base + 2", "42", "> console.log('out'); [1, 2].map((n) => n * 2)", "out", "[ 2, 4 ]")}` });
    const { stdout, runner, worker } = await loadedBy(["pass.md"], dir);
    expect(stdout).toBe("2 passed, 0 failed, 0 skipped\n");
    // The records see what each process loads: the runner's Markdown parser (an ES module), the worker's engine and oxc (required).
    expect(packagesOf(runner)).toContain("markdown-it");
    expect(worker).toBeDefined();
    expect(worker!.modules).toContain(pathToFileURL(path.join(ROOT, "dist/runtime/engine/session.js")).href);
    expect(packagesOf(worker!)).toContain("oxc-transform");
    expect(packagesOf(worker!)).not.toContain("@swc/core");
    // A declaration needs the REPL transform's parse.
    expect(packagesOf(worker!)).toContain("acorn");
    for (const loaded of [runner, worker!]) expect([...packagesOf(loaded)].filter((name) => ON_DEMAND.includes(name))).toEqual([]);
  });

  test("a failure loads diff to show its diff; a source file's examples load comment-parser", async () => {
    const dir = fixture({ "fail.md": block("> 'actual'", "'expected'"), "src.ts": "/**\n * @example\n * > 1 + 1\n * 2\n */\nexport const one = 1;\n" });
    const failing = await loadedBy(["fail.md"], dir);
    expect(failing.stdout).toContain("  -'expected'\n  +'actual'\n");
    expect(packagesOf(failing.worker!)).toContain("diff");
    const source = await loadedBy(["src.ts"], dir);
    expect(source.stdout).toBe("1 passed, 0 failed, 0 skipped\n");
    expect(packagesOf(source.runner)).toContain("comment-parser");
  });
});
