// The debugger's cost to cells that do not stop: `1+1` round trips through
// our client (shell execute_request to execute_reply and IOPub idle), on a
// kernel with no client attached, then with one attached (initialize, attach)
// and no breakpoint, then with a breakpoint in another cell. Blocks alternate
// within each kernel process; each repeat is a fresh kernel. Prints one JSON
// object: the p50s in milliseconds.
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { launchKernel } = await import(path.join(root, "dist/kernel/client/launch.js"));
const { KernelClient } = await import(path.join(root, "dist/kernel/client/kernel-client.js"));
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const CELLS = 200;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function p50(client) {
  const times = [];
  for (let i = 0; i < CELLS; i++) {
    const start = performance.now();
    await client.execute("1+1");
    times.push(performance.now() - start);
  }
  return median(times);
}

async function oneKernel() {
  const kernel = await launchKernel();
  const client = new KernelClient(kernel.connection);
  let seq = 1;
  const debug = (command, args = {}) => client.request("debug_request", { type: "request", seq: seq++, command, arguments: args }, "control");
  try {
    await client.ready();
    for (let i = 0; i < 50; i++) await client.execute("1+1");
    const result = { none: [], attached: [], breakpoint: [] };
    for (let block = 0; block < 2; block++) {
      result.none.push(await p50(client));
      await debug("initialize", { clientID: "bench", adapterID: "greenlet-ts" });
      await debug("attach");
      // Attaching reports every script already parsed (node's own, some hundreds) to the adapter once: not a per-cell cost.
      for (let i = 0; i < 50; i++) await client.execute("1+1");
      result.attached.push(await p50(client));
      const code = "function elsewhere(n: number) {\n  return n + 1;\n}";
      const dumped = await debug("dumpCell", { code });
      await debug("setBreakpoints", { source: { path: dumped.content.body.sourcePath }, breakpoints: [{ line: 2 }] });
      await client.execute(code);
      result.breakpoint.push(await p50(client));
      await debug("disconnect", { restart: false, terminateDebuggee: false });
      for (let i = 0; i < 50; i++) await client.execute("1+1");
    }
    return { none: median(result.none), attached: median(result.attached), breakpoint: median(result.breakpoint) };
  } finally {
    client.close?.();
    kernel.kill();
  }
}

const runs = [];
for (let i = 0; i < REPEATS; i++) runs.push(await oneKernel());
const pick = (key) => median(runs.map((run) => run[key]));
console.log(JSON.stringify({ none: pick("none"), attached: pick("attached"), breakpoint: pick("breakpoint"), cells: CELLS, repeats: REPEATS }));
process.exit(0);
