// Deno, for the bench only (issue 16, item 5): its Jupyter kernel is one of
// the kernel suite's anchors. The binary comes from the npm package
// `@deno/linux-x64-glibc`, installed into a temporary directory for this run
// (never a dependency of the project), or from DENO_BIN if that is set.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const PACKAGE = "@deno/linux-x64-glibc";

/** Finds an executable named `name` under `dir`. */
function findBinary(dir, name) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findBinary(full, name);
      if (found !== undefined) return found;
    } else if (entry.name === name && (statSync(full).mode & 0o111) !== 0) {
      return full;
    }
  }
  return undefined;
}

/**
 * A Deno binary for this run: `{ deno, version, cleanup }`, or `{ reason }`
 * saying why there is none (no network, an unsupported platform, ...).
 */
export function installDeno() {
  if (process.env.DENO_BIN) return check(process.env.DENO_BIN, () => undefined);
  if (process.platform !== "linux" || process.arch !== "x64") return { reason: `${PACKAGE} is for linux x64, this is ${process.platform} ${process.arch}` };
  const dir = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-bench-deno-"));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const npm = spawnSync("npm", ["install", "--prefix", dir, PACKAGE, "--no-save", "--no-audit", "--no-fund", "--loglevel=error"], { encoding: "utf8", timeout: 180_000 });
  if (npm.status !== 0) {
    cleanup();
    // npm's own summary: "npm error code ECONNREFUSED", then what it was doing.
    const lines = (npm.stderr || npm.error?.message || "").trim().split("\n").map((line) => line.replace(/^npm (error|ERR!) ?/, "").trim()).filter(Boolean);
    const why = [...new Set([lines.find((line) => line.startsWith("code ")), lines.find((line) => /^FetchError: /.test(line))?.replace(/^FetchError: /, "")].filter(Boolean))].join("; ") || lines[0];
    return { reason: `npm install ${PACKAGE} failed (${why || `status ${npm.status}`})` };
  }
  const deno = findBinary(path.join(dir, "node_modules"), "deno");
  if (deno === undefined) {
    cleanup();
    return { reason: `${PACKAGE} was installed but holds no deno binary` };
  }
  return check(deno, cleanup);
}

function check(deno, cleanup) {
  const version = spawnSync(deno, ["--version"], { encoding: "utf8" });
  if (version.status !== 0) {
    cleanup();
    return { reason: `${deno} --version failed: ${(version.stderr || version.error?.message || "").trim()}` };
  }
  return { deno, version: version.stdout.split("\n")[0].trim(), cleanup };
}

/**
 * Writes Deno's kernelspec under `jupyterPath` (a JUPYTER_PATH directory):
 * the argv `deno jupyter --install` writes (it writes to ~/.local/share/jupyter
 * whatever JUPYTER_DATA_DIR says, so it is not run), with `--unstable` flags
 * left out as Deno 2 has them on for the kernel. Returns the environment
 * the kernel wants: its own DENO_DIR, no update check, no colours.
 */
export function writeDenoKernelspec(deno, jupyterPath, name = "deno-bench") {
  const dir = path.join(jupyterPath, "kernels", name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "kernel.json"), JSON.stringify({ argv: [deno, "jupyter", "--kernel", "--conn", "{connection_file}"], display_name: "Deno (bench)", language: "typescript" }, null, 2));
  const denoDir = path.join(jupyterPath, "..", "deno-dir");
  if (!existsSync(denoDir)) mkdirSync(denoDir, { recursive: true });
  return { DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
}
