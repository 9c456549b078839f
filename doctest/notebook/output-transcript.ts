import { createHash } from "node:crypto";
import { joinText, sortKeys, type MimeBundle, type Output } from "./nbformat.js";

/**
 * A cell's outputs as text the doctest checker compares and diffs: one
 * section per output, headed by its kind and MIME type. Streams and
 * `text/plain` are kept exactly; markup (HTML, SVG, Markdown, LaTeX) with its
 * whitespace runs collapsed; JSON with sorted keys; binary images by size and
 * SHA-256 of the decoded bytes; errors as the REPL shows them
 * (`Uncaught NAME: MESSAGE`), without the traceback.
 */
export function transcript(outputs: readonly Output[]): string {
  const sections: string[] = [];
  for (const output of outputs) {
    switch (output.output_type) {
      case "stream": {
        const text = joinText(output.text);
        const last = sections[sections.length - 1];
        // nbformat may split one stream into several outputs: they read as one.
        if (last?.startsWith(`[${output.name}]\n`)) sections[sections.length - 1] = last + text;
        else sections.push(`[${output.name}]\n${text}`);
        break;
      }
      case "execute_result":
      case "display_data":
        sections.push(...bundleSections(output.output_type === "execute_result" ? "result" : "display", output.data));
        break;
      case "error":
        sections.push(`[error]\nUncaught ${output.ename}${output.evalue === "" ? "" : `: ${output.evalue}`}\n`);
        break;
    }
  }
  return sections.map((section) => (section.endsWith("\n") ? section : `${section}\n`)).join("");
}

function bundleSections(kind: string, data: MimeBundle): string[] {
  return Object.keys(data)
    .sort()
    .map((mime) => `[${kind} ${mime}]\n${normalizeMime(mime, data[mime])}`);
}

/** What is compared of one representation. */
export function normalizeMime(mime: string, value: unknown): string {
  if (mime === "application/json" || mime.endsWith("+json")) return `${stableJson(value)}\n`;
  const text = typeof value === "string" || Array.isArray(value) ? joinText(value as string | string[]) : JSON.stringify(value);
  if (mime === "text/plain") return text;
  if (mime.startsWith("image/") && mime !== "image/svg+xml") {
    const bytes = Buffer.from(text.replace(/\s+/g, ""), "base64");
    return `${bytes.length} bytes, sha256 ${createHash("sha256").update(bytes).digest("hex").slice(0, 16)}\n`;
  }
  // Markup: a line break or indentation change is not a different display.
  return `${text.replace(/\s+/g, " ").replace(/> </g, "><").trim()}\n`;
}

function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 1);
}
