import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import * as zmq from "zeromq";
import { kernelEnv, kernelNodeFlags } from "../../dist/kernel/node-flags.js";
import { ROOT } from "./node-script.js";

/** A message as the client sees it (its own type: kernel-client.ts may move). */
export interface Msg {
  header: { msg_id: string; msg_type: string; session: string; date: string; username: string; version: string };
  parent_header: { msg_id?: string; msg_type?: string };
  metadata: Record<string, unknown>;
  content: any;
}

export type Channel = "shell" | "control" | "stdin";
export type Frame = string | Buffer;

export interface KernelOptions {
  /** The signing key; "" for unsigned messages. Default: a new UUID. */
  key?: string;
  /** The address written into the connection file (and connected to). */
  ip?: string;
  /** Permissions of the connection file. */
  fileMode?: number;
  /** The Jupyter data directory (history lives there); a new one by default. */
  dataDir?: string;
  /** Node flags for the kernel process, after those of kernel.json. */
  nodeFlags?: string[];
  /** Start it with core dumps off (a kernel that is expected to abort). */
  noCoreDump?: boolean;
}

export interface Ports {
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
}

/** What the kernel logs on its way out (kernel/core/stats.ts). */
export interface KernelCounters {
  rejected: Partial<Record<Channel, Record<string, number>>>;
  accepted: Partial<Record<Channel, Record<string, number>>>;
  executed: number;
  lateOutputDropped: number;
  parents: number;
}

/**
 * A kernel process and a client on all five channels, for the hardening
 * tests: raw frames on shell, control and stdin, heartbeat pings, the
 * kernel's RSS from /proc, and its exit. IOPub messages are indexed by
 * parent, so that tens of thousands of requests stay cheap to match.
 * (KernelClient writes a fixed connection file; these tests need to vary it.)
 */
export class HardenedKernel {
  readonly key: string;
  readonly session = randomUUID();
  readonly ip: string;
  readonly dir = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-hardening-"));
  readonly connectionFile = path.join(this.dir, "connection.json");
  readonly dataDir: string;
  ports!: Ports;
  process!: ChildProcess;
  stderr = "";
  /** Resolves with the exit code or signal once the kernel process has ended. */
  exited!: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  // Shell and stdin share a routing id, as jupyter_client's do: the kernel sends input_request to the shell request's identity.
  readonly sockets = { shell: new zmq.Dealer({ routingId: this.session }), control: new zmq.Dealer(), stdin: new zmq.Dealer({ routingId: this.session }) };
  readonly iopub = new zmq.Subscriber();
  hb = new zmq.Request({ receiveTimeout: 10000, linger: 0 });
  /** Messages the kernel sent with a signature that does not verify (must stay 0). */
  badSignatures = 0;
  /** Answers an input_request on stdin; by default the request waits. */
  onInputRequest: ((request: Msg) => void) | undefined;
  readonly #sending: Record<Channel, Promise<unknown>> = { shell: Promise.resolve(), control: Promise.resolve(), stdin: Promise.resolve() };
  readonly #replyWaiters = new Map<string, (msg: Msg) => void>();
  readonly #replies = new Map<string, Msg[]>();
  readonly #iopub = new Map<string, Msg[]>();
  readonly #iopubWaiters = new Map<string, () => void>();
  iopubCount = 0;

  constructor(private readonly options: KernelOptions = {}) {
    this.key = options.key ?? randomUUID();
    this.ip = options.ip ?? "127.0.0.1";
    this.dataDir = options.dataDir ?? path.join(this.dir, "data");
  }

