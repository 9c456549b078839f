import type { CellOutcome, Completeness, Completions, EngineListener, ExecuteOptions, Inspection } from "../../runtime/engine/index.js";
import { cellPath } from "../debugger/debug-paths.js";
import type { IncomingMessage, KernelInfoReply, Message, ReplyOf, ShellNotifications, ShellRequests } from "../protocol/messages.js";
import { CellOutput } from "./cell-output.js";
import type { Channels } from "./channels.js";
import { CommRegistry } from "./comms.js";
import { Dispatcher, type HandlerTable } from "./dispatch.js";
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

/** What the core needs of the history: kernel/core/history.ts's History. */
export type HistoryStore = Pick<History, "add" | "setOutput" | "query">;

/** What loads after the sockets are up; requests that need it wait for it, kernel_info does not. */
export interface Backend {
  engine: CellEngine;
  history: HistoryStore;
}

type ExecuteRequest = IncomingMessage<"execute_request">;

/**
 * The protocol core of the shell channel (xeus's split: transport / core /
 * engine): its handler table, run by the dispatch model it shares with
 * control (dispatch.ts); requests handled in order, one at a time, with
 * busy/idle around each; the execution count, execute_input,
 * stop_on_error, history, comms and input().
 */
export class KernelCore {
  /** The number of the last cell stored in the history (execute requests with store_history). */
  #executionCount = 0;
  readonly #queue: Message[] = [];
  #busy = false;
  #stopped = false;
  #idle: Promise<void> = Promise.resolve();
  readonly #backend: Promise<Backend>;
  readonly #dispatcher: Dispatcher<keyof ShellRequests, keyof ShellNotifications>;
  readonly #output: CellOutput;
  /** The execute request running now: input() asks its client. */
  #executing: ExecuteRequest | undefined;
  /** The request being handled: the parent of comm messages sent meanwhile. */
  #handling: Message["parent_header"] = {};
  readonly comms: CommRegistry;

