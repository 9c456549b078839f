import { applyEdits, toInput, toOutput, type Anchors, type Edit } from "../../dist/runtime/engine/edits.js";

/** A 0-based (line, column) → offset in `text`. */
function offsetOf(text: string, line: number, column: number): number {
  const lines = text.split("\n");
  return lines.slice(0, line).reduce((sum, l) => sum + l.length + 1, 0) + column;
}

/** The 0-based (line, column) of the first occurrence of `needle`. */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`${needle} not in ${text}`);
  const before = text.slice(0, at);
  return { line: before.split("\n").length - 1, column: at - before.lastIndexOf("\n") - 1 };
}

/** toInput as it was before edits got triples of their own: over the copied runs only. */
function toInputBefore(anchors: Anchors, line: number, column: number): { line: number; column: number } {
  const copied = anchors.filter((_, i) => anchors[i - (i % 3) + 2]! >= 0);
  let low = 0;
  let high = copied.length / 3;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (copied[middle * 3]! < line) low = middle + 1;
    else high = middle;
  }
  if (low * 3 >= copied.length || copied[low * 3] !== line) return { line, column };
  let best = low;
  for (let i = low + 1; i * 3 < copied.length && copied[i * 3] === line && copied[i * 3 + 1]! <= column; i++) best = i;
  return { line, column: Math.max(0, copied[best * 3 + 2]! + (column - copied[best * 3 + 1]!)) };
}

describe("edits: positions both ways", () => {
  // The REPL transform's kinds of edits: a same-width replacement, a shorter one, insertions before a statement, a deletion, and a header.
  const input = "const a = 1; let b = 2;\nclass C {}\nexport function f() {}\nimport { x } from 'm';\nb";
  const edits: Edit[] = [
    { start: 0, end: 0, text: "var b, x; (async () => { ", header: true },
    { start: 0, end: 5, text: "var  " },
    { start: input.indexOf("let"), end: input.indexOf("let") + 3, text: "(" },
    { start: input.indexOf("2;") + 1, end: input.indexOf("2;") + 1, text: ")" },
    { start: input.indexOf("class"), end: input.indexOf("class"), text: "C = " },
    { start: input.indexOf("export "), end: input.indexOf("function"), text: "" },
    { start: input.indexOf("import"), end: input.indexOf("';") + 2, text: "x = await load('m');" },
    { start: input.lastIndexOf("b"), end: input.lastIndexOf("b"), text: "return (" },
  ];
  const edited = applyEdits(input, edits);

  test("the edited text keeps every line", () => {
    expect(edited.code.split("\n")).toEqual([
      "var b, x; (async () => { var   a = 1; ( b = 2);",
      "C = class C {}",
      "function f() {}",
      "x = await load('m');",
      "return (b",
    ]);
  });

  test("copied text goes to its copy and back", () => {
    for (const needle of ["a = 1", "b = 2", "C {}", "f() {}", "{}\nimport"]) {
      const from = positionOf(input, needle);
      const to = toOutput(edited.anchors, from.line, from.column);
      expect(edited.code.slice(offsetOf(edited.code, to.line, to.column)).startsWith(needle.split("\n")[0]!)).toBe(true);
      expect(toInput(edited.anchors, to.line, to.column)).toEqual(from);
    }
  });

  test("a statement's start goes to the start of what runs for it, never into the header", () => {
    const at = (needle: string): string => {
      const from = positionOf(input, needle);
      const to = toOutput(edited.anchors, from.line, from.column);
      return edited.code.slice(offsetOf(edited.code, to.line, to.column)).split("\n")[0]!;
    };
    expect(at("const")).toBe("var   a = 1; ( b = 2);");
    expect(at("let")).toBe("( b = 2);");
    expect(at("class")).toBe("C = class C {}");
    expect(at("export")).toBe("function f() {}");
    expect(at("import")).toBe("x = await load('m');");
    expect(at("{ x }")).toBe("x = await load('m');");
    expect(at("b = 2")).toBe("b = 2);");
    expect(toOutput(edited.anchors, 4, 0)).toEqual({ line: 4, column: 0 }); // `return (` before the last `b`
  });

  test("toInput gives what it gave before the edits' own triples, everywhere in the edited text", () => {
    for (let line = 0; line < 5; line++) {
      const length = edited.code.split("\n")[line]!.length;
      for (let column = 0; column <= length; column++) {
        expect([line, column, toInput(edited.anchors, line, column)]).toEqual([line, column, toInputBefore(edited.anchors, line, column)]);
      }
    }
  });

  test("random edits: copied positions round-trip, and toInput is unchanged", () => {
    let seed = 7;
    const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let round = 0; round < 200; round++) {
      const text = Array.from({ length: 3 }, () => "abcdefghij".slice(0, 3 + random(8))).join("\n");
      const cuts = [...new Set(Array.from({ length: 4 }, () => random(text.length + 1)))].sort((a, b) => a - b);
      const randomEdits: Edit[] = [];
      for (let i = 0; i + 1 < cuts.length; i += 2) {
        const [start, end] = [cuts[i]!, text.slice(cuts[i]!, cuts[i + 1]!).includes("\n") ? cuts[i]! : cuts[i + 1]!];
        randomEdits.push({ start, end, text: "XY".slice(0, random(3)) });
      }
      const result = applyEdits(text, randomEdits);
      const replaced = new Set<number>();
      for (const e of randomEdits) for (let o = e.start; o < e.end; o++) replaced.add(o);
      for (let offset = 0; offset < text.length; offset++) {
        if (replaced.has(offset) || text[offset] === "\n") continue;
        const before = text.slice(0, offset);
        const from = { line: before.split("\n").length - 1, column: offset - before.lastIndexOf("\n") - 1 };
        const to = toOutput(result.anchors, from.line, from.column);
        // A character right after an insertion may go to the insertion's start; the character itself is one further on.
        const copy = result.code.slice(offsetOf(result.code, to.line, to.column)).indexOf(text[offset]!);
        expect(copy).toBeGreaterThanOrEqual(0);
        expect(copy).toBeLessThanOrEqual(2);
        expect(toInput(result.anchors, to.line, to.column + copy)).toEqual(from);
      }
      for (const [line, lineText] of result.code.split("\n").entries()) {
        for (let column = 0; column <= lineText.length; column++) expect(toInput(result.anchors, line, column)).toEqual(toInputBefore(result.anchors, line, column));
      }
    }
  });
});
