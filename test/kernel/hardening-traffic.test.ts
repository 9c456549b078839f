import { randomBytes } from "node:crypto";
import { figures, HardenedKernel, random, type Channel, type Frame, type Msg } from "../helpers/kernel-hardening.js";

// Malformed, forged and replayed traffic against a real kernel process over
// real ZeroMQ: the kernel refuses each bad message for a known reason, counts
// it, logs it once (rate-limited), and keeps answering everything valid.

const MB = 1 << 20;
const LOG = "[greenlet-ts kernel] ";

/** Tallies by channel and reason (what the test sent, what the kernel logged). */
type Tally = Partial<Record<Channel, Record<string, number>>>;

function add(tally: Tally, channel: Channel, reason: string, n = 1): void {
  const byReason = (tally[channel] ??= {});
  byReason[reason] = (byReason[reason] ?? 0) + n;
}

/** Every refusal the log accounts for: one line each, or a share of a summary line. */
function loggedRefusals(lines: string[]): { tally: Tally; single: number; summaries: number } {
  const tally: Tally = {};
  let single = 0;
  let summaries = 0;
  for (const line of lines) {
    const one = /^\[greenlet-ts kernel\] (shell|control|stdin): rejected a message \((.*)\)$/.exec(line);
    if (one) {
      single++;
      add(tally, one[1] as Channel, one[2]!.split(": ")[0]!);
      continue;
    }
    const summary = /^\[greenlet-ts kernel\] \.\.\. ([\d,]+) more rejected messages in the last 10 s \((.*)\)$/.exec(line);
    if (summary) {
      summaries++;
      for (const part of summary[2]!.split("; ")) {
        const [, channel, reason, count] = /^(shell|control|stdin) (.+): ([\d,]+)$/.exec(part)!;
        add(tally, channel as Channel, reason!, Number(count!.replaceAll(",", "")));
      }
    }
  }
  return { tally, single, summaries };
}

/**
 * Bad messages of every kind the issue lists, each with the reason the
 * kernel must give. `signed` makes a correctly signed message of parts that
 * are then broken after signing is done right.
 */
class Garbage {
  readonly expected: Tally = {};
  /** Requests with invalid content: each must get one error reply. */
  readonly invalidRequests: string[] = [];
  /** Correctly signed messages already answered: replaying any must be refused. */
  readonly answered: Frame[][] = [];
  count = 0;
  readonly #rand: () => number;
  readonly #big = randomBytes(64 * MB);

  constructor(
    private readonly kernel: HardenedKernel,
    seed: number,
  ) {
    this.#rand = random(seed);
  }

  #int(n: number): number {
    return Math.floor(this.#rand() * n);
  }

  #pick<T>(items: readonly T[]): T {
    return items[this.#int(items.length)]!;
  }

