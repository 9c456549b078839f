import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { cli } from "./cli.js";
import { ROOT } from "./node-script.js";
import { freePort } from "./kernel-client.js";

export interface NotebookServer {
  /** `http://127.0.0.1:PORT` */
  base: string;
  token: string;
  /** The directory the server serves (holds the copied notebooks). */
  notebookDir: string;
  /** The last `chars` characters of the server's log. */
  logTail(chars?: number): string;
  /** Stops the server and every kernel it started, and removes the temp dir; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Debian's classic Notebook server (`python3-notebook`) on loopback with a
 * random token, serving copies of `notebooks` (paths relative to the
 * repository) and seeing only the greenlet-ts kernelspec installed into a
 * temp prefix: all Jupyter dirs point into the temp dir, so nothing of the
 * user's is read or written.
 */
export async function startNotebookServer(notebooks: string[], timeoutMs = 30000): Promise<NotebookServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-notebook-"));
  const notebookDir = path.join(dir, "notebooks");
  mkdirSync(notebookDir);
  for (const file of notebooks) copyFileSync(path.join(ROOT, file), path.join(notebookDir, path.basename(file)));
  const installed = await cli(["install", "--prefix", dir, "--name", "greenlet-ts"], ROOT);
  if (installed.code !== 0) throw new Error(`greenlet-ts install failed:\n${installed.stderr}`);

  const runtimeDir = path.join(dir, "runtime");
  const env = {
    ...process.env,
    JUPYTER_PATH: path.join(dir, "share", "jupyter"),
    JUPYTER_DATA_DIR: path.join(dir, "data"),
    JUPYTER_CONFIG_DIR: path.join(dir, "config"),
    JUPYTER_RUNTIME_DIR: runtimeDir,
    IPYTHONDIR: path.join(dir, "ipython"),
    PYDEVD_DISABLE_FILE_VALIDATION: "1",
  };
  const port = await freePort();
  const token = randomBytes(24).toString("hex");
  const server: ChildProcess = spawn(
    "/usr/bin/python3",
    [
      "-m",
      "notebook",
      "--allow-root",
      "--no-browser",
      `--NotebookApp.token=${token}`,
      "--NotebookApp.ip=127.0.0.1",
      `--NotebookApp.port=${port}`,
      // Fail rather than silently serve on another port than the one we probe.
      "--NotebookApp.port_retries=0",
      `--notebook-dir=${notebookDir}`,
    ],
    { env, cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  const append = (chunk: Buffer) => {
    log += chunk.toString("utf8");
    if (log.length > 200000) log = log.slice(-100000);
  };
  server.stdout!.on("data", append);
  server.stderr!.on("data", append);
  let exited = false;
  const exit = new Promise<void>((resolve) => server.on("exit", () => ((exited = true), resolve())));

  const logTail = (chars = 4000) => log.slice(-chars);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // SIGTERM makes the Notebook app shut its kernels down before exiting.
    if (!exited) server.kill("SIGTERM");
    const timer = new Promise<void>((resolve) => setTimeout(resolve, 10000).unref());
    await Promise.race([exit, timer]);
    if (!exited) server.kill("SIGKILL");
    killKernelsOf(runtimeDir);
    rmSync(dir, { recursive: true, force: true });
  };

  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`${base}/api/status?token=${token}`, { signal: AbortSignal.timeout(2000) })).ok) break;
    } catch {
      // not listening yet
    }
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`the Notebook server did not answer on ${base} within ${timeoutMs} ms:\n${logTail()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { base, token, notebookDir, logTail, stop };
}

/**
 * Kernels run in their own session, so a server killed with SIGKILL leaves
 * them behind. Ours are the processes whose command line names a connection
 * file in our private runtime dir: kill exactly those.
 */
function killKernelsOf(runtimeDir: string): void {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    if (cmdline.includes(runtimeDir + path.sep)) {
      try {
        process.kill(Number(entry), "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
}
