import path from "node:path";
import { expectDoctests, expectUsageError, jestLikeReport, runIn, runnerProject } from "../helpers/runner-project.js";

// greenlet-ts/jest in real jest runs of a user's project: one test per example named FILE:LINE,
// from a CommonJS test file in jest's default mode, an .mjs file in its ESM mode, and ts-jest.
const JEST = "node_modules/jest/bin/jest.js";

describe("greenlet-ts/jest", () => {
  test("jest's default mode: require() from a CommonJS test file", async () => {
    const dir = runnerProject(
      {
        "docs.test.js": 'const { doctest } = require("greenlet-ts/jest");\ndoctest(["README.md", "docs"]);\n',
        "usage.test.js": 'const { doctest } = require("greenlet-ts/jest");\ndoctest(["bad.md"]);\n',
        "jest.config.js": 'module.exports = { testEnvironment: "node" };\n',
      },
      ["jest"],
    );
    const run = await runIn(dir, [JEST, "--json", "--outputFile=report.json"]);
    expect(run.code).toBe(1);
    const reported = jestLikeReport(path.join(dir, "report.json"));
    expectDoctests(reported, "docs.test.js");
    expectUsageError(reported, "usage.test.js");
    // The failure reads as the command's report, at the example's place in the page.
    expect(reported.find((t) => t.title === "README.md:10")!.message).toMatch(/^DoctestFailure: README\.md:10\n> 'actual'\n[^]*\n {4}at .*README\.md:10:1$/);
  }, 120000);

  test("jest's ESM mode (--experimental-vm-modules): import from an .mjs test file", async () => {
    const dir = runnerProject(
      {
        "docs.test.mjs": 'import { doctest } from "greenlet-ts/jest";\ndoctest(["README.md", "docs"]);\n',
        "usage.test.mjs": 'import { doctest } from "greenlet-ts/jest";\ndoctest(["bad.md"]);\n',
        "jest.config.js": 'module.exports = { testEnvironment: "node", testMatch: ["**/*.test.mjs"], transform: {} };\n',
      },
      ["jest"],
    );
    const run = await runIn(dir, ["--experimental-vm-modules", "--disable-warning=ExperimentalWarning", JEST, "--json", "--outputFile=report.json"]);
    expect(run.code).toBe(1);
    const reported = jestLikeReport(path.join(dir, "report.json"));
    expectDoctests(reported, "docs.test.mjs");
    expectUsageError(reported, "usage.test.mjs");
  }, 120000);

  test("ts-jest: a .test.ts file compiled to CommonJS, typed against the package's declarations", async () => {
    const dir = runnerProject(
      {
        // A type error would fail the file: ts-jest reports TypeScript's diagnostics.
        "docs.test.ts": 'import { doctest, type DoctestOptions } from "greenlet-ts/jest";\nconst options: DoctestOptions = { timeoutMs: 30000, jobs: 1 };\ndoctest(["README.md", "docs"], options);\n',
        "usage.test.ts": 'import { doctest } from "greenlet-ts/jest";\ndoctest(["bad.md"]);\n',
        "jest.config.js": 'module.exports = { preset: "ts-jest", testEnvironment: "node" };\n',
        "tsconfig.json": JSON.stringify({ compilerOptions: { module: "commonjs", target: "es2022", strict: true, esModuleInterop: true } }),
      },
      ["jest", "ts-jest"],
    );
    const run = await runIn(dir, [JEST, "--json", "--outputFile=report.json"]);
    expect(run.code).toBe(1);
    const reported = jestLikeReport(path.join(dir, "report.json"));
    expectDoctests(reported, "docs.test.ts");
    expectUsageError(reported, "usage.test.ts");
  }, 120000);
});
