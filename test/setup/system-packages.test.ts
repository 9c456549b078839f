import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "../helpers/node-script.js";
import { runProcess } from "../helpers/spawn.js";

// scripts/ensure-system-packages.mjs, which `npm test` runs first. Apart from
// the first test, it runs against a fake system: GREENLET_TS_SYSTEM_ROOT
// points it at a directory whose usr/bin holds stub programs and a python3
// that is the real one with some modules hidden, and PATH holds a fake
// apt-get (and sudo) that only records what it was asked. Nothing is installed.

const SCRIPT = path.join(ROOT, "scripts/ensure-system-packages.mjs");
const SUDO = process.getuid?.() === 0 ? "" : "sudo ";
const STUBS = ["jupyter", "jupyter-nbconvert", "chromium"];
const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

interface FakeSystem {
  root: string;
  /** Directory of the fake apt-get and sudo. */
  bin: string;
  /** What the fake apt-get was called with, one line per call: "$DEBIAN_FRONTEND $*". */
  aptLog(): string[];
}

function executable(file: string, text: string) {
  writeFileSync(file, text);
  chmodSync(file, 0o755);
}

/**
 * A fake system with every program of the table present, except the
 * python modules named in `hidden` and the usr/bin files in `absent`. The
 * fake apt-get "installs" by un-hiding the modules, unless `aptDelivers` is false.
 */
function fakeSystem({ hidden = [], absent = [], aptDelivers = true }: { hidden?: string[]; absent?: string[]; aptDelivers?: boolean } = {}): FakeSystem {
  const root = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-system-"));
  made.push(root);
  const usrBin = path.join(root, "usr", "bin");
  const bin = path.join(root, "fake-bin");
  const hide = path.join(root, "hide");
  for (const dir of [usrBin, bin, hide]) mkdirSync(dir, { recursive: true });
  const hiddenFile = path.join(root, "hidden-modules");
  writeFileSync(hiddenFile, hidden.join("\n"));
  // A module set to None in sys.modules cannot be imported, and importlib's find_spec reports it absent.
  writeFileSync(path.join(hide, "sitecustomize.py"), `import sys\nfor name in open(${JSON.stringify(hiddenFile)}).read().split():\n    sys.modules[name] = None\n`);
  // Shell built-ins only (${0%/*}): the tests run some of these with an empty PATH.
  executable(path.join(usrBin, "python3"), `#!/bin/sh\nPYTHONPATH="\${0%/*}/../../hide" exec /usr/bin/python3 "$@"\n`);
  for (const name of STUBS) executable(path.join(usrBin, name), "#!/bin/sh\nexit 0\n");
  for (const name of absent) rmSync(path.join(usrBin, name));
  const log = path.join(root, "apt.log");
  executable(path.join(bin, "apt-get"), `#!/bin/sh\necho "$DEBIAN_FRONTEND $*" >> ${log}\n${aptDelivers ? `case "$1" in install) : > ${hiddenFile};; esac\n` : ""}exit 0\n`);
  executable(path.join(bin, "sudo"), `#!/bin/sh\n[ "$1" = -n ] && shift\nexec "$@"\n`);
  return { root, bin, aptLog: () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : []) };
}

function ensure(system: FakeSystem | null, env: Record<string, string>, args: string[] = []) {
  const fake = system ? { GREENLET_TS_SYSTEM_ROOT: system.root } : {};
  const { GREENLET_TS_NO_APT: _no, GREENLET_TS_SYSTEM_ROOT: _root, ...inherited } = process.env;
  return runProcess(process.execPath, [SCRIPT, ...args], { env: { ...inherited, ...fake, ...env }, timeoutMs: 20000 });
}

