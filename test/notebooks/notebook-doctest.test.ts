import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { cli, fixture } from "../helpers/cli.js";

// `greenlet-ts doctest` on notebooks: each is re-executed on a new kernel
// process through our own ZeroMQ client, and every code cell's outputs are
// compared with the stored ones.

type Output = Record<string, unknown>;
const stdout = (text: string): Output => ({ output_type: "stream", name: "stdout", text });
const result = (plain: string, more: Record<string, unknown> = {}): Output => ({ output_type: "execute_result", execution_count: 1, data: { "text/plain": plain, ...more }, metadata: {} });
const shown = (data: Record<string, unknown>): Output => ({ output_type: "display_data", data, metadata: {} });

function notebook(cells: { source: string; outputs?: Output[]; metadata?: Record<string, unknown>; markdown?: boolean }[], metadata: Record<string, unknown> = {}): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "greenlet-ts", display_name: "TypeScript (greenlet)", language: "typescript" }, ...metadata },
    cells: cells.map((cell) =>
      cell.markdown
        ? { cell_type: "markdown", metadata: {}, source: cell.source }
        : { cell_type: "code", metadata: cell.metadata ?? {}, source: cell.source, execution_count: null, outputs: cell.outputs ?? [] },
    ),
  });
}

describe("greenlet-ts doctest on notebooks", () => {
  test("a changed output fails as NOTEBOOK:cell N with a diff; --update fixes it atomically and only once", async () => {
    const dir = fixture({
      "nb.ipynb": notebook([
        { source: "# Title", markdown: true },
        { source: 'console.log("hello");\nconst answer = 6 * 7;', outputs: [stdout("hello\n")] },
        { source: "answer", outputs: [result("41")] },
      ]),
    });
    const failing = await cli(["doctest", "nb.ipynb"], dir);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain("FAIL nb.ipynb:cell 3\n  answer\n");
    expect(failing.stdout).toContain("-41\n  +42");
    expect(failing.stdout).toContain("1 passed, 1 failed, 0 skipped");

    const update = await cli(["doctest", "--update", "nb.ipynb"], dir);
    expect(update.stderr).toContain("updated 2 cells in nb.ipynb");
    const updated = readFileSync(path.join(dir, "nb.ipynb"), "utf8");
    const cells = JSON.parse(updated).cells;
    expect(cells[0]).toEqual({ cell_type: "markdown", metadata: {}, source: ["# Title"] });
    expect(cells[1].execution_count).toBe(1);
    expect(cells[2]).toMatchObject({ execution_count: 2, outputs: [{ output_type: "execute_result", execution_count: 2, data: { "text/plain": ["42"] } }] });
    expect(readdirSync(dir).filter((name) => name.includes("doctest-update"))).toEqual([]);

    expect((await cli(["doctest", "nb.ipynb"], dir)).code).toBe(0);
    const again = await cli(["doctest", "--update", "nb.ipynb"], dir);
    expect(again.stderr).toBe("");
    expect(readFileSync(path.join(dir, "nb.ipynb"), "utf8")).toBe(updated);
  });

  test("options from // doctest: comments and cell metadata; a skipped cell is not executed", async () => {
    const dir = fixture({
      "nb.ipynb": notebook([
        { source: '// doctest: +ELLIPSIS\nfor (let i = 0; i < 50; i++) console.log(`line ${i}`);', outputs: [stdout("line 0\n...\nline 49\n")] },
        { source: 'console.log("a    b")', outputs: [stdout("a b\n")], metadata: { doctest: "+NORMALIZE_WHITESPACE" } },
        { source: "globalThis.ran = true; throw new Error('never')", outputs: [], metadata: { doctest: { skip: true } } },
        { source: "typeof (globalThis as any).ran", outputs: [result("'undefined'")] },
        { source: "throw new RangeError('detail that changes: ' + Math.random())", outputs: [{ output_type: "error", ename: "RangeError", evalue: "detail", traceback: [] }], metadata: { doctest: "+IGNORE_EXCEPTION_DETAIL" } },
      ]),
    });
    const run = await cli(["doctest", "nb.ipynb"], dir);
    expect(run.stdout).toBe("4 passed, 0 failed, 1 skipped\n");
    expect(run.code).toBe(0);
  });

  test("rich outputs compare by MIME type and normalised content; errors by name and message", async () => {
    const png = (await import("node:zlib")).deflateSync(Buffer.from("pixels")).toString("base64");
    const cells = [
      // Markup: whitespace differences do not count. JSON: key order does not count.
      { source: 'display.html("<ul>\\n  <li>one</li>\\n</ul>")', outputs: [shown({ "text/html": "<ul> <li>one</li> </ul>", "text/plain": "<ul>\n  <li>one</li>\n</ul>" })] },
      { source: "display.json({ b: 1, a: [1, 2] })", outputs: [shown({ "application/json": { a: [1, 2], b: 1 }, "text/plain": "{ b: 1, a: [ 1, 2 ] }" })] },
      { source: 'display.png(require("node:zlib").deflateSync(Buffer.from("pixels")))', outputs: [shown({ "image/png": png, "text/plain": "<image/png>" })] },
      { source: "throw new TypeError('bad input')", outputs: [{ output_type: "error", ename: "TypeError", evalue: "bad input", traceback: ["ignored"] }] },
      // These four differ: a missing MIME type, different markup, other bytes, another message.
      { source: 'display.html("<b>x</b>")', outputs: [shown({ "text/html": "<b>x</b>" })] },
      { source: 'display.html("<b>x</b>")', outputs: [shown({ "text/html": "<i>x</i>", "text/plain": "<b>x</b>" })] },
      { source: 'display.png(require("node:zlib").deflateSync(Buffer.from("other")))', outputs: [shown({ "image/png": png, "text/plain": "<image/png>" })] },
      { source: "throw new TypeError('bad input')", outputs: [{ output_type: "error", ename: "TypeError", evalue: "other message", traceback: [] }] },
    ];
    const dir = fixture({ "rich.ipynb": notebook(cells) });
    const run = await cli(["doctest", "rich.ipynb"], dir);
    expect(run.stdout).toContain("4 passed, 4 failed, 0 skipped");
    for (const cell of [5, 6, 7, 8]) expect(run.stdout).toContain(`FAIL rich.ipynb:cell ${cell}\n`);
    expect(run.stdout).toContain("+[display text/plain]");
    expect(run.stdout).toContain("-<i>x</i>\n  +<b>x</b>");
    expect(run.stdout).toMatch(/-\d+ bytes, sha256 \w+\n {2}\+\d+ bytes, sha256 \w+/);
    expect(run.stdout).toContain("-Uncaught TypeError: other message\n  +Uncaught TypeError: bad input");
  });

  test("bad notebooks are usage errors naming the file and the line, cell or field", async () => {
    const dir = fixture({
      "json.ipynb": '{\n "nbformat": 4,\n "cells": [\n',
      "cells.ipynb": JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: {} }),
      "output.ipynb": notebook([{ source: "1" }, { source: "2", outputs: [{ output_type: "picture" }] }]),
      "option.ipynb": notebook([{ source: "// doctest: +ELIPSIS\n1" }]),
      "v3.ipynb": JSON.stringify({ nbformat: 3, metadata: {}, worksheets: [] }),
    });
    const expectations: Record<string, string> = {
      "json.ipynb": "json.ipynb: line 4: not valid JSON",
      "cells.ipynb": "cells.ipynb: cells: must be a list",
      "output.ipynb": 'output.ipynb: cell 2: outputs[0].output_type: unknown output_type "picture"',
      "option.ipynb": 'option.ipynb: cell 1, line 1: unknown doctest option "ELIPSIS"',
      "v3.ipynb": "v3.ipynb: nbformat: only nbformat 4 is read, not 3",
    };
    for (const [file, message] of Object.entries(expectations)) {
      const run = await cli(["doctest", file], dir);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
    }
  });

  test("a cell that ends the kernel fails with the reason; the rest of the run is unaffected", async () => {
    const dir = fixture({
      "a-exit.ipynb": notebook([{ source: "1 + 1", outputs: [result("2")] }, { source: "process.exit(3)" }, { source: "2 + 2", outputs: [result("4")] }]),
      "b-fine.ipynb": notebook([{ source: "3 + 3", outputs: [result("6")] }]),
      "c-loop.ipynb": notebook([{ source: "let spins = 0;\nwhile (true) spins++;" }, { source: "1" }]),
    });
    const run = await cli(["doctest", "--timeout", "1500", "--reporter", "json", "."], dir);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    const byFile = Object.fromEntries(report.files.map((f: { file: string; results: { status: string; reason?: string }[] }) => [f.file, f.results.map((r) => [r.status, r.reason ?? ""])]));
    // The kernel may end at once or once the cell has finished: either way cell 2 is to blame.
    expect(byFile["a-exit.ipynb"]).toEqual([
      ["passed", ""],
      ["failed", expect.stringMatching(/^the kernel (ended after|died while running) this cell \(exit code 3\)/)],
      ["not-run", expect.stringMatching(/^not run: the kernel (ended after|died at) cell 2$/)],
    ]);
    expect(byFile["b-fine.ipynb"]).toEqual([["passed", ""]]);
    expect(byFile["c-loop.ipynb"]).toEqual([
      ["failed", "timed out after 1500 ms (interrupted)"],
      ["not-run", "not run: cell 1 timed out"],
    ]);
  });

  test("--list shows the cells; --shard I/N splits the files into disjoint parts covering them all", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 7; i++) files[`doc${i}.md`] = `\`\`\`ts\n> ${i}\n${i}\n\`\`\`\n`;
    files["nb.ipynb"] = notebook([{ source: "# note", markdown: true }, { source: "1 + 1", outputs: [result("2")], metadata: { doctest: "+ELLIPSIS" } }]);
    const dir = fixture(files);
    const all = JSON.parse((await cli(["doctest", "--list", "."], dir)).stdout) as { file: string }[];
    expect(all.find((e) => e.file === "nb.ipynb")).toEqual({ file: "nb.ipynb", cell: 2, source: "1 + 1", expected: "[result text/plain]\n2\n", options: { ELLIPSIS: true } });
    const shards: string[][] = [];
    for (let i = 1; i <= 3; i++) {
      const listed = JSON.parse((await cli(["doctest", "--list", "--shard", `${i}/3`, "."], dir)).stdout) as { file: string }[];
      shards.push([...new Set(listed.map((e) => e.file))]);
    }
    expect(shards.map((s) => s.length)).toEqual([2, 3, 3]);
    expect(shards.flat()).toEqual([...new Set(all.map((e) => e.file))]);
    const run = await cli(["doctest", "--shard", "3/3", "."], dir);
    expect(run.stdout).toBe("3 passed, 0 failed, 0 skipped\n");
    const bad = await cli(["doctest", "--shard", "4/3", "."], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--shard takes I/N with 1 <= I <= N (as --shard 2/3), not "4/3"');
  });

  test("a notebook for another kernel is skipped with a warning", async () => {
    const dir = fixture({ "py.ipynb": notebook([{ source: "print(1)", outputs: [stdout("1\n")] }], { kernelspec: { name: "python3", display_name: "Python 3" } }) });
    const run = await cli(["doctest", "py.ipynb"], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('warning: py.ipynb: skipped: its kernelspec is "python3", not greenlet-ts\n0 passed, 0 failed, 1 skipped\n');
    expect(existsSync(path.join(dir, "py.ipynb"))).toBe(true);
  });
});
