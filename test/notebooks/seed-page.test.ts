import { readFileSync } from "node:fs";
import path from "node:path";
import { parseMarkdown } from "../../dist/doctest/parser.js";
import { ROOT } from "../helpers/node-script.js";

// The seed page, line for line: every line that greenlet's "Garbage
// Collection and greenlets" page prints stands, in the page's order, in the
// expected outputs of docs/greenlet-gc.md and in the stored outputs of
// notebooks/greenlet_gc.ipynb (whose re-execution `npm run docs` checks).
// Our additions may print more lines in between. The page comes from
// test/fixtures/greenlet-docs/ (see its README.md), never from outside the
// repository.

/** A section of a page: its title, lower-cased, and the lines its sessions print. */
interface Section {
  title: string;
  lines: string[];
}

const FIXTURES = path.join(ROOT, "test/fixtures/greenlet-docs");
const FINALIZER = "(Running finalizer)";

/** What Python echoes, as our sessions echo the same value. */
const PYTHON_REPR: Record<string, string> = { True: "true", False: "false", None: "null" };

function normalizeTitle(title: string): string {
  return title.trim().replace(/¶$/, "").toLowerCase();
}

/**
 * The sections of a reStructuredText page and, as Python's doctest reads
 * them, the outputs of its sessions: the lines after an example (a `>>>`
 * line and its `...` continuations) up to a blank line or the next `>>>`.
 */
