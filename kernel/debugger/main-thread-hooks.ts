import type { Header, IOPubMessages } from "../protocol/messages.js";

/**
 * What the debugger, in the control thread, asks of the main thread through
 * V8's inspector, which evaluates on the main thread while it is paused and
 * between the jobs of a spinning cell.
 *
 * Publishing: how the debugger publishes on IOPub, whose socket
 * is the main thread's, even when the main thread is paused at a breakpoint
 * and runs none of its own JavaScript: it asks V8's inspector to evaluate a
 * call of this hook on the main thread (the inspector evaluates while
 * paused, and between the jobs of a spinning cell), and the hook publishes
 * at once (SendQueue sends in the caller's turn when nothing waits). What
 * goes this way: debug_event, and the busy and idle statuses around each
 * debug_request, which JupyterLab waits for as for any request's.
 *
 * Chosen over moving IOPub into the control thread, which was built and
 * measured: every IOPub message then crossed threads, `1+1` p50 rose 1.26×
 * and start-up 0.3 s (IOPub could bind only once the thread had started).
 * This way a kernel nobody debugs pays nothing.
 */
const PUBLISH = "greenlet-ts.iopub";
/** Waiting: a promise that resolves once the shell has nothing left to run (the interrupted cell ended). */
const IDLE = "greenlet-ts.idle";

/** What the debugger may publish this way. */
export type HookMessage =
  | { msgType: "debug_event"; content: IOPubMessages["debug_event"]; parent: Partial<Header> }
  | { msgType: "status"; content: IOPubMessages["status"]; parent: Partial<Header> };

export interface MainThreadHooks {
  publish(message: HookMessage): void;
  whenIdle(): Promise<void>;
}

/** Main thread: the functions the control thread's evaluations call. */
export function installMainThreadHooks(hooks: MainThreadHooks): void {
  const define = (key: string, value: unknown): void => void Object.defineProperty(globalThis, Symbol.for(key), { value, configurable: true });
  define(PUBLISH, (json: string) => {
    const message = JSON.parse(json) as HookMessage;
    if (message.msgType === "debug_event" || message.msgType === "status") hooks.publish(message);
  });
  define(IDLE, () => hooks.whenIdle());
}

/** Control thread: the expression that publishes `message` when evaluated on the main thread. */
export function publishCall(message: HookMessage): string {
  return `globalThis[Symbol.for(${JSON.stringify(PUBLISH)})](${JSON.stringify(JSON.stringify(message))})`;
}

/** Control thread: the expression whose promise resolves once the main thread has no request left to run. */
export function whenIdleCall(): string {
  return `globalThis[Symbol.for(${JSON.stringify(IDLE)})]()`;
}
