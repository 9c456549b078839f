import { writeFileSync } from "node:fs";
import path from "node:path";
import { expectDoctests, expectUsageError, jestLikeReport, runIn, runnerProject } from "../helpers/runner-project.js";

// greenlet-ts/vitest in a real vitest run of a user's project (`vitest run`, the bin run by node
// directly: npx would look on the registry for a vitest the project does not list in its package.json).
describe("greenlet-ts/vitest", () => {
  test("one test per example named FILE:LINE, the diff as the failure, a usage error as a failing test", async () => {
    const dir = runnerProject(
      {
        "docs.test.ts": 'import { doctest } from "greenlet-ts/vitest";\ndoctest(["README.md", "docs"]);\n',
        "usage.test.js": 'import { doctest } from "greenlet-ts/vitest";\ndoctest(["bad.md"]);\n',
      },
      ["vitest"],
    );
    // The link's real path is outside node_modules, so vite loads the package as source of the
    // project; with preserveSymlinks it is under node_modules, and node loads it, as once installed.
    for (const preserveSymlinks of [false, true]) {
      writeFileSync(path.join(dir, "vitest.config.mjs"), `export default { resolve: { preserveSymlinks: ${preserveSymlinks} } };\n`);
      const run = await runIn(dir, ["node_modules/vitest/vitest.mjs", "run", "--reporter=json", "--outputFile=report.json"]);
      expect(run.code).toBe(1);
      const reported = jestLikeReport(path.join(dir, "report.json"));
      expectDoctests(reported, "docs.test.ts");
      expectUsageError(reported, "usage.test.js");
    }
  }, 120000);
});
