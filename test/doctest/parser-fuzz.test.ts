import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseMarkdown } from "../../dist/doctest/parser.js";
import { DocTestUsageError } from "../../dist/doctest/example.js";
import { cli, fixture } from "../helpers/cli.js";

// 1,000 generated Markdown files: random nesting of fences, lists and
// blockquotes, prompts, CRLF (and lone CR, and mixes), tabs, unterminated
// and nested fences, HTML comments and directives. The parser never throws
// anything but a usage error naming the file and a line of it; every line
// number it gives is in the file; what it finds is the same on every run,
// and so is `greenlet-ts doctest --list` over the same files, run twice.

const FILES = 1000;

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const CONTAINERS = ["", "", "> ", "- ", "  ", "\t", "1. ", "> > ", ">   - ", "   ", "    ", "* ", "+ \t", "> 1. > ", "-\t", ">\t", "  - > "];
const FENCES = ["```", "~~~", "````", "```", "`````", "~~~~"];
const LANGUAGES = ["ts", "ts", "js", "TypeScript title=x", "python", "", "mjs", "ts\t", " ts {.x}", "TS", "`ts"];
const SOURCES = ["1 + 1", "x", "'a\\tb'", "", "await 1", "'é ✓ 😀'", "`tpl`", "f( // doctest: +ELLIPSIS", "y\t", "h() // doctest: -AUTOCOLLECT"];
const OUTPUTS = ["2", "'a'", "Uncaught Error: x", "    at f (x.md:1:1)", "[ 1, 2 ]", "...", "", "\t3"];

function generate(seed: number): string {
  const next = random(seed);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const lines: string[] = [];
  const chunks = Math.floor(next() * 10);
  for (let chunk = 0; chunk < chunks; chunk++) {
    if (next() < 0.75) {
      // A block as a writer means it (a fence, prompts, output, in one container), now and then broken.
      const container = pick(CONTAINERS);
      const fence = pick(FENCES);
      const line = (text: string): string => (next() < 0.08 ? pick(CONTAINERS) : container) + text;
      if (next() < 0.3) lines.push(pick(["<!-- doctest: +ELLIPSIS -->", "<!-- doctest: skip -->", "<!-- doctest: +NORMALIZE_WHITESPACE -IGNORE_EXCEPTION_DETAIL -->"]));
      lines.push(line(`${fence}${pick(LANGUAGES)}`));
      const items = Math.floor(next() * 6);
      for (let i = 0; i < items; i++) {
        // Now and then an unknown option: a usage error.
        lines.push(line(`${pick(["> ", "> ", ">>> ", ">", "> \t"])}${next() < 0.01 ? "g() // doctest: +NOPE" : pick(SOURCES)}`));
        while (next() < 0.2) lines.push(line(`${pick(["... ", "...", "...\t"])}${pick(["2", "", "}", ")"])}`));
        while (next() < 0.5) lines.push(line(pick(OUTPUTS)));
        if (next() < 0.05) lines.push(line(pick(FENCES) + pick(["", "ts"])));
      }
      if (next() < 0.85) lines.push(line(pick([fence, fence, fence + " ", fence + "`", "~~~"])));
      continue;
    }
    for (let i = Math.floor(next() * 5); i > 0; i--) lines.push(noise(pick, pick(CONTAINERS), pick(FENCES)));
  }
  const newline = pick(["\n", "\n", "\r\n", "\r", "mixed"]);
  const text = newline === "mixed" ? lines.map((line) => line + pick(["\n", "\r\n", "\r"])).join("") : lines.join(newline);
  return (next() < 0.05 ? "\uFEFF" : "") + text + (next() < 0.5 ? "\n" : "");
}

/** A line of any kind, in any container. */
function noise(pick: <T>(items: readonly T[]) => T, container: string, fence: string): string {
  switch (pick(["fence", "prompt", "text", "directive", "blank", "continuation", "close", "output"])) {
    case "fence":
      return `${container}${fence}${pick(LANGUAGES)}`;
    case "prompt":
      return `${container}${pick(["> ", ">>> ", ">", "> \t", ">  "])}${pick(SOURCES)}`;
    case "continuation":
      return `${container}${pick(["... ", "...", "...\t"])}${pick(["2", "", "}", ")"])}`;
    case "directive":
      return pick([
        "<!-- doctest: +ELLIPSIS -->",
        "<!-- doctest: skip -->",
        "<!-- doctest-file: -NORMALIZE_WHITESPACE -->",
        "<!--",
        "-->",
        "<!-- doctest: +BOGUS -->",
        "<!-- doctest: skip-file -->",
        "<!-- doctest: ELLIPSIS -->",
        `${container}<!-- doctest: +IGNORE_EXCEPTION_DETAIL -->`,
      ]);
    case "close":
      return `${container}${fence}${pick(["", " ", "\t", "x"])}`;
    case "blank":
      return pick(["", " ", "\t", ">"]);
    case "output":
      return `${container}${pick(OUTPUTS)}`;
    default:
      return `${container}${pick(["text", "> quote", "# Title", "Title\n===", "| a | b |", "<div>", "</div>", "    indented code"])}`;
  }
}

