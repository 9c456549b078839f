import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { cli } from "./cli.js";
import { freePort } from "./kernel-client.js";
import { ROOT } from "./node-script.js";

export interface JupyterServer {
  /** `http://127.0.0.1:PORT` */
  base: string;
  token: string;
  /** The server's root and working directory: kernels it starts without a path run there. */
  dir: string;
  log(): string;
  stop(): void;
}

/**
 * Debian's jupyter_server on loopback with a random token, seeing our
 * kernelspec installed as `kernelName` into a temp prefix (and the system's
 * kernelspecs, ipykernel's `python3` among them).
 */
export async function startJupyterServer(kernelName: string): Promise<JupyterServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-lab-"));
  const installed = await cli(["install", "--prefix", dir, "--name", kernelName], ROOT);
  if (installed.code !== 0) throw new Error(`greenlet-ts install failed:\n${installed.stderr}`);
  const port = await freePort();
  const token = randomUUID();
  const env = {
    ...process.env,
    JUPYTER_PATH: path.join(dir, "share", "jupyter"),
    JUPYTER_DATA_DIR: path.join(dir, "data"),
    JUPYTER_RUNTIME_DIR: path.join(dir, "runtime"),
    // debugpy (ipykernel's debugger) warns on stderr about frozen modules otherwise.
    PYDEVD_DISABLE_FILE_VALIDATION: "1",
  };
  const server = spawn(
    "/usr/bin/python3",
    ["-m", "jupyter_server", "--allow-root", "--no-browser", `--ServerApp.token=${token}`, `--ServerApp.port=${port}`, "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1", `--ServerApp.root_dir=${dir}`],
    // Kernels started without a path run in the server's working directory: the root, as a user's would.
    { env, cwd: dir, stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  server.stderr!.on("data", (chunk) => (log = (log + chunk).slice(-20000)));
  const base = `http://127.0.0.1:${port}`;
  const stop = (): void => {
    server.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    try {
      const status = await fetch(`${base}/api/status?token=${token}`);
      // Read to the end: an unread body keeps its connection, and jest's process, open.
      await status.arrayBuffer();
      if (status.ok) break;
    } catch {
      // not listening yet
    }
    if (i > 150) {
      stop();
      throw new Error(`jupyter_server did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { base, token, dir, log: () => log, stop };
}
