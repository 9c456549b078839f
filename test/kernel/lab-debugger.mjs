// The conversation JupyterLab's debugger holds with a kernel, through its own
// client library (@jupyterlab/services' requestDebug and IOPub debug_events),
// against a running jupyter_server. The same sequence runs on our kernel and on
// ipykernel (with debugpy), for a cell in each language; prints JSON.
// Usage: node lab-debugger.mjs BASE_URL TOKEN KERNEL_NAME typescript|python [PROJECT_FILE]
// PROJECT_FILE: a TypeScript file of the kernel's working directory (counter.ts, with `bump`
// on lines 2-5) in which a breakpoint is set and hit through a cell that imports it.
import { readFileSync } from "node:fs";
import path from "node:path";
import { KernelManager, ServerConnection } from "@jupyterlab/services";
import * as zmq from "zeromq";
import WebSocket from "ws";

const [baseUrl, token, kernelName, language, projectFile] = process.argv.slice(2);
const CELLS = {
  // Line 2 is the breakpoint, line 3 the line `next` goes to; line 5 calls the function.
  typescript: ["function f(a: number): number {", "  const b = a + 1;", "  return b * 2;", "}", "const x = f(20);", "", "x"].join("\n"),
  python: ["def f(a):", "    b = a + 1", "    return b * 2", "", "x = f(20)", "", "x"].join("\n"),
};
const LOOP = {
  typescript: ["let n = 0;", "for (;;) {", "  n++;", "}"].join("\n"),
  python: ["n = 0", "while True:", "    n += 1", ""].join("\n"),
};
const NESTED = {
  typescript: ["function inner(n: number): number {", "  return n * 3;", "}", "function outer(m: number): number {", "  const k = inner(m);", "  return k + 1;", "}", "outer(2)"].join("\n"),
  python: ["def inner(n):", "    return n * 3", "", "def outer(m):", "    k = inner(m)", "    return k + 1", "", "outer(2)"].join("\n"),
};
const SPIN = {
  typescript: ["let spins = 0;", "for (;;) spins++;"].join("\n"),
  python: ["spins = 0", "while True: spins += 1"].join("\n"),
};
const code = CELLS[language];
const serverSettings = ServerConnection.makeSettings({ baseUrl, wsUrl: baseUrl.replace(/^http/, "ws"), token, WebSocket, fetch, appendToken: true });
const manager = new KernelManager({ serverSettings });
await manager.ready;
const kernel = await manager.startNew({ name: kernelName });
const info = await kernel.info;

