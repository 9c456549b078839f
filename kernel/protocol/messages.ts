/**
 * The Jupyter messaging protocol (5.3) as types, by channel: every request
 * type maps to its reply type, so that a handler returning the wrong reply
 * does not compile (as @jupyterlab/services' KernelMessage does for clients).
 */
import type { MimeBundle } from "../../runtime/engine/events.js";
import type { DapEvent, DapResponse } from "../debugger/dap.js";

export const PROTOCOL_VERSION = "5.3";

export interface Header<T extends string = string> {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: T;
  version: string;
}

export interface Message<T extends string = string, C = Record<string, unknown>> {
  /** ZeroMQ routing identities (shell, control, stdin). */
  identities: Buffer[];
  header: Header<T>;
  parent_header: Partial<Header>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

type Status = { status: "ok" } | { status: "error"; ename: string; evalue: string; traceback: string[] } | { status: "aborted" };

/** Type aliases, not interfaces, for request contents: they are then Record<string, unknown>s, as the wire gives them. */
export type ExecuteRequest = {
  code: string;
  silent?: boolean;
  store_history?: boolean;
  user_expressions?: Record<string, string>;
  allow_stdin?: boolean;
  stop_on_error?: boolean;
};

export type HistoryRequest = {
  output?: boolean;
  raw?: boolean;
  hist_access_type: "range" | "tail" | "search";
  session?: number;
  start?: number;
  stop?: number;
  n?: number;
  pattern?: string;
  unique?: boolean;
};

export interface LanguageInfo {
  name: string;
  version: string;
  mimetype: string;
  file_extension: string;
  pygments_lexer: string;
  /** A mode name, or { name, version }: the only two forms the Rust jupyter-protocol crate reads. */
  codemirror_mode: string | { name: string; version: number };
  nbconvert_exporter?: string;
}

/** Requests on shell, by type. */
export interface ShellRequests {
  kernel_info_request: Record<string, never>;
  execute_request: ExecuteRequest;
  complete_request: { code: string; cursor_pos: number };
  inspect_request: { code: string; cursor_pos: number; detail_level?: 0 | 1 };
  is_complete_request: { code: string };
  history_request: HistoryRequest;
  comm_info_request: { target_name?: string };
}

/** Requests on control, by type (the control thread answers them while a cell runs). */
export interface ControlRequests {
  kernel_info_request: Record<string, never>;
  shutdown_request: { restart?: boolean };
  interrupt_request: Record<string, never>;
  /** A Debug Adapter Protocol request (debugger/dap.ts), carried as the content. */
  debug_request: { type: "request"; seq: number; command: string; arguments?: Record<string, unknown> };
}

/** Every request this kernel answers, on either channel. */
export type Requests = ShellRequests & ControlRequests;

/** Shell messages that get no reply. */
export interface ShellNotifications {
  comm_open: { comm_id: string; target_name: string; data?: unknown };
  comm_msg: { comm_id: string; data?: unknown };
  comm_close: { comm_id: string; data?: unknown };
}

/** What the kernel asks on stdin, and what the frontend answers. */
export interface StdinRequests {
  input_request: { prompt: string; password: boolean };
}
export interface StdinReplies {
  input_reply: { value: string };
}

/** Every message the kernel takes from a client, by type: what validate.ts checks. */
export type Incoming = Requests & ShellNotifications & StdinReplies;

/** A received message whose content has been checked against its type (validate.ts). */
export type IncomingMessage<K extends keyof Incoming = keyof Incoming> = Message<K, Incoming[K]>;

export interface KernelInfoReply {
  status: "ok";
  protocol_version: string;
  implementation: string;
  implementation_version: string;
  language_info: LanguageInfo;
  banner: string;
  help_links: Array<{ text: string; url: string }>;
  debugger: boolean;
}

/** The replies, by type. */
export interface Replies {
  kernel_info_reply: KernelInfoReply;
  execute_reply: Status & { execution_count: number; user_expressions?: Record<string, unknown>; payload?: unknown[] };
  complete_reply: { status: "ok"; matches: string[]; cursor_start: number; cursor_end: number; metadata: Record<string, unknown> };
  inspect_reply: { status: "ok"; found: boolean; data: MimeBundle; metadata: Record<string, unknown> };
  is_complete_reply: { status: "complete" | "incomplete" | "invalid" | "unknown"; indent?: string };
  history_reply: { status: "ok"; history: Array<[number, number, string] | [number, number, [string, string]]> };
  comm_info_reply: { status: "ok"; comms: Record<string, { target_name: string }> };
  shutdown_reply: { status: "ok"; restart: boolean };
  interrupt_reply: { status: "ok" };
  debug_reply: DapResponse;
}

/** Which reply answers which request: the one place reply names come from. */
export const REPLY_TO = {
  kernel_info_request: "kernel_info_reply",
  execute_request: "execute_reply",
  complete_request: "complete_reply",
  inspect_request: "inspect_reply",
  is_complete_request: "is_complete_reply",
  history_request: "history_reply",
  comm_info_request: "comm_info_reply",
  shutdown_request: "shutdown_reply",
  interrupt_request: "interrupt_reply",
  debug_request: "debug_reply",
} as const satisfies { [K in keyof Requests]: keyof Replies };

export type ReplyOf<K extends keyof Requests> = Replies[(typeof REPLY_TO)[K]];

/** The reply to a request that could not be handled: its content was invalid, or its handler threw. */
export interface ErrorReply {
  status: "error";
  ename: string;
  evalue: string;
  traceback: string[];
  execution_count?: number;
}

/** IOPub messages, by type. */
export interface IOPubMessages {
  /** To each new subscriber, with no parent (JEP 65, protocol 5.5). */
  iopub_welcome: { subscription: string };
  status: { execution_state: "busy" | "idle" | "starting" };
  execute_input: { code: string; execution_count: number };
  stream: { name: "stdout" | "stderr"; text: string };
  display_data: { data: MimeBundle; metadata: Record<string, unknown>; transient?: { display_id: string } };
  update_display_data: { data: MimeBundle; metadata: Record<string, unknown>; transient: { display_id: string } };
  execute_result: { execution_count: number; data: MimeBundle; metadata: Record<string, unknown> };
  error: { ename: string; evalue: string; traceback: string[] };
  clear_output: { wait: boolean };
  comm_open: { comm_id: string; target_name: string; data: unknown };
  comm_msg: { comm_id: string; data: unknown };
  comm_close: { comm_id: string; data: unknown };
  debug_event: DapEvent;
}

/** Every message the kernel sends, by type: replies, IOPub and stdin requests. */
export type Outgoing = Replies & IOPubMessages & StdinRequests;