  /** Writes the connection file, starts the kernel, and waits until it answers on shell and IOPub. */
  async start(fileText?: (info: Record<string, unknown>) => string): Promise<void> {
    const [shell_port, iopub_port, stdin_port, control_port, hb_port] = (await freePorts(5, this.ip)) as [number, number, number, number, number];
    this.ports = { shell_port, iopub_port, stdin_port, control_port, hb_port };
    const info = { ...this.ports, ip: this.ip, transport: "tcp", key: this.key, signature_scheme: "hmac-sha256" };
    writeFileSync(this.connectionFile, fileText ? fileText(info) : JSON.stringify(info), { mode: this.options.fileMode ?? 0o600 });
    this.launch();
    if (fileText !== undefined) return;
    const at = (port: number): string => `tcp://${this.ip}:${port}`;
    this.sockets.shell.connect(at(this.ports.shell_port));
    this.sockets.control.connect(at(this.ports.control_port));
    this.sockets.stdin.connect(at(this.ports.stdin_port));
    this.iopub.connect(at(this.ports.iopub_port));
    this.iopub.subscribe();
    this.hb.connect(at(this.ports.hb_port));
    for (const channel of ["shell", "control", "stdin"] as const) void this.#read(channel);
    void this.#readIopub();
    for (let i = 0; i < 100; i++) {
      const reply = await Promise.race([this.request("kernel_info_request", {}), new Promise<undefined>((r) => setTimeout(r, 300))]);
      if (reply === undefined) continue;
      await new Promise((r) => setTimeout(r, 50));
      if (this.#iopub.has(reply.parent_header.msg_id!)) return;
    }
    throw new Error(`the kernel did not start:\n${this.stderr}`);
  }

  /** Spawns the kernel on the connection file as it is; it is killed when this process exits (a timed-out test too). */
  launch(): void {
    const args = [...kernelNodeFlags(), ...(this.options.nodeFlags ?? []), path.join(ROOT, "dist/cli/main.js"), "kernel", "-f", this.connectionFile];
    const options = { stdio: ["ignore", "ignore", "pipe"] as ["ignore", "ignore", "pipe"], env: { ...process.env, ...kernelEnv(), JUPYTER_DATA_DIR: this.dataDir } };
    // Through a shell that execs node: the same process, with the limit set first.
    this.process = this.options.noCoreDump ? spawn("/bin/sh", ["-c", 'ulimit -c 0; exec "$0" "$@"', process.execPath, ...args], options) : spawn(process.execPath, args, options);
    this.process.stderr!.setEncoding("utf8").on("data", (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => this.process.on("exit", (code, signal) => resolve({ code, signal })));
    running.add(this.process);
    void this.exited.then(() => running.delete(this.process));
  }

  sign(parts: readonly Frame[]): string {
    if (this.key === "") return "";
    const hmac = createHmac("sha256", this.key);
    for (const part of parts) hmac.update(part);
    return hmac.digest("hex");
  }

  /** A correctly signed message; `header` overrides fields of the header. */
  frames(msgType: string, content: unknown, header: Record<string, unknown> = {}): { id: string; frames: Frame[] } {
    const id = randomUUID();
    const full = { msg_id: id, session: this.session, username: "test", date: new Date().toISOString(), msg_type: msgType, version: "5.3", ...header };
    const parts = [full, {}, {}, content].map((part) => JSON.stringify(part));
    return { id, frames: ["<IDS|MSG>", this.sign(parts), ...parts] };
  }

  /** Sends on a channel; sends are queued per socket (zeromq.js allows one at a time). */
  send(channel: Channel, frames: Frame[]): Promise<void> {
    const sent = this.#sending[channel].then(() => this.sockets[channel].send(frames));
    this.#sending[channel] = sent.catch(() => undefined);
    return sent;
  }

  /** Resolves with the reply whose parent is `id` (registered before sending, so none is missed). */
  replyTo(id: string): Promise<Msg> {
    const waiting = this.#replies.get(id);
    if (waiting !== undefined && waiting.length > 0) return Promise.resolve(waiting[0]!);
    return new Promise((resolve) => this.#replyWaiters.set(id, resolve));
  }

  /** All replies received for `id` so far (a replayed request must have exactly one). */
  repliesTo(id: string): Msg[] {
    return this.#replies.get(id) ?? [];
  }

  request(msgType: string, content: unknown, channel: Channel = "shell"): Promise<Msg> {
    const { id, frames } = this.frames(msgType, content);
    const reply = this.replyTo(id);
    void this.send(channel, frames);
    return reply;
  }

  /** Sends an execute_request; resolves with its id and, later, its reply. */
  submit(code: string, extra: Record<string, unknown> = {}): { id: string; frames: Frame[]; reply: Promise<Msg> } {
    const message = this.frames("execute_request", { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: true, stop_on_error: false, ...extra });
    const reply = this.replyTo(message.id);
    void this.send("shell", message.frames);
    return { ...message, reply };
  }

  async execute(code: string, extra: Record<string, unknown> = {}): Promise<{ id: string; reply: Msg; iopub: Msg[] }> {
    const { id, reply } = this.submit(code, extra);
    return { id, reply: await reply, iopub: await this.iopubFor(id) };
  }

  /** The text/plain of an execute's result, if it had one. */
  static result(iopub: Msg[]): string | undefined {
    return iopub.find((m) => m.header.msg_type === "execute_result")?.content.data["text/plain"];
  }

  /** The IOPub messages of request `id`, once its idle status has come. */
  iopubFor(id: string): Promise<Msg[]> {
    return this.waitIopub(id, (messages) => messages.some((m) => m.header.msg_type === "status" && m.content.execution_state === "idle"));
  }

  /** Resolves when the IOPub messages with parent `id` satisfy `done`. */
  async waitIopub(id: string, done: (messages: Msg[]) => boolean): Promise<Msg[]> {
    for (;;) {
      const messages = this.#iopub.get(id) ?? [];
      if (done(messages)) return messages;
      await new Promise<void>((resolve) => this.#iopubWaiters.set(id, resolve));
    }
  }

  /** Drops what is kept for a request (a soak sends tens of thousands). */
  forget(id: string): void {
    this.#iopub.delete(id);
    this.#replies.delete(id);
  }

  /** One heartbeat round trip; rejects if no echo comes within the socket's receive timeout. */
  async ping(): Promise<number> {
    const started = performance.now();
    const payload = randomUUID();
    await this.hb.send(payload);
    const [echo] = await this.hb.receive();
    if (echo!.toString() !== payload) throw new Error("the heartbeat echoed something else");
    return performance.now() - started;
  }

  /** The kernel process's resident set size, in kB, from /proc. */
  rssKb(): number {
    const status = readFileSync(`/proc/${this.process.pid}/status`, "utf8");
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]);
  }

  /** RSS after a full collection in the kernel (the measurement itself is a cell). */
  async settledRssKb(): Promise<number> {
    await this.execute("gc(); await collect(); gc()", { store_history: false, silent: true });
    await new Promise((r) => setTimeout(r, 200));
    return this.rssKb();
  }

  /** The kernel's log lines (what it wrote to stderr). */
  logLines(): string[] {
    return this.stderr.split("\n").filter((line) => line.startsWith("[greenlet-ts kernel]"));
  }

  /** The counters the kernel logs as it exits. */
  counters(): KernelCounters {
    const line = this.logLines().find((l) => l.startsWith("[greenlet-ts kernel] counters: "));
    if (line === undefined) throw new Error(`no counters in the kernel's log:\n${this.stderr}`);
    return JSON.parse(line.slice("[greenlet-ts kernel] counters: ".length)) as KernelCounters;
  }

  /** shutdown_request on control; resolves once the process has exited. */
  async shutdown(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    await this.request("shutdown_request", { restart: false }, "control");
    return this.exited;
  }

  /** The TCP addresses the kernel process listens on, from its sockets in /proc. */
  listening(): string[] {
    const inodes = new Set<string>();
    for (const fd of readdirSync(`/proc/${this.process.pid}/fd`)) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${this.process.pid}/fd/${fd}`));
        if (match) inodes.add(match[1]!);
      } catch {
        // closed meanwhile
      }
    }
    const found: string[] = [];
    for (const table of ["tcp", "tcp6"]) {
      let text = "";
      try {
        text = readFileSync(`/proc/net/${table}`, "utf8");
      } catch {
        continue;
      }
      for (const row of text.split("\n").slice(1)) {
        const cols = row.trim().split(/\s+/);
        // State 0A is LISTEN; column 9 is the inode.
        if (cols.length < 10 || cols[3] !== "0A" || !inodes.has(cols[9]!)) continue;
        found.push(decodeAddress(cols[1]!));
      }
    }
    return found.sort();
  }

  async close(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill("SIGKILL");
    for (const socket of [...Object.values(this.sockets), this.iopub, this.hb]) socket.close();
  }

  async #read(channel: Channel): Promise<void> {
    try {
      for await (const frames of this.sockets[channel]) {
        const msg = this.#parse(frames);
        if (msg === undefined) continue;
        if (channel === "stdin") {
          if (msg.header.msg_type === "input_request") this.onInputRequest?.(msg);
          continue;
        }
        const id = msg.parent_header.msg_id ?? "";
        const list = this.#replies.get(id) ?? [];
        list.push(msg);
        this.#replies.set(id, list);
        const waiter = this.#replyWaiters.get(id);
        this.#replyWaiters.delete(id);
        waiter?.(msg);
      }
    } catch {
      // closed
    }
  }

  async #readIopub(): Promise<void> {
    try {
      for await (const frames of this.iopub) {
        const msg = this.#parse(frames);
        if (msg === undefined) continue;
        this.iopubCount++;
        const id = msg.parent_header.msg_id ?? "";
        const list = this.#iopub.get(id) ?? [];
        list.push(msg);
        this.#iopub.set(id, list);
        const waiter = this.#iopubWaiters.get(id);
        this.#iopubWaiters.delete(id);
        waiter?.();
      }
    } catch {
      // closed
    }
  }

  #parse(frames: Buffer[]): Msg | undefined {
    const at = frames.findIndex((f) => f.length === 9 && f.toString() === "<IDS|MSG>");
    const [signature, header, parent, metadata, content] = frames.slice(at + 1, at + 6).map((f) => f.toString());
    if (signature !== this.sign([header!, parent!, metadata!, content!])) {
      this.badSignatures++;
      return undefined;
    }
    return { header: JSON.parse(header!), parent_header: JSON.parse(parent!), metadata: JSON.parse(metadata!), content: JSON.parse(content!) };
  }
}

/** `count` distinct ports nobody listens on: all held open until all are chosen (one at a time, the same port can come twice). */
async function freePorts(count: number, host: string): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<net.Server>((resolve) => {
      const server = net.createServer();
      server.listen(0, host, () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** "0100007F:1F90" → "127.0.0.1:8080" (IPv4 as /proc/net/tcp writes it); IPv6 left in hex. */
function decodeAddress(hex: string): string {
  const [address, port] = hex.split(":") as [string, string];
  const host = address.length === 8 ? [3, 2, 1, 0].map((i) => parseInt(address.slice(i * 2, i * 2 + 2), 16)).join(".") : address;
  return `${host}:${parseInt(port, 16)}`;
}

/** A small deterministic generator (mulberry32): the same garbage on every run, so a failure can be replayed. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Prints a test's figures on one line (gathered into docs/reliability.md by hand). */
export function figures(name: string, values: Record<string, unknown>): void {
  process.stdout.write(`[figures] ${name} ${JSON.stringify(values)}\n`);
}
