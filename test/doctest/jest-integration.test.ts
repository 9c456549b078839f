import { fixture } from "../helpers/cli.js";
import { spawn } from "node:child_process";
import path from "node:path";
import { ROOT } from "../helpers/node-script.js";

// greenlet-ts/jest in a real jest run of a project: one test per example, named FILE:LINE.
describe("greenlet-ts/jest", () => {
  test("runs each example as a jest test and fails the ones whose output differs", async () => {
    const fence = "```";
    const dir = fixture({
      "docs/page.md": `${fence}ts\nconst base = 40;\n${fence}\n\n${fence}ts\n> base + 2\n42\n> 'actual'\n'expected'\n${fence}\n`,
      "jest.config.json": JSON.stringify({ testMatch: ["**/docs.test.mjs"], transform: {}, testEnvironment: "node" }),
      "docs.test.mjs": `import { doctest } from ${JSON.stringify(path.join(ROOT, "dist/doctest/jest.js"))};\ndoctest(["docs"]);\n`,
    });
    const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, ["--experimental-vm-modules", "--disable-warning=ExperimentalWarning", path.join(ROOT, "node_modules/jest/bin/jest.js"), "--config", "jest.config.json", "--verbose"], { cwd: dir });
      let output = "";
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
      child.on("close", (code) => resolve({ code, output }));
    });
    expect(result.code).toBe(1);
    expect(result.output).toContain("✓ docs/page.md:1 (setup)");
    expect(result.output).toContain("✓ docs/page.md:6");
    expect(result.output).toContain("✕ docs/page.md:8");
    expect(result.output).toContain("-'expected'");
    expect(result.output).toMatch(/Tests:\s+1 failed, 2 passed, 3 total/);
  });
});