const events = [];
const waiters = [];
kernel.iopubMessage.connect((_, msg) => {
  if (msg.header.msg_type !== "debug_event") return;
  events.push(msg.content);
  for (const waiter of [...waiters]) if (waiter.test(msg.content)) waiters.splice(waiters.indexOf(waiter), 1) && waiter.resolve(msg.content);
});
function nextEvent(name, ms = 20000) {
  const seen = events.length;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name} event in ${ms} ms (the last debug request: ${lastRequest}); events: ${JSON.stringify(events.slice(seen))}`)), ms);
    waiters.push({ test: (e) => e.event === name, resolve: (e) => (clearTimeout(timer), resolve(e)) });
  });
}
function within(promise, what, ms = 20000) {
  return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(`no ${what} in ${ms} ms`)), ms))]);
}
let seq = 1;
const replies = {};
let lastRequest = "none";
async function debug(command, args = {}, label = command) {
  lastRequest = label;
  const reply = await within(kernel.requestDebug({ type: "request", seq: seq++, command, arguments: args }).done, `${label} reply`);
  replies[label] = reply.content;
  if (process.env.DEBUG_TRACE) process.stderr.write(`${label}: ${JSON.stringify(reply.content).slice(0, 400)}\n`);
  return reply.content;
}
async function execute(source) {
  const future = kernel.requestExecute({ code: source, store_history: true }, true);
  const outputs = [];
  future.onIOPub = (msg) => {
    if (["execute_result", "stream", "error"].includes(msg.header.msg_type)) outputs.push({ type: msg.header.msg_type, content: msg.content });
  };
  const reply = await future.done;
  return { status: reply.content.status, outputs };
}
const specs = await (await fetch(`${baseUrl}/api/kernelspecs?token=${token}`)).json();
const r = { implementation: info.implementation, debugger: info.debugger, kernelspecMetadata: specs.kernelspecs[kernelName]?.spec.metadata, code, steps: {} };
const step = (name, value) => { r.steps[name] = value; process.stderr.write(`step ${name}: ${JSON.stringify(value)}\n`); };

// JupyterLab's start(): initialize, attach; then restoreState(): debugInfo; then each cell's
// breakpoints: dumpCell, setBreakpoints; then configurationDone.
await debug("initialize", { clientID: "jupyterlab", clientName: "JupyterLab", adapterID: kernelName, pathFormat: "path", linesStartAt1: true, columnsStartAt1: true, supportsVariableType: true, supportsVariablePaging: true, supportsRunInTerminalRequest: true, locale: "en" });
await debug("attach", {});
const infoReply = await debug("debugInfo", {});
const dumped = await debug("dumpCell", { code });
const sourcePath = dumped.body.sourcePath;
step("dump", { sourcePath, prefix: infoReply.body.tmpFilePrefix, seed: infoReply.body.hashSeed, suffix: infoReply.body.tmpFileSuffix });
await debug("setBreakpoints", { source: { path: sourcePath }, breakpoints: [{ line: 2 }], sourceModified: false });
await debug("setBreakpoints", { source: { path: sourcePath }, breakpoints: [{ line: 2 }, { line: 6 }], sourceModified: false }, "setBreakpointsBlankLine");
await debug("setBreakpoints", { source: { path: sourcePath }, breakpoints: [{ line: 2 }], sourceModified: false }, "setBreakpointsAgain");
await debug("configurationDone", {});
step("debugInfoAfter", (await debug("debugInfo", {}, "debugInfoAfter")).body);

// Run the cell: it stops on line 2, inside f.
let stopped = nextEvent("stopped");
let running = execute(code);
const stop1 = await stopped;
const threadId = stop1.body.threadId;
await debug("threads", {});
const trace = await debug("stackTrace", { threadId });
const top = trace.body.stackFrames[0];
step("stop1", { reason: stop1.body.reason, frame: { name: top.name, line: top.line, path: top.source?.path } });
const scopes = await debug("scopes", { frameId: top.id });
const locals = scopes.body.scopes[0];
const variables = await debug("variables", { variablesReference: locals.variablesReference });
step("locals", { scopes: scopes.body.scopes.map((s) => s.name), variables: variables.body.variables.map((v) => [v.name, v.value]) });
step("evaluate", (await debug("evaluate", { expression: "a * 2", frameId: top.id, context: "watch" })).body);
await debug("richInspectVariables", { variableName: "a", frameId: top.id }, "richInspectVariablesStopped");
// A control request while stopped: the control thread answers it.
step("debugInfoStopped", (await debug("debugInfo", {}, "debugInfoStopped")).body.stoppedThreads);
// The heartbeat while stopped, on the port of the connection file the server wrote (JUPYTER_RUNTIME_DIR).
if (process.env.JUPYTER_RUNTIME_DIR !== undefined) {
  const info = JSON.parse(readFileSync(path.join(process.env.JUPYTER_RUNTIME_DIR, `kernel-${kernel.id}.json`), "utf8"));
  const heartbeat = new zmq.Request({ receiveTimeout: 3000 });
  heartbeat.connect(`tcp://${info.ip}:${info.hb_port}`);
  await heartbeat.send("ping while stopped");
  step("heartbeatWhileStopped", String((await heartbeat.receive().catch((error) => [error.message]))[0]));
  heartbeat.close();
}
if (language === "typescript") {
  const greenlets = (await debug("scopes", { frameId: top.id }, "scopesAgain")).body.scopes.find((scope) => scope.name === "Greenlets");
  step("greenletsScope", (await debug("variables", { variablesReference: greenlets.variablesReference }, "variablesGreenlets")).body.variables.map((v) => [v.name, v.value]));
}
stopped = nextEvent("stopped");
await debug("next", { threadId });
const stop2 = await stopped;
const trace2 = await debug("stackTrace", { threadId }, "stackTraceAfterNext");
step("stop2", { reason: stop2.body.reason, line: trace2.body.stackFrames[0].line });
const continued = nextEvent("continued");
await debug("continue", { threadId });
step("continued", (await continued).event);
step("run1", await running);

// A second run stops again.
stopped = nextEvent("stopped");
running = execute(code);
const stop3 = await stopped;
const trace3 = await debug("stackTrace", { threadId: stop3.body.threadId }, "stackTraceSecondRun");
step("stop3", trace3.body.stackFrames[0].line);
await debug("continue", { threadId }, "continueSecondRun");
step("run2", await running);

