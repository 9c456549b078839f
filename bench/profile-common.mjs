// Helpers shared by the profiling scripts of bench/.
import { readFileSync, writeFileSync } from "node:fs";

export function median(values) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/** Replaces the text between `<!-- NAME -->` and `<!-- /NAME -->` in `file`. */
export function updateSection(file, name, body) {
  const text = readFileSync(file, "utf8");
  const open = `<!-- ${name} -->`;
  const close = `<!-- /${name} -->`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < start) throw new Error(`${file} has no ${open} ... ${close} section`);
  writeFileSync(file, `${text.slice(0, start + open.length)}\n${body}\n${text.slice(end)}`);
}

/** Resident set size of a process, in MB, from /proc (null when it is gone). */
export function rssMb(pid = process.pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
  } catch {
    return null;
  }
}
