import { mkdirSync, readFileSync, renameSync, writeSync } from "node:fs";
import path from "node:path";
import { replaceFile } from "../../shared/replace-file.js";
import { removeStaleTemporaries } from "../../shared/temporary-files.js";
import type { HistoryRequest } from "../protocol/messages.js";

export interface HistoryEntry {
  session: number;
  line: number;
  input: string;
  /** The text/plain of the cell's result, if it had one. */
  output?: string | null;
}

/**
 * The inputs of executed cells, kept across kernel restarts in one JSON file
 * under the Jupyter data directory. Every write goes to a temporary file,
 * flushed to disk, then renamed over the old one, so the file is never half
 * written, whenever the process dies; a file that cannot be read is set aside
 * and history starts afresh.
 *
 * Writes are at most one per SAVE_MS: a cell that comes after a quiet second
 * is written before it runs (so a cell that kills the process is in the
 * file), while a burst of cells costs one write per second rather than one
 * per cell. The last ones are written when the kernel exits; a process that
 * is killed loses at most the cells of the last second.
 */
export class History {
  /** Entries kept, in memory and in the file. */
  static readonly KEEP = 10_000;
  static readonly SAVE_MS = 1000;
  readonly #entries: HistoryEntry[] = [];
  readonly session: number;
  #dirty = false;
  #lastSave = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly log: (text: string) => void,
  ) {
    try {
      const stored = JSON.parse(readFileSync(file, "utf8")) as { entries?: unknown };
      if (!Array.isArray(stored?.entries)) throw new Error("no entries array");
      this.#entries.push(...stored.entries.filter(isEntry).slice(-History.KEEP));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
        // The message only: a JSON error may quote the file, and a file is no place for secrets, but a log is less of one.
        log(`history: ${file} could not be read (${error instanceof SyntaxError ? "not JSON" : (error as Error).message}); starting a new one`);
        try {
          renameSync(file, `${file}.unreadable`);
        } catch {
          // nothing to set aside
        }
      }
    }
    this.session = Math.max(0, ...this.#entries.map((e) => e.session)) + 1;
    // Temporary files of kernels killed while writing. By age, not process id: the data
    // directory may be shared with other machines, whose kernels' ids mean nothing here.
    removeStaleTemporaries(file, { suffix: ".tmp" }, { olderThanMs: 60_000 });
  }

  add(line: number, input: string): HistoryEntry {
    const entry: HistoryEntry = { session: this.session, line, input, output: null };
    this.#entries.push(entry);
    if (this.#entries.length > History.KEEP) this.#entries.splice(0, this.#entries.length - History.KEEP);
    this.#changed();
    return entry;
  }

  /** The text/plain result of an entry's cell, once it has run. */
  setOutput(entry: HistoryEntry, output: string): void {
    entry.output = output;
    this.#changed();
  }

  /** Writes what is not written yet, now (the kernel is exiting). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#dirty) this.#save();
  }

  #changed(): void {
    this.#dirty = true;
    if (this.#timer !== undefined) return;
    const wait = this.#lastSave + History.SAVE_MS - Date.now();
    if (wait <= 0) this.#save();
    else this.#timer = setTimeout(() => this.flush(), wait).unref();
  }

  #save(): void {
    this.#dirty = false;
    this.#lastSave = Date.now();
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      replaceFile(this.file, `${this.file}.${process.pid}.tmp`, 0o600, (fd) => writeJsonInPieces(fd, this.#entries));
    } catch (error) {
      this.log(`history: cannot write ${this.file}: ${(error as Error).message}`);
    }
  }

  /** history_request: tail, range (negative session = relative to this one) and search (glob pattern). */
  query(request: HistoryRequest): Array<[number, number, string] | [number, number, [string, string]]> {
    // With output, each row's third item is [input, output], as ipykernel answers. A cell without a
    // result has the output "" where ipykernel sends null: the Rust jupyter-protocol crate reads
    // the pair as two strings, and one null would make it drop the whole reply. A result is never
    // "" (the empty string's text is ''), so "" still says "no output".
    return this.#select(request).map((e) => (request.output ? [e.session, e.line, [e.input, e.output ?? ""]] : [e.session, e.line, e.input]));
  }

  #select(request: HistoryRequest): HistoryEntry[] {
    const entries = this.#entries;
    switch (request.hist_access_type) {
      case "tail":
        return entries.slice(-(request.n ?? 10));
      case "range": {
        const session = request.session === undefined || request.session === 0 ? this.session : request.session < 0 ? this.session + request.session : request.session;
        const start = request.start ?? 0;
        const stop = request.stop ?? Number.POSITIVE_INFINITY;
        return entries.filter((e) => e.session === session && e.line >= start && e.line < stop);
      }
      case "search": {
        const pattern = new RegExp(`^${(request.pattern ?? "*").replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[\\s\\S]*").replace(/\?/g, ".")}$`);
        let found = entries.filter((e) => pattern.test(e.input));
        if (request.unique) {
          const seen = new Set<string>();
          found = found.reverse().filter((e) => !seen.has(e.input) && seen.add(e.input)).reverse();
        }
        return request.n === undefined ? found : found.slice(-request.n);
      }
      default:
        return [];
    }
  }
}

function isEntry(value: unknown): value is HistoryEntry {
  const e = value as Partial<HistoryEntry> | null;
  return (
    e !== null &&
    typeof e === "object" &&
    Number.isSafeInteger(e.session) &&
    Number.isSafeInteger(e.line) &&
    typeof e.input === "string" &&
    (e.output === undefined || e.output === null || typeof e.output === "string")
  );
}

/**
 * Writes `{"entries":[...]}` a few hundred entries at a time. One string of
 * the whole file (a megabyte for 10,000 entries) needs a native buffer as
 * large at each save; glibc serves such a buffer with mmap, and its freeing
 * makes glibc keep later ones in the heap instead: a long session's RSS grew
 * by 3 to 5 MB that way (the soak test). Pieces stay below that size.
 */
function writeJsonInPieces(fd: number, entries: readonly HistoryEntry[]): void {
  const PIECE = 200;
  writeSync(fd, '{"entries":[');
  for (let start = 0; start < entries.length; start += PIECE) {
    const piece = JSON.stringify(entries.slice(start, start + PIECE));
    writeSync(fd, `${start === 0 ? "" : ","}${piece.slice(1, -1)}`);
  }
  writeSync(fd, "]}");
}