  constructor(
    backend: Backend | Promise<Backend>,
    private readonly channels: Channels,
    private readonly kernelInfo: KernelInfoReply,
    log: (text: string) => void,
    private readonly stats: KernelStats,
  ) {
    this.#output = new CellOutput(channels, stats.counters);
    this.#backend = Promise.resolve(backend).then((loaded) => {
      loaded.engine.on((event) => this.#output.publish(event));
      return loaded;
    });
    // A backend that fails to load is reported by whoever loads it (kernel-main exits); requests waiting for it get error replies.
    this.#backend.catch(() => undefined);
    this.comms = new CommRegistry(
      {
        open: (comm_id, target_name, data) => this.channels.publish(this.#handling, "comm_open", { comm_id, target_name, data }),
        message: (comm_id, data) => this.channels.publish(this.#handling, "comm_msg", { comm_id, data }),
        close: (comm_id, data) => this.channels.publish(this.#handling, "comm_close", { comm_id, data }),
      },
      log,
    );
    this.#dispatcher = new Dispatcher(
      this.#handlers(),
      stats.report("shell"),
      (request, content) => {
        this.#output.flush();
        this.channels.reply(request, content);
      },
      (msgType) => (msgType === "execute_request" ? { execution_count: this.#executionCount } : {}),
    );
  }

  #handlers(): HandlerTable<keyof ShellRequests, keyof ShellNotifications> {
    const backend = this.#backend;
    return {
      requests: {
        kernel_info_request: () => this.kernelInfo,
        execute_request: (request) => this.#execute(request),
        complete_request: async ({ content }) => {
          const completions = (await backend).engine.complete(content.code, content.cursor_pos);
          return {
            status: "ok",
            matches: completions.matches,
            cursor_start: completions.cursorStart,
            cursor_end: completions.cursorEnd,
            metadata: { _jupyter_types_experimental: completions.types },
          };
        },
        inspect_request: async ({ content }) => {
          const inspection = (await backend).engine.inspect(content.code, content.cursor_pos, content.detail_level === 1 ? 1 : 0);
          return { status: "ok", found: inspection.found, data: inspection.data, metadata: {} };
        },
        is_complete_request: async ({ content }) => {
          const answer = (await backend).engine.isComplete(content.code);
          return answer.status === "incomplete" ? { status: "incomplete", indent: answer.indent } : { status: answer.status };
        },
        history_request: async ({ content }) => ({ status: "ok", history: (await backend).history.query(content) }),
        comm_info_request: ({ content }) => ({ status: "ok", comms: this.comms.info(content.target_name) }),
      },
      notifications: {
        comm_open: ({ content }) => this.comms.opened(content.comm_id, content.target_name, content.data ?? {}),
        comm_msg: ({ content, buffers }) => this.comms.received(content.comm_id, content.data ?? {}, buffers),
        comm_close: ({ content }) => this.comms.closedByFrontend(content.comm_id, content.data ?? {}),
      },
    };
  }

  /** A shell message: handled in order, one at a time. A type without a handler is refused here. */
  receive(request: Message): void {
    if (!this.#dispatcher.accepts(request) || this.#stopped) return;
    this.#queue.push(request);
    if (!this.#busy) this.#idle = this.#drain();
  }

  /** Resolves once no shell request is being handled or waits (at once when none is). */
  whenIdle(): Promise<void> {
    return this.#busy ? this.#idle : Promise.resolve();
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
        this.#output.flush();
        this.#handling = request.header;
        this.channels.publish(request.header, "status", { execution_state: "busy" });
        await this.#dispatcher.handle(request);
        this.channels.publish(request.header, "status", { execution_state: "idle" });
      }
    } finally {
      this.#busy = false;
    }
  }

  async #execute(request: ExecuteRequest): Promise<ReplyOf<"execute_request">> {
    const { engine, history } = await this.#backend;
    const { code, silent = false, stop_on_error = true } = request.content;
    // silent forces store_history off, as the spec says and IPython does: jupyter_client's execute()
    // sends store_history: true along with silent: true, and such a cell must not take a number.
    const store_history = !silent && (request.content.store_history ?? true);
    // The number the cell runs at (its In [n]); only a stored cell keeps it. An unstored cell's
    // execute_input and execute_result show the next number, as ipykernel's do.
    const count = this.#executionCount + 1;
    if (store_history) this.#executionCount = count;
    this.#output.resultCount = count;
    if (!silent) this.channels.publish(request.header, "execute_input", { code, execution_count: count });
    // Out before the cell runs: a cell that spins would hold it back, and a frontend would not see that it runs.
    await this.channels.flushed();
    this.#output.remember(engine.executionCount + 1, request.header, silent);
    // The input is in the history before it runs, as IPython does: a cell that ends the process is there too.
    const entry: HistoryEntry | undefined = store_history ? history.add(count, code) : undefined;
    this.#executing = request;
    this.stats.counters.executed++;
    let outcome: CellOutcome;
    try {
      // A silent request (a frontend's own) leaves `_` and `_error` to what the user saw. The script is
      // named after the file a debugger client dumps this code to, so that its breakpoints bind in it.
      outcome = await engine.execute(code, { filename: `[${count}]`, updateUnderscore: !silent, scriptName: cellPath(code) });
    } finally {
      this.#executing = undefined;
      this.channels.endInput(request);
    }
    const userExpressions = outcome.status === "ok" ? await this.#userExpressions(engine, request.content.user_expressions ?? {}) : {};
    const plain = outcome.status === "ok" ? outcome.data?.["text/plain"] : undefined;
    if (entry !== undefined && typeof plain === "string") history.setOutput(entry, plain);
    // The reply carries the counter as it is now: the cell's number if it was stored, else the number
    // of the last stored cell (the spec's "current value of the counter"; ipykernel does the same).
    const execution_count = this.#executionCount;
    if (outcome.status === "ok") return { status: "ok", execution_count, user_expressions: userExpressions, payload: [] };
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
    this.#output.flush();
    return this.channels.input(request, String(prompt), password);
  }

  /** Each user expression evaluated after the cell, quietly: its MIME bundle, or its error. */
  async #userExpressions(engine: CellEngine, expressions: Record<string, string>): Promise<Record<string, unknown>> {
    const results: Record<string, unknown> = {};
    for (const [name, expression] of Object.entries(expressions)) {
      this.#output.remember(engine.executionCount + 1, {}, true);
      const outcome = await engine.execute(String(expression), { filename: `user_expressions.${name}`, updateUnderscore: false });
      results[name] =
        outcome.status === "ok"
          ? { status: "ok", data: outcome.data ?? { "text/plain": "undefined" }, metadata: {} }
          : { status: "error", ename: outcome.error.ename, evalue: outcome.error.evalue, traceback: outcome.error.traceback };
    }
    return results;
  }

  /** After a failed cell, the execute requests already waiting are aborted, as ipykernel 6 does; other requests stay. */
  #abortQueued(): void {
    const waiting = this.#queue.splice(0, this.#queue.length);
    for (const request of waiting) {
      if (!isExecute(request)) {
        this.#queue.push(request);
        continue;
      }
      this.channels.publish(request.header, "status", { execution_state: "busy" });
      this.channels.reply(request, { status: "aborted", execution_count: this.#executionCount });
      this.channels.publish(request.header, "status", { execution_state: "idle" });
    }
  }
}

function isExecute(message: Message): message is Message<"execute_request"> {
  return message.header.msg_type === "execute_request";
}
