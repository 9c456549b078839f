import type { FileResult, ExampleResult } from "./results.js";
import { totals } from "./results.js";
import { jsonlSummary } from "./jsonl-reporter.js";

export type ReporterName = "pretty" | "dot" | "json" | "tap" | "jsonl";
export const REPORTERS: readonly ReporterName[] = ["pretty", "dot", "json", "tap", "jsonl"];

/** Where a result is: FILE:LINE of a prompt, or NOTEBOOK:cell N. */
export function location(result: Pick<ExampleResult, "file" | "line" | "cell">): string {
  return result.cell !== undefined ? `${result.file}:cell ${result.cell}` : `${result.file}:${result.line}`;
}

/** The summary line CI reads, alone on its line. */
export function summaryLine(files: readonly FileResult[]): string {
  const sum = totals(files);
  return `${sum.passed} passed, ${sum.failed} failed, ${sum.skipped} skipped`;
}

/** The whole report of a run, in the order the files were given. */
export function report(files: readonly FileResult[], reporter: ReporterName): string {
  switch (reporter) {
    case "json":
      return `${JSON.stringify({ files: files.map(stripExamples), totals: totals(files) }, null, 2)}\n`;
    case "tap":
      return tap(files);
    case "jsonl":
      // The results were written as they came (JsonlReporter); this is the last line.
      return jsonlSummary(files);
    case "dot":
      return `${files.flatMap((file) => file.results.map(dot)).join("")}\n${failures(files)}${summaryLine(files)}\n`;
    default:
      return `${failures(files)}${summaryLine(files)}\n`;
  }
}

function dot(result: ExampleResult): string {
  return result.status === "passed" ? "." : result.status === "failed" ? "F" : "s";
}

/** Each failure: FILE:LINE of the prompt, the example, and the diff (or the reason). */
function failures(files: readonly FileResult[]): string {
  let text = "";
  for (const file of files) {
    for (const warning of file.warnings) text += `warning: ${warning}\n`;
    if (file.error !== undefined) text += `FAIL ${file.file}\n  ${file.error.replace(/\n/g, "\n  ")}\n\n`;
    for (const result of file.results) {
      if (result.status !== "failed") continue;
      text += `FAIL ${location(result)}\n`;
      // Setup code and notebook cells are shown as they are written, without prompts.
      const plain = result.setup || result.cell !== undefined;
      const prompt = plain ? "" : "> ";
      const more = plain ? "" : "... ";
      text += `${result.source.split("\n").map((line, i) => `  ${i === 0 ? prompt : more}${line}`).join("\n")}\n`;
      if (result.reason !== undefined) text += `  ${result.reason.replace(/\n/g, "\n  ")}\n`;
      if (result.diff !== undefined) text += `${result.diff.split("\n").map((line) => `  ${line}`).join("\n")}\n`;
      text += "\n";
    }
  }
  return text;
}

function tap(files: readonly FileResult[]): string {
  // A file that failed as a whole (its worker died) keeps the results it had before.
  const all = files.flatMap((file) => (file.error !== undefined ? [...file.results, { file: file.file, line: 0, status: "failed", reason: file.error } as ExampleResult] : file.results));
  let text = `TAP version 13\n1..${all.length}\n`;
  all.forEach((result, i) => {
    const name = location(result);
    if (result.status === "passed") text += `ok ${i + 1} - ${name}\n`;
    else if (result.status === "failed") {
      text += `not ok ${i + 1} - ${name}\n  ---\n  message: ${JSON.stringify(result.reason ?? "output differs")}\n`;
      if (result.diff !== undefined) text += `  diff: |\n${result.diff.split("\n").map((line) => `    ${line}`).join("\n")}\n`;
      text += "  ...\n";
    } else text += `ok ${i + 1} - ${name} # SKIP ${result.status === "not-run" ? result.reason ?? "not run" : "skipped"}\n`;
  });
  return text;
}

function stripExamples(file: FileResult): FileResult {
  return { ...file, results: file.results.map(({ example, ...rest }) => rest) };
}

/** JUnit XML, one test case per example named FILE:LINE, one suite per file. */
export function junit(files: readonly FileResult[]): string {
  const escape = (text: string): string =>
    text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");
  const sum = totals(files);
  let xml = `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="greenlet-ts doctest" tests="${sum.passed + sum.failed + sum.skipped}" failures="${sum.failed}" skipped="${sum.skipped}">\n`;
  for (const file of files) {
    const failed = file.results.filter((r) => r.status === "failed").length + (file.error ? 1 : 0);
    const skipped = file.results.filter((r) => r.status === "skipped" || r.status === "not-run").length;
    const time = file.results.reduce((sum, r) => sum + r.ms, 0) / 1000;
    xml += `  <testsuite name="${escape(file.file)}" tests="${file.results.length + (file.error ? 1 : 0)}" failures="${failed}" skipped="${skipped}" time="${time.toFixed(3)}">\n`;
    if (file.error !== undefined) xml += `    <testcase name="${escape(file.file)}" classname="${escape(file.file)}"><failure message="${escape(file.error)}"/></testcase>\n`;
    for (const r of file.results) {
      xml += `    <testcase name="${escape(location(r))}" classname="${escape(file.file)}" time="${(r.ms / 1000).toFixed(3)}">`;
      if (r.status === "failed") xml += `<failure message="${escape(r.reason ?? "output differs")}">${escape(`${r.source}\n${r.diff ?? r.got ?? ""}`)}</failure>`;
      else if (r.status !== "passed") xml += `<skipped${r.reason ? ` message="${escape(r.reason)}"` : ""}/>`;
      xml += "</testcase>\n";
    }
    xml += "  </testsuite>\n";
  }
  return `${xml}</testsuites>\n`;
}
