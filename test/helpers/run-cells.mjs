// Runs a scenario of steps on one engine Session in this (fresh) process and
// prints what happened as JSON on the last line of stdout. Steps:
//   { code, interruptAfterMs?, filename?, lineOffset? }  execute a cell
//   { complete, cursor? } | { inspect, cursor?, detail? } | { isComplete }
//   { sleep: ms }
//   { write: path, text }   write a file (relative to the session's cwd), as an editor would
//   { moduleLoaded: name }  whether a package (by its directory in node_modules) is in require.cache
// Options (argv[2], JSON): { autoCollect?, typeCheck?, cwd? }
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { Session } from "../../dist/runtime/engine/index.js";

const input = JSON.parse(await new Promise((resolve) => {
  let text = "";
  process.stdin.setEncoding("utf8").on("data", (chunk) => (text += chunk)).on("end", () => resolve(text));
}));
const events = [];
const session = new Session({
  ...input.options,
  onEvent: (event) => {
    const { value, ...rest } = event;
    if (rest.kind === "error") {
      const { value: thrown, ...error } = rest.error;
      rest.error = error;
    }
    events.push(rest);
  },
});
const results = [];
for (const step of input.steps) {
  if (step.code !== undefined) {
    if (step.interruptAfterMs !== undefined) {
      new Worker(`setTimeout(() => process.kill(process.pid, "SIGINT"), ${step.interruptAfterMs})`, { eval: true }).unref();
    }
    const started = performance.now();
    const outcome = await session.execute(step.code, { filename: step.filename, lineOffset: step.lineOffset });
    const { value, ...rest } = outcome;
    if (rest.error) {
      const { value: thrown, ...error } = rest.error;
      rest.error = error;
    }
    results.push({ ...rest, ms: performance.now() - started });
  } else if (step.complete !== undefined) {
    results.push(session.complete(step.complete, step.cursor));
  } else if (step.inspect !== undefined) {
    results.push(session.inspect(step.inspect, step.cursor, step.detail ?? 0));
  } else if (step.isComplete !== undefined) {
    results.push(session.isComplete(step.isComplete));
  } else if (step.sleep !== undefined) {
    await new Promise((resolve) => setTimeout(resolve, step.sleep));
    results.push({ slept: step.sleep });
  } else if (step.write !== undefined) {
    writeFileSync(path.resolve(session.cwd, step.write), step.text);
    results.push({ wrote: step.write });
  } else if (step.languageServiceLoaded) {
    results.push({ loaded: session.languageServiceLoaded });
  } else if (step.moduleLoaded !== undefined) {
    const directory = `${path.sep}node_modules${path.sep}${step.moduleLoaded.split("/").join(path.sep)}${path.sep}`;
    results.push({ loaded: Object.keys(createRequire(import.meta.url).cache).some((file) => file.includes(directory)) });
  }
}
session.close();
process.stdout.write(`\n${JSON.stringify({ results, events })}\n`);
