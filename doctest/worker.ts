import { writeSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { FromWorker, ToWorker } from "./pool.js";

/** The line a worker writes to stderr when an example calls process.exit() (see serveFiles), for the pool to read after its death. */
const EXIT_NOTICE = /^greenlet-ts doctest worker: (process\.exit\(.*\))$/m;

/** `process.exit(3)`, when the worker's stderr says an example called it. */
export function exitCalled(stderr: string): string | undefined {
  return EXIT_NOTICE.exec(stderr)?.[1];
}

/**
 * A worker process (this module, forked by the pool): checks the files its
 * parent sends, one at a time, telling it when each example starts, what it
 * prints and when it ends, so that a crash or a timeout is pinned on the
 * example that caused it. Ends when its parent disconnects (or dies).
 */
async function serveFiles(): Promise<void> {
  // Loaded here, not above: the pool imports exitCalled() from this module, and needs no engine.
  const { runFile } = await import("./runner.js");
  const send = batchedSender((message) => {
    if (process.connected) process.send!(message);
  });
  const exit = process.exit.bind(process);
  // An example's process.exit() ends the worker as it would any program; the parent is told why.
  process.exit = ((code?: number | string | null) => {
    send.flush();
    writeSync(2, `\ngreenlet-ts doctest worker: process.exit(${code ?? ""})\n`);
    return exit(code);
  }) as typeof process.exit;
  // Timers or handles that examples left would keep a worker alive that nobody waits for.
  process.on("disconnect", () => exit(0));
  // Started early (prestartWorker), the worker waits while its parent parses: the transpiler, which
  // the first example would load, is loaded meanwhile. A file that comes first simply waits the same.
  setImmediate(() => void import("../runtime/engine/transpile.js").then(({ transpile }) => transpile("0", "warm-up.ts")).catch(() => undefined));
  process.on("message", async ({ doc, run }: ToWorker) => {
    try {
      const result = await runFile(doc, run, {
        started: (line) => send({ kind: "started", line }),
        output: (text) => send({ kind: "output", text }),
        finished: (result) => send({ kind: "finished", result }),
      });
      send({ kind: "done", result });
    } catch (error) {
      send({ kind: "failed", error: String((error as Error)?.stack ?? error) });
    }
  });
}

/**
 * Sends what the worker tells the pool, an example's "finished" held back
 * until what comes next (the next one's "started", or the file's "done"),
 * which follows within the same run of microtasks: the two go as one
 * message, one pipe write and one wake-up of the parent instead of two.
 * Anything else goes at once (an example's output, which a timeout or a
 * crash report shows); what is held goes on the next turn of the event loop
 * anyway, and before an example's process.exit().
 */
export function batchedSender(post: (message: FromWorker) => void): ((message: FromWorker) => void) & { flush(): void } {
  let held: FromWorker | undefined;
  let flushing = false;
  const flush = (): void => {
    if (held === undefined) return;
    const message = held;
    held = undefined;
    post(message);
  };
  const send = (message: FromWorker): void => {
    if (message.kind === "finished") {
      flush();
      held = message;
      if (!flushing) {
        flushing = true;
        setImmediate(() => {
          flushing = false;
          flush();
        });
      }
      return;
    }
    if (held === undefined) return post(message);
    const messages = [held, message];
    held = undefined;
    post({ kind: "batch", messages });
  };
  return Object.assign(send, { flush });
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send !== undefined) void serveFiles();
