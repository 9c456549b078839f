import { spawn } from "node:child_process";
import path from "node:path";
import { cli, fixture } from "../helpers/cli.js";
import { ROOT } from "../helpers/node-script.js";
import { PAGES } from "../helpers/runner-project.js";

// What greenlet-ts/jest, /vitest and /node-test read from `greenlet-ts doctest`: the examples
// (--list) before the tests run, then each result as it comes (--reporter jsonl).
const fence = "```";
const block = (...lines: string[]): string => [`${fence}ts`, ...lines, fence, ""].join("\n");

/** The lines of a jsonl run, without the timings. */
function lines(stdout: string): Record<string, unknown>[] {
  return stdout
    .trimEnd()
    .split("\n")
    .map((line) => {
      const { ms, ...rest } = JSON.parse(line) as Record<string, unknown>;
      if (rest.type === "result") expect(typeof ms).toBe("number");
      return rest;
    });
}

describe("--reporter jsonl", () => {
  test("a line per example and setup block, a line per file (with its error), a summary line", async () => {
    const dir = fixture({
      "a.md": `${block("const base = 40;")}\n${block("> base + 2", "42", "> 'actual'", "'expected'")}\n${block("throw new Error('late')")}`,
      "b.md": `${block("> 1", "1", "> while (true) {}", "> 3", "3")}\n<!-- doctest: skip -->\n${block("> 4")}`,
      "c.md": block("> process.exit(3)", "> 2", "2"),
      "tour.ipynb": PAGES["docs/tour.ipynb"]!,
    });
    const run = await cli(["doctest", "--reporter", "jsonl", "--timeout", "1000", "a.md", "b.md", "c.md", "tour.ipynb"], dir);
    expect(run.code).toBe(1);
    expect(lines(run.stdout)).toEqual([
      { type: "result", file: "a.md", line: 1, setup: true, status: "passed", source: "const base = 40;\n", expected: "" },
      { type: "result", file: "a.md", line: 6, status: "passed", source: "base + 2", expected: "42\n" },
      {
        type: "result", file: "a.md", line: 8, status: "failed", source: "'actual'", expected: "'expected'\n", got: "'actual'\n",
        diff: "--- expected\n+++ actual\n@@ -1,1 +1,1 @@\n-'expected'\n+'actual'",
      },
      {
        type: "result", file: "a.md", line: 12, setup: true, status: "failed", source: "throw new Error('late')\n", expected: "",
        got: "Uncaught Error: late\n    at a.md:13:7", reason: "the setup code failed:\nUncaught Error: late\n    at a.md:13:7",
      },
      { type: "file", file: "a.md", warnings: [] },
      { type: "result", file: "b.md", line: 2, status: "passed", source: "1", expected: "1\n" },
      // Reported by the pool when the timeout kills the worker: the example, then the rest of the file.
      { type: "result", file: "b.md", line: 4, status: "failed", source: "while (true) {}", expected: "", got: "", reason: "timed out after 1000 ms" },
      { type: "result", file: "b.md", line: 5, status: "not-run", source: "3", expected: "3\n", reason: "not run: the example at line 4 timed out" },
      { type: "result", file: "b.md", line: 11, status: "not-run", source: "4", expected: "", reason: "not run: the example at line 4 timed out" },
      { type: "file", file: "b.md", warnings: [] },
      // The example that ended the worker has no result line: the file's error tells.
      { type: "result", file: "c.md", line: 3, status: "not-run", source: "2", expected: "2\n", reason: "not run: the worker died during the example at line 2" },
      { type: "file", file: "c.md", error: "the worker process running this file ended (exit code 3): the example at line 2 called process.exit(3)", warnings: [] },
      { type: "result", file: "tour.ipynb", cell: 2, status: "passed", source: "1 + 1", expected: "[result text/plain]\n2\n", got: "[result text/plain]\n2\n" },
      {
        type: "result", file: "tour.ipynb", cell: 3, status: "failed", source: "'actual'", expected: "[result text/plain]\n'expected'\n", got: "[result text/plain]\n'actual'\n",
        diff: "--- expected\n+++ actual\n@@ -1,2 +1,2 @@\n [result text/plain]\n-'expected'\n+'actual'",
      },
      { type: "file", file: "tour.ipynb", warnings: [] },
      { type: "summary", passed: 3, failed: 5, skipped: 3 },
    ]);
  }, 60000);

  test("each result is written as soon as its example has finished, not at the end of the run", async () => {
    const dir = fixture({ "slow.md": block("> 'first'", "'first'", "> await new Promise((resolve) => setTimeout(resolve, 1500))") });
    const child = spawn(process.execPath, [path.join(ROOT, "dist/cli/main.js"), "doctest", "--reporter", "jsonl", "slow.md"], { cwd: dir });
    const arrivals: { at: number; line: string }[] = [];
    let buffer = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      buffer += chunk;
      for (let at = buffer.indexOf("\n"); at >= 0; at = buffer.indexOf("\n")) {
        arrivals.push({ at: performance.now(), line: buffer.slice(0, at) });
        buffer = buffer.slice(at + 1);
      }
    });
    const ended = await new Promise<number>((resolve) => child.on("close", () => resolve(performance.now())));
    expect(arrivals.map((a) => JSON.parse(a.line).type)).toEqual(["result", "result", "file", "summary"]);
    expect(ended - arrivals[0]!.at).toBeGreaterThan(1000);
  }, 60000);
});

describe("--list", () => {
  test("an example in a skipped block or file is listed with SKIP, as it will be reported", async () => {
    const dir = fixture({
      "page.md": `${block("> 1", "1")}\n<!-- doctest: skip -->\n${block("> 2", "2")}`,
      "skipped.md": `<!-- doctest: skip-file -->\n\n${block("> 3", "3")}`,
    });
    const list = await cli(["doctest", "--list", "page.md", "skipped.md"], dir);
    expect(JSON.parse(list.stdout)).toEqual([
      { file: "page.md", line: 2, source: "1", expected: "1\n", options: {} },
      { file: "page.md", line: 8, source: "2", expected: "2\n", options: { SKIP: true } },
      { file: "skipped.md", line: 4, source: "3", expected: "3\n", options: { SKIP: true } },
    ]);
  });
});
