/**
 * The Debug Adapter Protocol messages the kernel exchanges with a Jupyter
 * debugger client (JupyterLab's debugger, VS Code): a `debug_request`'s
 * content is a DAP request, its `debug_reply` the DAP response, and DAP
 * events go out on IOPub as `debug_event`. Only the fields this kernel
 * reads or writes are typed; the rest of a client's message is passed over.
 */

export interface DapRequest {
  type: "request";
  seq: number;
  command: string;
  arguments?: Record<string, unknown>;
}

export interface DapResponse {
  type: "response";
  seq: number;
  request_seq: number;
  command: string;
  success: boolean;
  /** Why the request failed (DAP's `message`); absent on success. */
  message?: string;
  body: Record<string, unknown>;
}

export interface DapEvent {
  type: "event";
  seq: number;
  event: "initialized" | "stopped" | "continued" | "terminated" | "output";
  body?: Record<string, unknown>;
}

export interface DapSource {
  name?: string;
  path?: string;
}

export interface DapBreakpoint {
  id?: number;
  verified: boolean;
  line?: number;
  column?: number;
  source?: DapSource;
  message?: string;
}

export interface DapStackFrame {
  id: number;
  name: string;
  source?: DapSource;
  line: number;
  column: number;
}

export interface DapScope {
  name: string;
  presentationHint?: "arguments" | "locals" | "registers";
  variablesReference: number;
  expensive: boolean;
  source?: DapSource;
}

export interface DapVariable {
  name: string;
  value: string;
  type: string;
  evaluateName?: string;
  variablesReference: number;
}

/** A failed request's reason, answered as `success: false` with this message. */
export class DapError extends Error {}
DapError.prototype.name = "DapError";
