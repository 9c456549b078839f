import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { CellOutcome, EngineEvent, EngineListener, ExecuteOptions } from "../../dist/runtime/engine/index.js";
import type { Channels } from "../../dist/kernel/core/channels.js";
import { History } from "../../dist/kernel/core/history.js";
import { kernelInfo } from "../../dist/kernel/core/kernel-info.js";
import { KernelCore, type Backend, type CellEngine } from "../../dist/kernel/core/kernel-core.js";
import { PendingInputs } from "../../dist/kernel/core/pending-inputs.js";
import { KernelStats } from "../../dist/kernel/core/stats.js";
import { REPLY_TO, type Message } from "../../dist/kernel/protocol/messages.js";

// The protocol core in-process, as xeus tests its core against a mock
// server and a mock interpreter: a fake transport that records what the core
// sends, and an engine whose cells are scripts written by the test.

/** One message the core sent: its channel, type, the msg_id of its parent, and its content. */
export interface Sent {
  channel: "shell" | "iopub" | "stdin";
  type: string;
  parent: string | undefined;
  content: any;
  /** An input_request's own msg_id (an input_reply names it as its parent). */
  id?: string;
}

/** The transport, faked: everything sent is recorded in order; input_reply answers come from the test. */
export class FakeChannels implements Channels {
  readonly sent: Sent[] = [];
  readonly #inputs = new PendingInputs();
  readonly #waiters = new Set<() => boolean>();

  reply(request: Message<any, unknown>, content: unknown): void {
    this.#record({ channel: "shell", type: REPLY_TO[request.header.msg_type as keyof typeof REPLY_TO], parent: request.header.msg_id, content });
  }

  publish(parent: { msg_id?: string }, msgType: string, content: unknown): void {
    this.#record({ channel: "iopub", type: msgType, parent: parent.msg_id, content });
  }

  input(request: Message<"execute_request", unknown>, prompt: string, password: boolean): Promise<string> {
    const id = randomUUID();
    const answer = this.#inputs.wait(request.header.msg_id, id);
    this.#record({ channel: "stdin", type: "input_request", parent: request.header.msg_id, content: { prompt, password }, id });
    return answer;
  }

  endInput(request: Message<"execute_request", unknown>): void {
    this.#inputs.end(request.header.msg_id);
  }

  flushed(): Promise<void> {
    return Promise.resolve();
  }

  /** An input_reply from the frontend, with `parent` (or none, as jupyter_client sends); false if no input() waited. */
  answer(value: string, parent?: string): boolean {
    return this.#inputs.answer(parent, value);
  }

  /** The messages sent for request `id`, as "type" or "status:state". */
  kinds(id: string): string[] {
    return this.sent.filter((m) => m.parent === id).map((m) => (m.type === "status" ? `status:${m.content.execution_state}` : m.type));
  }

  /** Resolves once a message satisfying `found` has been sent (at once if one has). */
  until(found: (message: Sent) => boolean): Promise<Sent> {
    return new Promise((resolve) => {
      let next = 0;
      const check = (): boolean => {
        // Each message is looked at once: a long session stays cheap to wait on.
        for (; next < this.sent.length; next++) {
          if (!found(this.sent[next]!)) continue;
          this.#waiters.delete(check);
          resolve(this.sent[next]!);
          return true;
        }
        return false;
      };
      if (!check()) this.#waiters.add(check);
    });
  }

  #record(message: Sent): void {
    this.sent.push(message);
    for (const waiter of [...this.#waiters]) waiter();
  }
}

/** A cell as its script sees it: its id, and the events it can emit. */
export interface ScriptedCell {
  readonly cell: number;
  readonly options: ExecuteOptions | undefined;
  emit(event: DistributiveOmit<EngineEvent, "cell">): void;
  ok(text?: string): CellOutcome;
  error(ename: string, evalue?: string): CellOutcome;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Script = (cell: ScriptedCell) => CellOutcome | Promise<CellOutcome>;

/**
 * An engine whose cells are scripts: `script(code, fn)` says what a cell of
 * that code does. Unscripted code echoes itself as its result; code that
 * starts with "throw " fails with the rest as its message.
 */
export class ScriptedEngine implements CellEngine {
  executionCount = 0;
  readonly executed: Array<{ code: string; options: ExecuteOptions | undefined }> = [];
  readonly #scripts = new Map<string, Script>();
  readonly #listeners = new Set<EngineListener>();
  readonly #started = new Map<string, () => void>();

  script(code: string, script: Script): this {
    this.#scripts.set(code, script);
    return this;
  }

