import { parseMarkdown } from "../../dist/doctest/parser.js";

const fence = "```";

describe("finding examples in Markdown", () => {
  test("prompts, continuation lines, expected output; the closing fence is never expected output", () => {
    const doc = parseMarkdown([`${fence}ts`, "> 1 + 1", "2", "> [1,", "... 2]", "[ 1, 2 ]", "> console.log('a')", "a", "", "b", "", fence, "after"].join("\n"), "f.md");
    expect(doc.blocks).toHaveLength(1);
    expect(doc.blocks[0]!.kind).toBe("session");
    expect(doc.blocks[0]!.examples.map((e) => [e.line, e.source, e.want, e.wantLines])).toEqual([
      [2, "1 + 1", "2\n", [3]],
      [4, "[1,\n2]", "[ 1, 2 ]\n", [6]],
      // A blank line inside the output is literal; trailing blank lines are not.
      [7, "console.log('a')", "a\n\nb\n", [8, 9, 10]],
    ]);
  });

  test("languages by the info string's first word; other blocks are ignored; attributes may follow", () => {
    const blocks = ["ts", "TypeScript title=x", "js", "javascript", "mts", "cts", "mjs", "CJS", "python", "", "tsx"].map((info) => `${fence}${info}\n> 1\n1\n${fence}\n`);
    const doc = parseMarkdown(blocks.join("\n"), "f.md");
    expect(doc.blocks.map((b) => b.line)).toEqual([1, 6, 11, 16, 21, 26, 31, 36]);
  });

  test("~~~ fences and longer fences, whose content may hold a shorter fence", () => {
    const doc = parseMarkdown(["~~~ts", "> 'tilde'", "'tilde'", "~~~", "", "````ts", "> '```'", "'```'", "````"].join("\n"), "f.md");
    expect(doc.blocks.map((b) => b.examples.map((e) => [e.source, e.want]))).toEqual([[["'tilde'", "'tilde'\n"]], [["'```'", "'```'\n"]]]);
  });

  test("blocks in list items and blockquotes: prompts are not blockquote markers, lines keep their numbers", () => {
    const doc = parseMarkdown(
      ["- item", "", `  ${fence}ts`, "  > 1 + 1", "  2", `  ${fence}`, "", "> quote", ">", `> ${fence}ts`, "> > 2 + 2", "> 4", `> ${fence}`, "", "1. one", "   > not a block"].join("\n"),
      "f.md",
    );
    expect(doc.blocks.map((b) => [b.prefix, b.examples.map((e) => [e.line, e.source, e.want])])).toEqual([
      ["  ", [[4, "1 + 1", "2\n"]]],
      ["> ", [[11, "2 + 2", "4\n"]]],
    ]);
  });

  test("CRLF line ends and tabs", () => {
    const doc = parseMarkdown(`${fence}ts\r\n> "a\\tb"\r\n'a\\tb'\r\n> 1\r\n1\r\n${fence}\r\n`, "f.md");
    expect(doc.crlf).toBe(true);
    expect(doc.blocks[0]!.examples.map((e) => [e.line, e.want])).toEqual([
      [2, "'a\\tb'\n"],
      [4, "1\n"],
    ]);
    const tabbed = parseMarkdown(`-\titem\n\n\t${fence}ts\n\t> 3\n\t3\n\t${fence}\n`, "t.md");
    expect(tabbed.blocks[0]!.examples.map((e) => [e.source, e.want])).toEqual([["3", "3\n"]]);
  });

  test("a block without prompts is setup code; a fence in an HTML comment is nothing", () => {
    const doc = parseMarkdown([`${fence}ts`, "const x = 1;", fence, "<!--", `${fence}ts`, "> 'in a comment'", fence, "-->", `${fence}ts`, "", "> x", "1", fence].join("\n"), "f.md");
    expect(doc.blocks.map((b) => [b.kind, b.line])).toEqual([
      ["setup", 1],
      ["session", 9],
    ]);
    expect(doc.blocks[0]!.code).toBe("const x = 1;\n");
    expect(doc.blocks[0]!.codeLine).toBe(2);
  });

  test("options on source lines, for the next block, for the file; skip and skip-file", () => {
    const doc = parseMarkdown(
      [
        "<!-- doctest-file: +NORMALIZE_WHITESPACE -->",
        "<!-- doctest: +ELLIPSIS, -NORMALIZE_WHITESPACE -->",
        `${fence}ts`,
        "> 'x' // doctest: +IGNORE_EXCEPTION_DETAIL -ELLIPSIS",
        "'x'",
        fence,
        "<!-- doctest: skip -->",
        `${fence}ts`,
        "> 1",
        fence,
      ].join("\n"),
      "f.md",
    );
    expect(doc.options).toEqual({ NORMALIZE_WHITESPACE: true });
    expect(doc.blocks[0]!.options).toEqual({ ELLIPSIS: true, NORMALIZE_WHITESPACE: false });
    expect(doc.blocks[0]!.examples[0]!.options).toEqual({ IGNORE_EXCEPTION_DETAIL: true, ELLIPSIS: false });
    expect(doc.blocks[1]!.skip).toBe(true);
    expect(parseMarkdown("<!-- doctest: skip-file -->\n", "f.md").skip).toBe(true);
  });

  test("an unknown option is a usage error naming the file and line", () => {
    expect(() => parseMarkdown("text\n\n<!-- doctest: +ELIPSIS -->\n", "docs/x.md")).toThrow('docs/x.md:3: unknown doctest option "ELIPSIS"');
    expect(() => parseMarkdown(`${fence}ts\n> 1 // doctest: +SKIPPY\n${fence}\n`, "y.md")).toThrow("y.md:2:");
    expect(() => parseMarkdown("<!-- doctest: ELLIPSIS -->\n", "z.md")).toThrow("z.md:1: doctest option \"ELLIPSIS\" needs a + or - in front");
  });

  test("an unterminated fence runs to the end of the file, with a warning", () => {
    const doc = parseMarkdown(`text\n\n${fence}ts\n> 1\n1\n`, "u.md");
    expect(doc.blocks[0]!.examples.map((e) => [e.source, e.want])).toEqual([["1", "1\n"]]);
    expect(doc.warnings).toEqual(["u.md:3: the code block opened here is not closed: it runs to the end of its container"]);
  });

  test(">>> prompts and a bare ... continuation", () => {
    const doc = parseMarkdown(`${fence}ts\n>>> if (true) {\n...\n...   'yes'\n... }\n'yes'\n${fence}\n`, "f.md");
    expect(doc.blocks[0]!.examples.map((e) => [e.source, e.want])).toEqual([["if (true) {\n\n  'yes'\n}", "'yes'\n"]]);
  });
});
