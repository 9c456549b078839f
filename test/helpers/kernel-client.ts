import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as zmq from "zeromq";
import { freePort } from "../../dist/kernel/client/launch.js";
import { kernelEnv, kernelNodeFlags } from "../../dist/kernel/node-flags.js";
import { ROOT } from "./node-script.js";

export interface Msg {
  header: { msg_id: string; msg_type: string; session: string; date: string; username: string; version: string };
  parent_header: { msg_id?: string; msg_type?: string };
  metadata: Record<string, unknown>;
  content: any;
}

// The product's own client finds ports the same way.
export { freePort } from "../../dist/kernel/client/launch.js";

/**
 * A small Jupyter client over zeromq for protocol-level tests: it starts the
 * kernel process (`greenlet-ts kernel -f`), signs what it sends, and gathers
 * IOPub messages by the request they answer.
 */
export class KernelClient {
  readonly key = randomUUID();
  readonly session = randomUUID();
  kernel!: ChildProcess;
  /** The kernel's ports, from its connection file (known once start() has begun). */
  ports!: { shell_port: number; iopub_port: number; stdin_port: number; control_port: number; hb_port: number };
  stderr = "";
  shell = new zmq.Dealer();
  control = new zmq.Dealer();
  iopub = new zmq.Subscriber();
  hb = new zmq.Request({ receiveTimeout: 2000 });
  readonly iopubMessages: Msg[] = [];
  readonly #replies = new Map<string, (msg: Msg) => void>();
  readonly replies: Msg[] = [];

  /**
   * `dataDir`: the Jupyter data directory (history lives there); a new one
   * by default. `cwd`: where the kernel starts (Jupyter starts it in the
   * notebook's directory); the test's by default.
   */
  constructor(
    private readonly dataDir?: string,
    private readonly cwd?: string,
  ) {}

  async start(): Promise<void> {
    const ports = { shell_port: await freePort(), iopub_port: await freePort(), stdin_port: await freePort(), control_port: await freePort(), hb_port: await freePort() };
    this.ports = ports;
    const dir = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-kernel-"));
    const file = path.join(dir, "connection.json");
    writeFileSync(file, JSON.stringify({ ...ports, ip: "127.0.0.1", transport: "tcp", key: this.key, signature_scheme: "hmac-sha256" }), { mode: 0o600 });
    this.kernel = spawn(process.execPath, [...kernelNodeFlags(), path.join(ROOT, "dist/cli/main.js"), "kernel", "-f", file], {
      stdio: ["ignore", "ignore", "pipe"],
      cwd: this.cwd,
      env: { ...process.env, ...kernelEnv(), JUPYTER_DATA_DIR: this.dataDir ?? path.join(dir, "data") },
    });
    this.kernel.stderr!.setEncoding("utf8").on("data", (chunk: string) => (this.stderr += chunk));
    const at = (port: number): string => `tcp://127.0.0.1:${port}`;
    this.shell.connect(at(ports.shell_port));
    this.control.connect(at(ports.control_port));
    this.iopub.connect(at(ports.iopub_port));
    this.iopub.subscribe();
    this.hb.connect(at(ports.hb_port));
    void this.#read(this.shell);
    void this.#read(this.control);
    void this.#readIopub();
    // The kernel is up when it answers kernel_info and its IOPub status for
    // that request reaches us (a subscription takes a moment to connect).
    for (let i = 0; i < 100; i++) {
      const reply = await Promise.race([this.request("kernel_info_request", {}), new Promise<undefined>((r) => setTimeout(r, 300))]);
      if (reply === undefined) continue;
      await new Promise((r) => setTimeout(r, 50));
      if (this.iopubMessages.some((m) => m.parent_header.msg_id === reply.parent_header.msg_id)) return;
    }
    throw new Error(`the kernel did not start:\n${this.stderr}`);
  }

  sign(parts: string[]): string {
    const hmac = createHmac("sha256", this.key);
    for (const part of parts) hmac.update(part);
    return hmac.digest("hex");
  }

  frames(msgType: string, content: unknown): { id: string; frames: string[] } {
    const id = randomUUID();
    const header = { msg_id: id, session: this.session, username: "test", date: new Date().toISOString(), msg_type: msgType, version: "5.3" };
    const parts = [header, {}, {}, content].map((part) => JSON.stringify(part));
    return { id, frames: ["<IDS|MSG>", this.sign(parts), ...parts] };
  }

  /** Sends a request on shell (or control) and resolves with its reply. */
  request(msgType: string, content: unknown, channel: "shell" | "control" = "shell"): Promise<Msg> {
    const { id, frames } = this.frames(msgType, content);
    const reply = new Promise<Msg>((resolve) => this.#replies.set(id, resolve));
    void (channel === "shell" ? this.shell : this.control).send(frames);
    return reply;
  }

  async sendRaw(frames: (string | Buffer)[]): Promise<void> {
    await this.shell.send(frames);
  }

  /** The IOPub messages whose parent is `msgId`, once its idle status has arrived. */
  async iopubFor(msgId: string, timeoutMs = 20000): Promise<Msg[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mine = this.iopubMessages.filter((m) => m.parent_header.msg_id === msgId);
      if (mine.some((m) => m.header.msg_type === "status" && m.content.execution_state === "idle")) return mine;
      if (Date.now() > deadline) throw new Error(`no idle for ${msgId}; got ${mine.map((m) => m.header.msg_type).join(", ")}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async execute(code: string, extra: Record<string, unknown> = {}): Promise<{ reply: Msg; iopub: Msg[] }> {
    const { id, frames } = this.frames("execute_request", { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true, ...extra });
    const reply = new Promise<Msg>((resolve) => this.#replies.set(id, resolve));
    await this.shell.send(frames);
    return { reply: await reply, iopub: await this.iopubFor(id) };
  }

  async close(): Promise<void> {
    this.kernel.kill("SIGKILL");
    for (const socket of [this.shell, this.control, this.iopub, this.hb]) socket.close();
  }

  async #read(socket: zmq.Dealer): Promise<void> {
    try {
      for await (const frames of socket) {
        const msg = this.#parse(frames);
        this.replies.push(msg);
        this.#replies.get(msg.parent_header.msg_id ?? "")?.(msg);
      }
    } catch {
      // closed
    }
  }

  async #readIopub(): Promise<void> {
    try {
      for await (const frames of this.iopub) this.iopubMessages.push(this.#parse(frames));
    } catch {
      // closed
    }
  }

  #parse(frames: Buffer[]): Msg {
    const at = frames.findIndex((f) => f.toString() === "<IDS|MSG>");
    const [signature, header, parent, metadata, content] = frames.slice(at + 1, at + 6).map((f) => f.toString());
    if (signature !== this.sign([header!, parent!, metadata!, content!])) throw new Error("the kernel sent a bad signature");
    return { header: JSON.parse(header!), parent_header: JSON.parse(parent!), metadata: JSON.parse(metadata!), content: JSON.parse(content!) };
  }
}
