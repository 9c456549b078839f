import type * as CommentParser from "comment-parser";
import { LazyModule } from "../shared/lazy-module.js";
import { DocTestUsageError, type Block, type DocFile, type OptionFlags } from "./example.js";
import { parseOptions } from "./options.js";
import { LANGUAGES, parseSession } from "./parser.js";

/** Source files whose JSDoc comments are searched for `@example` sessions. */
export const SOURCE_EXTENSIONS = [".ts", ".mts", ".cts", ".tsx", ".js", ".mjs", ".cjs"] as const;

/** comment-parser, loaded for the first source file that has an example: a run of Markdown pages never loads it (some 20 ms). */
const commentParser = new LazyModule<typeof CommentParser>("comment-parser");

const PROMPT = /^(>>>|>)( |$)/;
const FENCE = /^(`{3,}|~{3,})\s*([^\s`]*)/;
const TAG = /^@(\w+)\b\s?(.*)$/;
/** `@example doctest: skip` or `@example doctest: +ELLIPSIS`: options in an example's caption. */
const CAPTION_OPTIONS = /\bdoctest:\s*(.*?)\s*(?:<\/caption>)?$/i;

/** A line of a comment: its number in the file (0-based) and the text after the comment's ` * `. */
interface CommentLine {
  number: number;
  /** What precedes the text on this line (` * `, without the indentation the example shares). */
  lead: string;
  text: string;
  /** The line is the `@example` tag's own (`@example > add(1, 2)`): new lines cannot take its lead. */
  tagLine?: boolean;
  /** The comment's lead on that line (` * `), for lines written under it. */
  commentLead?: string;
}

/**
 * Finds the examples of a TypeScript or JavaScript file: every `@example`
 * of its JSDoc comments (comment-parser finds the comments). An example's
 * content is a fenced block, or its plain lines; with `> ` prompts it is a
 * session, checked as in Markdown, and without them it is code that must
 * run without throwing. The comment's ` * ` is not part of the example;
 * --update writes new lines with it. All examples of a file share one
 * session, in which the file's exports are bound by name.
 */
export function parseSource(text: string, file: string): DocFile {
  const crlf = /\r\n/.test(text);
  const source = text.replace(/\r\n?/g, "\n");
  const doc: DocFile = { file, module: file, blocks: [], options: {}, skip: false, crlf, warnings: [] };
  if (!source.includes("@example")) return doc;
  for (const comment of commentParser.get().parse(source, { spacing: "preserve" })) {
    const lines = commentLines(comment.source);
    for (const example of examplesOf(lines)) addExample(doc, example, file);
  }
  return doc;
}

/** The lines of a comment without their `/**`, ` * ` and `*\/` markers. */
function commentLines(source: ReturnType<typeof CommentParser.parse>[number]["source"]): CommentLine[] {
  return source.map((line) => {
    const { start, delimiter, postDelimiter, end } = line.tokens;
    let text = line.source.slice(start.length + delimiter.length);
    if (end !== "") text = text.slice(0, text.lastIndexOf(end));
    // One space after the `*` belongs to the comment; the rest is the example's indentation.
    const space = postDelimiter.startsWith(" ") || postDelimiter.startsWith("\t") ? postDelimiter[0]! : "";
    return { number: line.number, lead: start + delimiter + space, text: text.slice(space.length).replace(/\s+$/, "") };
  });
}

/** The `@example` sections of a comment: from the tag to the next tag outside a fence. */
function examplesOf(lines: CommentLine[]): Array<{ caption: string; tagLine: number; body: CommentLine[] }> {
  const examples: Array<{ caption: string; tagLine: number; body: CommentLine[] }> = [];
  let current: { caption: string; tagLine: number; body: CommentLine[] } | undefined;
  let fence: string | undefined;
  for (const line of lines) {
    const trimmed = line.text.trimStart();
    if (fence === undefined) {
      const tag = TAG.exec(trimmed);
      if (tag !== null) {
        current = undefined;
        if (tag[1] === "example") {
          current = { caption: "", tagLine: line.number, body: [] };
          examples.push(current);
          const rest = tag[2]!;
          // `@example > add(1, 2)`: the example starts on the tag's line.
          if (PROMPT.test(rest) || FENCE.test(rest)) current.body.push({ number: line.number, lead: line.lead + line.text.slice(0, line.text.indexOf(rest)), text: rest, tagLine: true, commentLead: line.lead });
          else current.caption = rest;
        }
        continue;
      }
    }
    const opened = FENCE.exec(trimmed);
    if (opened !== null) {
      if (fence === undefined) fence = opened[1]!;
      else if (opened[1]![0] === fence[0] && opened[1]!.length >= fence.length && trimmed.slice(opened[1]!.length).trim() === "") fence = undefined;
    }
    current?.body.push(line);
  }
  return examples;
}

