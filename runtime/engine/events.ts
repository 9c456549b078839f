/** A MIME bundle, as Jupyter's display_data carries: MIME type → content. */
export type MimeBundle = Record<string, unknown>;

/** Identifies a cell within its session: the execution counter, from 1. */
export type CellId = number;

/** What a failed cell, or a late error of one, reports. */
export interface CellError {
  /** The error's class name (`TypeError`, `Interrupted`), or the type of a thrown non-error. */
  ename: string;
  /** Its message, or the inspected thrown value. */
  evalue: string;
  /** The stack, rewritten to the cells' TypeScript positions, one line per entry. */
  traceback: string[];
  /** What the Node REPL prints for it: `Uncaught TypeError: x` (with stack lines), `Uncaught 'oops'`. */
  uncaught: string;
  /** The thrown value itself. */
  value: unknown;
}

/** Everything a session reports, typed by `kind`. The kernel turns these into IOPub messages. */
export type EngineEvent =
  | { kind: "stream"; cell: CellId; name: "stdout" | "stderr"; text: string }
  | { kind: "display"; cell: CellId; data: MimeBundle; metadata: Record<string, unknown>; displayId?: string }
  | { kind: "update"; cell: CellId; data: MimeBundle; metadata: Record<string, unknown>; displayId: string }
  | { kind: "clear"; cell: CellId; wait: boolean }
  | { kind: "result"; cell: CellId; data: MimeBundle; metadata: Record<string, unknown>; value: unknown }
  | { kind: "error"; cell: CellId; error: CellError; late: boolean };

export type EngineListener = (event: EngineEvent) => void;

/** How a cell ended. */
export type CellOutcome =
  | { status: "ok"; cell: CellId; value: unknown; data?: MimeBundle }
  | { status: "error"; cell: CellId; error: CellError }
  | { status: "interrupted"; cell: CellId; error: CellError };
