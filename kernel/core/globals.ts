import type { CommRegistry } from "./comms.js";

/** A name every cell of the kernel sees: its value, and its TypeScript declaration for completion and type checks. */
interface PreBound {
  value: unknown;
  declaration: string;
}

/** What the pre-bound globals call into: the core's input() and comm registry. */
export interface GlobalsHost {
  input(prompt: string, password: boolean): Promise<string>;
  readonly comms: CommRegistry;
}

/** Types the declarations below use. */
const TYPES = "interface Comm { readonly commId: string; readonly targetName: string; onMsg?: (msg: { data: any; buffers: Uint8Array[] }) => void; onClose?: (msg: { data: any }) => void; send(data?: unknown): void; close(data?: unknown): void }";

/** The kernel's pre-bound globals, each defined once: value and declaration side by side. */
function table(host: GlobalsHost): Record<string, PreBound> {
  return {
    input: {
      value: (prompt?: string) => host.input(prompt ?? "", false),
      declaration: "/** Asks the frontend for a line of input (Jupyter's input_request). */\nfunction input(prompt?: string): Promise<string>;",
    },
    prompt: {
      value: (message?: string) => host.input(message ?? "", false),
      declaration: "/** The browser's prompt(), asynchronous here: the kernel waits for the frontend's answer. */\nfunction prompt(message?: string): Promise<string>;",
    },
    password: {
      value: (prompt?: string) => host.input(prompt ?? "", true),
      declaration: "/** Like input(), with the typing hidden. */\nfunction password(prompt?: string): Promise<string>;",
    },
    registerCommTarget: {
      value: (name: string, handler: Parameters<CommRegistry["registerTarget"]>[1]) => host.comms.registerTarget(name, handler),
      declaration: "/** Handles the comms the frontend opens for `name` (a widget's target). */\nfunction registerCommTarget(name: string, handler: (comm: Comm, openMsg: { data: any }) => void): void;",
    },
    openComm: {
      value: (target: string, data?: unknown) => host.comms.open(target, data),
      declaration: "/** Opens a comm to the frontend's target. */\nfunction openComm(target: string, data?: unknown): Comm;",
    },
  };
}

/** The session options that pre-bind the kernel's globals: their values, and their declarations for the language service. */
export function kernelGlobals(host: GlobalsHost): { globals: Record<string, unknown>; declarations: string } {
  const entries = Object.entries(table(host));
  return {
    globals: Object.fromEntries(entries.map(([name, { value }]) => [name, value])),
    declarations: [TYPES, ...entries.map(([, { declaration }]) => declaration)].join("\n"),
  };
}