function addExample(doc: DocFile, example: { caption: string; tagLine: number; body: CommentLine[] }, file: string): void {
  const caption = CAPTION_OPTIONS.exec(example.caption)?.[1];
  const skip = caption !== undefined && /^skip$/i.test(caption);
  const options: OptionFlags = caption !== undefined && !skip ? parseOptions(caption, file, example.tagLine + 1) : {};
  const body = dedent(example.body);
  const parts = splitFences(body, file);
  for (const part of parts) {
    if (part.lines.every((line) => line.text.trim() === "")) continue;
    const first = part.lines.find((line) => line.text.trim() !== "")!;
    // The lead of the lines below the tag: what --update writes new lines with.
    const prefix = part.lines.find((line) => !line.tagLine && line.text.trim() !== "")?.lead ?? first.commentLead ?? first.lead;
    const block: Block = { index: doc.blocks.length, line: part.line, kind: "code", examples: [], options: { ...options }, skip, prefix };
    const contents = part.lines.map((line) => line.text);
    const firstLine = part.lines[0]!.number;
    if (PROMPT.test(first.text)) {
      block.kind = "session";
      block.examples = parseSession(contents, firstLine, block.index, file);
    } else {
      const code = contents.join("\n").replace(/^\n+/, "");
      block.examples = [{ source: code, want: "", line: first.number + 1, wantLines: [], options: {}, block: block.index, runOnly: true }];
    }
    doc.blocks.push(block);
  }
}

/** The lines of an example without the indentation they all share (kept in each line's lead, for --update). */
function dedent(lines: CommentLine[]): CommentLine[] {
  const indents = lines.filter((line) => !line.tagLine && line.text.trim() !== "").map((line) => /^[ \t]*/.exec(line.text)![0].length);
  const common = indents.length === 0 ? 0 : Math.min(...indents);
  return lines.map((line) => {
    if (line.tagLine) return line;
    const cut = Math.min(common, /^[ \t]*/.exec(line.text)![0].length);
    return { ...line, lead: line.lead + line.text.slice(0, cut), text: line.text.slice(cut) };
  });
}

/**
 * The fenced blocks of an example in TypeScript or JavaScript (or without
 * an info string), or the whole example when it has no fence. Prose around
 * fences is not code.
 */
function splitFences(lines: CommentLine[], file: string): Array<{ line: number; lines: CommentLine[] }> {
  if (!lines.some((line) => FENCE.test(line.text))) return lines.length === 0 ? [] : [{ line: lines[0]!.number + 1, lines }];
  const parts: Array<{ line: number; lines: CommentLine[] }> = [];
  for (let i = 0; i < lines.length; i++) {
    const opened = FENCE.exec(lines[i]!.text);
    if (opened === null) continue;
    const [marker, info] = [opened[1]!, opened[2]!.toLowerCase()];
    const indent = /^[ \t]*/.exec(lines[i]!.text)![0].length;
    let end = i + 1;
    const closes = (text: string): boolean => new RegExp(`^[ \\t]*\\${marker[0]}{${marker.length},}[ \\t]*$`).test(text);
    while (end < lines.length && !closes(lines[end]!.text)) end++;
    if (end >= lines.length) throw new DocTestUsageError(file, lines[i]!.number + 1, "the code fence opened here in an @example is not closed");
    if (info === "" || LANGUAGES.has(info)) {
      // Fenced content keeps its own indentation relative to the fence (as in Markdown).
      const inner = lines.slice(i + 1, end).map((line) => {
        const cut = Math.min(indent, /^[ \t]*/.exec(line.text)![0].length);
        return { ...line, lead: line.lead + line.text.slice(0, cut), text: line.text.slice(cut) };
      });
      parts.push({ line: lines[i]!.number + 1, lines: inner });
    }
    i = end;
  }
  return parts;
}
