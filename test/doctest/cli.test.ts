import { readFileSync } from "node:fs";
import path from "node:path";
import { cli, fixture } from "../helpers/cli.js";

const fence = "```";
const block = (...lines: string[]): string => [`${fence}ts`, ...lines, fence, ""].join("\n");

describe("greenlet-ts doctest", () => {
  test("passes, failures with FILE:LINE and a diff, the summary line, exit codes", async () => {
    const dir = fixture({
      "good.md": `# Good\n\n${block("const base: number = 40;")}\n${block("> base + 2", "42", "> console.log('out'); console.error('err'); 'echo'", "out", "err", "'echo'")}`,
      "bad.md": `Intro\n\n${block("> 'actual'", "'expected'")}`,
    });
    const pass = await cli(["doctest", "good.md"], dir);
    expect(pass).toMatchObject({ code: 0, stdout: "2 passed, 0 failed, 0 skipped\n" });
    const fail = await cli(["doctest", "."], dir);
    expect(fail.code).toBe(1);
    expect(fail.stdout).toBe(
      ["FAIL bad.md:4", "  > 'actual'", "  --- expected", "  +++ actual", "  @@ -1,1 +1,1 @@", "  -'expected'", "  +'actual'", "", "2 passed, 1 failed, 0 skipped", ""].join("\n"),
    );
  });

  test("one session per file, shared by all its blocks; a failing setup block counts as one failure", async () => {
    const dir = fixture({
      "a.md": `${block("let shared = 'from a'")}${block("> shared", "'from a'")}`,
      "b.md": `${block("> typeof shared", "'undefined'")}${block("throw new Error('setup broke')")}`,
    });
    const result = await cli(["doctest", "a.md", "b.md"], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("FAIL b.md:5\n");
    expect(result.stdout).toContain("the setup code failed:\n  Uncaught Error: setup broke");
    expect(result.stdout).toMatch(/2 passed, 1 failed, 0 skipped\n$/);
  });

  test("usage and parse errors exit 2 and name the file and line", async () => {
    const dir = fixture({ "opt.md": "text\n\n<!-- doctest: +NOPE -->\n" });
    expect(await cli(["doctest", "opt.md"], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("opt.md:3: unknown doctest option \"NOPE\"") });
    expect(await cli(["doctest", "missing.md"], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("missing.md: no such file") });
    expect(await cli(["doctest", "opt.md", "--jobs", "zero"], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("--jobs") });
    expect(await cli(["doctest", "--bogus"], dir)).toMatchObject({ code: 2 });
    expect(await cli(["doctest", "--option", "SPEED", "opt.md"], dir)).toMatchObject({ code: 2 });
  });

  test("--update rewrites only the failing expected output, keeps CRLF, prefixes and the rest; a second run changes nothing", async () => {
    const original = ["# Title\r", "\r", "> - quoted list\r", ">\r", `>   ${fence}ts\r`, ">   > 1 + 1\r", ">   3\r", ">   > 'unchanged'\r", ">   'unchanged'\r", ">   > 'no expected output yet'\r", `>   ${fence}\r`, "\r", "Outro\r", ""].join("\n");
    const dir = fixture({ "doc.md": original });
    const first = await cli(["doctest", "doc.md", "--update"], dir);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain("updated 2 examples in doc.md");
    const updated = readFileSync(path.join(dir, "doc.md"), "utf8");
    expect(updated).toBe(
      ["# Title", "", "> - quoted list", ">", `>   ${fence}ts`, ">   > 1 + 1", ">   2", ">   > 'unchanged'", ">   'unchanged'", ">   > 'no expected output yet'", ">   'no expected output yet'", `>   ${fence}`, "", "Outro", ""].join("\r\n"),
    );
    const second = await cli(["doctest", "doc.md", "--update"], dir);
    expect(second).toMatchObject({ code: 0, stderr: "" });
    expect(readFileSync(path.join(dir, "doc.md"), "utf8")).toBe(updated);
  });

  test("examples run as in the Node REPL: object literals, _ and _error, an error's header alone", async () => {
    const dir = fixture({
      "repl.md": block(
        "> { a: 1, b: 2 }",
        "{ a: 1, b: 2 }",
        "> _.b",
        "2",
        "> { let y = 1; y }",
        "1",
        "> throw Object.assign(new Error('with code'), { code: 'E_CODE' })",
        "Uncaught Error: with code",
        "> _error.code",
        "'E_CODE'",
        "> throw Object.assign(new Error('again'), { code: 'E_AGAIN' })",
        "Uncaught Error: again {",
        "  code: 'E_AGAIN'",
        "}",
      ),
    });
    expect(await cli(["doctest", "repl.md"], dir)).toMatchObject({ code: 0, stdout: "6 passed, 0 failed, 0 skipped\n" });
  });

  test("--update writes an error with properties without its stack lines, as the old expected output showed it; a second run changes nothing", async () => {
    const thrown = (message: string): string => `> throw Object.assign(new Error('${message}'), { code: 'E_CODE' })`;
    const dir = fixture({ "doc.md": block(thrown("new one"), thrown("changed"), "Uncaught Error: old message", "> 'last'", "'last'") });
    const first = await cli(["doctest", "doc.md", "--update"], dir);
    expect(first.stderr).toContain("updated 2 examples in doc.md");
    const updated = readFileSync(path.join(dir, "doc.md"), "utf8");
    expect(updated).toBe(block(thrown("new one"), "Uncaught Error: new one {", "  code: 'E_CODE'", "}", thrown("changed"), "Uncaught Error: changed", "> 'last'", "'last'"));
    const second = await cli(["doctest", "doc.md", "--update"], dir);
    expect(second).toMatchObject({ code: 0, stderr: "", stdout: "3 passed, 0 failed, 0 skipped\n" });
    expect(readFileSync(path.join(dir, "doc.md"), "utf8")).toBe(updated);
  });

  test("--timeout fails a runaway example; the rest of its file is reported as not run; other files are unaffected", async () => {
    const dir = fixture({
      "loop.md": block("> let n = 0", "> while (true) { n++ }", "> 'after'", "'after'"),
      "fine.md": block("> 'fine'", "'fine'"),
    });
    for (const jobs of ["1", "2"]) {
      const result = await cli(["doctest", "loop.md", "fine.md", "--timeout", "300", "--jobs", jobs, "--reporter", "tap"], dir);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain("not ok 2 - loop.md:3\n  ---\n  message: \"timed out after 300 ms\"");
      expect(result.stdout).toContain("ok 3 - loop.md:4 # SKIP not run: the example at line 3 timed out");
      expect(result.stdout).toContain("ok 4 - fine.md:2\n");
    }
  });

  test("--jobs keeps the output in file order and reports a file whose worker died", async () => {
    const files: Record<string, string> = { "exit.md": block("> process.exit(3)") };
    for (let i = 0; i < 4; i++) files[`f${i}.md`] = block(`> await new Promise((r) => setTimeout(r, ${40 * (4 - i)})); ${i}`, String(i));
    const dir = fixture(files);
    const result = await cli(["doctest", "f0.md", "f1.md", "exit.md", "f2.md", "f3.md", "--jobs", "2", "--reporter", "dot"], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^\.\.\.\.\n/);
    expect(result.stdout).toContain("FAIL exit.md\n  the worker process running this file ended (exit code 3)");
    expect(result.stdout).toMatch(/4 passed, 1 failed, 0 skipped\n$/);
  });

  test("--fail-fast stops at the first failure: the rest is reported as not run", async () => {
    const dir = fixture({ "a.md": block("> 'x'", "'y'", "> 'after'", "'after'"), "b.md": block("> 1", "1") });
    const result = await cli(["doctest", "a.md", "b.md", "--fail-fast", "--reporter", "tap"], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("not ok 1 - a.md:2");
    expect(result.stdout).toContain("ok 2 - a.md:4 # SKIP an earlier failure stopped the run (--fail-fast)");
    expect(result.stdout).not.toContain("b.md");
  });

  test("--list prints the examples as JSON; --option sets an option for the run; json and junit reporters", async () => {
    const dir = fixture({ "l.md": `<!-- doctest: +ELLIPSIS -->\n${block("> 'abcdef'", "'ab...'")}` });
    const list = await cli(["doctest", "l.md", "--list"], dir);
    expect(JSON.parse(list.stdout)).toEqual([{ file: "l.md", line: 3, source: "'abcdef'", expected: "'ab...'\n", options: { ELLIPSIS: true } }]);
    const dir2 = fixture({ "o.md": block("> 'abcdef'", "'ab...'") });
    expect((await cli(["doctest", "o.md"], dir2)).code).toBe(1);
    expect((await cli(["doctest", "o.md", "--option", "ELLIPSIS"], dir2)).code).toBe(0);
    const json = await cli(["doctest", "o.md", "--reporter", "json", "--junit", "junit.xml"], dir2);
    expect(JSON.parse(json.stdout).totals).toEqual({ passed: 0, failed: 1, skipped: 0 });
    expect(readFileSync(path.join(dir2, "junit.xml"), "utf8")).toContain('<testcase name="o.md:2" classname="o.md"');
  });
});
