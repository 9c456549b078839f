// A preload (`node --import` through NODE_OPTIONS, so that forked workers
// get it too) that records every module a process loads, for tests that
// check what a run loads: the ES modules the loader resolves (module hooks,
// loaded-modules-hooks.mjs) and the CommonJS files require() reads, each
// appended to LOADED_MODULES_DIR/<pid> as it happens (a worker is killed,
// not exited, so nothing can wait for the end).
import { appendFileSync } from "node:fs";
import Module, { register } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const dir = process.env.LOADED_MODULES_DIR;
if (dir !== undefined && dir !== "") {
  const file = path.join(dir, String(process.pid));
  appendFileSync(file, `argv ${process.argv.slice(1).join(" ")}\n`);
  register(new URL("./loaded-modules-hooks.mjs", import.meta.url), { data: { file } });
  const seen = new Set();
  const require = Module.prototype.require;
  Module.prototype.require = function (id) {
    const exports = require.call(this, id);
    for (const loaded of Object.keys(Module._cache)) {
      if (seen.has(loaded)) continue;
      seen.add(loaded);
      appendFileSync(file, `cjs ${pathToFileURL(loaded).href}\n`);
    }
    return exports;
  };
}
