#!/usr/bin/env node
// `npm test` runs this first (the "pretest" script). Several suites drive
// programs that npm cannot install — Debian's Jupyter client, server,
// nbconvert and Notebook, the jupyter_kernel_test suite, Chromium — and
// without them those suites would fail half-way with "No module named ...".
// So: check the rows of scripts/system-packages.mjs that the scope needs;
// when some are missing, install them with apt-get if we may (root, or
// passwordless sudo), otherwise stop with the exact command to run.
//
//   node scripts/ensure-system-packages.mjs [test|bench]    (default: test)
//
// GREENLET_TS_NO_APT=1 never runs apt-get: it prints the command and fails.
// GREENLET_TS_SYSTEM_ROOT=DIR looks for /usr/bin/... under DIR instead of /
// (the script's own tests use it with a fake python3).
//
// The check must cost nothing when all is present: one python3 process asks
// importlib whether each module can be found (importing notebook and
// jupyter_server for real takes over half a second), and files are stat'ed.

import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";
import { packagesFor } from "./system-packages.mjs";

const scope = process.argv[2] ?? "test";
if (scope !== "test" && scope !== "bench") {
  console.error(`usage: node scripts/ensure-system-packages.mjs [test|bench]`);
  process.exit(2);
}
const systemRoot = process.env.GREENLET_TS_SYSTEM_ROOT ?? "";
const noApt = process.env.GREENLET_TS_NO_APT === "1";
const python = `${systemRoot}/usr/bin/python3`;
const rows = packagesFor(scope);

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// Prints the names of the modules that cannot be found, one per line. A module
// that is there but broken is not caught here; its test then fails loudly.
const FIND_MODULES = [
  "import importlib.util, sys",
  "for name in sys.argv[1:]:",
  "    try:",
  "        found = importlib.util.find_spec(name) is not None",
  "    except Exception:",
  "        found = False",
  "    if not found:",
  "        print(name)",
].join("\n");

/** The rows whose file or module is not there. */
function missingRows() {
  const modules = rows.filter((row) => row.provides.python).map((row) => row.provides.python);
  let missingModules = new Set(modules);
  if (modules.length > 0 && executable(python)) {
    const found = spawnSync(python, ["-c", FIND_MODULES, ...modules], { encoding: "utf8" });
    if (found.status === 0) missingModules = new Set(found.stdout.split("\n").filter(Boolean));
    else process.stderr.write(`${python} could not check its modules:\n${found.stderr ?? found.error}\n`);
  }
  return rows.filter((row) => (row.provides.file ? !executable(`${systemRoot}${row.provides.file}`) : missingModules.has(row.provides.python)));
}

function describe(row) {
  const what = row.provides.file ?? `python3 module ${row.provides.python}`;
  const users = row.usedBy.filter((file) => file.startsWith(`${scope}/`));
  return `  ${row.package.padEnd(28)} ${what}: ${row.why} (${users.join(", ")})`;
}

function onPath(command) {
  return (process.env.PATH ?? "").split(path.delimiter).some((dir) => dir && executable(path.join(dir, command)));
}

/** How we may run apt-get: [] as root, ["sudo", "-n"] with passwordless sudo, or null. */
function privilege() {
  if (process.getuid?.() === 0) return [];
  if (onPath("sudo") && spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0) return ["sudo", "-n"];
  return null;
}

let missing = missingRows();
if (missing.length === 0) process.exit(0);

const packages = missing.map((row) => row.package);
const label = scope === "test" ? "npm test" : "npm run bench";
console.error(`${label} drives system programs that are not installed:\n${missing.map(describe).join("\n")}`);

const hasApt = onPath("apt-get");
const sudo = noApt || !hasApt ? null : privilege();
if (sudo === null) {
  const asRoot = process.getuid?.() === 0;
  const prefix = asRoot ? "" : "sudo ";
  const command = `${prefix}apt-get update && ${prefix}apt-get install -y ${packages.join(" ")}`;
  const reason = noApt
    ? "GREENLET_TS_NO_APT=1 is set, so nothing is installed"
    : !hasApt
      ? "apt-get is not on PATH (these are Debian package names; install their equivalents)"
      : "installing needs root or passwordless sudo";
  console.error(`${reason}. Run:\n\n  ${command}\n\nthen ${label} again.`);
  process.exit(1);
}

// apt-get must not stop to ask questions (debconf) in CI.
const run = (args) => {
  const argv = [...sudo, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", ...args];
  console.error(`$ ${argv.join(" ")}`);
  const result = spawnSync(argv[0], argv.slice(1), { stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) {
    console.error(`${argv.join(" ")} failed (${result.error ?? `exit status ${result.status}`})`);
    process.exit(1);
  }
};
console.error(`installing them with apt-get${sudo.length ? " through sudo" : " (running as root)"}:`);
run(["update", "-q"]);
run(["install", "-y", "-q", ...packages]);

missing = missingRows();
if (missing.length > 0) {
  console.error(`still missing after apt-get install:\n${missing.map(describe).join("\n")}`);
  process.exit(1);
}
console.error(`installed: ${packages.join(" ")}`);
