import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fixture } from "./cli.js";
import { ROOT } from "./node-script.js";
import { runProcess, type Finished } from "./spawn.js";

const fence = "```";

/** A notebook for the greenlet-ts kernel with stored outputs: cell 2 passes, cell 3 does not. */
function notebook(): string {
  const code = (source: string, text: string, count: number): object => ({
    cell_type: "code",
    execution_count: count,
    metadata: {},
    outputs: [{ output_type: "execute_result", execution_count: count, metadata: {}, data: { "text/plain": [text] } }],
    source: [source],
  });
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { display_name: "TypeScript (greenlet)", language: "typescript", name: "greenlet-ts" } },
    cells: [{ cell_type: "markdown", metadata: {}, source: ["# Tour"] }, code("1 + 1", "2", 1), code("'actual'", "'expected'", 2)],
  });
}

/**
 * The pages of the test projects, and the tests greenlet-ts should make of
 * `doctest(["README.md", "docs"])`: title, status, and what a failure's
 * message contains.
 */
export const PAGES: Record<string, string> = {
  // 8 passes, 10 fails, 16 is skipped.
  "README.md": [
    "# Project", "", `${fence}ts`, "const base = 40;", fence, "",
    `${fence}ts`, "> base + 2", "42", "> 'actual'", "'expected'", fence, "",
    "<!-- doctest: skip -->", `${fence}ts`, "> notChecked", fence, "",
  ].join("\n"),
  // The setup block at 3 fails: its failure is told in the test of the example at 8.
  "docs/guide.md": ["# Guide", "", `${fence}ts`, "throw new Error('setup broke');", fence, "", `${fence}ts`, "> [1, 2].map((x) => x * 2)", "[ 2, 4 ]", fence, ""].join("\n"),
  "docs/tour.ipynb": notebook(),
  // A usage error at line 3.
  "bad.md": "Text\n\n<!-- doctest: +NOPE -->\n",
};

export interface ExpectedTest {
  file: string;
  title: string;
  status: "passed" | "failed" | "skipped";
  message?: string[];
}

export const EXPECTED: ExpectedTest[] = [
  { file: "README.md", title: "README.md:8", status: "passed" },
  { file: "README.md", title: "README.md:10", status: "failed", message: ["README.md:10\n> 'actual'\n--- expected\n+++ actual\n@@ -1,1 +1,1 @@\n-'expected'\n+'actual'"] },
  { file: "README.md", title: "README.md:16", status: "skipped" },
  { file: "docs/guide.md", title: "docs/guide.md:8", status: "failed", message: ["docs/guide.md:3 (setup) failed:\nthe setup code failed:\nUncaught Error: setup broke"] },
  { file: "docs/tour.ipynb", title: "docs/tour.ipynb:cell 2", status: "passed" },
  { file: "docs/tour.ipynb", title: "docs/tour.ipynb:cell 3", status: "failed", message: ["docs/tour.ipynb:cell 3\n'actual'\n", "-'expected'\n+'actual'"] },
];

/** What `doctest(["bad.md"])` makes: one failing test naming the file and line. */
export const USAGE_ERROR_TITLE = 'greenlet-ts doctest: bad.md:3: unknown doctest option "NOPE"';

/**
 * A temporary project as a user would have it: its own package.json, the
 * pages above, `node_modules/greenlet-ts` a symlink to this repository, and
 * the test runners it uses symlinked from this repository's node_modules
 * (node resolves a package's own dependencies from its real path, so one
 * link per runner is enough, for require and import alike; NODE_PATH would
 * not do for ES modules).
 */
export function runnerProject(files: Record<string, string>, runners: readonly string[] = []): string {
  const dir = fixture({ "package.json": JSON.stringify({ name: "docs-project", private: true }), ...PAGES, ...files });
  mkdirSync(path.join(dir, "node_modules"));
  symlinkSync(ROOT, path.join(dir, "node_modules/greenlet-ts"), "dir");
  for (const runner of runners) symlinkSync(path.join(ROOT, "node_modules", runner), path.join(dir, "node_modules", runner), "dir");
  return dir;
}

