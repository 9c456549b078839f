import { cpSync, mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { cli } from "../helpers/cli.js";
import { ROOT } from "../helpers/node-script.js";
import { jestLikeReport, nodeTest, runIn } from "../helpers/runner-project.js";

/**
 * examples/library, checked the four ways its README and docs/project.md
 * show: `greenlet-ts doctest` with the configuration in its package.json,
 * and the same examples as the tests of jest (default CommonJS mode),
 * vitest and `node --test`. It runs from a copy whose node_modules links
 * greenlet-ts (this repository) and the runners, as `npm install` would.
 */
describe("the example project", () => {
  let dir: string;
  let listed: string[];
  beforeAll(async () => {
    dir = path.join(mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-example-")), "library");
    cpSync(path.join(ROOT, "examples/library"), dir, { recursive: true, filter: (source) => !source.includes("node_modules") });
    mkdirSync(path.join(dir, "node_modules"));
    symlinkSync(ROOT, path.join(dir, "node_modules/greenlet-ts"), "dir");
    for (const runner of ["jest", "vitest"]) symlinkSync(path.join(ROOT, "node_modules", runner), path.join(dir, "node_modules", runner), "dir");
    const list = await cli(["doctest", "--list"], dir);
    expect(list.code).toBe(0);
    listed = (JSON.parse(list.stdout) as Array<{ file: string; line?: number; cell?: number }>).map((e) => (e.cell !== undefined ? `${e.file}:cell ${e.cell}` : `${e.file}:${e.line}`));
  }, 60000);

  test("greenlet-ts doctest checks the README, the JSDoc examples of src/ and the notebook", async () => {
    expect(listed.filter((name) => name.startsWith("README.md")).length).toBeGreaterThan(0);
    expect(listed.filter((name) => name.startsWith("src/")).length).toBeGreaterThan(5);
    expect(listed.filter((name) => name.startsWith("notebooks/explore.ipynb:cell")).length).toBe(4);
    const run = await cli(["doctest"], dir);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(`${listed.length} passed, 0 failed, 0 skipped\n`);
  }, 60000);

  test("jest (default CommonJS mode): one passing test per example", async () => {
    const run = await runIn(dir, ["node_modules/jest/bin/jest.js", "--json", "--outputFile=jest.json"]);
    expect(run.code).toBe(0);
    const tests = jestLikeReport(path.join(dir, "jest.json"));
    expect(tests.map((t) => t.title)).toEqual(listed);
    expect(tests.every((t) => t.status === "passed")).toBe(true);
  }, 120000);

  test("vitest: one passing test per example", async () => {
    const run = await runIn(dir, ["node_modules/vitest/vitest.mjs", "run", "--reporter=json", "--outputFile=vitest.json"]);
    expect(run.code).toBe(0);
    const tests = jestLikeReport(path.join(dir, "vitest.json"));
    expect(tests.map((t) => t.title)).toEqual(listed);
    expect(tests.every((t) => t.status === "passed")).toBe(true);
  }, 120000);

  test("node --test: one passing test per example", async () => {
    const run = await nodeTest(dir, "test/docs.node.mjs");
    expect(run.code).toBe(0);
    expect(run.tests.map((t) => t.title)).toEqual(listed);
    expect(run.tests.every((t) => t.status === "passed")).toBe(true);
  }, 120000);
});
