import type { CellOutcome, Completeness, Completions, EngineEvent, EngineListener, ExecuteOptions, Inspection } from "../../runtime/engine/index.js";
import { REPLY_TO, type Broadcasts, type Header, type Message, type Notifications, type ReplyOf, type Replies, type Requests } from "../protocol/messages.js";
import { contentProblem } from "../protocol/validate.js";
import { printable } from "../protocol/wire.js";
import { CommRegistry } from "./comms.js";
import type { History, HistoryEntry } from "./history.js";
import type { KernelStats } from "./stats.js";

/** The engine behind the kernel: the one small interface the protocol core uses. */
export interface CellEngine {
  execute(code: string, options?: ExecuteOptions): Promise<CellOutcome>;
  complete(code: string, cursor: number): Completions;
  inspect(code: string, cursor: number, detail: 0 | 1): Inspection;
  isComplete(code: string): Completeness;
  on(listener: EngineListener): () => void;
  readonly executionCount: number;
}

/** The reply to a request that could not be handled: its content was invalid, or its handler threw. */
export interface ErrorReply {
  status: "error";
  ename: string;
  evalue: string;
  traceback: string[];
  execution_count?: number;
}

/** What the core needs of the transport: replies on a request's channel, broadcasts on IOPub. */
export interface Channels {
  reply<K extends keyof Replies>(request: Message, msgType: K, content: Replies[K] | ErrorReply): void;
  publish<K extends keyof Broadcasts>(parent: Partial<Header>, msgType: K, content: Broadcasts[K]): void;
  /** Sends input_request on stdin to the client that sent `request`; resolves with its input_reply's value. */
  input(request: Message, prompt: string, password: boolean): Promise<string>;
  /** The request's cell has finished: input() calls of it still waiting (an interrupt) wait no more. */
  endInput(request: Message): void;
  /** Resolves once everything published so far has been handed to ZeroMQ. */
  flushed(): Promise<void>;
}

type Handler<K extends keyof Requests> = (request: Message<K, Requests[K]>) => Promise<ReplyOf<K>> | ReplyOf<K>;
type HandlerTable = { [K in keyof Requests]?: Handler<K> };

/**
 * The protocol core (xeus's split: transport / core / engine): the handler
 * table keyed by msg_type, the execution count, busy/idle around every
 * request, execute_input, stop_on_error, history, and the mapping of the
 * engine's typed events to IOPub messages — late output goes to the request
 * its cell came from.
 */
export class KernelCore {
  /**
   * Parent headers kept for late output, least recently used first out: a
   * cell whose timer still prints keeps its place; output of a cell older
   * than the last PARENTS that print is dropped (and counted).
   */
  static readonly PARENTS = 1000;
  /** The number of the last cell stored in the history (execute requests with store_history). */
  #executionCount = 0;
  /** The number the cell running now shows: its execute_result carries it. */
  #resultCount = 0;
  readonly #parents = new Map<number, Partial<Header>>();
  readonly #queue: Message[] = [];
  #busy = false;
  #stopped = false;
  #idle: Promise<void> = Promise.resolve();
  readonly #handlers: HandlerTable;
  /** Stream text waiting to be sent: consecutive writes of a cell become one message. */
  #pendingStream: { parent: Partial<Header>; name: "stdout" | "stderr"; text: string; dropped: number } | undefined;
  /**
   * Characters of stream text held for one message. A cell that prints in a
   * loop without yielding lets nothing be sent until it ends or is
   * interrupted; past this, its output is dropped (and the message says how
   * much), so that such a loop does not eat the memory of the process.
   */
  static readonly MAX_STREAM_TEXT = 4 << 20;
  #flushScheduled = false;
  /** The execute request running now: input() asks its client. */
  #executing: Message<"execute_request", Requests["execute_request"]> | undefined;
  /** The request being handled: the parent of comm messages sent meanwhile. */
  #handling: Partial<Header> = {};
  readonly comms: CommRegistry;
  readonly #notifications: { [K in keyof Notifications]: (request: Message<K, Notifications[K]>) => void };

