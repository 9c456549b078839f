import type { DebugAdapter } from "./adapter.js";
import type { DapEvent, DapRequest, DapResponse } from "./dap.js";

/**
 * The control thread's handle on the debugger: the adapter (and the engine's
 * position maps it uses) are loaded on the first debug_request only, so a
 * kernel no client debugs pays nothing for it, in memory or in time.
 */
export class ControlDebugger {
  #adapter: Promise<DebugAdapter> | undefined;
  #eventSeq = 1;

  constructor(private readonly publish: (event: DapEvent) => void) {}

  async handle(request: DapRequest): Promise<DapResponse> {
    this.#adapter ??= import("./adapter.js").then(({ DebugAdapter }) => new DebugAdapter((event) => this.publish({ ...event, seq: this.#eventSeq++ })));
    return (await this.#adapter).handle(request);
  }

  /** Before SIGINT is sent: nothing to do unless a cell is stopped, which must run again to be interrupted. */
  async beforeInterrupt(): Promise<(() => Promise<void>) | undefined> {
    const adapter = await this.#adapter;
    if (adapter === undefined || !adapter.stopped) return undefined;
    return () => adapter.resumeForInterrupt();
  }

  /** The kernel ends: a stopped cell is let go first, or the main thread could never finish. */
  async close(): Promise<void> {
    await (await this.#adapter)?.close();
  }
}
