import inspector from "node:inspector";

/** A Chrome DevTools Protocol event: method and params. */
export type CdpListener = (params: Record<string, unknown>) => void;

/**
 * V8's inspector of the main thread, driven from the control thread
 * (`connectToMainThread`): when the main thread is paused at a breakpoint
 * it runs only the inspector's message loop, so the commands sent from here
 * (stack, variables, evaluate, resume) are still answered, and this thread's
 * sockets (control, heartbeat, IOPub) keep serving. Connected from the
 * start, with no domain enabled, which costs the main thread nothing.
 */
export class CdpClient {
  readonly #session = new inspector.Session();
  readonly #listeners = new Map<string, Set<CdpListener>>();

  constructor() {
    this.#session.connectToMainThread();
    this.#session.on("inspectorNotification", (message: { method: string; params?: Record<string, unknown> }) => {
      for (const listener of this.#listeners.get(message.method) ?? []) listener(message.params ?? {});
    });
  }

  /** Sends a command; resolves with its result, rejects with the inspector's error message. */
  post<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    return new Promise((resolve, reject) => {
      this.#session.post(method, params, (error, result) => {
        if (error) reject(new Error(`${method}: ${error.message}`));
        else resolve(result as T);
      });
    });
  }

  on(method: string, listener: CdpListener): void {
    let set = this.#listeners.get(method);
    if (set === undefined) this.#listeners.set(method, (set = new Set()));
    set.add(listener);
  }
}
