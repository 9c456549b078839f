// Run by debug-session.test.ts in a fresh process whose working directory is
// a temporary project: a Session whose cells run under debugger script names,
// driven through node's inspector from this thread (a debugger's Session
// connected in-process: a pause runs the handlers below, which resume). Prints
// what it saw as JSON on the last line of stdout.
import { mkdirSync, writeFileSync } from "node:fs";
import inspector from "node:inspector";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Session } from "../../dist/runtime/engine/index.js";
import { cellPositions, modulePositions } from "../../dist/runtime/engine/debug-positions.js";

const directory = process.cwd();
const dumps = path.join(directory, "dumps");
mkdirSync(dumps, { recursive: true });
const cellFile = path.join(dumps, "4017367593.ts");
const moduleFile = path.join(directory, "counter.ts");
const moduleSource = "export let calls = 0;\nexport function bump(by: number): number {\n  calls += by;\n  return calls;\n}\n";
writeFileSync(moduleFile, moduleSource);

const inspectorSession = new inspector.Session();
inspectorSession.connect();
const post = (method, params = {}) =>
  new Promise((resolve, reject) => inspectorSession.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
/** In-thread, a post is answered before it returns: what a pause handler needs. */
const postNow = (method, params = {}) => {
  let answer;
  inspectorSession.post(method, params, (error, result) => (answer = error ? { error: error.message } : result));
  return answer;
};

const urls = [];
const scriptUrls = new Map();
const contexts = [];
const pauses = [];
let onPause = () => undefined;
inspectorSession.on("Debugger.scriptParsed", ({ params }) => {
  urls.push(params.url);
  scriptUrls.set(params.scriptId, params.url);
});
inspectorSession.on("Runtime.executionContextCreated", ({ params }) => contexts.push(params.context));
inspectorSession.on("Debugger.paused", ({ params }) => {
  const frame = params.callFrames[0];
  const value = (expression) => postNow("Debugger.evaluateOnCallFrame", { callFrameId: frame.callFrameId, expression, returnByValue: true }).result?.value;
  // A frame's own `url` is empty on node 20: the script's URL comes from scriptParsed.
  pauses.push({ url: scriptUrls.get(frame.location.scriptId), line: frame.location.lineNumber + 1, column: frame.location.columnNumber + 1, ...onPause(value) });
  postNow("Debugger.resume");
});
await post("Runtime.enable");
await post("Debugger.enable");

const session = new Session();
const context = contexts.find((c) => c.name === "greenlet-ts session 1");
const evaluate = async (expression) => (await post("Runtime.evaluate", { expression, contextId: context.id, returnByValue: true })).result.value;
const run = async (code, options) => {
  const outcome = await session.execute(code, options);
  // An error shown as a cell's value (an Error of the context, not of this realm) is shown by its stack.
  const shown = typeof outcome.value?.stack === "string" ? outcome.value.stack : outcome.value;
  return outcome.status === "ok" ? { status: "ok", value: shown } : { status: outcome.status, traceback: outcome.error.traceback };
};

const result = { cellUrl: pathToFileURL(cellFile).href, moduleUrl: pathToFileURL(moduleFile).href, contextName: context?.name };
const cell = ["const base: number = 40;", "function answer(offset: number): number {", "  const result = base + offset;", "  return result;", "}", "answer(2)"].join("\n");
const cellMap = cellPositions(cell);

// A first run under the debugger's name, then a breakpoint on line 3 (by the file:// URL), then the same code again.
result.first = await run(cell, { filename: "[1]", scriptName: cellFile });
const at = cellMap.toScript(3);
await post("Debugger.setBreakpointByUrl", { url: pathToFileURL(cellFile).href, lineNumber: at.line - 1, columnNumber: at.column - 1 });
onPause = (value) => ({ offset: value("offset"), globals: value("Object.keys(__greenlet_debug__.userGlobals())"), state: value("(({ suspended, parents }) => ({ suspended, parents: parents.length }))(__greenlet_debug__.runtimeState())") });
result.second = await run(cell, { filename: "[2]", scriptName: cellFile });
result.third = await run(cell, { filename: "[7]", scriptName: cellFile });
result.cellPauses = pauses.splice(0).map((pause) => ({ ...pause, source: cellMap.toSource(pause.line, pause.column) }));

// Stacks show the cell's file name, not the script's.
result.thrown = await run("function fail(): never {\n  throw new Error('boom');\n}\nfail()", { filename: "[3]", scriptName: path.join(dumps, "2.ts") });
result.errorValue = await run("\nnew Error('here')", { filename: "[4]", scriptName: path.join(dumps, "3.ts") });
result.plain = await run("1 + 1", { filename: "[5]" });

// A breakpoint in a project file, set before the file is loaded.
const moduleMap = modulePositions(moduleFile, moduleSource);
const inModule = moduleMap.toScript(3);
await post("Debugger.setBreakpointByUrl", { url: pathToFileURL(moduleFile).href, lineNumber: inModule.line - 1, columnNumber: inModule.column - 1 });
onPause = (value) => ({ by: value("by") });
result.bumped = await run("import { bump } from './counter.ts';\nbump(5)", { filename: "[6]", scriptName: path.join(dumps, "4.ts") });
result.modulePauses = pauses.splice(0).map((pause) => ({ ...pause, source: moduleMap.toSource(pause.line, pause.column) }));
result.modules = await evaluate("__greenlet_debug__.modules()");
result.idleGlobals = await evaluate("__greenlet_debug__.inspectAll().map((g) => g.name)");

result.urls = urls.filter((url) => url.startsWith("file://") ? url.includes("/dumps/") || url.endsWith("/counter.ts") : /^(\[\d\]|cell)/.test(url));
session.close();
inspectorSession.disconnect();
process.stdout.write(`\n${JSON.stringify(result)}\n`);