  constructor(
    private readonly engine: CellEngine,
    private readonly channels: Channels,
    private readonly kernelInfo: Replies["kernel_info_reply"],
    private readonly history: History,
    private readonly log: (text: string) => void,
    private readonly stats: KernelStats,
  ) {
    engine.on((event) => this.#broadcast(event));
    this.comms = new CommRegistry(
      {
        open: (comm_id, target_name, data) => this.channels.publish(this.#handling, "comm_open", { comm_id, target_name, data }),
        message: (comm_id, data) => this.channels.publish(this.#handling, "comm_msg", { comm_id, data }),
        close: (comm_id, data) => this.channels.publish(this.#handling, "comm_close", { comm_id, data }),
      },
      log,
    );
    this.#notifications = {
      comm_open: ({ content }) => this.comms.opened(String(content.comm_id), String(content.target_name), content.data ?? {}),
      comm_msg: ({ content, buffers }) => this.comms.received(String(content.comm_id), content.data ?? {}, buffers),
      comm_close: ({ content }) => this.comms.closedByFrontend(String(content.comm_id), content.data ?? {}),
    };
    this.#handlers = {
      kernel_info_request: () => this.kernelInfo,
      execute_request: (request) => this.#execute(request),
      complete_request: ({ content }) => {
        const completions = this.engine.complete(content.code, content.cursor_pos);
        return {
          status: "ok",
          matches: completions.matches,
          cursor_start: completions.cursorStart,
          cursor_end: completions.cursorEnd,
          metadata: { _jupyter_types_experimental: completions.types },
        };
      },
      inspect_request: ({ content }) => {
        const inspection = this.engine.inspect(content.code, content.cursor_pos, content.detail_level === 1 ? 1 : 0);
        return { status: "ok", found: inspection.found, data: inspection.data, metadata: {} };
      },
      is_complete_request: ({ content }) => {
        const answer = this.engine.isComplete(content.code);
        return answer.status === "incomplete" ? { status: "incomplete", indent: answer.indent } : { status: answer.status };
      },
      history_request: ({ content }) => ({ status: "ok", history: this.history.query(content) }),
      comm_info_request: ({ content }) => ({ status: "ok", comms: this.comms.info(content.target_name) }),
    };
  }

  /** A shell request: handled in order, one at a time. A type without a handler is refused here. */
  receive(request: Message): void {
    const type = request.header.msg_type;
    if (!Object.hasOwn(this.#handlers, type) && !Object.hasOwn(this.#notifications, type)) {
      this.stats.reject("shell", "unknown msg_type", printable(type));
      return;
    }
    if (this.#stopped) return;
    this.#queue.push(request);
    if (!this.#busy) this.#idle = this.#drain();
  }

  /** Takes no more requests (the kernel is exiting); resolves once the one being handled is done. */
  stop(): Promise<void> {
    this.#stopped = true;
    this.#queue.length = 0;
    return this.#idle;
  }

  async #drain(): Promise<void> {
    this.#busy = true;
    try {
      for (let request = this.#queue.shift(); request !== undefined && !this.#stopped; request = this.#queue.shift()) {
        await this.#handle(request);
      }
    } finally {
      this.#busy = false;
    }
  }

  async #handle(request: Message): Promise<void> {
    const type = request.header.msg_type;
    this.#flushStream();
    this.#handling = request.header;
    this.channels.publish(request.header, "status", { execution_state: "busy" });
    const isRequest = Object.hasOwn(this.#handlers, type);
    try {
      const problem = contentProblem(type, request.content);
      if (problem !== undefined) {
        // Counted and logged as a refusal; a request still gets its (error) reply, so that no client waits forever.
        this.stats.reject("shell", "invalid content", `${type}: ${problem}`);
        if (isRequest) this.#replyError(request, "InvalidRequest", `${type}: ${problem}`);
        return;
      }
      this.stats.accept("shell", type);
      if (!isRequest) {
        (this.#notifications as unknown as Record<string, (request: Message) => void>)[type]!(request);
        return;
      }
      const handler = (this.#handlers as Record<string, Handler<keyof Requests>>)[type]!;
      const reply = await handler(request as never);
      this.#flushStream();
      this.channels.reply(request, REPLY_TO[type as keyof Requests], reply as never);
    } catch (error) {
      this.log(`shell: ${type} failed: ${(error as Error)?.stack ?? String(error)}`);
      if (isRequest) this.#replyError(request, (error as Error)?.name ?? "Error", (error as Error)?.message ?? String(error));
    } finally {
      this.channels.publish(request.header, "status", { execution_state: "idle" });
    }
  }

  #replyError(request: Message, ename: string, evalue: string): void {
    const type = request.header.msg_type as keyof Requests;
    const content: ErrorReply = { status: "error", ename, evalue, traceback: [] };
    if (type === "execute_request") content.execution_count = this.#executionCount;
    this.#flushStream();
    this.channels.reply(request, REPLY_TO[type], content);
  }

  async #execute(request: Message<"execute_request", Requests["execute_request"]>): Promise<ReplyOf<"execute_request">> {
    const { code, silent = false, stop_on_error = true } = request.content;
    // silent forces store_history off, as the spec says and IPython does: jupyter_client's execute()
    // sends store_history: true along with silent: true, and such a cell must not take a number.
    const store_history = !silent && (request.content.store_history ?? true);
    // The number the cell runs at (its In [n]); only a stored cell keeps it. An unstored cell's
    // execute_input and execute_result show the next number, as ipykernel's do.
    const count = this.#executionCount + 1;
    if (store_history) this.#executionCount = count;
    this.#resultCount = count;
    if (!silent) this.channels.publish(request.header, "execute_input", { code, execution_count: count });
    // Out before the cell runs: a cell that spins would hold it back, and a frontend would not see that it runs.
    await this.channels.flushed();
    const cell = this.engine.executionCount + 1;
    this.#remember(cell, silent ? { ...request.header, msg_type: "silent" } : request.header);
    // The input is in the history before it runs, as IPython does: a cell that ends the process is there too.
    const entry: HistoryEntry | undefined = store_history ? this.history.add(count, code) : undefined;
    this.#executing = request;
    this.stats.counters.executed++;
    let outcome: CellOutcome;
    try {
      // A silent request (a frontend's own) leaves `_` and `_error` to what the user saw.
      outcome = await this.engine.execute(code, { filename: `[${count}]`, updateUnderscore: !silent });
    } finally {
      this.#executing = undefined;
      this.channels.endInput(request as unknown as Message);
    }
    const userExpressions = outcome.status === "ok" ? await this.#userExpressions(request.content.user_expressions ?? {}) : {};
    if (entry !== undefined && outcome.status === "ok") {
      const plain = outcome.data?.["text/plain"];
      if (typeof plain === "string") this.history.setOutput(entry, plain);
    }
    // The reply carries the counter as it is now: the cell's number if it was stored, else the number
    // of the last stored cell (the spec's "current value of the counter"; ipykernel does the same).
    const execution_count = this.#executionCount;
    if (outcome.status === "ok") {
      return { status: "ok", execution_count, user_expressions: userExpressions, payload: [] };
    }
    if (stop_on_error) this.#abortQueued();
    const { ename, evalue, traceback } = outcome.error;
    return { status: "error", ename, evalue, traceback, execution_count };
  }

  /**
   * `await input(prompt)` in a cell: an input_request on stdin to the client
   * of the running execute request, if it allows stdin; a clear error otherwise.
   */
  async input(prompt = "", password = false): Promise<string> {
    const request = this.#executing;
    if (request === undefined) throw new Error("input() can only be called while a cell runs");
    if (request.content.allow_stdin === false) {
      throw new Error("input() is not available: the frontend that sent this cell does not accept input (allow_stdin is false)");
    }
    this.#flushStream();
    return this.channels.input(request as unknown as Message, String(prompt), password);
  }

  /** Each user expression evaluated after the cell, quietly: its MIME bundle, or its error. */
  async #userExpressions(expressions: Record<string, string>): Promise<Record<string, unknown>> {
    const results: Record<string, unknown> = {};
    for (const [name, expression] of Object.entries(expressions)) {
      const cell = this.engine.executionCount + 1;
      this.#remember(cell, { msg_type: "silent" });
      const outcome = await this.engine.execute(String(expression), { filename: `user_expressions.${name}`, updateUnderscore: false });
      results[name] =
        outcome.status === "ok"
          ? { status: "ok", data: outcome.data ?? { "text/plain": "undefined" }, metadata: {} }
          : { status: "error", ename: outcome.error.ename, evalue: outcome.error.evalue, traceback: outcome.error.traceback };
    }
    return results;
  }

  /** After a failed cell, the execute requests already waiting are aborted, as ipykernel 6 does. */
  #abortQueued(): void {
    const waiting = this.#queue.splice(0, this.#queue.length);
    for (const request of waiting) {
      if (request.header.msg_type !== "execute_request") {
        this.#queue.push(request);
        continue;
      }
      this.channels.publish(request.header, "status", { execution_state: "busy" });
      this.channels.reply(request, "execute_reply", { status: "aborted", execution_count: this.#executionCount });
      this.channels.publish(request.header, "status", { execution_state: "idle" });
    }
  }

  /**
   * Writes are gathered into one stream message per run of writes of one
   * cell to one stream, sent when something else is sent, at the end of the
   * request, or on the next turn of the event loop: 10,000 console.log calls
   * make a few messages, not 10,000.
   */
  #stream(parent: Partial<Header>, name: "stdout" | "stderr", text: string): void {
    const pending = this.#pendingStream;
    if (pending !== undefined && pending.parent === parent && pending.name === name) {
      if (pending.text.length + text.length <= KernelCore.MAX_STREAM_TEXT) pending.text += text;
      else pending.dropped += text.length;
    } else {
      this.#flushStream();
      this.#pendingStream = { parent, name, text: text.slice(0, KernelCore.MAX_STREAM_TEXT), dropped: Math.max(0, text.length - KernelCore.MAX_STREAM_TEXT) };
    }
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => {
        this.#flushScheduled = false;
        this.#flushStream();
      });
    }
  }

  #flushStream(): void {
    const pending = this.#pendingStream;
    if (pending === undefined) return;
    this.#pendingStream = undefined;
    let text = pending.text;
    if (pending.dropped > 0) {
      this.stats.counters.outputDropped += pending.dropped;
      text += `\n[greenlet-ts: ${pending.dropped.toLocaleString("en-US")} more characters of ${pending.name} dropped: the cell wrote them faster than they could be sent]\n`;
    }
    this.channels.publish(pending.parent, "stream", { name: pending.name, text });
  }

