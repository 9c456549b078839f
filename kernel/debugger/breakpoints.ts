import type { CdpClient } from "./cdp-client.js";
import type { DapBreakpoint } from "./dap.js";
import type { DebugSources } from "./debug-sources.js";

/** A breakpoint as the client sent it in setBreakpoints. */
export interface SourceBreakpoint {
  line: number;
  column?: number;
  condition?: string;
}

/**
 * The client's breakpoints, by file, and the V8 breakpoints they became.
 * V8 breakpoints are set by the script's URL, so that they bind in every
 * script of that name: a cell run again, a cell not run yet, a project file
 * loaded later or reloaded.
 */
export class Breakpoints {
  #id = 1;
  readonly #byFile = new Map<string, { requested: SourceBreakpoint[]; v8: string[] }>();

  constructor(
    private readonly cdp: CdpClient,
    private readonly sources: DebugSources,
  ) {}

  /** Replaces the breakpoints of `file`; each is verified when its line has code. */
  async set(file: string, requested: SourceBreakpoint[]): Promise<DapBreakpoint[]> {
    await this.#remove(file);
    const positions = await this.sources.positions(file);
    const v8: string[] = [];
    const answered: DapBreakpoint[] = [];
    for (const breakpoint of requested) {
      const id = this.#id++;
      const at = positions?.toScript(breakpoint.line);
      if (at === undefined) {
        const message = positions === undefined ? `cannot read ${file}` : `no code on line ${breakpoint.line}`;
        answered.push({ id, verified: false, line: breakpoint.line, message, source: this.sources.source(file) });
        continue;
      }
      const params: Record<string, unknown> = { urlRegex: this.sources.urlRegex(file), lineNumber: at.line - 1, columnNumber: at.column - 1 };
      if (breakpoint.condition) params.condition = breakpoint.condition;
      const { breakpointId } = await this.cdp.post<{ breakpointId: string }>("Debugger.setBreakpointByUrl", params);
      v8.push(breakpointId);
      answered.push({ id, verified: true, line: breakpoint.line, source: this.sources.source(file) });
    }
    if (requested.length > 0) this.#byFile.set(file, { requested, v8 });
    return answered;
  }

  /** What debugInfo reports: the breakpoints of each file, as the client sent them. */
  list(): Array<{ source: string; breakpoints: SourceBreakpoint[] }> {
    return [...this.#byFile].map(([source, { requested }]) => ({ source, breakpoints: requested }));
  }

  async clear(): Promise<void> {
    for (const file of [...this.#byFile.keys()]) await this.#remove(file);
  }

  async #remove(file: string): Promise<void> {
    const known = this.#byFile.get(file);
    this.#byFile.delete(file);
    for (const breakpointId of known?.v8 ?? []) await this.cdp.post("Debugger.removeBreakpoint", { breakpointId }).catch(() => undefined);
  }
}
