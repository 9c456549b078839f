import { isSourceFile } from "./files.js";
import { parseSource } from "./jsdoc-parser.js";
import { parseMarkdown } from "./parser.js";
import type { DocFile } from "./example.js";

/** The examples of a Markdown page or of a source file's JSDoc, by the file's kind. */
export function parseDocument(text: string, file: string): DocFile {
  return isSourceFile(file) ? parseSource(text, file) : parseMarkdown(text, file);
}