/** Runs `node ARGS` in the project (a test runner run, with its output). */
export function runIn(dir: string, args: string[], env: Record<string, string> = {}): Promise<Finished> {
  // A runner under test must not think it is one of the outer jest's workers.
  const { JEST_WORKER_ID: _worker, NODE_OPTIONS: _options, ...outer } = process.env;
  return runProcess(process.execPath, args, { cwd: dir, env: { ...outer, FORCE_COLOR: "0", NO_COLOR: "1", ...env }, timeoutMs: 120000 });
}

/** One test as a runner reported it. */
export interface ReportedTest {
  /** The test file's name. */
  testFile: string;
  /** The describe it is in ("" for none). */
  describe: string;
  title: string;
  status: string;
  message: string;
}

/** The tests in a jest or vitest `--json` report (the same shape), test files in name order. */
export function jestLikeReport(file: string): ReportedTest[] {
  const report = JSON.parse(readFileSync(file, "utf8")) as {
    testResults: { name: string; assertionResults: { ancestorTitles: string[]; title: string; status: string; failureMessages: string[] }[] }[];
  };
  return report.testResults
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((suite) =>
      suite.assertionResults.map((t) => ({
        testFile: path.basename(suite.name),
        describe: t.ancestorTitles.join(" > "),
        title: t.title,
        // jest says pending for a skipped test, vitest skipped.
        status: t.status === "pending" ? "skipped" : t.status,
        message: t.failureMessages.join("\n"),
      })),
    );
}

/**
 * The tests of `doctest(["README.md", "docs"])` in `testFile` are exactly
 * EXPECTED: one per example, in a describe per file, in order, with the
 * report in the failures' messages.
 */
export function expectDoctests(reported: readonly ReportedTest[], testFile: string): void {
  const tests = reported.filter((t) => t.testFile === testFile);
  // A test whose status is not the expected one shows its message, so that a failure says why.
  const shown = tests.map((t, i) => [t.describe, t.title, t.status, t.status === EXPECTED[i]?.status ? "" : t.message]);
  expect(shown).toEqual(EXPECTED.map((e) => [e.file, e.title, e.status, ""]));
  EXPECTED.forEach((expected, i) => {
    for (const part of expected.message ?? []) expect(tests[i]!.message).toContain(part);
  });
}

/** `doctest(["bad.md"])` in `testFile` is one failing test that names the file and line. */
export function expectUsageError(reported: readonly ReportedTest[], testFile: string): void {
  const tests = reported.filter((t) => t.testFile === testFile);
  expect(tests).toHaveLength(1);
  expect(tests[0]!.title).toContain(USAGE_ERROR_TITLE);
  expect(tests[0]!.status).toBe("failed");
  expect(tests[0]!.message).toContain(USAGE_ERROR_TITLE);
}

/** A node:test reporter writing each test (suites left out) as a JSON line, with the describes it is in. */
const NODE_TEST_REPORTER = `export default async function* (events) {
  const names = [];
  for await (const { type, data } of events) {
    if (type === "test:start") names[data.nesting] = data.name;
    if ((type !== "test:pass" && type !== "test:fail") || data.details?.type === "suite") continue;
    const error = data.details?.error;
    yield JSON.stringify({
      describe: names.slice(0, data.nesting).join(" > "),
      title: data.name,
      status: type === "test:fail" ? "failed" : data.skip !== undefined ? "skipped" : "passed",
      message: error === undefined ? "" : String(error.cause?.stack ?? error.cause?.message ?? error.message),
    }) + "\\n";
  }
}
`;

/** Runs `node --test FILE` with the reporter: the tests in the order they ran. */
export async function nodeTest(dir: string, file: string): Promise<{ code: number | null; tests: ReportedTest[] }> {
  writeFileSync(path.join(dir, "reporter.mjs"), NODE_TEST_REPORTER);
  const run = await runIn(dir, ["--test", "--test-reporter=./reporter.mjs", file]);
  const tests = run.stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => ({ ...(JSON.parse(line) as Omit<ReportedTest, "testFile">), testFile: file }));
  return { code: run.code, tests };
}
