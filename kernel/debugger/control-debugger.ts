import type { Header } from "../protocol/messages.js";
import type { DebugAdapter } from "./adapter.js";
import type { DapRequest, DapResponse } from "./dap.js";

/**
 * The control thread's handle on the debugger: the adapter (and the engine's
 * position maps it uses) are loaded on the first debug_request only, so a
 * kernel no client debugs pays nothing for it, in memory or in time.
 */
export class ControlDebugger {
  #adapter: Promise<DebugAdapter> | undefined;

  constructor(private readonly log: (text: string) => void) {}

  /** Answers a debug_request, published busy on IOPub as every request is (its idle follows the reply: `replied`). */
  async handle(request: DapRequest, header: Partial<Header>): Promise<DapResponse> {
    this.#adapter ??= import("./adapter.js").then(({ DebugAdapter }) => new DebugAdapter(this.log));
    const adapter = await this.#adapter;
    await this.#status(adapter, "busy", header);
    return adapter.handle(request);
  }

  /** The reply to a debug_request is sent: idle, which a client such as JupyterLab waits for besides the reply. */
  async replied(header: Partial<Header>): Promise<void> {
    const adapter = await this.#adapter;
    if (adapter !== undefined) await this.#status(adapter, "idle", header);
  }

  /** An interrupt_request: SIGINT, sent by the adapter when a cell is stopped (it must run again first). */
  async interrupt(sendSigint: () => void): Promise<void> {
    const adapter = await this.#adapter;
    if (adapter?.stopped) await adapter.interruptStopped(sendSigint);
    else sendSigint();
  }

  /** The kernel ends: a stopped cell is let go first, or the main thread could never finish. */
  async close(): Promise<void> {
    await (await this.#adapter)?.close();
  }

  async #status(adapter: DebugAdapter, state: "busy" | "idle", parent: Partial<Header>): Promise<void> {
    await adapter.publish({ msgType: "status", content: { execution_state: state }, parent }).catch((error: unknown) => this.log(`debugger: status ${state} not published: ${String(error)}`));
  }
}