  /** Resolves once a cell of `code` has started. */
  started(code: string): Promise<void> {
    if (this.executed.some((e) => e.code === code)) return Promise.resolve();
    return new Promise((resolve) => this.#started.set(code, resolve));
  }

  async execute(code: string, options?: ExecuteOptions): Promise<CellOutcome> {
    const id = ++this.executionCount;
    this.executed.push({ code, options });
    this.#started.get(code)?.();
    const cell = this.cell(id, options);
    const script = this.#scripts.get(code) ?? ((c) => (code.startsWith("throw ") ? c.error("Error", code.slice(6)) : c.ok(code)));
    return script(cell);
  }

  /** Cell `id` as a script sees it; late output of an old cell is emitted through one of these. */
  cell(id: number, options?: ExecuteOptions): ScriptedCell {
    const emit = (event: DistributiveOmit<EngineEvent, "cell">): void => {
      for (const listener of this.#listeners) listener({ ...event, cell: id } as EngineEvent);
    };
    return {
      cell: id,
      options,
      emit,
      ok: (text) => {
        if (text === undefined) return { status: "ok", cell: id, value: undefined };
        const data = { "text/plain": text };
        emit({ kind: "result", data, metadata: {}, value: text });
        return { status: "ok", cell: id, value: text, data };
      },
      error: (ename, evalue = "") => {
        const error = { ename, evalue, traceback: [`${ename}: ${evalue}`], uncaught: `Uncaught ${ename}: ${evalue}`, value: undefined };
        emit({ kind: "error", error, late: false });
        return { status: "error", cell: id, error };
      },
    };
  }

  complete(code: string, cursor: number) {
    return { matches: [`${code.slice(0, cursor)}Completed`], cursorStart: 0, cursorEnd: cursor, types: [] };
  }

  inspect(code: string) {
    return { found: code !== "", data: { "text/plain": `about ${code}` } };
  }

  isComplete(code: string) {
    return code.endsWith("{") ? ({ status: "incomplete", indent: "  " } as const) : ({ status: "complete" } as const);
  }

  on(listener: EngineListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** A history file of earlier sessions, for range requests with negative sessions. */
export function historyFile(entries: Array<{ session: number; line: number; input: string; output?: string | null }> = []): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-core-"));
  const file = path.join(dir, "history.json");
  if (entries.length > 0) writeFileSync(file, JSON.stringify({ entries }));
  return file;
}

/** A KernelCore on a fake transport and a scripted engine, with helpers to send it requests. */
export class CoreHarness {
  readonly channels = new FakeChannels();
  readonly engine = new ScriptedEngine();
  readonly logs: string[] = [];
  readonly stats = new KernelStats((line) => this.logs.push(line));
  readonly history: History;
  readonly core: KernelCore;

  /** `backend`: when the engine and history are ready (at once by default: an early kernel_info is tested with a later one). */
  constructor(options: { historyFile?: string; backend?: Promise<void> } = {}) {
    this.history = new History(options.historyFile ?? historyFile(), (line) => this.logs.push(line));
    const backend: Backend = { engine: this.engine, history: this.history };
    this.core = new KernelCore(options.backend ? options.backend.then(() => backend) : backend, this.channels, kernelInfo(), (line) => this.logs.push(line), this.stats);
  }

  /** Hands a shell message to the core; returns its msg_id. */
  send(msgType: string, content: unknown = {}, buffers: Buffer[] = []): string {
    const id = randomUUID();
    const header = { msg_id: id, session: "test", username: "test", date: new Date().toISOString(), msg_type: msgType, version: "5.3" };
    this.core.receive({ identities: [], header, parent_header: {}, metadata: {}, content: content as Record<string, unknown>, buffers });
    return id;
  }

  /** Resolves with the reply to `id`, once its idle status has been published too. */
  async reply(id: string): Promise<Sent> {
    await this.idle(id);
    return this.channels.sent.find((m) => m.channel === "shell" && m.parent === id)!;
  }

  idle(id: string): Promise<Sent> {
    return this.channels.until((m) => m.parent === id && m.type === "status" && m.content.execution_state === "idle");
  }

  /** Sends an execute_request (as a frontend does, stop_on_error and store_history on); resolves with its reply. */
  async execute(code: string, extra: Record<string, unknown> = {}): Promise<{ id: string; reply: Sent; iopub: Sent[] }> {
    const id = this.send("execute_request", { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: true, stop_on_error: true, ...extra });
    const reply = await this.reply(id);
    return { id, reply, iopub: this.channels.sent.filter((m) => m.channel === "iopub" && m.parent === id) };
  }

  /** The messages refused, as the log says: "shell: rejected a message (REASON: DETAIL)". */
  rejected(): string[] {
    return this.logs.filter((line) => line.includes("rejected a message"));
  }
}
