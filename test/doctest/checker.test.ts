import { outputMatches, outputDiff, ellipsisMatch, normalize, updatedOutput } from "../../dist/doctest/checker.js";

const none = { ELLIPSIS: false, NORMALIZE_WHITESPACE: false, IGNORE_EXCEPTION_DETAIL: false, SKIP: false, AUTOCOLLECT: true };

describe("comparing output", () => {
  test("exact, with trailing whitespace and trailing blank lines ignored, CRLF equal to LF", () => {
    expect(outputMatches("a\nb\n", "a  \nb\n\n\n", none)).toBe(true);
    expect(outputMatches("a\r\nb\r\n", "a\nb\n", none)).toBe(true);
    expect(outputMatches("a\n\nb\n", "a\nb\n", none)).toBe(false);
    expect(outputMatches(" a\n", "a\n", none)).toBe(false);
  });

  test("the same text matches, whatever the options (a shortcut: parsing both sides the same way gives the same)", () => {
    const texts = ["", "2\n", "a  \n\n", "...\n", "Uncaught Error: x {\n  code: 1\n}\n", "Uncaught [Error: x] { code: 1 }\n", "Uncaught TypeError: y\n    at f (a.md:1:1)\n"];
    const all = [none, { ...none, ELLIPSIS: true }, { ...none, NORMALIZE_WHITESPACE: true }, { ...none, IGNORE_EXCEPTION_DETAIL: true }];
    // The long way round says the same: the text with trailing blanks, which never count, is not the same string.
    for (const text of texts) for (const options of all) expect([outputMatches(text, text, options), outputMatches(text, `${text}  \n`, options), outputMatches(text, `${text}\n\n`, options)]).toEqual([true, true, true]);
  });

  test("ELLIPSIS matches any text, across lines", () => {
    const on = { ...none, ELLIPSIS: true };
    expect(outputMatches("start...end\n", "start middle\nmore end\n", on)).toBe(true);
    expect(outputMatches("<Greenlet #... pending>\n", "<Greenlet #12 pending>\n", on)).toBe(true);
    expect(outputMatches("a...b...c\n", "a c b\n", on)).toBe(false);
    expect(outputMatches("...\n", "anything at all\n", on)).toBe(true);
    expect(outputMatches("start...end\n", "start middle end\n", none)).toBe(false);
    expect(ellipsisMatch("aa...aa", "aaa")).toBe(false);
  });

  test("NORMALIZE_WHITESPACE treats all runs of whitespace alike", () => {
    expect(outputMatches("[ 1, 2,\n  3 ]\n", "[ 1,   2, 3 ]\n", { ...none, NORMALIZE_WHITESPACE: true })).toBe(true);
    expect(outputMatches("[ 1, 2,\n  3 ]\n", "[ 1,   2, 3 ]\n", none)).toBe(false);
  });

  test("stack lines after an Uncaught line are ignored on both sides; IGNORE_EXCEPTION_DETAIL compares the name only", () => {
    const got = "Uncaught TypeError: x is not a function\n    at f (docs/a.md:4:3)\n    at docs/a.md:6:1\n";
    expect(outputMatches("Uncaught TypeError: x is not a function\n", got, none)).toBe(true);
    expect(outputMatches("Uncaught TypeError: x is not a function\n    at somewhere (else.md:1:1)\n", got, none)).toBe(true);
    expect(outputMatches("Uncaught TypeError: other detail\n", got, none)).toBe(false);
    expect(outputMatches("Uncaught TypeError: other detail\n", got, { ...none, IGNORE_EXCEPTION_DETAIL: true })).toBe(true);
    expect(outputMatches("Uncaught RangeError: x\n", got, { ...none, IGNORE_EXCEPTION_DETAIL: true })).toBe(false);
  });

  test("an error's property block is compared only when the expected output shows it, in any of node's layouts", () => {
    // What the engine prints for `throw Object.assign(new Error("with code"), { code: "E_CODE" })`, as node prints an error with frames.
    const got = "Uncaught Error: with code\n    at f (doc.md:3:9)\n    at doc.md:4:1 {\n  code: 'E_CODE'\n}\n";
    expect(outputMatches("Uncaught Error: with code\n", got, none)).toBe(true);
    expect(outputMatches("Uncaught Error: other\n", got, none)).toBe(false);
    expect(outputMatches("Uncaught Error: with code {\n  code: 'E_CODE'\n}\n", got, none)).toBe(true);
    expect(outputMatches("Uncaught Error: with code {\n  code: 'OTHER'\n}\n", got, none)).toBe(false);
    // Node's REPL, with frames of its own; and without frames (an error thrown at its top level).
    expect(outputMatches("Uncaught Error: with code\n    at REPL1:1:7 {\n  code: 'E_CODE'\n}\n", got, none)).toBe(true);
    expect(outputMatches("Uncaught [Error: with code] { code: 'E_CODE' }\n", got, none)).toBe(true);
    expect(outputMatches("Uncaught [Error: with code] { code: 'OTHER' }\n", got, none)).toBe(false);
    expect(outputMatches("Uncaught Error: with code {\n  code: ...\n}\n", got, { ...none, ELLIPSIS: true })).toBe(true);
    expect(outputMatches("Uncaught Error\n", got, { ...none, IGNORE_EXCEPTION_DETAIL: true })).toBe(true);
    // A `[cause]` in the block has frames of its own, dropped too.
    const caused = "Uncaught Error: outer\n    at doc.md:2:7 {\n  [cause]: Error: inner\n      at doc.md:1:30\n}\n";
    expect(outputMatches("Uncaught Error: outer\n", caused, none)).toBe(true);
    expect(normalize(caused, none)).toBe("Uncaught Error: outer {\n  [cause]: Error: inner\n}");
    // A failure's diff leaves out what is not compared.
    expect(outputDiff("Uncaught Error: other\n", got, none)).toBe("--- expected\n+++ actual\n@@ -1,1 +1,1 @@\n-Uncaught Error: other\n+Uncaught Error: with code");
  });

  test("what --update writes for an error: no stack lines, the property block after the first line, unless the old expected output left it out", () => {
    const got = "Uncaught Error: with code\n    at doc.md:4:1 {\n  code: 'E_CODE'\n}\n";
    expect(updatedOutput("42\n", got)).toBe("Uncaught Error: with code {\n  code: 'E_CODE'\n}");
    expect(updatedOutput("Uncaught Error: old message\n", got)).toBe("Uncaught Error: with code");
    // What it writes reads back as the same output.
    expect(normalize(updatedOutput("42\n", got), none)).toBe(updatedOutput("42\n", got));
    expect(outputMatches(updatedOutput("42\n", got), got, none)).toBe(true);
  });

  test("a unified diff of expected and actual", () => {
    expect(outputDiff("one\ntwo\n", "one\nthree\n", none)).toBe("--- expected\n+++ actual\n@@ -1,2 +1,2 @@\n one\n-two\n+three");
  });
});
