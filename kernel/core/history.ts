import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { HistoryRequest } from "../protocol/messages.js";

interface Entry {
  session: number;
  line: number;
  input: string;
  /** The text/plain of the cell's result, if it had one. */
  output?: string | null;
}

/**
 * The inputs of executed cells, kept across kernel restarts in one JSON file
 * under the Jupyter data directory. Every write goes to a temporary file that
 * is renamed over the old one, so the file is never half written; a file that
 * cannot be read is set aside and history starts afresh.
 */
export class History {
  readonly #entries: Entry[] = [];
  readonly session: number;

  constructor(
    private readonly file: string,
    private readonly log: (text: string) => void,
  ) {
    try {
      const stored = JSON.parse(readFileSync(file, "utf8")) as { entries?: Entry[] };
      if (Array.isArray(stored.entries)) this.#entries.push(...stored.entries.filter((e) => typeof e?.input === "string"));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
        log(`history: ${file} could not be read (${(error as Error).message}); starting a new one`);
        try {
          renameSync(file, `${file}.unreadable`);
        } catch {
          // nothing to set aside
        }
      }
    }
    this.session = Math.max(0, ...this.#entries.map((e) => e.session)) + 1;
  }

  add(line: number, input: string, output: string | null = null): void {
    this.#entries.push({ session: this.session, line, input, output });
    const keep = this.#entries.slice(-10_000);
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify({ entries: keep }));
      renameSync(temporary, this.file);
    } catch (error) {
      this.log(`history: cannot write ${this.file}: ${(error as Error).message}`);
    }
  }

  /** history_request: tail, range (negative session = relative to this one) and search (glob pattern). */
  query(request: HistoryRequest): Array<[number, number, string] | [number, number, [string, string | null]]> {
    // With output, each row's third item is [input, output], as ipykernel answers.
    const rows = this.#entries.map((e): [number, number, string] => [e.session, e.line, e.input]);
    const withOutput = (found: Array<[number, number, string]>): Array<[number, number, string] | [number, number, [string, string | null]]> =>
      request.output ? found.map(([s, l]) => {
        const entry = this.#entries.find((e) => e.session === s && e.line === l)!;
        return [s, l, [entry.input, entry.output ?? null]];
      }) : found;
    return withOutput(this.#select(rows, request));
  }

  #select(rows: Array<[number, number, string]>, request: HistoryRequest): Array<[number, number, string]> {
    switch (request.hist_access_type) {
      case "tail":
        return rows.slice(-(request.n ?? 10));
      case "range": {
        const session = request.session === undefined || request.session === 0 ? this.session : request.session < 0 ? this.session + request.session : request.session;
        const start = request.start ?? 0;
        const stop = request.stop ?? Number.POSITIVE_INFINITY;
        return rows.filter(([s, line]) => s === session && line >= start && line < stop);
      }
      case "search": {
        const pattern = new RegExp(`^${(request.pattern ?? "*").replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[\\s\\S]*").replace(/\?/g, ".")}$`);
        let found = rows.filter(([, , input]) => pattern.test(input));
        if (request.unique) {
          const seen = new Set<string>();
          found = found.reverse().filter(([, , input]) => !seen.has(input) && seen.add(input)).reverse();
        }
        return request.n === undefined ? found : found.slice(-request.n);
      }
      default:
        return [];
    }
  }
}
