import { DocTestUsageError, type OptionFlags } from "../example.js";
import { parseOptions } from "../options.js";
import { joinText, type CodeCell, type Notebook, type Output } from "./nbformat.js";

/** One code cell to re-execute and check: its stored outputs are the expected ones. */
export interface CellExample {
  /** 1-based position among all the notebook's cells (Markdown cells count), as `NOTEBOOK:cell N`. */
  cell: number;
  source: string;
  want: Output[];
  /** From the cell's `doctest` metadata and its `// doctest:` comments. */
  options: OptionFlags;
}

/** A notebook as the runner sees it: the JSON (for --update) and its code cells. */
export interface NotebookDoc {
  file: string;
  notebook: Notebook;
  examples: CellExample[];
  /** From the notebook's `doctest` metadata. */
  options: OptionFlags;
  skip: boolean;
  warnings: string[];
}

/** Bad notebook input: names the file, and the cell or field. */
export class NotebookError extends DocTestUsageError {
  constructor(file: string, where: string, message: string) {
    super(file, 0, message);
    this.message = `${file}: ${where}: ${message}`;
  }
}

const KERNEL_NAMES = new Set(["greenlet-ts"]);

/**
 * Reads an nbformat 4 notebook. Anything malformed is a NotebookError naming
 * the file and the line (bad JSON) or the cell and field (bad structure).
 */
export function parseNotebook(text: string, file: string): NotebookDoc {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    // A truncated file ends the JSON early: the problem is on its last line.
    const offset = position !== null ? Number(position[1]) : /end of JSON input/.test(message) ? text.length : undefined;
    const line = offset === undefined ? undefined : text.slice(0, offset).split("\n").length;
    throw new NotebookError(file, line === undefined ? "JSON" : `line ${line}`, `not valid JSON (${message})`);
  }
  const notebook = object(raw, file, "the notebook") as unknown as Notebook;
  if (notebook.nbformat !== 4) throw new NotebookError(file, "nbformat", `only nbformat 4 is read, not ${JSON.stringify(notebook.nbformat)}`);
  if (!Array.isArray(notebook.cells)) throw new NotebookError(file, "cells", "must be a list");
  const metadata = object(notebook.metadata ?? {}, file, "metadata");
  const { options, skip } = doctestMetadata(metadata.doctest, file, "metadata.doctest");
  const warnings: string[] = [];
  const kernel = notebook.metadata?.kernelspec?.name;
  let skipFile = skip;
  if (kernel !== undefined && !KERNEL_NAMES.has(kernel)) {
    warnings.push(`${file}: skipped: its kernelspec is "${kernel}", not greenlet-ts`);
    skipFile = true;
  }

  const examples: CellExample[] = [];
  notebook.cells.forEach((rawCell, index) => {
    const where = `cell ${index + 1}`;
    const cell = object(rawCell, file, where) as unknown as CodeCell;
    if (!["code", "markdown", "raw"].includes(cell.cell_type)) throw new NotebookError(file, where, `unknown cell_type ${JSON.stringify(cell.cell_type)}`);
    if (!isText(cell.source)) throw new NotebookError(file, `${where}: source`, "must be a string or a list of strings");
    if (cell.cell_type !== "code") return;
    if (!Array.isArray(cell.outputs)) throw new NotebookError(file, `${where}: outputs`, "must be a list");
    cell.outputs.forEach((output, i) => checkOutput(output, file, `${where}: outputs[${i}]`));
    const source = joinText(cell.source);
    const cellMeta = doctestMetadata(object(cell.metadata ?? {}, file, `${where}: metadata`).doctest, file, `${where}: metadata.doctest`);
    const fromComments: OptionFlags = {};
    for (const match of source.matchAll(/^[ \t]*\/\/\s*doctest:(.*)$/gm)) {
      const line = source.slice(0, match.index).split("\n").length;
      try {
        Object.assign(fromComments, parseOptions(match[1]!.trim(), file, line));
      } catch (error) {
        throw new NotebookError(file, `${where}, line ${line}`, (error as Error).message.replace(/^.*?:\d+: /, ""));
      }
    }
    const options = { ...cellMeta.options, ...fromComments, ...(cellMeta.skip ? { SKIP: true } : {}) };
    // The kernel decides when it collects; a cell says so itself, with autoCollect(false).
    if (options.AUTOCOLLECT !== undefined) warnings.push(`${file}: ${where}: AUTOCOLLECT has no effect in a notebook; call autoCollect(false) in a cell instead`);
    examples.push({ cell: index + 1, source, want: cell.outputs, options });
  });
  return { file, notebook, examples, options, skip: skipFile, warnings };
}

/** `"doctest": "+ELLIPSIS -AUTOCOLLECT"` or `"doctest": {"options": "...", "skip": true}`. */
function doctestMetadata(value: unknown, file: string, where: string): { options: OptionFlags; skip: boolean } {
  if (value === undefined) return { options: {}, skip: false };
  const parse = (text: string): OptionFlags => {
    try {
      return parseOptions(text, file, 0);
    } catch (error) {
      throw new NotebookError(file, where, (error as Error).message.replace(/^.*?:\d+: /, ""));
    }
  };
  if (typeof value === "string") return { options: parse(value), skip: false };
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const { options, skip } = value as { options?: unknown; skip?: unknown };
    if (options !== undefined && typeof options !== "string") throw new NotebookError(file, `${where}.options`, 'must be a string like "+ELLIPSIS"');
    if (skip !== undefined && typeof skip !== "boolean") throw new NotebookError(file, `${where}.skip`, "must be true or false");
    return { options: options === undefined ? {} : parse(options), skip: skip === true };
  }
  throw new NotebookError(file, where, 'must be a string of options ("+ELLIPSIS") or an object {"options", "skip"}');
}

function checkOutput(output: unknown, file: string, where: string): void {
  const o = object(output, file, where);
  switch (o.output_type) {
    case "stream":
      if (o.name !== "stdout" && o.name !== "stderr") throw new NotebookError(file, `${where}.name`, "must be stdout or stderr");
      if (!isText(o.text)) throw new NotebookError(file, `${where}.text`, "must be a string or a list of strings");
      return;
    case "display_data":
    case "execute_result":
      object(o.data, file, `${where}.data`);
      return;
    case "error":
      if (typeof o.ename !== "string" || typeof o.evalue !== "string") throw new NotebookError(file, where, "an error output needs ename and evalue strings");
      return;
    default:
      throw new NotebookError(file, `${where}.output_type`, `unknown output_type ${JSON.stringify(o.output_type)}`);
  }
}

function object(value: unknown, file: string, where: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new NotebookError(file, where, "must be a JSON object");
  return value as Record<string, unknown>;
}

function isText(value: unknown): boolean {
  return typeof value === "string" || (Array.isArray(value) && value.every((line) => typeof line === "string"));
}