interface Listed {
  file: string;
  line: number;
  source: string;
  expected: string;
  options: Record<string, boolean>;
}

describe("the parser under fuzzing", () => {
  const texts = Array.from({ length: FILES }, (_, i) => generate(i + 1));
  const listed: Listed[] = [];
  const errors = new Map<string, string>();

  test("1,000 generated files: only usage errors naming the file and a line of it; lines in range; stable results", () => {
    const started = performance.now();
    let examples = 0;
    let warnings = 0;
    texts.forEach((text, i) => {
      const file = `ok/${i + 1}.md`;
      const lineCount = text.split(/\r\n|\r|\n/).length;
      let doc;
      try {
        doc = parseMarkdown(text, file);
      } catch (error) {
        expect(error).toBeInstanceOf(DocTestUsageError);
        const match = /^ok\/(\d+)\.md:(\d+): ./.exec((error as Error).message);
        expect(match).not.toBeNull();
        expect(Number(match![2])).toBeGreaterThanOrEqual(1);
        expect(Number(match![2])).toBeLessThanOrEqual(lineCount);
        errors.set(file, (error as Error).message);
        return;
      }
      expect(JSON.stringify(parseMarkdown(text, file))).toBe(JSON.stringify(doc));
      for (const warning of doc.warnings) {
        const line = Number(/^ok\/\d+\.md:(\d+): /.exec(warning)?.[1]);
        expect(line).toBeGreaterThanOrEqual(1);
        expect(line).toBeLessThanOrEqual(lineCount);
        warnings++;
      }
      for (const block of doc.blocks) {
        expect(block.line).toBeGreaterThanOrEqual(1);
        expect(block.line).toBeLessThanOrEqual(lineCount);
        for (const example of block.examples) {
          expect(example.line).toBeGreaterThan(block.line);
          expect(example.line).toBeLessThanOrEqual(lineCount);
          let previous = example.line;
          for (const line of example.wantLines) {
            expect(line).toBeGreaterThan(previous);
            expect(line).toBeLessThanOrEqual(lineCount);
            previous = line;
          }
          examples++;
          // A skipped block or file is listed with SKIP, as it will be reported.
          listed.push({ file, line: example.line, source: example.source, expected: example.want, options: { ...doc.options, ...block.options, ...example.options, ...(doc.skip || block.skip ? { SKIP: true } : {}) } });
        }
      }
    });
    expect(texts.length).toBe(FILES);
    expect(FILES - errors.size).toBeGreaterThan(500);
    expect(errors.size).toBeGreaterThan(0);
    expect(examples).toBeGreaterThan(1000);
    process.stdout.write(
      `[figures] parser fuzz ${JSON.stringify({ files: FILES, parsed: FILES - errors.size, usageErrors: errors.size, examples, warnings, ms: Math.round(performance.now() - started) })}\n`,
    );
  });

  test("`greenlet-ts doctest --list` over the same files: the same examples, byte-identical on a second run; a bad file is named with its line", async () => {
    const dir = fixture({});
    texts.forEach((text, i) => {
      const file = `ok/${i + 1}.md`;
      const target = errors.has(file) ? `bad/${i + 1}.md` : file;
      mkdirSync(path.join(dir, path.dirname(target)), { recursive: true });
      writeFileSync(path.join(dir, target), text);
    });
    const started = performance.now();
    const first = await cli(["doctest", "ok", "--list"], dir);
    const ms = performance.now() - started;
    const second = await cli(["doctest", "ok", "--list"], dir);
    expect(first.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    // The CLI walks the directory in name order; the files are the same.
    const byPlace = (a: Listed, b: Listed): number => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1);
    expect((JSON.parse(first.stdout) as Listed[]).sort(byPlace)).toEqual([...listed].sort(byPlace));

    const bad = await cli(["doctest", "bad", "--list"], dir);
    expect(bad.code).toBe(2);
    const firstBad = [...errors.keys()].map((file) => file.replace(/^ok\//, "bad/")).sort()[0]!;
    expect(bad.stderr).toBe(`greenlet-ts doctest: ${errors.get(firstBad.replace(/^bad\//, "ok/"))!.replace(/^ok\//, "bad/")}\n`);
    process.stdout.write(`[figures] --list ${JSON.stringify({ files: FILES - errors.size, examples: listed.length, bytes: first.stdout.length, ms: Math.round(ms) })}\n`);
  });
});