function rstSections(text: string): Section[] {
  const lines = text.split("\n");
  const adornment = /^([=\-~^"'`#*+])\1{2,}\s*$/;
  const sections: Section[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() !== "" && !adornment.test(line) && i + 1 < lines.length && adornment.test(lines[i + 1])) {
      sections.push({ title: normalizeTitle(line), lines: [] });
      continue;
    }
    if (!/^\s*>>> /.test(line)) continue;
    while (i + 1 < lines.length && /^\s*\.\.\.( |$)/.test(lines[i + 1])) i++;
    while (i + 1 < lines.length && lines[i + 1].trim() !== "" && !/^\s*>>> /.test(lines[i + 1])) {
      const output = lines[++i].trim();
      sections.at(-1)!.lines.push(PYTHON_REPR[output] ?? output);
    }
  }
  return sections;
}

/** The sections of a Markdown page (its headings) and the expected outputs of its sessions, as our doctest runner parses them. */
function markdownSections(file: string): Section[] {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  const headings: { line: number; title: string }[] = [];
  let fenced = false;
  text.split("\n").forEach((line, i) => {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (!fenced && heading) headings.push({ line: i + 1, title: normalizeTitle(heading[1]) });
  });
  const sections: Section[] = headings.map((h) => ({ title: h.title, lines: [] }));
  for (const block of parseMarkdown(text, file).blocks) {
    const index = headings.findLastIndex((h) => h.line < block.line);
    for (const example of block.examples) {
      if (example.want !== "") sections[index].lines.push(...example.want.replace(/\n$/, "").split("\n"));
    }
  }
  return sections;
}

type MultilineString = string | string[];
interface NotebookCell {
  cell_type: string;
  source: MultilineString;
  outputs?: { output_type: string; text?: MultilineString; data?: Record<string, MultilineString>; ename?: string; evalue?: string }[];
}

function joinText(text: MultilineString | undefined): string {
  return Array.isArray(text) ? text.join("") : (text ?? "");
}

/** The sections of a notebook (the headings of its Markdown cells) and the stored outputs of its code cells, as their text lines. */
function notebookSections(file: string): Section[] {
  const notebook = JSON.parse(readFileSync(path.join(ROOT, file), "utf8")) as { cells: NotebookCell[] };
  const sections: Section[] = [];
  for (const cell of notebook.cells) {
    if (cell.cell_type === "markdown") {
      for (const line of joinText(cell.source).split("\n")) {
        const heading = /^#{1,6}\s+(.*)$/.exec(line);
        if (heading) sections.push({ title: normalizeTitle(heading[1]), lines: [] });
      }
      continue;
    }
    if (cell.cell_type !== "code") continue;
    for (const output of cell.outputs ?? []) {
      let shown: string;
      if (output.output_type === "stream") shown = joinText(output.text);
      else if (output.output_type === "error") shown = `${output.ename}: ${output.evalue}`;
      else shown = joinText(output.data?.["text/plain"]);
      sections.at(-1)!.lines.push(...shown.replace(/\n$/, "").split("\n"));
    }
  }
  return sections;
}

/** Where `wanted` stops being a subsequence of `lines`: the index of the first wanted line not found in order, or -1 when all are. */
function firstMissing(wanted: readonly string[], lines: readonly string[]): number {
  let at = 0;
  for (let i = 0; i < wanted.length; i++) {
    while (at < lines.length && lines[at] !== wanted[i]) at++;
    if (at === lines.length) return i;
    at++;
  }
  return -1;
}

const seed = rstSections(
  ["greenlet_gc.rst", "greenlet_gc.leak-section.rst"].map((name) => readFileSync(path.join(FIXTURES, name), "utf8")).join("\n"),
);
const seedLines = seed.flatMap((section) => section.lines);

describe("the seed page, line for line", () => {
  test("the fixture yields greenlet's page: five sections and the 26 lines its sessions print", () => {
    expect(seed.map((section) => section.title)).toEqual([
      "garbage collection and greenlets",
      "cycles in frames",
      "manually clearing cycles works",
      "cycles in suspended frames are not collected",
      "a cycle of greenlets is a leak",
    ]);
    const collected = ["Collecting garbage", FINALIZER, FINALIZER];
    expect(seed.map((section) => section.lines)).toEqual([
      ["Beginning greenlet", "Switching to parent", "Got GreenletExit; quitting"],
      [],
      [
        ...["Deleting cycle vars", ...collected, "Returning"],
        ...["Deleting cycle vars", ...collected, "Returning"],
        ...["Deleting cycle vars", ...collected],
      ],
      ["Collecting garbage", "true", ...collected],
      // The leak: no finalizer runs, not even once the outer greenlet is dropped.
      ["Collecting garbage", "true", "Collecting garbage", "Collecting garbage"],
    ]);
    expect(seedLines).toHaveLength(26);
  });

  for (const [file, read] of [
    ["docs/greenlet-gc.md", markdownSections],
    ["notebooks/greenlet_gc.ipynb", notebookSections],
  ] as const) {
    test(`${file} prints the seed's lines in the seed's order, section by section`, () => {
      const sections = read(file);
      const all = sections.flatMap((section) => section.lines);
      const missing = firstMissing(seedLines, all);
      if (missing !== -1) {
        throw new Error(`${file}: seed line ${missing + 1} (${JSON.stringify(seedLines[missing])}) is missing after the ones before it; the file prints:\n${all.join("\n")}`);
      }
      // The same sections, in the same order (ours may add more), each printing its own seed lines.
      let from = 0;
      for (const wanted of seed) {
        const index = sections.findIndex((section, i) => i >= from && section.title === wanted.title);
        expect({ file, section: wanted.title, found: index !== -1 }).toEqual({ file, section: wanted.title, found: true });
        from = index + 1;
        const lines = sections[index].lines;
        const at = firstMissing(wanted.lines, lines);
        if (at !== -1) {
          throw new Error(`${file}, section "${wanted.title}": seed line ${JSON.stringify(wanted.lines[at])} is missing after the ones before it; the section prints:\n${lines.join("\n")}`);
        }
        // A finalizer runs exactly as often as on the seed page: none at all where the seed shows the leak.
        expect({ section: wanted.title, finalizers: lines.filter((line) => line === FINALIZER).length }).toEqual({
          section: wanted.title,
          finalizers: wanted.lines.filter((line) => line === FINALIZER).length,
        });
      }
    });
  }
});
