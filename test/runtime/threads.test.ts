import { Worker } from "node:worker_threads";
import { greenlet, getcurrent, settrace } from "greenlet-ts";
import { RUNTIME } from "../helpers/node-script.js";

// Threads (python_threads.rst): each Worker has its own main greenlet, tracer and greenlets,
// and a greenlet cannot be sent to another thread.

function inWorker(body: string): Promise<unknown> {
  const source = `
    const { parentPort } = require("node:worker_threads");
    import(${JSON.stringify(RUNTIME)}).then(async (G) => {
      const { greenlet, getcurrent, gettrace } = G;
      parentPort.postMessage(await (async () => { ${body} })());
    });
  `;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true });
    worker.once("message", (message) => {
      resolve(message);
      void worker.terminate();
    });
    worker.once("error", reject);
  });
}

describe("greenlets and worker threads", () => {
  test("a Worker has its own main greenlet and tracer, and its greenlets switch there", async () => {
    settrace(() => undefined);
    try {
      const answer = await inWorker(`
        const main = getcurrent();
        const g = greenlet(async (x) => (await main.switch(x + 1)) * 2);
        const first = await g.switch(1);
        const second = await g.switch(21);
        return { first, second, mainIsMain: main.parent === null, tracer: gettrace(), repr: String(main) };
      `);
      expect(answer).toEqual({ first: 2, second: 42, mainIsMain: true, tracer: null, repr: "<Greenlet #0 current active started main>" });
    } finally {
      settrace(null);
    }
  });

  test("structuredClone and postMessage refuse a greenlet with DataCloneError", async () => {
    const g = greenlet(() => 1);
    expect(() => structuredClone(g)).toThrow(expect.objectContaining({ name: "DataCloneError" }));
    expect(() => structuredClone(getcurrent())).toThrow(/cannot be cloned/);
    const worker = new Worker("require('node:worker_threads').parentPort.on('message', () => {})", { eval: true });
    try {
      expect(() => worker.postMessage(g)).toThrow(expect.objectContaining({ name: "DataCloneError" }));
      expect(() => worker.postMessage({ nested: [g] })).toThrow(expect.objectContaining({ name: "DataCloneError" }));
    } finally {
      await worker.terminate();
    }
  });
});
