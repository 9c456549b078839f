import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../helpers/node-script.js";
import { runProcess } from "../helpers/spawn.js";
// @ts-expect-error: a plain .mjs module (run by node before the build), without types
import { SYSTEM_PACKAGES, packagesFor } from "../../scripts/system-packages.mjs";

// The table in scripts/system-packages.mjs is what `npm test` installs, so it
// must name every system program that the tests and benchmarks drive. This
// reads them from the sources: each program named under /usr/bin, each Python module run
// with `-m` or imported (by a .py file, or by `python3 -c "import ..."`)
// that is not in Python's standard library, must be a row listing that file.

interface Row {
  package: string;
  provides: { file?: string; python?: string };
  why: string;
  usedBy: string[];
}
const ROWS = SYSTEM_PACKAGES as Row[];
// Programs of Debian's essential packages (coreutils), there on every Debian system.
const ESSENTIAL = new Set(["/usr/bin/env"]);

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|mjs|cjs|js|py)$/.test(entry.name))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)));
}

/** What one source file needs from the system: files under /usr/bin and Python modules. */
function needs(file: string): { files: Set<string>; modules: Set<string> } {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  const files = new Set([...text.matchAll(/\/usr\/bin\/[\w.-]+/g)].map((m) => m[0]));
  const modules = new Set<string>();
  for (const m of text.matchAll(/"-m",\s*"([\w.]+)"/g)) modules.add(m[1]!.split(".")[0]!);
  for (const m of text.matchAll(/"-c",\s*"import ([\w., ]+)"/g)) for (const name of m[1]!.split(",")) modules.add(name.trim().split(".")[0]!);
  if (file.endsWith(".py")) for (const m of text.matchAll(/^\s*(?:import|from)\s+([\w.]+)/gm)) modules.add(m[1]!.split(".")[0]!);
  return { files, modules };
}

describe("scripts/system-packages.mjs", () => {
  let stdlib: Set<string>;
  beforeAll(async () => {
    const result = await runProcess("/usr/bin/python3", ["-c", "import sys; print(' '.join(sorted(sys.stdlib_module_names)))"]);
    expect(result.code).toBe(0);
    stdlib = new Set(result.stdout.trim().split(" "));
  });

  test("every /usr/bin program and non-standard Python module used in test/ and bench/ is a row that names the file", () => {
    const unlisted: string[] = [];
    for (const file of [...sources("test"), ...sources("bench")]) {
      const { files, modules } = needs(file);
      for (const needed of files) {
        if (ESSENTIAL.has(needed)) continue;
        if (!ROWS.some((row) => row.provides.file === needed && row.usedBy.includes(file))) unlisted.push(`${file}: ${needed}`);
      }
      for (const module of modules) {
        if (stdlib.has(module)) continue;
        if (!ROWS.some((row) => row.provides.python === module && row.usedBy.includes(file))) unlisted.push(`${file}: python3 module ${module}`);
      }
    }
    expect(unlisted).toEqual([]);
  });

  test("each row is checked by one file or one module, names files that exist, and is needed by npm test or the benchmarks", () => {
    for (const row of ROWS) {
      expect([row.package, Object.keys(row.provides)]).toEqual([row.package, [row.provides.file ? "file" : "python"]]);
      expect(row.why.length).toBeGreaterThan(0);
      for (const file of row.usedBy) expect([row.package, file, existsSync(path.join(ROOT, file))]).toEqual([row.package, file, true]);
      expect(packagesFor("test").includes(row) || packagesFor("bench").includes(row)).toBe(true);
    }
    expect(new Set(ROWS.map((row) => row.package)).size).toBe(ROWS.length);
  });

  test("npm test runs the check first, and the README names every package it may install", () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
    expect(pkg.scripts.pretest).toBe("node scripts/ensure-system-packages.mjs");
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Two commands on a fresh machine"), readme.indexOf("\n## ", readme.indexOf("## Two commands")));
    for (const row of packagesFor("test") as Row[]) expect([row.package, section.includes(`\`${row.package}\``)]).toEqual([row.package, true]);
  });
});
