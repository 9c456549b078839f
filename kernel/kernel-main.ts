import { writeSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { History } from "./core/history.js";
import { kernelGlobals } from "./core/globals.js";
import { kernelInfo } from "./core/kernel-info.js";
import { KernelCore, type Backend } from "./core/kernel-core.js";
import { KernelStats } from "./core/stats.js";
import { Wire } from "./protocol/wire.js";
import { startBackgroundChannels, type BackgroundChannels } from "./transport/background-channels.js";
import { readConnectionFile } from "./transport/connection.js";
import { MainChannels } from "./transport/main-channels.js";
import { installMainThreadHooks } from "./debugger/main-thread-hooks.js";

/** Kernel logs go straight to file descriptor 2: never into a cell's captured output, never the key. */
function log(text: string): void {
  try {
    writeSync(2, `[greenlet-ts kernel] ${text}\n`);
  } catch {
    // stderr closed
  }
}

function jupyterDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  const base = process.env.XDG_DATA_HOME ?? path.join(os.homedir(), ".local", "share");
  return path.join(base, "jupyter");
}

/** What a cell's process.exit() throws: the cell stops there, the kernel ends once it has replied. */
class KernelExit extends Error {}
KernelExit.prototype.name = "KernelExit";

/** The process's own exit, kept before process.exit is replaced. */
const exitProcess = process.exit.bind(process) as (code?: number) => never;

/** The parts of a running kernel that ending it has to stop. */
interface Running {
  core: KernelCore;
  channels: MainChannels;
  background: BackgroundChannels;
  history(): History | undefined;
  stats: KernelStats;
}

/** `greenlet-ts kernel -f CONNECTION_FILE`: runs until a shutdown_request or process.exit() (or a signal). */
export async function runKernel(connectionFile: string): Promise<void> {
  const info = readConnectionFile(connectionFile, log);
  const stats = new KernelStats(log);
  const wire = new Wire(info.key, info.signature_scheme);
  const channels = await MainChannels.bind(info, wire, stats, log);
  // Computed once: the control thread and the shell answer kernel_info with the same reply.
  const infoReply = kernelInfo();
  // The engine (and its modules) and the history load after the sockets are up: the core answers
  // a client's first kernel_info_request before that; requests that need them wait.
  let load!: (backend: Promise<Backend>) => void;
  const core = new KernelCore(new Promise<Backend>((resolve) => (load = resolve)), channels, infoReply, log, stats);
  // The debugger, in the control thread, publishes its events and statuses through this thread's IOPub.
  installMainThreadHooks({
    publish: ({ parent, msgType, content }) => channels.iopub.publishNow(parent, msgType, content),
    whenIdle: () => core.whenIdle(),
  });
  let history: History | undefined;
  // Called only once everything is running (`running` is declared below).
  const finish: Finish = (code, why, options) => finishKernel(running, code, why, options);
  const background = startBackgroundChannels(info, infoReply, wire.session, wire.replay.buffer, {
    onLog: log,
    onFatal: (text) => void finish(1, `${text}: the kernel cannot be managed without control and heartbeat; exiting`),
    onRejected: (reason, detail) => stats.reject("control", reason, detail),
    onAccepted: (msgType) => stats.accept("control", msgType),
    // Replied once IOPub is flushed; a running cell is not waited for.
    onShutdown: () => void finish(0, "shutdown_request: exiting"),
  });
  const running: Running = { core, channels, background, stats, history: () => history };
  // No SIGTERM handler: a handler runs on the main thread, which a spinning cell holds, so a kernel
  // with one could not be terminated; Jupyter sends SIGTERM only to a kernel that did not shut down.
  onExit(running);
  replaceProcessExit(finish);
  setImmediate(() => {
    history = new History(path.join(jupyterDataDir(), "greenlet-ts", "history.json"), log);
    const backend = startEngine(core).then((engine) => ({ engine, history: history! }));
    backend.catch((error: unknown) => {
      log(`the engine failed to start: ${(error as Error)?.stack ?? String(error)}`);
      exitProcess(1);
    });
    load(backend);
  });
  channels.publish({}, "status", { execution_state: "starting" });
  // A closed socket ends this loop (at exit).
  await channels.serve((request) => core.receive(request));
}

async function startEngine(core: KernelCore): Promise<Backend["engine"]> {
  const { Session } = await import("../runtime/engine/index.js");
  return new Session({ interrupts: true, ...kernelGlobals(core) });
}

/** Every way out but a crash comes through here: history and counters are written, whoever called exit. */
function onExit({ channels, stats, history }: Running): void {
  process.on("exit", (code) => {
    history()?.flush();
    stats.flush();
    stats.counters.iopubDropped += channels.iopub.queueDropped;
    log(`counters: ${JSON.stringify(stats.counters)}`);
    log(`exited with status ${code}`);
  });
}

/** process.exit() in a cell ends the kernel the clean way: the cell's reply and output go out first. */
function replaceProcessExit(finish: Finish): void {
  process.exit = function exit(code?: number | string | null): never {
    const status = code === undefined || code === null ? Number(process.exitCode ?? 0) : Number(code);
    const valid = Number.isInteger(status) ? status : 1;
    void finish(valid, `process.exit(${valid}) was called: exiting once the cell has finished`, { waitForCell: true });
    throw new KernelExit(`process.exit(${valid}) was called: the kernel exits after this cell`);
  } as typeof process.exit;
}

type Finish = (code: number, why: string, options?: { waitForCell?: boolean }) => Promise<void>;

let finishing = false;

/**
 * Ends the kernel cleanly, once: no new request starts, the one being
 * handled finishes if `waitForCell`, everything queued is handed to ZeroMQ,
 * the control thread answers what it has in flight (a shutdown_request) and
 * closes its sockets, then the main thread's sockets are closed and the
 * process exits with `code`.
 */
async function finishKernel(running: Running, code: number, why: string, options: { waitForCell?: boolean } = {}): Promise<void> {
  if (finishing) return;
  finishing = true;
  process.exitCode = code;
  log(why);
  // Whatever happens below, the process ends.
  setTimeout(() => exitProcess(code), 5000).unref();
  const stopped = running.core.stop();
  if (options.waitForCell) await stopped;
  await running.channels.flushAll();
  await running.background.close(2000);
  running.channels.close();
  exitProcess(code);
}
