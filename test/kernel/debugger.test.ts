import { writeFileSync } from "node:fs";
import path from "node:path";
import { murmur2 } from "../../dist/kernel/debugger/murmur2.js";
import { startJupyterServer, type JupyterServer } from "../helpers/jupyter-server.js";
import { ROOT } from "../helpers/node-script.js";
import { runProcess } from "../helpers/spawn.js";

// JupyterLab's debugger conversation (test/kernel/lab-debugger.mjs, through
// @jupyterlab/services' requestDebug and IOPub debug_events) against our kernel
// under jupyter_server, and the same sequence on a Python cell against
// Debian's ipykernel with debugpy, the reference implementation.

type Conversation = { debugger: boolean; kernelspecMetadata?: Record<string, unknown>; code: string; steps: Record<string, any>; replies: Record<string, any>; events: Array<{ event: string; body?: any }> };

async function converse(server: JupyterServer, kernel: string, language: string, projectFile?: string): Promise<Conversation> {
  const args = [path.join(ROOT, "test/kernel/lab-debugger.mjs"), server.base, server.token, kernel, language, ...(projectFile === undefined ? [] : [projectFile])];
  const env = { ...process.env, JUPYTER_RUNTIME_DIR: path.join(server.dir, "runtime") };
  const result = await runProcess(process.execPath, args, { cwd: ROOT, timeoutMs: 150000, env });
  if (result.code !== 0) throw new Error(`${kernel}: ${result.stderr.slice(-4000)}\n${server.log().slice(-3000)}`);
  return JSON.parse(result.stdout.trim().split("\n").pop()!) as Conversation;
}

/** The keys of a reply, its body, and the first item of each list in the body: the shape a client reads. */
function shape(reply: any): string[] {
  const keys = Object.keys(reply ?? {}).map((k) => k);
  const body = reply?.body ?? {};
  for (const [name, value] of Object.entries(body)) {
    keys.push(`body.${name}`);
    if (Array.isArray(value) && value[0] !== null && typeof value[0] === "object") for (const item of Object.keys(value[0])) keys.push(`body.${name}[].${item}`);
  }
  return keys;
}

/** ipykernel's own slips, not fields a client reads: richInspectVariables' reply says `sequence_seq` for `seq`. */
const IPYKERNEL_QUIRKS = new Set(["sequence_seq"]);

let server: JupyterServer;
let ours: Conversation;
let reference: Conversation;
let projectFile: string;

beforeAll(async () => {
  server = await startJupyterServer("greenlet-ts-debug");
  // A file of the user's project, in the directory the kernels start in; `bump` is on lines 2-5.
  projectFile = path.join(server.dir, "counter.ts");
  writeFileSync(projectFile, "export let calls = 0;\nexport function bump(by: number): number {\n  calls += by;\n  return calls * 10;\n}\n");
  // One after the other: two kernels stepping at once on two cores would slow both.
  ours = await converse(server, "greenlet-ts-debug", "typescript", projectFile);
  reference = await converse(server, "python3", "python");
}, 320000);

afterAll(() => server?.stop());

