import { execFileSync } from "node:child_process";
import { murmur2 } from "../../dist/kernel/debugger/murmur2.js";
import { cellPath, HASH_SEED, tmpFilePrefix } from "../../dist/kernel/debugger/debug-paths.js";

// A client finds a cell's breakpoints by the name of its dumped file, which it
// computes itself: tmpFilePrefix + murmur2(code, hashSeed) + tmpFileSuffix. Our
// hash must be the one JupyterLab's debugger and ipykernel compute.

const SAMPLES = ["", "a", "ab", "abc", "abcd", "1+1", "let x = 1;\nx + 1", 'const s = "héllo wörld ☃ 🐍";', "x".repeat(1001)];

describe("murmur2, as the clients hash a cell", () => {
  test("the values JupyterLab 4.6's debugger (packages/debugger/src/hash.ts) gives for the same strings", () => {
    // Computed with @jupyterlab/debugger 4.6.4's lib/hash.js, seed 3339675911.
    const jupyterlab = [3990065800, 2167009006, 2805137849, 3350977461, 804720481, 225133317, 1337468207, 1307356207, 2469510316];
    expect(SAMPLES.map((s) => murmur2(s, HASH_SEED))).toEqual(jupyterlab);
  });

  test("the same values as ipykernel's own murmur2, for these samples and 200 random strings with other seeds", () => {
    const random: Array<[string, number]> = [];
    for (let i = 0; i < 200; i++) {
      let s = "";
      for (let j = 0; j < i % 23; j++) s += String.fromCodePoint(1 + Math.floor(Math.random() * 0x2fff));
      random.push([s, (i * 2654435761) >>> 0]);
    }
    const cases: Array<[string, number]> = [...SAMPLES.map((s): [string, number] => [s, HASH_SEED]), ...random];
    const script = "import json, sys\nfrom ipykernel.compiler import murmur2_x86\nprint(json.dumps([murmur2_x86(s, seed) for s, seed in json.load(sys.stdin)]))";
    const python = JSON.parse(execFileSync("/usr/bin/python3", ["-c", script], { input: JSON.stringify(cases), encoding: "utf8" })) as number[];
    expect(cases.map(([s, seed]) => murmur2(s, seed))).toEqual(python);
  });

  test("a cell's dumped file is named from its code under this kernel's prefix", () => {
    const prefix = tmpFilePrefix();
    expect(prefix.endsWith("/")).toBe(true);
    expect(prefix).toContain(String(process.pid));
    expect(cellPath("1+1")).toBe(`${prefix}225133317.ts`);
  });
});