// Breakpoints cleared: the cell runs through.
await debug("setBreakpoints", { source: { path: sourcePath }, breakpoints: [], sourceModified: false }, "setBreakpointsCleared");
step("run3", await execute(code));
// A breakpoint in a project file the cells import (ours only: a TypeScript file).
if (projectFile !== undefined) {
  const set = await debug("setBreakpoints", { source: { path: projectFile }, breakpoints: [{ line: 3 }], sourceModified: false }, "setProjectBreakpoint");
  step("projectBreakpoint", set.body.breakpoints.map((b) => [b.line, b.verified]));
  stopped = nextEvent("stopped");
  running = execute('import { bump } from "./counter.ts";\nbump(5)');
  const stopInFile = await stopped;
  const fileTrace = await debug("stackTrace", { threadId: stopInFile.body.threadId }, "stackTraceProjectFile");
  const [inFile, caller] = fileTrace.body.stackFrames;
  const fileScopes = await debug("scopes", { frameId: inFile.id }, "scopesProjectFile");
  const fileLocals = await debug("variables", { variablesReference: fileScopes.body.scopes[0].variablesReference }, "variablesProjectFile");
  step("projectStop", { frame: [inFile.name, inFile.source.path, inFile.line], caller: [caller.name, caller.line], locals: fileLocals.body.variables.map((v) => [v.name, v.value]) });
  await debug("continue", { threadId }, "continueProjectFile");
  step("projectRun", await running);
  await debug("setBreakpoints", { source: { path: projectFile }, breakpoints: [], sourceModified: false }, "clearProjectBreakpoint");
}
step("inspectVariables", (await debug("inspectVariables", {})).body.variables.filter((v) => ["x", "f"].includes(v.name)).map((v) => [v.name, v.value]));
step("rich", (await debug("richInspectVariables", { variableName: "x" })).body);
step("modules", (await debug("modules", {})).body.modules.map((m) => m.path));
await debug("source", { source: { path: sourcePath } });

// Bad input: an unknown command, a malformed request.
step("unknown", await debug("noSuchCommand", {}, "unknown"));
// (ipykernel 6.17 raises KeyError on it and never replies: asked of ours only.)
if (language === "typescript") step("malformed", (await within(kernel.requestDebug({ type: "request", command: "debugInfo" }).done, "malformed reply")).content);

if (language === "typescript") {
  // A debugger; statement stops while a client is attached, with no breakpoint set.
  stopped = nextEvent("stopped");
  running = execute("function paused(n: number): number {\n  debugger;\n  return n + 1;\n}\npaused(1)");
  const atStatement = await stopped;
  const statementTrace = await debug("stackTrace", { threadId }, "stackTraceDebuggerStatement");
  step("debuggerStatement", [atStatement.body.reason, statementTrace.body.stackFrames[0].name, statementTrace.body.stackFrames[0].line]);
  await debug("continue", { threadId }, "continueDebuggerStatement");
  step("debuggerStatementRun", (await within(running, "execute reply")).outputs.map((o) => o.content.data?.["text/plain"]));
}

// Step in, step out, copy a local to the globals; pause a spinning cell.
const nestedPath = (await debug("dumpCell", { code: NESTED[language] }, "dumpNested")).body.sourcePath;
await debug("setBreakpoints", { source: { path: nestedPath }, breakpoints: [{ line: 5 }], sourceModified: false }, "setNested");
stopped = nextEvent("stopped");
running = execute(NESTED[language]);
await stopped;
stopped = nextEvent("stopped");
await debug("stepIn", { threadId });
const inInner = await stopped;
const innerTrace = await debug("stackTrace", { threadId }, "stackTraceStepIn");
stopped = nextEvent("stopped");
await debug("stepOut", { threadId });
await stopped;
const outerTrace = await debug("stackTrace", { threadId }, "stackTraceStepOut");
await debug("copyToGlobals", { srcVariableName: "m", dstVariableName: "copied", srcFrameId: outerTrace.body.stackFrames[0].id });
step("stepping", {
  stepIn: [inInner.body.reason, innerTrace.body.stackFrames[0].name, innerTrace.body.stackFrames[0].line],
  stepOut: [outerTrace.body.stackFrames[0].name, outerTrace.body.stackFrames[0].line],
});
await debug("setBreakpoints", { source: { path: nestedPath }, breakpoints: [], sourceModified: false }, "clearNested");
await debug("continue", { threadId }, "continueNested");
step("nestedRun", (await within(running, "execute reply")).outputs.map((o) => o.content.data?.["text/plain"]));
step("copied", (await debug("evaluate", { expression: "copied", context: "repl" }, "evaluateCopied")).body?.result);
// (Ours only: ipykernel 6.17 stops at no breakpoint after a cell it paused is interrupted.)
if (language === "typescript") {
  running = execute(SPIN[language]);
  await new Promise((resolve) => setTimeout(resolve, 500));
  stopped = nextEvent("stopped");
  await debug("pause", { threadId });
  const paused = await stopped;
  const pausedTrace = await debug("stackTrace", { threadId }, "stackTracePaused");
  step("paused", { reason: paused.body.reason, line: pausedTrace.body.stackFrames[0].line });
  await kernel.interrupt();
  step("pausedInterrupted", await within(running, "execute reply after interrupting a paused cell", 10000).then((reply) => ({ status: reply.status, ename: reply.outputs.find((o) => o.type === "error")?.content.ename })));
}

