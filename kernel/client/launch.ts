import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { kernelEnv, kernelNodeFlags } from "../node-flags.js";
import type { ConnectionInfo } from "../transport/connection.js";

const CLI = fileURLToPath(new URL("../../cli/main.js", import.meta.url));

/** A greenlet-ts kernel process this program started, and how to reach it. */
export interface LaunchedKernel {
  process: ChildProcess;
  connection: ConnectionInfo;
  /** Everything the kernel wrote on stderr so far (its logs). */
  stderr(): string;
  /** Resolves when the process has ended: exit code or signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Ends the process (SIGKILL) and removes the connection file. */
  kill(): void;
}

export interface LaunchOptions {
  /** The kernel's working directory (a notebook's directory, as nbclient does). */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** A TCP port nobody listens on now, on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** A connection on loopback ports nobody listens on now, with a new key. */
export async function loopbackConnection(): Promise<ConnectionInfo> {
  return {
    transport: "tcp",
    ip: "127.0.0.1",
    shell_port: await freePort(),
    iopub_port: await freePort(),
    stdin_port: await freePort(),
    control_port: await freePort(),
    hb_port: await freePort(),
    key: randomUUID(),
    signature_scheme: "hmac-sha256",
  };
}

/**
 * Starts `greenlet-ts kernel -f FILE` from this installation, with a new key
 * and loopback ports in a connection file only this user can read — what
 * jupyter_client's KernelManager does for a kernelspec.
 */
export async function launchKernel(options: LaunchOptions = {}): Promise<LaunchedKernel> {
  const connection = await loopbackConnection();
  const dir = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-client-"));
  const file = path.join(dir, "connection.json");
  writeFileSync(file, JSON.stringify(connection), { mode: 0o600 });
  const child = spawn(process.execPath, [...kernelNodeFlags(), CLI, "kernel", "-f", file], {
    cwd: options.cwd,
    env: { ...(options.env ?? process.env), ...kernelEnv() },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    // Keep the end: a kernel that logs a lot must not grow this without bound.
    stderr = (stderr + chunk).slice(-64 * 1024);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("exit", (code, signal) => resolve({ code, signal }));
    child.on("error", () => resolve({ code: null, signal: null }));
  });
  void exited.then(() => rmSync(dir, { recursive: true, force: true }));
  return {
    process: child,
    connection,
    stderr: () => stderr,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}
