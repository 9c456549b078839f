import { parseMarkdown } from "../../dist/doctest/parser.js";
import { DocTestUsageError } from "../../dist/doctest/example.js";

// 1,000 generated Markdown files: random nesting of fences, lists and
// blockquotes, prompts, CRLF, tabs, unterminated fences and directives.
// The parser never throws anything but a usage error naming file and line,
// and what it finds is the same on every run.

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function generate(seed: number): string {
  const next = random(seed);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const lines: string[] = [];
  const count = 5 + Math.floor(next() * 40);
  for (let i = 0; i < count; i++) {
    const container = pick(["", "> ", "- ", "  ", "\t", "1. ", "> > ", ">   - ", "   "]);
    const fence = pick(["```", "~~~", "````", "```"]);
    switch (pick(["fence", "prompt", "text", "directive", "blank", "continuation", "close"])) {
      case "fence":
        lines.push(`${container}${fence}${pick(["ts", "js", "TypeScript title=x", "python", "", "mjs"])}`);
        break;
      case "prompt":
        lines.push(`${container}${pick(["> ", ">>> ", ">"])}${pick(["1 + 1", "x", "'a\\tb'", "", "await 1"])}`);
        break;
      case "continuation":
        lines.push(`${container}${pick(["... ", "..."])}${pick(["2", "", "}"])}`);
        break;
      case "directive":
        lines.push(pick(["<!-- doctest: +ELLIPSIS -->", "<!-- doctest: skip -->", "<!-- doctest-file: -NORMALIZE_WHITESPACE -->", "<!--", "-->", "<!-- doctest: +BOGUS -->"]));
        break;
      case "close":
        lines.push(`${container}${fence}`);
        break;
      case "blank":
        lines.push("");
        break;
      default:
        lines.push(`${container}${pick(["text", "> quote", "2", "'a'", "Uncaught Error: x", "    at f (x.md:1:1)"])}`);
    }
  }
  return lines.join(next() < 0.3 ? "\r\n" : "\n");
}

describe("the parser under fuzzing", () => {
  test("1,000 generated files: only usage errors with file and line, and stable results", () => {
    let parsed = 0;
    let usageErrors = 0;
    for (let seed = 1; seed <= 1000; seed++) {
      const text = generate(seed);
      const file = `fuzz/${seed}.md`;
      let first: string;
      try {
        first = JSON.stringify(parseMarkdown(text, file));
        parsed++;
      } catch (error) {
        expect(error).toBeInstanceOf(DocTestUsageError);
        expect((error as Error).message).toMatch(new RegExp(`^fuzz/${seed}\\.md:\\d+: `));
        usageErrors++;
        continue;
      }
      expect(JSON.stringify(parseMarkdown(text, file))).toBe(first);
    }
    expect(parsed + usageErrors).toBe(1000);
    expect(parsed).toBeGreaterThan(500);
    expect(usageErrors).toBeGreaterThan(0);
  });
});
