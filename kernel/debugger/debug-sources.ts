import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { PositionMap } from "../../runtime/engine/debug-positions.js";
import { cellPath, tmpFilePrefix } from "./debug-paths.js";
import { DapError, type DapSource } from "./dap.js";

/** The engine's position maps, loaded when a client first sets a breakpoint or stops (they load the transpiler). */
type Positions = typeof import("../../runtime/engine/debug-positions.js");
let positionsModule: Promise<Positions> | undefined;
const loadPositions = (): Promise<Positions> => (positionsModule ??= import("../../runtime/engine/debug-positions.js"));

/** The installed greenlet-ts: frames in its own code (the engine, the runtime) are not the user's. */
const OWN_CODE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The files a debugger client sees: cells dumped under the kernel's
 * temporary prefix, and the project's own source files that cells import.
 * Each is known by its path; V8 knows the scripts by URL, and runs
 * JavaScript whose lines are not the TypeScript's: the maps translate.
 */
export class DebugSources {
  readonly prefix = tmpFilePrefix();
  /**
   * The code of a cell nobody dumped (it had no breakpoint) that a stop
   * passes through, from the session: set by the adapter.
   */
  cellCode: (file: string, callFrameId?: string) => Promise<string | undefined> = async () => undefined;
  /**
   * The user's files among the scripts V8 has parsed, by script id: a paused
   * frame's own `url` is empty on node 20, its script id is not.
   */
  readonly #scripts = new Map<string, string>();
  /** Position maps by path, with the modification stamp of a project file they were made from. */
  readonly #maps = new Map<string, { stamp: string; map: PositionMap }>();

  /** dumpCell: writes the cell's code where its script is named after, and returns that path. */
  dump(code: string): string {
    const file = cellPath(code, this.prefix);
    mkdirSync(this.prefix, { recursive: true });
    writeFileSync(file, code);
    return file;
  }

  isCell(file: string): boolean {
    return file.startsWith(this.prefix);
  }

  /**
   * What V8's URL for a file's scripts matches: on node 20 a cell's script
   * (a vm.Script named by an absolute path) has the path itself as its URL,
   * and a project file's the file:// URL; either is accepted.
   */
  urlRegex(file: string): string {
    return `^(?:${escape(pathToFileURL(file).href)}|${escape(file)})$`;
  }

  /** The path of a script V8 reports, or undefined for a script that is no file of the user's (node's own, the engine's). */
  fileOf(url: string): string | undefined {
    if (!url.startsWith("file://")) return url.startsWith("/") && this.isCell(url) ? url : undefined;
    const file = fileURLToPath(url);
    if (this.isCell(file)) return file;
    if (file.startsWith(OWN_CODE + path.sep) || file.split(path.sep).includes("node_modules")) return undefined;
    return file;
  }

  /** Debugger.scriptParsed: remembers a script of the user's. */
  parsed(scriptId: string, url: string): void {
    const file = this.fileOf(url);
    if (file !== undefined) this.#scripts.set(scriptId, file);
  }

  /** The user's file a script was made from, if it was. */
  fileOfScript(scriptId: string): string | undefined {
    return this.#scripts.get(scriptId);
  }

  source(file: string): DapSource {
    return { name: this.isCell(file) ? `Cell ${path.basename(file, path.extname(file))}` : path.basename(file), path: file };
  }

  /** The text of a source, for the client's source request. */
  content(file: string): string {
    try {
      return readFileSync(file, "utf8");
    } catch (error) {
      throw new DapError(`no source ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }

  /** How the TypeScript of `file` maps to the script V8 runs; undefined for a file that cannot be read. */
  /** `callFrameId`: a frame of the session's, to ask the session in while the main thread is stopped. */
  async positions(file: string, callFrameId?: string): Promise<PositionMap | undefined> {
    let stamp = this.#stamp(file);
    if (stamp === undefined && this.isCell(file)) {
      // A cell's file is named after its code: dumped now, it is the file the client would have.
      const code = await this.cellCode(file, callFrameId);
      if (code !== undefined && this.dump(code) === file) stamp = this.#stamp(file);
    }
    if (stamp === undefined) return undefined;
    const known = this.#maps.get(file);
    if (known?.stamp === stamp) return known.map;
    const engine = await loadPositions();
    const text = readFileSync(file, "utf8");
    const map = this.isCell(file) ? engine.cellPositions(text) : engine.modulePositions(file, text);
    this.#maps.set(file, { stamp, map });
    return map;
  }

  #stamp(file: string): string | undefined {
    try {
      const stat = statSync(file);
      return `${stat.mtimeMs}:${stat.size}`;
    } catch {
      return undefined;
    }
  }

  /** Blackbox patterns: stepping never stops in node's internals or in the engine's own code. */
  blackboxPatterns(): string[] {
    return ["^node:", `^(?:${escape(pathToFileURL(OWN_CODE).href)}|${escape(OWN_CODE)})/`, "/node_modules/"];
  }
}
