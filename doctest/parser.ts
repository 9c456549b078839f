import MarkdownIt from "markdown-it";
import { DocTestUsageError, type Block, type DocFile, type Example, type OptionFlags } from "./example.js";
import { parseOptions } from "./options.js";

/** The info-string words of the code blocks that hold examples (case-insensitive). */
export const LANGUAGES = new Set(["ts", "typescript", "js", "javascript", "mts", "cts", "mjs", "cjs"]);

const PROMPT = /^(>>>|>)(?: (.*))?$/;
const CONTINUATION = /^\.\.\.(?: (.*))?$/;
const EXAMPLE_OPTIONS = /\/\/\s*doctest:\s*(.*)$/;
const DIRECTIVE = /<!--\s*doctest(-file)?:\s*([\s\S]*?)\s*-->/g;
/** `<!-- doctest-setup CODE -->`: code run before the next block, hidden from the rendered page. */
const HIDDEN_SETUP = /<!--\s*doctest-setup\b([\s\S]*?)-->/g;

// html: true, so that an HTML comment is one token and a fence inside it is no example.
const markdown = new MarkdownIt({ html: true });

/**
 * Finds the examples of a Markdown file: fenced code blocks (``` or ~~~,
 * inside lists and blockquotes too) whose info string starts with a
 * TypeScript or JavaScript name. markdown-it does the Markdown: the closing
 * fence is never part of a block, and `> ` inside a block is a prompt, not a
 * blockquote. Comments `<!-- doctest: ... -->` set options for, or skip, the
 * next such block; `<!-- doctest-file: ... -->` for the whole file.
 */
export function parseMarkdown(text: string, file: string): DocFile {
  const crlf = /\r\n/.test(text);
  const source = text.replace(/\r\n?/g, "\n");
  const lines = source.split("\n");
  const doc: DocFile = { file, blocks: [], options: {}, skip: false, crlf, warnings: [] };
  let pending: { options: OptionFlags; skip: boolean } = { options: {}, skip: false };

  for (const token of markdown.parse(source, {})) {
    if (token.type === "html_block" || token.type === "html_inline") {
      const line = (token.map?.[0] ?? 0) + 1;
      for (const match of token.content.matchAll(HIDDEN_SETUP)) {
        // Its code starts after "doctest-setup"; lines are counted from the comment's first line.
        const before = token.content.slice(0, match.index! + match[0].indexOf(match[1]!));
        const codeLine = line + (before.match(/\n/g)?.length ?? 0);
        doc.blocks.push({ index: doc.blocks.length, line: codeLine, kind: "setup", code: match[1]!.replace(/^[ \t]*\n/, ""), codeLine: codeLine + (/^[ \t]*\n/.test(match[1]!) ? 1 : 0), examples: [], options: {}, skip: false, prefix: "", hidden: true });
      }
      for (const match of token.content.matchAll(DIRECTIVE)) {
        const [, fileWide, body] = match;
        const words = body!.trim();
        if (fileWide) {
          if (/^skip-file$/i.test(words)) doc.skip = true;
          else Object.assign(doc.options, parseOptions(words, file, line));
        } else if (/^skip-file$/i.test(words)) {
          doc.skip = true;
        } else if (/^skip$/i.test(words)) {
          pending.skip = true;
        } else {
          Object.assign(pending.options, parseOptions(words, file, line));
        }
      }
      continue;
    }
    if (token.type !== "fence" || token.map === null) continue;
    const language = token.info.trim().split(/\s+/)[0]!.toLowerCase();
    if (!LANGUAGES.has(language)) continue;

    const [start, end] = token.map;
    const contentLines = token.content.replace(/\n$/, "").split("\n");
    const firstContentLine = start + 1; // 0-based index of the block's first content line
    if (!closesFence(lines[end - 1] ?? "", token.markup) || end - 1 === start) {
      doc.warnings.push(`${file}:${start + 1}: the code block opened here is not closed: it runs to the end of its container`);
    }
    const block: Block = {
      index: doc.blocks.length,
      line: start + 1,
      kind: "setup",
      examples: [],
      options: pending.options,
      skip: pending.skip,
      prefix: prefixOf(lines, firstContentLine, contentLines, token.markup),
    };
    pending = { options: {}, skip: false };
    const firstCode = contentLines.findIndex((line) => line.trim() !== "");
    if (firstCode >= 0 && PROMPT.test(contentLines[firstCode]!)) {
      block.kind = "session";
      block.examples = parseSession(contentLines, firstContentLine, block.index, file);
    } else {
      block.code = token.content;
      block.codeLine = firstContentLine + 1;
    }
    doc.blocks.push(block);
  }
  return doc;
}

/**
 * The examples of a block whose first non-blank line is a prompt, its lines
 * `contentLines` starting on line `firstLine + 1` of the file.
 */
export function parseSession(contentLines: string[], firstLine: number, block: number, file: string): Example[] {
  const examples: Example[] = [];
  let current: { source: string[]; want: string[]; line: number; wantLines: number[]; options: OptionFlags } | undefined;
  let inSource = false;

  const finish = (): void => {
    if (current === undefined) return;
    while (current.want.length > 0 && current.want[current.want.length - 1]!.trim() === "") {
      current.want.pop();
      current.wantLines.pop();
    }
    examples.push({
      source: current.source.join("\n"),
      want: current.want.length > 0 ? `${current.want.join("\n")}\n` : "",
      line: current.line,
      wantLines: current.wantLines,
      options: current.options,
      block,
    });
  };

  contentLines.forEach((text, i) => {
    const line = firstLine + i + 1;
    const prompt = PROMPT.exec(text);
    if (prompt !== null) {
      finish();
      current = { source: [prompt[2] ?? ""], want: [], line, wantLines: [], options: {} };
      readOptions(current, prompt[2] ?? "", file, line);
      inSource = true;
      return;
    }
    if (current === undefined) return; // blank lines before the first prompt
    const continuation = inSource ? CONTINUATION.exec(text) : null;
    if (continuation !== null) {
      current.source.push(continuation[1] ?? "");
      readOptions(current, continuation[1] ?? "", file, line);
      return;
    }
    inSource = false;
    current.want.push(text);
    current.wantLines.push(line);
  });
  finish();
  return examples;
}

function readOptions(example: { options: OptionFlags }, sourceLine: string, file: string, line: number): void {
  const match = EXAMPLE_OPTIONS.exec(sourceLine);
  if (match !== null) Object.assign(example.options, parseOptions(match[1]!, file, line));
}

/** Is `line` a closing fence for a block opened with `markup`? */
function closesFence(line: string, markup: string): boolean {
  const stripped = line.replace(/^(\s*>)*\s*/, "");
  const char = markup[0]!;
  const run = new RegExp(`^\\${char}{${markup.length},}\\s*$`);
  return run.test(stripped);
}

/**
 * What precedes a block's lines in the file (list indentation, blockquote
 * markers): the text before the content of its first line, or before the
 * closing fence when the block is empty. --update writes new lines with it.
 */
function prefixOf(lines: string[], firstContentLine: number, contentLines: string[], markup: string): string {
  for (let i = 0; i < contentLines.length; i++) {
    const original = lines[firstContentLine + i] ?? "";
    const content = contentLines[i]!;
    if (content !== "" && original.endsWith(content)) return original.slice(0, original.length - content.length);
  }
  const closing = lines[firstContentLine + contentLines.length] ?? "";
  const at = closing.indexOf(markup);
  return at > 0 ? closing.slice(0, at) : "";
}

export { DocTestUsageError };
