import { existsSync } from "node:fs";
import path from "node:path";
import { runScript, lines, ROOT } from "../helpers/node-script.js";

// The package as a user gets it: `npm run build`, then plain node imports it by name.

describe("the built package", () => {
  test("plain node imports the API from greenlet-ts through package exports", async () => {
    const { stdout, stderr } = await runScript(
      `
      const pkg = await import("greenlet-ts");
      console.log(Object.keys(pkg).sort().join(" "));
      const g = pkg.greenlet(async (x) => x + 1);
      console.log(await g.switch(41));
    `,
      [],
    );
    expect(stderr).toBe("");
    expect(lines(stdout)).toEqual([
      "Greenlet GreenletError GreenletExit collect finalize getcurrent gettrace greenlet runtimeCounts settrace",
      "42",
    ]);
  });

  test("type declarations are emitted next to the JavaScript", () => {
    for (const file of ["index", "greenlet", "collect", "finalize", "errors", "tracing"]) {
      expect(existsSync(path.join(ROOT, "dist/runtime", `${file}.d.ts`))).toBe(true);
    }
  });
});
