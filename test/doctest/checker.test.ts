import { outputMatches, outputDiff, ellipsisMatch } from "../../dist/doctest/checker.js";

const none = { ELLIPSIS: false, NORMALIZE_WHITESPACE: false, IGNORE_EXCEPTION_DETAIL: false, SKIP: false, AUTOCOLLECT: true };

describe("comparing output", () => {
  test("exact, with trailing whitespace and trailing blank lines ignored, CRLF equal to LF", () => {
    expect(outputMatches("a\nb\n", "a  \nb\n\n\n", none)).toBe(true);
    expect(outputMatches("a\r\nb\r\n", "a\nb\n", none)).toBe(true);
    expect(outputMatches("a\n\nb\n", "a\nb\n", none)).toBe(false);
    expect(outputMatches(" a\n", "a\n", none)).toBe(false);
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

  test("a unified diff of expected and actual", () => {
    expect(outputDiff("one\ntwo\n", "one\nthree\n", none)).toBe("--- expected\n+++ actual\n@@ -1,2 +1,2 @@\n one\n-two\n+three");
  });
});
