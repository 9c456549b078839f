import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../helpers/node-script.js";

// CI must run what a new user runs: the commands of .ci/run are the README's
// "Two commands on a fresh machine", nothing before, between or after them.

/** The command lines of the README's first sh block in that section, comments cut. */
function readmeCommands(): string[] {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Two commands on a fresh machine\n"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
  return block
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter(Boolean);
}

/** The command lines of .ci/run, without its shebang, comments, shell options and the cd to the repository. */
function ciCommands(): { preamble: string[]; commands: string[] } {
  const lines = readFileSync(path.join(ROOT, ".ci/run"), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
  return { preamble: lines.slice(0, 2), commands: lines.slice(2) };
}

describe(".ci/run", () => {
  test("is exactly the README's two commands, under set -euo pipefail", () => {
    expect(readmeCommands()).toEqual(["npm install && npm run build && npm run docs", "npm test"]);
    const { preamble, commands } = ciCommands();
    expect(preamble).toEqual(["set -euo pipefail", 'cd "$(dirname "$0")/.."']);
    expect(commands).toEqual(readmeCommands());
  });

  test("is an executable bash script", () => {
    const text = readFileSync(path.join(ROOT, ".ci/run"), "utf8");
    expect(text.startsWith("#!/usr/bin/env bash\n")).toBe(true);
    expect(statSync(path.join(ROOT, ".ci/run")).mode & 0o111).toBe(0o111);
  });
});
