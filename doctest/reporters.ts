import { jsonlSummary } from "./jsonl-reporter.js";
import { resultRecord, totals, type ExampleResult, type FileResult, type Subject } from "./results.js";

export type ReporterName = "pretty" | "dot" | "json" | "tap" | "jsonl";
export const REPORTERS: readonly ReporterName[] = ["pretty", "dot", "json", "tap", "jsonl"];

/** Where a result is: FILE:LINE of a prompt, or NOTEBOOK:cell N. */
export function location(result: Pick<Subject, "file" | "line" | "cell">): string {
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
      return `${JSON.stringify({ files: files.map((file) => ({ ...file, results: file.results.map(resultRecord) })), totals: totals(files) }, null, 2)}\n`;
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

const DOTS: Record<ExampleResult["status"], string> = { passed: ".", failed: "F", skipped: "s", "not-run": "s" };

function dot(result: ExampleResult): string {
  return DOTS[result.status];
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
  // A file that failed as a whole (its worker died) is one more failure, after the results it had.
  const all = files.flatMap((file) => [...file.results.map((result) => ({ name: location(result), result })), ...(file.error !== undefined ? [{ name: `${file.file}:0`, error: file.error }] : [])]);
  let text = `TAP version 13\n1..${all.length}\n`;
  all.forEach((entry, i) => {
    const n = i + 1;
    if ("error" in entry) text += tapFailure(n, entry.name, entry.error);
    else if (entry.result.status === "passed") text += `ok ${n} - ${entry.name}\n`;
    else if (entry.result.status === "failed") text += tapFailure(n, entry.name, entry.result.reason ?? "output differs", entry.result.diff);
    else text += `ok ${n} - ${entry.name} # SKIP ${entry.result.status === "not-run" ? entry.result.reason : "skipped"}\n`;
  });
  return text;
}

function tapFailure(n: number, name: string, message: string, diff?: string): string {
  let text = `not ok ${n} - ${name}\n  ---\n  message: ${JSON.stringify(message)}\n`;
  if (diff !== undefined) text += `  diff: |\n${diff.split("\n").map((line) => `    ${line}`).join("\n")}\n`;
  return `${text}  ...\n`;
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
