import { Console } from "node:console";
import vm from "node:vm";
import type { CellOwner } from "./cell-store.js";

/** Names a session defines in its context for the transformed cells to call. */
export const INVOKE_FUNCTION = "__greenlet_invoke__";
const INVOKE_ARGUMENTS = "__greenlet_call__";

/**
 * A fresh global context for a session's cells. It gets its own JavaScript
 * built-ins, node's host globals (process, Buffer, fetch, URL, ...), the
 * session's globals (its `require` among them), a console writing
 * to process.stdout/stderr (which the engine captures per cell), and timers
 * whose callbacks run through `runCallback`, so that they too are evaluated
 * inside the context, interruptible, with the context's jobs run after them.
 */
export function createCellContext(options: {
  name: string;
  globals: Record<string, unknown>;
  /** Runs a timer's callback for its cell; false when that cell was interrupted (the callback did not run). */
  runCallback: (owner: CellOwner | undefined, callback: (...args: unknown[]) => unknown, args: unknown[]) => boolean;
  currentOwner: () => CellOwner | undefined;
}): vm.Context {
  const context = vm.createContext({}, { name: options.name, microtaskMode: "afterEvaluate" });
  const contextGlobal = vm.runInContext("globalThis", context) as Record<string, unknown>;

  // Node's host globals that the context does not have (its own built-ins stay its own).
  for (const name of Object.getOwnPropertyNames(globalThis)) {
    if (name in contextGlobal) continue;
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, name);
    if (descriptor !== undefined) Object.defineProperty(contextGlobal, name, descriptor);
  }

  // Each timer remembers the cell that started it; an interrupted cell's timers do nothing more.
  const later = (callback: unknown, args: unknown[]): (() => boolean) => {
    const fn = callable(callback);
    const owner = options.currentOwner();
    return () => options.runCallback(owner, fn, args);
  };
  const timers = {
    setTimeout: (callback: unknown, ms?: number, ...args: unknown[]) => setTimeout(later(callback, args), ms),
    setInterval: (callback: unknown, ms?: number, ...args: unknown[]) => {
      const run = later(callback, args);
      const interval: NodeJS.Timeout = setInterval(() => {
        if (!run()) clearInterval(interval);
      }, ms);
      return interval;
    },
    setImmediate: (callback: unknown, ...args: unknown[]) => setImmediate(later(callback, args)),
    clearTimeout,
    clearInterval,
    clearImmediate,
  };
  const values: Record<string, unknown> = {
    ...timers,
    global: contextGlobal,
    console: new Console({ stdout: process.stdout, stderr: process.stderr, colorMode: false }),
    ...options.globals,
  };
  for (const [name, value] of Object.entries(values)) {
    Object.defineProperty(contextGlobal, name, { value, writable: true, configurable: true, enumerable: false });
  }
  Object.defineProperty(contextGlobal, INVOKE_ARGUMENTS, { value: undefined, writable: true, configurable: true, enumerable: false });
  vm.runInContext(
    `Object.defineProperty(globalThis, "${INVOKE_FUNCTION}", { enumerable: false, configurable: true, writable: true, value: function () {
       const call = globalThis.${INVOKE_ARGUMENTS};
       globalThis.${INVOKE_ARGUMENTS} = undefined;
       return Reflect.apply(call[0], call[2], call[1]);
     } });
     Object.defineProperty(globalThis, "queueMicrotask", { enumerable: false, configurable: true, writable: true, value: function queueMicrotask(callback) {
       if (typeof callback !== "function") throw new TypeError("The \\"callback\\" argument must be of type function");
       Promise.resolve().then(() => callback());
     } });`,
    context,
  );
  return context;
}

/** Stores the callback and its arguments where the context's invoke function takes them. */
export function setInvocation(context: vm.Context, callback: (...args: unknown[]) => unknown, args: unknown[], thisArg?: unknown): void {
  (context as Record<string, unknown>)[INVOKE_ARGUMENTS] = [callback, args, thisArg];
}

function callable(callback: unknown): (...args: unknown[]) => unknown {
  if (typeof callback !== "function") {
    const error = new TypeError(`The "callback" argument must be of type function. Received ${typeof callback}`);
    (error as { code?: string }).code = "ERR_INVALID_ARG_TYPE";
    throw error;
  }
  return callback as (...args: unknown[]) => unknown;
}