describe("the system packages that npm test drives", () => {
  test("on this machine all are present: the check exits 0 at once and prints nothing", async () => {
    const started = process.hrtime.bigint();
    const result = await ensure(null, { GREENLET_TS_NO_APT: "1" });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(ms).toBeLessThan(1000);
  });

  test("a fake system with everything present passes too", async () => {
    const system = fakeSystem();
    expect(await ensure(system, { GREENLET_TS_NO_APT: "1" })).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  test("a missing python module: non-zero exit, what is missing and why, and the exact apt-get command", async () => {
    const system = fakeSystem({ hidden: ["notebook"] });
    const result = await ensure(system, { GREENLET_TS_NO_APT: "1" });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^npm test drives system programs that are not installed:\n {2}python3-notebook +python3 module notebook: .*\(test\/helpers\/notebook-server.ts, test\/notebooks\/browser.test.ts, test\/notebooks\/codemirror-mode.test.ts\)\n/);
    expect(result.stderr).toContain(`GREENLET_TS_NO_APT=1 is set, so nothing is installed. Run:\n\n  ${SUDO}apt-get update && ${SUDO}apt-get install -y python3-notebook\n\nthen npm test again.\n`);
    expect(system.aptLog()).toEqual([]);
  });

  test("without python3 every module counts as missing; missing files are named too, in the table's order", async () => {
    const system = fakeSystem({ absent: ["python3", "chromium"] });
    const result = await ensure(system, { GREENLET_TS_NO_APT: "1" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `${SUDO}apt-get install -y python3 python3-jupyter-client python3-jupyter-kernel-test python3-nbconvert python3-jupyter-server python3-notebook chromium python3-ipykernel python3-debugpy\n`,
    );
  });

  test("allowed to install, it runs apt-get update and install -y, non-interactively, and checks again", async () => {
    const system = fakeSystem({ hidden: ["notebook", "jupyter_kernel_test"] });
    const result = await ensure(system, { PATH: `${system.bin}:/usr/bin:/bin` });
    expect(system.aptLog()).toEqual(["noninteractive update -q", "noninteractive install -y -q python3-jupyter-kernel-test python3-notebook"]);
    expect(result.stderr).toContain("python3-jupyter-kernel-test  python3 module jupyter_kernel_test: the Jupyter project's conformance suite for kernels (test/kernel/kernel_test_suite.py, test/kernel/kernel-test-suite.test.ts)\n");
    expect(result.stderr).toMatch(/\ninstalling them with apt-get (\(running as root\)|through sudo):\n/);
    expect(result.stderr).toMatch(/\ninstalled: python3-jupyter-kernel-test python3-notebook\n$/);
    expect(result.code).toBe(0);
  });

  test("when apt-get does not deliver what was missing, it fails", async () => {
    const system = fakeSystem({ hidden: ["jupyter_server"], aptDelivers: false });
    const result = await ensure(system, { PATH: `${system.bin}:/usr/bin:/bin` });
    expect(system.aptLog()).toEqual(["noninteractive update -q", "noninteractive install -y -q python3-jupyter-server"]);
    expect(result.stderr).toMatch(/\nstill missing after apt-get install:\n {2}python3-jupyter-server /);
    expect(result.code).toBe(1);
  });

  test("without apt-get on PATH it names the Debian packages and stops", async () => {
    const system = fakeSystem({ absent: ["chromium"] });
    const empty = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-empty-path-"));
    made.push(empty);
    const result = await ensure(system, { PATH: empty });
    expect(result.stderr).toContain("apt-get is not on PATH (these are Debian package names; install their equivalents). Run:\n");
    expect(result.stderr).toContain(`${SUDO}apt-get install -y chromium\n`);
    expect(result.code).toBe(1);
  });

  test("the bench scope adds the benchmarks' anchors; npm test does not need them", async () => {
    // Python's greenlet is only the runtime benchmark's anchor (ipykernel is also the debugger tests' reference).
    const system = fakeSystem({ hidden: ["greenlet"] });
    expect((await ensure(system, { GREENLET_TS_NO_APT: "1" })).code).toBe(0);
    const bench = await ensure(system, { GREENLET_TS_NO_APT: "1" }, ["bench"]);
    expect(bench.code).toBe(1);
    expect(bench.stderr).toMatch(/^npm run bench drives system programs that are not installed:\n {2}python3-greenlet .*\(bench\/runtime_python_greenlet.py, bench\/run.mjs\)\n/);
    expect(bench.stderr).toContain(`${SUDO}apt-get install -y python3-greenlet\n`);
  });
});
