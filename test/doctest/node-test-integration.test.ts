import { expectDoctests, expectUsageError, nodeTest, runnerProject } from "../helpers/runner-project.js";

// greenlet-ts/node-test under node's own test runner (node --test), from CommonJS and from an ES module.
describe("greenlet-ts/node-test", () => {
  test("one test per example named FILE:LINE, the diff as the failure, a usage error as a failing test", async () => {
    const dir = runnerProject({
      "docs.test.cjs": 'const { doctest } = require("greenlet-ts/node-test");\ndoctest(["README.md", "docs"]);\n',
      "docs.test.mjs": 'import { doctest } from "greenlet-ts/node-test";\ndoctest(["README.md", "docs"]);\n',
      "usage.test.mjs": 'import { doctest } from "greenlet-ts/node-test";\ndoctest(["bad.md"]);\n',
    });
    for (const file of ["docs.test.cjs", "docs.test.mjs"]) {
      const { code, tests } = await nodeTest(dir, file);
      expect(code).toBe(1);
      expectDoctests(tests, file);
    }
    const usage = await nodeTest(dir, "usage.test.mjs");
    expect(usage.code).toBe(1);
    expectUsageError(usage.tests, "usage.test.mjs");
  }, 120000);

  test("an example that ends its worker, kills the command or stops it: the tests fail with the reason, none waits for ever", async () => {
    const page = (line: string): string => ["```ts", "> 1", "1", `> ${line}`, "> 3", "3", "```", ""].join("\n");
    const dir = runnerProject({
      "exit.md": page("process.exit(3)"),
      // The worker's parent is the greenlet-ts doctest process. The example first waits: the result of
      // the one before it travels to the parent as a message, which a parent killed at once never reads.
      "kill.md": page('await new Promise((r) => setTimeout(r, 500)); process.kill(process.ppid, "SIGKILL")'),
      "stop.md": page('await new Promise((r) => setTimeout(r, 500)); process.kill(process.ppid, "SIGSTOP")'),
      "failures.test.mjs": [
        'import { doctest } from "greenlet-ts/node-test";',
        'doctest(["exit.md"]);',
        'doctest(["kill.md"]);',
        'doctest(["stop.md"], { idleTimeoutMs: 2000 });',
        "",
      ].join("\n"),
    });
    const { tests } = await nodeTest(dir, "failures.test.mjs");
    const of = (title: string): ReportedTest => tests.find((t) => t.title === title)!;
    expect(tests.map((t) => [t.title, t.status])).toEqual(
      ["exit.md", "kill.md", "stop.md"].flatMap((file) => [[`${file}:2`, "passed"], [`${file}:4`, "failed"], [`${file}:5`, "failed"]]),
    );
    expect(of("exit.md:4").message).toContain("the worker process running this file ended (exit code 3): the example at line 4 called process.exit(3)");
    expect(of("exit.md:5").message).toContain("not run: the worker died during the example at line 4");
    expect(of("kill.md:4").message).toContain("greenlet-ts doctest ended (signal SIGKILL) before it reported this example");
    expect(of("kill.md:5").message).toContain("greenlet-ts doctest ended (signal SIGKILL) before it reported this example");
    expect(of("stop.md:4").message).toContain("greenlet-ts doctest said nothing for 2000 ms and was stopped");
    expect(of("stop.md:5").message).toContain("greenlet-ts doctest said nothing for 2000 ms and was stopped");
  }, 120000);
});