describe("JupyterLab's debugger conversation with the kernel", () => {
  test("advertised in kernel_info; debugInfo names the dumped cell as JupyterLab computes it", () => {
    expect(ours.debugger).toBe(true);
    const { sourcePath, prefix, seed, suffix } = ours.steps.dump;
    expect(suffix).toBe(".ts");
    expect(sourcePath).toBe(`${prefix}${murmur2(ours.code, seed)}${suffix}`);
    expect(ours.replies.debugInfo.body).toMatchObject({ isStarted: true, hashMethod: "Murmur2", breakpoints: [], stoppedThreads: [], richRendering: true });
    expect(ours.steps.debugInfoAfter.breakpoints).toEqual([{ source: sourcePath, breakpoints: [{ line: 2 }] }]);
    expect(ours.events.map((e) => e.event)).toContain("initialized");
  });

  test("breakpoints: a line with code is verified, a blank line is not", () => {
    expect(ours.replies.setBreakpoints.body.breakpoints).toMatchObject([{ verified: true, line: 2 }]);
    const [code, blank] = ours.replies.setBreakpointsBlankLine.body.breakpoints;
    expect(code).toMatchObject({ verified: true, line: 2 });
    expect(blank).toMatchObject({ verified: false, line: 6 });
    expect(blank.message).toContain("no code on line 6");
  });

  test("the cell stops on line 2 of its TypeScript; stack, scopes, variables, evaluate; next goes to line 3; continue ends the cell with its result", () => {
    const { steps } = ours;
    expect(steps.stop1).toEqual({ reason: "breakpoint", frame: { name: "f", line: 2, path: steps.dump.sourcePath } });
    expect(ours.replies.stackTrace.body.stackFrames[1]).toMatchObject({ name: "<cell>", line: 5 });
    expect(steps.locals.scopes).toEqual(["Locals", "Globals", "Greenlets"]);
    expect(steps.locals.variables).toContainEqual(["a", "20"]);
    expect(steps.evaluate).toMatchObject({ result: "40", type: "number", variablesReference: 0 });
    expect(ours.replies.richInspectVariablesStopped.body.data).toEqual({ "text/plain": "20" });
    expect(steps.debugInfoStopped).toEqual([1]);
    // While the main thread is paused the control thread answers: debugInfo above, the heartbeat here.
    expect(steps.heartbeatWhileStopped).toBe("ping while stopped");
    expect(Object.fromEntries(steps.greenletsScope)).toMatchObject({ suspended: "0", liveFinalizers: "0" });
    expect(steps.greenletsScope.map(([name]: [string]) => name)).toEqual(expect.arrayContaining(["current", "parents", "main", "suspended"]));
    expect(steps.stop2).toEqual({ reason: "step", line: 3 });
    expect(steps.continued).toBe("continued");
    expect(steps.run1).toEqual({ status: "ok", outputs: [{ type: "execute_result", content: { execution_count: 1, data: { "text/plain": "42" }, metadata: {} } }] });
  });

  test("a second run stops again; with the breakpoints cleared the cell runs through; the variable explorer and rich display", () => {
    expect(ours.steps.stop3).toBe(2);
    expect(ours.steps.run2.outputs[0].content.data).toEqual({ "text/plain": "42" });
    expect(ours.replies.setBreakpointsCleared.body.breakpoints).toEqual([]);
    expect(ours.steps.run3.outputs[0].content.data).toEqual({ "text/plain": "42" });
    expect(ours.steps.inspectVariables).toEqual(expect.arrayContaining([["x", "42"], ["f", "[Function: f]"]]));
    expect(ours.steps.rich).toEqual({ data: { "text/plain": "42" }, metadata: {} });
    expect(ours.replies.source.body.content).toContain("function f(a: number)");
  });

  test("a breakpoint in a TypeScript file of the project stops there when a cell calls into it; the kernel sources list it", () => {
    expect(ours.steps.projectBreakpoint).toEqual([[3, true]]);
    expect(ours.steps.projectStop.frame).toEqual(["bump", projectFile, 3]);
    expect(ours.steps.projectStop.caller).toEqual(["<cell>", 2]);
    expect(ours.steps.projectStop.locals).toContainEqual(["by", "5"]);
    expect(ours.steps.projectRun.outputs[0].content.data).toEqual({ "text/plain": "50" });
    expect(ours.steps.modules).toContain(projectFile);
  });

  test("a debugger; statement stops while a client is attached", () => {
    expect(ours.steps.debuggerStatement).toEqual(["breakpoint", "paused", 2]);
    expect(ours.steps.debuggerStatementRun).toEqual(["2"]);
  });

  test("stepIn enters the called function, stepOut comes back to the caller's line, copyToGlobals makes a local a global; pause stops a spinning cell", () => {
    // V8's stepOut stops at the caller's next statement once the call's value is assigned (debugpy: the call's line).
    expect(ours.steps.stepping).toEqual({ stepIn: ["step", "inner", 2], stepOut: ["outer", 6] });
    expect(ours.steps.nestedRun).toEqual(["7"]);
    expect(ours.steps.copied).toBe("2");
    expect(ours.steps.paused).toEqual({ reason: "pause", line: 2 });
    expect(ours.steps.pausedInterrupted).toEqual({ status: "error", ename: "Interrupted" });
  });

  test("the installed kernelspec says debugger: true, as jupyter_server serves it (older JupyterLab reads it there)", () => {
    expect(ours.kernelspecMetadata).toEqual({ debugger: true });
  });

  test("bad input: an unknown command fails with a message; malformed content gets an error reply", () => {
    expect(ours.steps.unknown).toMatchObject({ type: "response", success: false, command: "noSuchCommand" });
    expect(ours.steps.unknown.message).toContain("noSuchCommand");
    expect(ours.steps.malformed).toMatchObject({ status: "error", ename: "InvalidRequest" });
  });

  test("disconnect while stopped lets the cell finish; an interrupt while stopped ends the cell; the kernel still works", () => {
    expect(ours.steps.stop4).toBe("breakpoint");
    expect(ours.steps.afterDisconnect).toMatchObject({ status: "ok" });
    expect(ours.steps.debugInfoDisconnected).toBe(false);
    expect(ours.events.map((e) => e.event)).toContain("terminated");
    expect(ours.steps.loopStopped).toBe("breakpoint");
    expect(ours.steps.interrupted).toEqual({ status: "error", ename: "Interrupted" });
    expect(ours.steps.stopAfterInterrupt).toBe("breakpoint");
    expect(ours.steps.runAfterInterrupt).toBe("ok");
    expect(ours.steps.kernelStillWorks.outputs[0].content.data).toEqual({ "text/plain": "42" });
  });

  test("Raised Exceptions: a cell's error stops where it is thrown, once; continuing gives the cell's error reply", () => {
    expect(ours.steps.raised).toEqual({ reason: "exception", text: "RangeError: boom", frame: ["fail", 2] });
    expect(ours.steps.raisedRun).toEqual({ status: "error", ename: "RangeError" });
  });

  test("shutdown while stopped: the kernel lets the cell go and ends at once", () => {
    expect(ours.steps.shutdownWhileStopped.status).toBe("dead");
    expect(ours.steps.shutdownWhileStopped.ms).toBeLessThan(10000);
  });

  test("ipykernel, asked the same on a Python cell, behaves the same way (the reference run is sound)", () => {
    const { steps } = reference;
    expect(reference.replies.debugInfo.body.isStarted).toBe(true);
    expect(steps.stop1).toMatchObject({ reason: "breakpoint", frame: { name: "f", line: 2 } });
    expect(steps.stop2).toEqual({ reason: "step", line: 3 });
    expect(steps.run1.status).toBe("ok");
    expect(steps.afterDisconnect).toMatchObject({ status: "ok" });
    expect(steps.interrupted).toEqual({ status: "error", ename: "KeyboardInterrupt" });
    expect(steps.stepping).toEqual({ stepIn: ["step", "inner", 2], stepOut: ["outer", 5] });
  });

  test("each of our replies has every field ipykernel's reply to the same request has", () => {
    const missing: string[] = [];
    for (const [label, theirs] of Object.entries(reference.replies)) {
      const mine = ours.replies[label];
      if (mine === undefined) {
        missing.push(`${label}: no reply`);
        continue;
      }
      // Where ipykernel failed and we did not (copyToGlobals, which ipykernel 6.17 lacks), a failure's `message` is not ours to have.
      if (theirs.success === false && mine.success === true) continue;
      for (const key of shape(theirs)) if (!IPYKERNEL_QUIRKS.has(key) && !shape(mine).includes(key)) missing.push(`${label}: ${key}`);
    }
    expect(missing).toEqual([]);
    const events = new Set(ours.events.map((e) => e.event));
    for (const event of ["initialized", "stopped", "continued", "terminated"]) expect(events).toContain(event);
  });
});
