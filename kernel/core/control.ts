import type { DapRequest, DapResponse } from "../debugger/dap.js";
import type { ControlRequests, Header, KernelInfoReply, Message } from "../protocol/messages.js";
import { Dispatcher, type HandlerTable, type ReplySender } from "./dispatch.js";
import type { ChannelReport } from "./stats.js";

/**
 * What the control handlers need of the thread they run in. They run in the
 * control thread (transport/background-thread.ts), never on the main thread,
 * which a spinning cell holds: this module must not load the engine.
 */
export interface ControlHost {
  readonly kernelInfo: KernelInfoReply;
  /**
   * Breaks into the running cell: SIGINT to the process, which the engine's
   * guard turns into an interrupt (a cell stopped at a breakpoint is resumed
   * for it to take effect).
   */
  interrupt(): void | Promise<void>;
  /** Asks the main thread to end the kernel; resolves once it has sent everything and waits only for this reply. */
  shutdown(): Promise<void>;
  /** Answers a DAP request (debugger/adapter.ts, loaded on the first one); `header` is the debug_request's. */
  debug(request: DapRequest, header: Header): Promise<DapResponse>;
  /** A reply has been handed on (a debug_request's is followed by its idle status). */
  replied?(request: Message): void;
}

/**
 * The control channel's handlers. `debug_request` carries a Debug Adapter
 * Protocol request to the debugger, which runs in this thread too: while
 * the main thread is paused at a breakpoint it runs no JavaScript, so the
 * debugger's replies and its `debug_event`s (on IOPub, whose socket is this
 * thread's) must not need it.
 */
export function controlHandlers(host: ControlHost): HandlerTable<keyof ControlRequests> {
  return {
    requests: {
      kernel_info_request: () => host.kernelInfo,
      interrupt_request: async () => {
        await host.interrupt();
        return { status: "ok" };
      },
      debug_request: ({ content, header }) => host.debug(content, header),
      // Replied once the main thread has flushed IOPub; a running cell is not waited for.
      shutdown_request: async ({ content }) => {
        await host.shutdown();
        return { status: "ok", restart: content.restart ?? false };
      },
    },
    notifications: {},
  };
}

/**
 * The control channel's core: each request is handled as it comes, not
 * queued behind the one before, since a handler may wait (shutdown waits for
 * the main thread, a debugger's requests will wait for the inspector) and an
 * interrupt_request must still be answered meanwhile.
 */
export class ControlCore {
  readonly #dispatcher: Dispatcher<keyof ControlRequests>;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(host: ControlHost, report: ChannelReport, send: ReplySender<keyof ControlRequests>) {
    this.#dispatcher = new Dispatcher(controlHandlers(host), report, async (request, content) => {
      await send(request, content);
      host.replied?.(request);
    });
  }

  receive(message: Message): void {
    if (!this.#dispatcher.accepts(message)) return;
    const handling = this.#dispatcher.handle(message).finally(() => this.#inFlight.delete(handling));
    this.#inFlight.add(handling);
  }

  /** Resolves once every request received so far has been answered. */
  async settled(): Promise<void> {
    await Promise.all(this.#inFlight);
  }
}
