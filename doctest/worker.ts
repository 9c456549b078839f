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
  const exit = process.exit.bind(process);
  // An example's process.exit() ends the worker as it would any program; the parent is told why.
  process.exit = ((code?: number | string | null) => {
    writeSync(2, `\ngreenlet-ts doctest worker: process.exit(${code ?? ""})\n`);
    return exit(code);
  }) as typeof process.exit;
  const send = (message: FromWorker): void => {
    if (process.connected) process.send!(message);
  };
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

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send !== undefined) void serveFiles();
