// A preload for bench/profile-doctest.mjs, given to every process of a
// `greenlet-ts doctest` run through NODE_OPTIONS=--import=... (the runner
// and the worker it forks both get it). It changes nothing the run does; it
// records, in each process, on one clock (epoch milliseconds, from
// performance.timeOrigin):
//
// - when the process started and when node's bootstrap was done;
// - in the runner: when it forked its worker and when each message from the
//   worker arrived (with the sender's timestamp, to time the IPC hop);
// - in the worker: when worker.js began listening (its modules loaded), when
//   the file arrived, every message it sent (started / output / finished /
//   done), every full gc() (the engine's collect() calls the global gc()
//   that --expose-gc installs), and every FinalizationRegistry callback
//   (V8's finalization task after a gc(), which collect() waits for);
// - with PROFILE_CPU=1: a CPU profile of the process (inspector, 200 µs).
//
// The records go to PROFILE_OUT/<pid>.json: the runner's at exit, the
// worker's when it sends "done" (the pool ends a worker with SIGKILL, so
// an exit handler would never run there).
import { writeFileSync } from "node:fs";
import { createRequire, syncBuiltinESMExports } from "node:module";
import path from "node:path";

const out = process.env.PROFILE_OUT;
const now = () => performance.timeOrigin + performance.now();
const nodeTiming = performance.nodeTiming;
const record = {
  pid: process.pid,
  role: process.send === undefined ? "runner" : "worker",
  argv: process.argv.slice(1),
  timeOrigin: performance.timeOrigin,
  // Milliseconds after timeOrigin.
  nodeStart: nodeTiming.nodeStart,
  v8Start: nodeTiming.v8Start,
  environment: nodeTiming.environment,
  bootstrapComplete: nodeTiming.bootstrapComplete,
  hookStart: now(),
  events: [],
  gcs: [],
};
const mark = (what, extra = {}) => record.events.push({ what, at: now(), ...extra });

let profiler;
let saves = 0;
if (process.env.PROFILE_CPU === "1") {
  const inspector = await import("node:inspector");
  profiler = new inspector.Session();
  profiler.connect();
  profiler.post("Profiler.enable");
  profiler.post("Profiler.setSamplingInterval", { interval: 200 });
  profiler.post("Profiler.start");
}

function save() {
  if (out === undefined) return;
  record.savedAt = now();
  record.cpu = process.cpuUsage();
  record.maxRssKb = process.resourceUsage().maxRSS;
  const require = createRequire(import.meta.url);
  record.cjsModules = Object.keys(require.cache);
  if (profiler !== undefined) {
    // A worker saves at each file's end: each piece of the profile goes to a file of its own, and profiling goes on.
    const piece = ++saves;
    profiler.post("Profiler.stop", (error, result) => {
      if (!error) writeFileSync(path.join(out, `${process.pid}-${piece}.cpuprofile`), JSON.stringify(result.profile));
    });
    profiler.post("Profiler.start");
  }
  writeFileSync(path.join(out, `${process.pid}.json`), JSON.stringify(record));
}

// Every full collection, and the finalization task that follows it: the
// FinalizationRegistry constructor is wrapped (before the runtime creates its
// registry) so that each cleanup callback is timed; the first one after a
// gc() is V8's finalization task for it, which collect() waits for.
const callbacks = [];
const Registry = globalThis.FinalizationRegistry;
globalThis.FinalizationRegistry = class TimedFinalizationRegistry extends Registry {
  constructor(cleanup) {
    super((held) => {
      callbacks.push(now());
      return cleanup(held);
    });
  }
};
record.callbacks = callbacks;
if (typeof globalThis.gc === "function") {
  const gc = globalThis.gc;
  globalThis.gc = function timedGc(...args) {
    const entry = { start: now(), end: 0 };
    try {
      return gc.apply(this, args);
    } finally {
      entry.end = now();
      record.gcs.push(entry);
    }
  };
}

if (record.role === "runner") {
  const childProcess = createRequire(import.meta.url)("node:child_process");
  const fork = childProcess.fork;
  childProcess.fork = function timedFork(...args) {
    mark("fork");
    const child = fork.apply(this, args);
    mark("forked", { pid: child.pid });
    // A batch (an example's "finished" and what follows it) is marked as each of its messages; its hop and bytes go with the first.
    child.on("message", (message) => {
      const bytes = JSON.stringify(message).length;
      (message?.kind === "batch" ? message.messages : [message]).forEach((one, i) => mark("received", { kind: one?.kind, sent: i === 0 ? message?.__sentAt : undefined, bytes: i === 0 ? bytes : 0 }));
    });
    return child;
  };
  syncBuiltinESMExports();
  process.on("exit", () => {
    mark("exit");
    save();
  });
} else {
  // worker.js adds its "message" listener once its modules are loaded.
  const on = process.on;
  process.on = function (event, listener) {
    if (event === "message") mark("listening");
    return on.call(this, event, listener);
  };
  const emit = process.emit;
  process.emit = function (event, ...args) {
    if (event === "message") mark("file received");
    return emit.call(this, event, ...args);
  };
  const send = process.send;
  process.send = function (message, ...rest) {
    const at = now();
    const messages = message?.kind === "batch" ? message.messages : [message];
    for (const one of messages) mark("sent", { kind: one?.kind, line: one?.kind === "started" ? one.line : one?.result?.line });
    // Saved before the last message goes: the runner may kill this process as soon as it has it.
    if (messages.some((one) => one?.kind === "done")) save();
    return send.call(this, message && typeof message === "object" ? { ...message, __sentAt: at } : message, ...rest);
  };
}