// Disconnect while stopped: the cell finishes, the kernel is not left paused.
const third = code.replace("x = f(20)", "y = f(1)").replace("const x = f(20);", "const y = f(1);");
const thirdPath = (await debug("dumpCell", { code: third }, "dumpThird")).body.sourcePath;
await debug("setBreakpoints", { source: { path: thirdPath }, breakpoints: [{ line: 2 }], sourceModified: false }, "setThird");
stopped = nextEvent("stopped");
running = execute(third);
step("stop4", (await stopped).body.reason);
await debug("disconnect", { restart: false, terminateDebuggee: false });
step("afterDisconnect", await within(running, "execute reply after disconnect", 10000).catch((e) => e.message));
step("debugInfoDisconnected", (await debug("debugInfo", {}, "debugInfoDisconnected")).body.isStarted);

// Attached again, an interrupt while stopped in a loop ends the cell.
await debug("initialize", { clientID: "jupyterlab", clientName: "JupyterLab", adapterID: kernelName, pathFormat: "path", linesStartAt1: true, columnsStartAt1: true }, "initializeAgain");
await debug("attach", {}, "attachAgain");
const loopPath = (await debug("dumpCell", { code: LOOP[language] }, "dumpLoop")).body.sourcePath;
await debug("setBreakpoints", { source: { path: loopPath }, breakpoints: [{ line: 3 }], sourceModified: false }, "setLoopBreakpoint");
await debug("configurationDone", {}, "configurationDoneAgain");
stopped = nextEvent("stopped");
running = execute(LOOP[language]);
step("loopStopped", (await stopped).body.reason);
await kernel.interrupt();
step("interrupted", await within(running, "execute reply after interrupt", 10000).then((reply) => ({ status: reply.status, ename: reply.outputs.find((o) => o.type === "error")?.content.ename })).catch((e) => e.message));
if (language === "typescript") {
  // Still attached after the interrupt: a cell stops at its breakpoint again.
  await debug("setBreakpoints", { source: { path: sourcePath }, breakpoints: [{ line: 2 }], sourceModified: false }, "setAfterInterrupt");
  stopped = nextEvent("stopped");
  running = execute(code);
  step("stopAfterInterrupt", (await stopped).body.reason);
  await debug("continue", { threadId }, "continueAfterInterrupt");
  step("runAfterInterrupt", (await within(running, "execute reply")).status);
  await debug("setBreakpoints", { source: { path: sourcePath }, breakpoints: [], sourceModified: false }, "clearAfterInterrupt");
  // "Raised Exceptions": a cell's error stops where it is thrown, once; continuing gives the cell's error reply.
  await debug("setExceptionBreakpoints", { filters: ["raised"] });
  stopped = nextEvent("stopped");
  running = execute('function fail(): never {\n  throw new RangeError("boom");\n}\nfail()');
  const raised = await stopped;
  const raisedTrace = await debug("stackTrace", { threadId }, "stackTraceRaised");
  step("raised", { reason: raised.body.reason, text: raised.body.text, frame: [raisedTrace.body.stackFrames[0].name, raisedTrace.body.stackFrames[0].line] });
  await debug("continue", { threadId }, "continueRaised");
  step("raisedRun", await within(running, "execute reply after the exception stop").then((reply) => ({ status: reply.status, ename: reply.outputs.find((o) => o.type === "error")?.content.ename })));
  await debug("setExceptionBreakpoints", { filters: [] }, "clearExceptionBreakpoints");
}
await debug("disconnect", { restart: false, terminateDebuggee: false }, "disconnectAgain");
step("kernelStillWorks", await execute("6 * 7"));

if (language === "typescript") {
  // Shut down while stopped: the kernel lets the cell go and ends; it never waits on a paused thread.
  await debug("initialize", {}, "initializeLast");
  await debug("attach", {}, "attachLast");
  await debug("setBreakpoints", { source: { path: sourcePath }, breakpoints: [{ line: 2 }], sourceModified: false }, "setLast");
  stopped = nextEvent("stopped");
  running = execute(code);
  await stopped;
  const started = Date.now();
  await within(kernel.shutdown(), "shutdown while stopped", 15000);
  step("shutdownWhileStopped", { ms: Date.now() - started, status: kernel.status });
  r.replies = replies;
  r.events = events;
  manager.dispose();
  console.log(JSON.stringify(r));
  process.exit(0);
}

r.replies = replies;
r.events = events;
await kernel.shutdown();
manager.dispose();
console.log(JSON.stringify(r));
process.exit(0);
