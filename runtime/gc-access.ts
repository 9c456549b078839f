import v8 from "node:v8";
import vm from "node:vm";

let fullGc: (() => void) | undefined;

/**
 * V8's full, synchronous garbage collection. With `node --expose-gc` it is
 * the global gc(); otherwise the flag is switched on at run time and gc()
 * taken from a fresh context, which then exposes it.
 */
export function garbageCollector(): () => void {
  if (fullGc !== undefined) return fullGc;
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === "function") {
    fullGc = exposed;
  } else {
    v8.setFlagsFromString("--expose-gc");
    fullGc = vm.runInNewContext("gc") as () => void;
  }
  return fullGc;
}