  #bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.#int(256);
    return out;
  }

  /** Frames signed over whatever the four parts are. */
  #signed(parts: Frame[]): Frame[] {
    return ["<IDS|MSG>", this.kernel.sign(parts), ...parts];
  }

  #header(msgType: unknown, extra: Record<string, unknown> = {}): string {
    return JSON.stringify({ msg_id: `bad-${this.count}-${this.#int(1e9)}`, session: this.kernel.session, username: "fuzz", date: new Date().toISOString(), msg_type: msgType, version: "5.3", ...extra });
  }

  /** One bad message for `channel`; records the reason the kernel must give. */
  make(channel: Channel): Frame[] {
    this.count++;
    const kinds = ["random", "no delimiter", "too few", "no signature", "bad signature", "short signature", "not JSON", "not object", "bad header", "unknown type", "invalid content", "replay"] as const;
    let kind: (typeof kinds)[number] = this.#pick(kinds);
    if (kind === "replay" && this.answered.length === 0) kind = "bad signature";
    const expect = (reason: string): void => add(this.expected, channel, reason);
    const valid = JSON.stringify({});
    // Unique per message: two signed messages with the same parts would be a replay.
    const meta = JSON.stringify({ nonce: this.count });
    switch (kind) {
      case "random": {
        const frames = Array.from({ length: 1 + this.#int(6) }, () => this.#bytes(this.#int(300)));
        if (frames.some((f) => f.toString("latin1") === "<IDS|MSG>")) frames.push(Buffer.from("x"));
        expect("no delimiter");
        return frames;
      }
      case "no delimiter": {
        const parts = [this.#header("kernel_info_request"), valid, valid, valid];
        expect("no delimiter");
        return [this.kernel.sign(parts), ...parts];
      }
      case "too few": {
        const parts = [this.#header("kernel_info_request"), valid, valid, valid].slice(0, this.#int(4));
        expect("too few frames");
        return ["<IDS|MSG>", ...parts];
      }
      case "no signature": {
        expect("bad signature");
        return ["<IDS|MSG>", "", this.#header("kernel_info_request"), valid, valid, valid];
      }
      case "bad signature": {
        expect("bad signature");
        return ["<IDS|MSG>", this.#bytes(32).toString("hex"), this.#header("execute_request"), valid, valid, JSON.stringify({ code: "globalThis.forged = true" })];
      }
      case "short signature": {
        expect("bad signature");
        return ["<IDS|MSG>", this.#bytes(1 + this.#int(31)).toString("hex"), this.#header("kernel_info_request"), valid, valid, valid];
      }
      case "not JSON": {
        const parts: Frame[] = [this.#header("kernel_info_request"), valid, meta, valid];
        parts[this.#int(4)] = this.#pick(["{", "", "{'single': 1}", "[1, 2", "\u0000", this.#bytes(20)]);
        expect("not JSON");
        return this.#signed(parts);
      }
      case "not object": {
        const parts: Frame[] = [this.#header("kernel_info_request"), valid, meta, valid];
        parts[this.#int(4)] = this.#pick(["null", "[]", "42", '"text"', "true"]);
        expect("not a JSON object");
        return this.#signed(parts);
      }
      case "bad header": {
        const header = this.#pick([JSON.stringify({ msg_id: "x" }), this.#header(42), this.#header("kernel_info_request", { msg_id: 7 }), this.#header(null)]);
        expect("bad header");
        return this.#signed([header, valid, meta, valid]);
      }
      case "unknown type": {
        const types = channel === "stdin" ? ["execute_request", "kernel_info_request", "input_request", "constructor"] : ["nonsense_request", "constructor", "__proto__", "toString", "hasOwnProperty", "", "debug_event", "x".repeat(500)];
        const shellOnControl = channel === "control" ? ["execute_request", "comm_open"] : [];
        expect("unknown msg_type");
        return this.#signed([this.#header(this.#pick([...types, ...shellOnControl])), valid, valid, valid]);
      }
      case "invalid content": {
        const byChannel: Record<Channel, Array<[string, unknown, boolean]>> = {
          shell: [
            ["execute_request", { code: 42 }, true],
            ["execute_request", { code: "1", silent: "yes" }, true],
            ["execute_request", { code: "1", user_expressions: { a: 1 } }, true],
            ["complete_request", { code: "abc", cursor_pos: "3" }, true],
            ["complete_request", { code: "abc", cursor_pos: 99 }, true],
            ["inspect_request", { code: "abc", cursor_pos: 1, detail_level: 5 }, true],
            ["history_request", { hist_access_type: "everything" }, true],
            ["history_request", { hist_access_type: "tail", n: "10" }, true],
            ["is_complete_request", {}, true],
            ["comm_info_request", { target_name: 5 }, true],
            ["comm_msg", { comm_id: 7, data: {} }, false],
          ],
          control: [["shutdown_request", { restart: "yes" }, true]],
          stdin: [
            ["input_reply", { value: 42 }, false],
            ["input_reply", {}, false],
          ],
        };
        const [type, content, isRequest] = this.#pick(byChannel[channel]);
        const header = this.#header(type);
        if (isRequest) this.invalidRequests.push(JSON.parse(header).msg_id);
        expect("invalid content");
        return this.#signed([header, valid, valid, JSON.stringify(content)]);
      }
      case "replay": {
        expect("replayed signature");
        return this.#pick(this.answered);
      }
    }
  }

  /** The large ones: 64 MB frames on every channel, refused as cheaply as the kernel can. */
  big(): Array<[Channel, Frame[]]> {
    const header = (type: string): string => this.#header(type);
    const valid = "{}";
    const out: Array<[Channel, Frame[]]> = [];
    const push = (channel: Channel, reason: string, frames: Frame[]): void => {
      this.count++;
      add(this.expected, channel, reason);
      out.push([channel, frames]);
    };
    push("shell", "no delimiter", [this.#big]);
    push("shell", "bad signature", ["<IDS|MSG>", this.#bytes(32).toString("hex"), header("kernel_info_request"), valid, valid, this.#big]);
    // Signed: the kernel verifies 64 MB, then finds it is not JSON.
    push("shell", "not JSON", this.#signed([header("kernel_info_request"), valid, valid, this.#big]));
    push("shell", "no delimiter", [this.#big.subarray(0, 16 * MB), this.#big.subarray(0, MB)]);
    // Control and stdin take at most 1 and 16 MB of JSON: refused before hashing.
    push("control", "too large", ["<IDS|MSG>", this.#bytes(32).toString("hex"), header("kernel_info_request"), valid, valid, this.#big]);
    push("control", "too large", this.#signed([header("kernel_info_request"), valid, valid, this.#big]));
    push("control", "no delimiter", [this.#big]);
    push("stdin", "too large", this.#signed([header("input_reply"), valid, valid, this.#big]));
    push("stdin", "no delimiter", [this.#big]);
    return out;
  }
}

describe("malformed traffic", () => {
  let kernel: HardenedKernel;
  beforeAll(async () => {
    kernel = new HardenedKernel();
    await kernel.start();
  }, 60000);
  afterAll(() => kernel.close());

  test("10,000 bad messages on shell, control and stdin: refused and counted by reason, logged once each (rate-limited), heartbeat and every valid request answered, RSS bounded", async () => {
    const garbage = new Garbage(kernel, 7);
    const valid: Array<Promise<void>> = [];
    let executes = 0;
    const executeValid = (): void => {
      const expected = ++executes;
      const { frames, reply, id } = kernel.submit("counter += 1; counter");
      valid.push(
        reply.then(async (msg) => {
          expect(msg.content.status).toBe("ok");
          expect(HardenedKernel.result(await kernel.iopubFor(id))).toBe(String(expected));
          garbage.answered.push(frames);
          kernel.forget(id);
        }),
      );
    };
    let others = 0;
    const otherValid = (channel: "shell" | "control"): void => {
      const type = channel === "control" || others++ % 2 === 0 ? "kernel_info_request" : "is_complete_request";
      const { id, frames } = kernel.frames(type, type === "is_complete_request" ? { code: "if (x) {" } : {});
      const reply = kernel.replyTo(id);
      void kernel.send(channel, frames);
      valid.push(
        reply.then((msg) => {
          if (type === "is_complete_request") expect(msg.content).toEqual({ status: "incomplete", indent: "  " });
          else expect(msg.content.language_info.name).toBe("typescript");
          garbage.answered.push(frames);
          kernel.forget(id);
        }),
      );
    };
    await kernel.execute("let counter = 0");

    // Warm-up: some of everything, so that the baseline includes the code paths and the allocators' working sets.
    for (let i = 0; i < 300; i++) await kernel.send((["shell", "control", "stdin"] as const)[i % 3]!, garbage.make((["shell", "control", "stdin"] as const)[i % 3]!));
    for (let i = 0; i < 1000; i++) [executeValid, () => otherValid("shell"), () => otherValid("control")][i % 3]!();
    await Promise.all(valid.splice(0));
    await kernel.settledRssKb();
    const rssBefore = await kernel.settledRssKb();

    // Heartbeat pings all along.
    let storming = true;
    const pings: number[] = [];
    const pinger = (async () => {
      while (storming) {
        pings.push(await kernel.ping());
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    // A cell waiting for input: each input_reply comes after garbage on stdin.
    const questions = 10;
    kernel.onInputRequest = (request: Msg) => {
      void (async () => {
        for (let i = 0; i < 20; i++) await kernel.send("stdin", garbage.make("stdin"));
        const { frames } = kernel.frames("input_reply", { value: `answer to ${request.content.prompt}` });
        await kernel.send("stdin", frames);
      })();
    };
    const asking = kernel.submit(`const answers: string[] = []; for (let i = 0; i < ${questions}; i++) answers.push(await input("q" + i)); answers.join(",")`);

    const started = performance.now();
    for (const [channel, frames] of garbage.big()) await kernel.send(channel, frames);
    const channels: Channel[] = ["shell", "shell", "shell", "shell", "shell", "control", "control", "control", "stdin", "stdin"];
    const rand = random(11);
    while (garbage.count < 10_000) {
      const channel = channels[Math.floor(rand() * channels.length)]!;
      await kernel.send(channel, garbage.make(channel));
      if (garbage.count % 40 === 0) executeValid();
      if (garbage.count % 40 === 20) otherValid(garbage.count % 80 === 20 ? "control" : "shell");
    }
    const sentMs = performance.now() - started;
    const asked = await asking.reply;
    expect(asked.content.status).toBe("ok");
    expect(HardenedKernel.result(await kernel.iopubFor(asking.id))).toBe(`'${Array.from({ length: questions }, (_, i) => `answer to q${i}`).join(",")}'`);
    await Promise.all(valid);
    const answeredMs = performance.now() - started;
    for (const id of garbage.invalidRequests) {
      const reply = await kernel.replyTo(id);
      expect(reply.content).toMatchObject({ status: "error", ename: "InvalidRequest" });
      expect(kernel.repliesTo(id)).toHaveLength(1);
    }
    storming = false;
    await pinger;
    // Every message sent on stdin and control has been read: these last ones come after them, on the same sockets.
    kernel.onInputRequest = () => void kernel.send("stdin", kernel.frames("input_reply", { value: "last" }).frames);
    expect(HardenedKernel.result((await kernel.execute("await input('last one')")).iopub)).toBe("'last'");
    expect((await kernel.request("kernel_info_request", {}, "control")).content.status).toBe("ok");

    // Nothing forged ran; the state is the valid executes' alone.
    const state = await kernel.execute("[counter, typeof (globalThis as any).forged].join()");
    expect(HardenedKernel.result(state.iopub)).toBe(`'${executes},undefined'`);
    const rssAfter = await kernel.settledRssKb();
    expect(rssAfter - rssBefore).toBeLessThan(20 * 1024);
    expect(kernel.badSignatures).toBe(0);

    // The counters, taken on a clean shutdown.
    const exit = await kernel.shutdown();
    expect(exit).toEqual({ code: 0, signal: null });
    const counters = kernel.counters();
    expect(counters.rejected).toEqual(garbage.expected);
    const { tally, single, summaries } = loggedRefusals(kernel.logLines());
    expect(tally).toEqual(garbage.expected);
    // Rate limit: at most 20 lines per 10 s window, one summary closing each.
    const windows = Math.ceil((performance.now() - started) / 10_000) + 1;
    expect(single).toBeLessThanOrEqual(20 * windows);
    expect(summaries).toBeLessThanOrEqual(windows);
    // Nothing else was logged: no handler failed, no send failed.
    const other = kernel.logLines().filter((line) => !/rejected a message|more rejected messages|\] counters: |exited with status|shutdown_request: exiting/.test(line));
    expect(other).toEqual([]);
    expect(kernel.stderr).not.toContain(kernel.key);
    figures("traffic", {
      badMessages: garbage.count,
      validRequests: executes + questions,
      invalidContentReplies: garbage.invalidRequests.length,
      rssBeforeKb: rssBefore,
      rssAfterKb: rssAfter,
      rssDeltaKb: rssAfter - rssBefore,
      logLines: kernel.logLines().length,
      singleLines: single,
      summaryLines: summaries,
      pings: pings.length,
      maxPingMs: Math.round(Math.max(...pings)),
      sentMs: Math.round(sentMs),
      answeredMs: Math.round(answeredMs),
      accepted: counters.accepted,
    });
  }, 180000);
});

describe("replay and forgery", () => {
  let kernel: HardenedKernel;
  beforeAll(async () => {
    kernel = new HardenedKernel();
    await kernel.start();
  }, 60000);
  afterAll(() => kernel.close());

  test("every replayed, correctly signed message is refused on every channel; forged ones never reach the engine", async () => {
    await kernel.execute("let ran = 0");
    const originals: Array<{ channel: Channel; frames: Frame[] }> = [];
    // Valid messages on each channel, each answered before it is replayed.
    for (let i = 0; i < 20; i++) {
      const { frames, reply } = kernel.submit("ran += 1");
      await reply;
      originals.push({ channel: "shell", frames });
      const info = kernel.frames("kernel_info_request", {});
      const answer = kernel.replyTo(info.id);
      await kernel.send("control", info.frames);
      await answer;
      originals.push({ channel: "control", frames: info.frames });
    }
    let answers = 0;
    kernel.onInputRequest = () => {
      const { frames } = kernel.frames("input_reply", { value: `a${answers++}` });
      originals.push({ channel: "stdin", frames });
      void kernel.send("stdin", frames);
    };
    await kernel.execute("for (let i = 0; i < 5; i++) await input('?')");
    // "let ran", 20 increments, the input cell, the last input cell.
    const executesBefore = 23;

    // Each replayed on its own channel and on the two others.
    let replays = 0;
    for (const { frames } of originals) {
      for (const channel of ["shell", "control", "stdin"] as const) {
        await kernel.send(channel, frames);
        replays++;
      }
    }
    // A correct input_reply when no input() waits.
    await kernel.send("stdin", kernel.frames("input_reply", { value: "nobody asked" }).frames);
    // Forged: right structure, signed with another key or not at all.
    const forgedCount = 300;
    for (let i = 0; i < forgedCount; i++) {
      const good = kernel.frames("execute_request", { code: "ran = -1000" });
      const forged = [...good.frames];
      forged[1] = i % 3 === 0 ? "" : i % 3 === 1 ? "0".repeat(64) : (good.frames[1] as string).replace(/^./, (c) => (c === "a" ? "b" : "a"));
      await kernel.send((["shell", "control", "stdin"] as const)[i % 3]!, forged);
    }
    // The last messages on stdin: every one before them has been read.
    kernel.onInputRequest = () => void kernel.send("stdin", kernel.frames("input_reply", { value: "last" }).frames);
    await kernel.execute("await input('last')");
    const after = await kernel.execute("ran");
    expect(HardenedKernel.result(after.iopub)).toBe("20");
    for (const { frames } of originals.filter((o) => o.channel !== "stdin")) {
      const id = JSON.parse(frames[2] as string).msg_id as string;
      expect(kernel.repliesTo(id)).toHaveLength(1);
    }
    await kernel.shutdown();
    const counters = kernel.counters();
    const count = (reason: string): number => (["shell", "control", "stdin"] as const).reduce((sum, c) => sum + (counters.rejected[c]?.[reason] ?? 0), 0);
    expect(count("replayed signature")).toBe(replays);
    expect(count("bad signature")).toBe(forgedCount);
    expect(counters.rejected.stdin?.["no input waiting"]).toBe(1);
    // The engine ran the valid cells (and the check) only.
    expect(counters.executed).toBe(executesBefore + 1);
    expect(counters.accepted.shell?.execute_request).toBe(executesBefore + 1);
    expect(counters.accepted.control?.kernel_info_request).toBe(20);
    expect(counters.accepted.stdin?.input_reply).toBe(6);
    figures("replay", { replays, forged: forgedCount, rejected: counters.rejected, executed: counters.executed });
  }, 60000);
});

// A refused message is freed at once, even when nothing comes after it on
// its channel. The receive loops kept the last message alive while they
// waited for the next one: a 64 MB frame sent last on stdin stayed resident
// (+65 MB measured), since stdin may get nothing more for hours.
describe("the last message on a channel", () => {
  let kernel: HardenedKernel;
  beforeAll(async () => {
    kernel = new HardenedKernel();
    await kernel.start();
  }, 60000);
  afterAll(() => kernel.close());

  test("a 64 MB frame sent last on stdin and on control is not kept", async () => {
    await kernel.execute("1");
    const before = await kernel.settledRssKb();
    const large = Buffer.alloc(64 << 20, 120);
    await kernel.send("stdin", [Buffer.from("id"), Buffer.from("<IDS|MSG>"), Buffer.from("signature"), large, Buffer.from("{}"), Buffer.from("{}"), Buffer.from("{}")]);
    await kernel.send("control", [Buffer.from("id"), Buffer.from("<IDS|MSG>"), Buffer.from("signature"), large, Buffer.from("{}"), Buffer.from("{}"), Buffer.from("{}")]);
    // Let the kernel receive both (and the control thread its collection, 100 ms after a large message).
    await new Promise((r) => setTimeout(r, 1500));
    const after = await kernel.settledRssKb();
    figures("last large message", { rssBeforeKb: before, rssAfterKb: after, rssDeltaKb: after - before });
    expect(after - before).toBeLessThan(20 * 1024);
  }, 60000);
});
