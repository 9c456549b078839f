/**
 * The options an example can turn on or off, as in Python's doctest, plus
 * AUTOCOLLECT (on by default): collect() after the example, so that a
 * dropped greenlet dies at once as CPython's reference counting makes it.
 * `-AUTOCOLLECT` shows what happens only at an explicit collect().
 */
export const OPTION_NAMES = ["ELLIPSIS", "NORMALIZE_WHITESPACE", "IGNORE_EXCEPTION_DETAIL", "SKIP", "AUTOCOLLECT"] as const;
export type OptionName = (typeof OPTION_NAMES)[number];

/** Options set (true) or unset (false) at some level; unmentioned ones inherit. */
export type OptionFlags = Partial<Record<OptionName, boolean>>;

/** Every option, on or off: what an example runs and is checked with. */
export type Options = Readonly<Record<OptionName, boolean>>;

/** One interactive example: source lines after a prompt, and the output expected. */
export interface Example {
  /** The source, continuation lines joined, prompts removed. */
  source: string;
  /** The expected output (stdout and stderr interleaved, then the echo), "" for none. */
  want: string;
  /** 1-based line of the prompt in the file. */
  line: number;
  /** 1-based lines of the expected output in the file (empty when none). */
  wantLines: number[];
  /** Options of the example's own `// doctest:` comments. */
  options: OptionFlags;
  /** Index of the code block the example belongs to. */
  block: number;
  /**
   * A code example without prompts (a JSDoc `@example` written as plain
   * code): it passes when it runs without throwing; its output is not compared.
   */
  runOnly?: boolean;
}

/** A fenced code block of a file with examples or setup code. */
export interface Block {
  index: number;
  /** 1-based line of the opening fence. */
  line: number;
  /**
   * "session": it starts with a prompt; "setup": code run in the session,
   * not an example (a Markdown block without prompts, or a hidden
   * `<!-- doctest-setup ... -->` block); "code": a JSDoc example without
   * prompts, one example that must run without throwing.
   */
  kind: "session" | "setup" | "code";
  /** For setup code: the code and the line its first line is on. */
  code?: string;
  codeLine?: number;
  examples: Example[];
  /** Options of the `<!-- doctest: ... -->` comment before the block. */
  options: OptionFlags;
  /** Skipped by `<!-- doctest: skip -->`. */
  skip: boolean;
  /** What starts each line of the block in the file (blockquote markers, list indentation, a comment's ` * `). */
  prefix: string;
  /** A `<!-- doctest-setup -->` block: not on the rendered page. */
  hidden?: boolean;
}

/** The examples of one file, as the parser found them. */
export interface DocFile {
  file: string;
  /** For a source file's JSDoc examples: the file itself, whose exports the examples see by name. */
  module?: string;
  blocks: Block[];
  /** Options of `<!-- doctest-file: ... -->` comments. */
  options: OptionFlags;
  /** `<!-- doctest: skip-file -->` */
  skip: boolean;
  /** The file used CRLF line ends (kept by --update). */
  crlf: boolean;
  warnings: string[];
}

/** Bad input: names the file and the line, for exit status 2. */
export class DocTestUsageError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
  }
}
DocTestUsageError.prototype.name = "DocTestUsageError";
