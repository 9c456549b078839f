import type { RejectReason } from "../protocol/wire.js";

export type ChannelName = "shell" | "control" | "stdin";

/**
 * Where a channel's refusals, accepted messages and troubles go: the stats
 * on the main thread; on the control thread, messages posted to the main
 * thread, which hands them to the stats.
 */
export interface ChannelReport {
  readonly channel: ChannelName;
  rejected(reason: RejectReason, detail?: string): void;
  accepted(msgType: string): void;
  log(text: string): void;
}

/** The kernel's counters, as logged when it exits. */
export interface Counters {
  /** Refused messages by channel and reason: none of them reached a handler. */
  rejected: Partial<Record<ChannelName, Partial<Record<RejectReason, number>>>>;
  /** Messages that passed every check, by channel and msg_type. */
  accepted: Partial<Record<ChannelName, Record<string, number>>>;
  /** Cells the engine ran for execute requests. */
  executed: number;
  /** Late output dropped because its cell's request had been forgotten (see CellOutput.PARENTS). */
  lateOutputDropped: number;
  /** Parent headers remembered for late output when the counters were taken. */
  parents: number;
  /** Characters of stream output dropped (CellOutput.MAX_STREAM_TEXT). */
  outputDropped: number;
  /** IOPub messages dropped because too many were waiting to be sent. */
  iopubDropped: number;
}

/**
 * Counts every message the kernel refuses or handles, and logs each refusal
 * once, rate-limited: within a window of WINDOW_MS at most LINES lines, one
 * per message; the refusals beyond that are counted and summed up in one
 * line when the window closes (or the kernel exits). A flood of any size
 * costs at most LINES + 1 lines per window, and every refused message is
 * accounted for exactly once in the log.
 */
export class KernelStats {
  static readonly LINES = 20;
  static readonly WINDOW_MS = 10_000;
  readonly counters: Counters = { rejected: {}, accepted: {}, executed: 0, lateOutputDropped: 0, parents: 0, outputDropped: 0, iopubDropped: 0 };
  #window: { lines: number; suppressed: Map<string, number>; timer: NodeJS.Timeout } | undefined;

  constructor(private readonly log: (text: string) => void) {}

  reject(channel: ChannelName, reason: RejectReason, detail?: string): void {
    const byReason = (this.counters.rejected[channel] ??= {});
    byReason[reason] = (byReason[reason] ?? 0) + 1;
    const window = (this.#window ??= { lines: 0, suppressed: new Map(), timer: setTimeout(() => this.flush(), KernelStats.WINDOW_MS).unref() });
    if (window.lines < KernelStats.LINES) {
      window.lines++;
      this.log(`${channel}: rejected a message (${reason}${detail === undefined ? "" : `: ${detail}`})`);
    } else {
      const key = `${channel} ${reason}`;
      window.suppressed.set(key, (window.suppressed.get(key) ?? 0) + 1);
    }
  }

  accept(channel: ChannelName, msgType: string): void {
    const byType = (this.counters.accepted[channel] ??= {});
    byType[msgType] = (byType[msgType] ?? 0) + 1;
  }

  /** The report of one channel of this thread. */
  report(channel: ChannelName): ChannelReport {
    return {
      channel,
      rejected: (reason, detail) => this.reject(channel, reason, detail),
      accepted: (msgType) => this.accept(channel, msgType),
      log: (text) => this.log(`${channel}: ${text}`),
    };
  }

  /** Closes the current window: the refusals it did not log get their summary line. */
  flush(): void {
    const window = this.#window;
    if (window === undefined) return;
    this.#window = undefined;
    clearTimeout(window.timer);
    if (window.suppressed.size === 0) return;
    const total = [...window.suppressed.values()].reduce((a, b) => a + b, 0);
    const parts = [...window.suppressed].map(([key, count]) => `${key}: ${count.toLocaleString("en-US")}`);
    this.log(`... ${total.toLocaleString("en-US")} more rejected messages in the last ${KernelStats.WINDOW_MS / 1000} s (${parts.join("; ")})`);
  }
}
