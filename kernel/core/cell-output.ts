import type { EngineEvent } from "../../runtime/engine/index.js";
import type { Header } from "../protocol/messages.js";
import type { Channels } from "./channels.js";
import type { Counters } from "./stats.js";

/**
 * The engine's typed events as IOPub messages, each sent with the parent
 * header of the request its cell came from: output that comes after a
 * cell's reply (a timer's) still goes to that request.
 */
export class CellOutput {
  /**
   * Parent headers kept for late output, least recently used first out: a
   * cell whose timer still prints keeps its place; output of a cell older
   * than the last PARENTS that print is dropped (and counted).
   */
  static readonly PARENTS = 1000;
  /**
   * Characters of stream text held for one message. A cell that prints in a
   * loop without yielding lets nothing be sent until it ends or is
   * interrupted; past this, its output is dropped (and the message says how
   * much), so that such a loop does not eat the memory of the process.
   */
  static readonly MAX_STREAM_TEXT = 4 << 20;
  /** The number the cell running now shows: its execute_result carries it. */
  resultCount = 0;
  readonly #parents = new Map<number, Partial<Header>>();
  /** Stream text waiting to be sent: consecutive writes of a cell become one message. */
  #pendingStream: { parent: Partial<Header>; name: "stdout" | "stderr"; text: string; dropped: number } | undefined;
  #flushScheduled = false;

  constructor(
    private readonly channels: Pick<Channels, "publish">,
    private readonly counters: Counters,
  ) {}

  /** A cell's parent header, kept while it is among the PARENTS most recently used; `silent` cells show no output. */
  remember(cell: number, parent: Partial<Header>, silent = false): void {
    this.#parents.delete(cell);
    this.#parents.set(cell, silent ? { ...parent, msg_type: "silent" } : parent);
    if (this.#parents.size > CellOutput.PARENTS) this.#parents.delete(this.#parents.keys().next().value!);
    this.counters.parents = this.#parents.size;
  }

  /** One engine event, published to its cell's request. */
  publish(event: EngineEvent): void {
    const parent = this.#parents.get(event.cell);
    if (parent === undefined) {
      this.counters.lateOutputDropped++;
      return;
    }
    // Used: it moves to the most recent end.
    this.remember(event.cell, parent);
    const silent = parent.msg_type === "silent";
    if (event.kind !== "stream") this.flush();
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
        if (!silent) this.channels.publish(parent, "execute_result", { execution_count: this.resultCount, data: event.data, metadata: event.metadata });
        break;
      case "error":
        if (!silent) this.channels.publish(parent, "error", { ename: event.error.ename, evalue: event.error.evalue, traceback: event.error.traceback });
        break;
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
      if (pending.text.length + text.length <= CellOutput.MAX_STREAM_TEXT) pending.text += text;
      else pending.dropped += text.length;
    } else {
      this.flush();
      this.#pendingStream = { parent, name, text: text.slice(0, CellOutput.MAX_STREAM_TEXT), dropped: Math.max(0, text.length - CellOutput.MAX_STREAM_TEXT) };
    }
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => {
        this.#flushScheduled = false;
        this.flush();
      });
    }
  }

  /** Sends the stream text gathered so far (before anything else is sent). */
  flush(): void {
    const pending = this.#pendingStream;
    if (pending === undefined) return;
    this.#pendingStream = undefined;
    let text = pending.text;
    if (pending.dropped > 0) {
      this.counters.outputDropped += pending.dropped;
      text += `\n[greenlet-ts: ${pending.dropped.toLocaleString("en-US")} more characters of ${pending.name} dropped: the cell wrote them faster than they could be sent]\n`;
    }
    this.channels.publish(pending.parent, "stream", { name: pending.name, text });
  }
}