  /** A cell's parent header, kept while it is among the PARENTS most recently used. */
  #remember(cell: number, parent: Partial<Header>): void {
    this.#parents.delete(cell);
    this.#parents.set(cell, parent);
    if (this.#parents.size > KernelCore.PARENTS) this.#parents.delete(this.#parents.keys().next().value!);
    this.stats.counters.parents = this.#parents.size;
  }

  #broadcast(event: EngineEvent): void {
    const parent = this.#parents.get(event.cell);
    if (parent === undefined) {
      this.stats.counters.lateOutputDropped++;
      return;
    }
    // Used: it moves to the most recent end.
    this.#remember(event.cell, parent);
    const silent = parent.msg_type === "silent";
    if (event.kind !== "stream") this.#flushStream();
    switch (event.kind) {
      case "stream":
        if (!silent) this.#stream(parent, event.name, event.text);
        break;
      case "display":
        this.channels.publish(parent, "display_data", { data: event.data, metadata: event.metadata, ...(event.displayId ? { transient: { display_id: event.displayId } } : {}) });
        break;
      case "update":
        this.channels.publish(parent, "update_display_data", { data: event.data, metadata: event.metadata, transient: { display_id: event.displayId } });
        break;
      case "clear":
        this.channels.publish(parent, "clear_output", { wait: event.wait });
        break;
      case "result":
        if (!silent) this.channels.publish(parent, "execute_result", { execution_count: this.#resultCount, data: event.data, metadata: event.metadata });
        break;
      case "error":
        if (!silent) this.channels.publish(parent, "error", { ename: event.error.ename, evalue: event.error.evalue, traceback: event.error.traceback });
        break;
    }
  }
}
