import { isMainRunning } from "../engine-hooks.js";
import { currentOwner } from "./cell-store.js";

let installed = false;
/** Inside an engine listener: its own writes are the host's, never a cell's. */
let suppressed = 0;

export function withoutCapture(fn: () => void): void {
  suppressed++;
  try {
    fn();
  } finally {
    suppressed--;
  }
}

/**
 * Routes process.stdout.write and process.stderr.write to the cell that owns
 * the current code, and leaves every other write alone. Installed once per
 * process; console.* in cells goes through the same two methods.
 */
export function installOutputCapture(): void {
  if (installed) return;
  installed = true;
  for (const name of ["stdout", "stderr"] as const) {
    const stream = process[name];
    const original = stream.write;
    stream.write = function write(this: NodeJS.WriteStream, chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
      const owner = suppressed > 0 ? undefined : currentOwner(isMainRunning());
      if (owner === undefined) return (original as (...args: unknown[]) => boolean).call(this, chunk, encoding, callback);
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString(typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
      owner.sink.write(owner.cell, name, text);
      const done = typeof encoding === "function" ? encoding : callback;
      if (typeof done === "function") queueMicrotask(() => (done as () => void)());
      return true;
    } as typeof stream.write;
  }
}
