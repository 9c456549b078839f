// The Debian packages that the tests and the benchmarks drive, outside npm:
// Python's Jupyter programs that talk to our kernel, and a browser.
//
// One row per package. `provides` is what the row is checked by: an
// executable `file`, or a `python` module that /usr/bin/python3 can import.
// `usedBy` names the files that need it; a row is needed by `npm test` when
// one of them is under test/, by `npm run bench` when one is under bench/
// (scripts/ensure-system-packages.mjs reads it that way). A new test that
// drives another system program adds a row here, and
// test/setup/system-packages-table.test.ts fails until it does.
//
// Packages are named as directly as possible (python3-notebook rather than
// jupyter-notebook): the row's check is then exactly what the package ships.

export const SYSTEM_PACKAGES = [
  {
    package: "python3",
    provides: { file: "/usr/bin/python3" },
    why: "runs the Jupyter programs, which are Python",
    usedBy: [
      "test/kernel/jupyter-client.test.ts",
      "test/kernel/kernel-test-suite.test.ts",
      "test/kernel/jupyterlab-services.test.ts",
      "test/kernel/debugger.test.ts",
      "test/kernel/debugger-hash.test.ts",
      "test/helpers/jupyter-server.ts",
      "test/helpers/notebook-server.ts",
      "test/setup/system-packages.test.ts",
      "test/setup/system-packages-table.test.ts",
      "test/kernel/jupyter_client_session.py",
      "test/kernel/kernel_test_suite.py",
      "bench/run.mjs",
      "bench/doctest.mjs",
      "bench/kernel_bench.py",
      "bench/runtime_python_greenlet.py",
    ],
  },
  {
    package: "python3-jupyter-client",
    provides: { python: "jupyter_client" },
    why: "Jupyter's own client starts the kernel and runs a session against it",
    usedBy: ["test/kernel/jupyter_client_session.py", "test/kernel/jupyter-client.test.ts", "bench/kernel_bench.py", "bench/run.mjs"],
  },
  {
    package: "python3-jupyter-kernel-test",
    provides: { python: "jupyter_kernel_test" },
    why: "the Jupyter project's conformance suite for kernels",
    usedBy: ["test/kernel/kernel_test_suite.py", "test/kernel/kernel-test-suite.test.ts"],
  },
  {
    package: "jupyter-core",
    provides: { file: "/usr/bin/jupyter" },
    why: "the `jupyter` command that dispatches to `jupyter nbconvert`",
    usedBy: ["test/kernel/nbconvert.test.ts", "test/notebooks/nbconvert-agreement.test.ts", "bench/run.mjs"],
  },
  {
    package: "python3-nbconvert",
    provides: { python: "nbconvert" },
    why: "nbconvert and nbclient, which execute a notebook's cells on a kernel",
    usedBy: ["test/kernel/nbconvert.test.ts", "test/notebooks/nbconvert-agreement.test.ts", "bench/run.mjs"],
  },
  {
    package: "jupyter-nbconvert",
    provides: { file: "/usr/bin/jupyter-nbconvert" },
    why: "`jupyter nbconvert --execute`, the second client that runs notebooks on the kernel",
    usedBy: ["test/kernel/nbconvert.test.ts", "test/notebooks/nbconvert-agreement.test.ts", "bench/run.mjs"],
  },
  {
    package: "python3-jupyter-server",
    provides: { python: "jupyter_server" },
    why: "the server that JupyterLab's @jupyterlab/services client talks to",
    usedBy: ["test/helpers/jupyter-server.ts", "test/kernel/jupyterlab-services.test.ts", "test/kernel/debugger.test.ts"],
  },
  {
    package: "python3-notebook",
    provides: { python: "notebook" },
    why: "the classic Notebook server that the browser test opens",
    usedBy: ["test/helpers/notebook-server.ts", "test/notebooks/browser.test.ts", "test/notebooks/codemirror-mode.test.ts"],
  },
  {
    package: "chromium",
    provides: { file: "/usr/bin/chromium" },
    why: "the browser that playwright-core drives through the classic Notebook",
    usedBy: ["test/notebooks/browser.test.ts", "test/notebooks/codemirror-mode.test.ts"],
  },
  {
    package: "python3-greenlet",
    provides: { python: "greenlet" },
    why: "Python's greenlet, the anchor of the runtime benchmark",
    usedBy: ["bench/runtime_python_greenlet.py", "bench/run.mjs"],
  },
  {
    package: "python3-ipykernel",
    provides: { python: "ipykernel" },
    why: "ipykernel, the anchor of the kernel benchmark and the debugger's reference (its replies, its murmur2)",
    usedBy: ["bench/kernel_bench.py", "bench/run.mjs", "test/kernel/debugger.test.ts", "test/kernel/debugger-hash.test.ts"],
  },
  {
    package: "python3-debugpy",
    provides: { python: "debugpy" },
    why: "turns on ipykernel's debugger, the reference our debug_request replies are compared with",
    usedBy: ["test/kernel/debugger.test.ts"],
  },
];

/** The rows a scope needs: "test" for `npm test`, "bench" for `npm run bench`. */
export function packagesFor(scope) {
  return SYSTEM_PACKAGES.filter((row) => row.usedBy.some((file) => file.startsWith(`${scope}/`)));
}
