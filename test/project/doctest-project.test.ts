import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { cli, fixture } from "../helpers/cli.js";
import { ROOT } from "../helpers/node-script.js";

/**
 * `greenlet-ts doctest` in a user's own TypeScript project, as a new user
 * runs it: a README that imports the sources, JSDoc @example sessions, the
 * "greenlet-ts" section of package.json, a setup module, --watch.
 */

const MATH = `export interface Pair { a: number; b: number }

/**
 * Adds two numbers.
 *
 * @example
 * \`\`\`ts
 * > add(1, 2)
 * 3
 * > add(0.1, 0.2)
 * 0.30000000000000004
 * \`\`\`
 *
 * @example Unfenced, with the comment's indentation
 *   > [1, 2, 3].map((n) => add(n, n))
 *   [ 2, 4, 6 ]
 */
export function add(a: number, b: number): number {
  return a + b;
}

export let calls = 0;

/**
 * Counts its calls (an assert-style example with its own imports: it must not throw).
 *
 * @example
 * import assert from "node:assert";
 * import { count as again } from "./math.js";
 * assert.equal(count(), 1);
 * assert.equal(again(), 2);
 * assert.equal(calls, 2);
 */
export function count(): number {
  return ++calls;
}

/**
 * @example > fail("boom")
 * Uncaught Error: boom
 */
export function fail(message: string): never {
  throw new Error(message);
}
`;

const PROJECT = {
  "package.json": JSON.stringify({ name: "mathlib", version: "1.0.0", type: "module" }),
  "tsconfig.json": JSON.stringify({ compilerOptions: { baseUrl: ".", paths: { "#math": ["src/math.ts"] } } }),
  "src/math.ts": MATH,
  "src/index.ts": 'export { add, count, calls, fail } from "./math.js";\n',
  "README.md": "# mathlib\n\n```ts\n> import { add } from \"./src/index.js\";\n> add(2, 3)\n5\n> import { fail } from \"#math\";\n> fail(\"no\")\nUncaught Error: no\n```\n",
};

describe("greenlet-ts doctest in a TypeScript project", () => {
  test("a README importing ./src and the JSDoc examples of src/ (a directory) pass; --list includes them", async () => {
    const dir = fixture(PROJECT);
    const run = await cli(["doctest", "README.md", "src"], dir);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("9 passed, 0 failed, 0 skipped\n");
    expect(run.code).toBe(0);
    const listed = JSON.parse((await cli(["doctest", "--list", "src"], dir)).stdout) as Array<{ file: string; line: number; source: string; runOnly?: boolean }>;
    expect(listed.map((e) => `${e.file}:${e.line}`)).toEqual(["src/math.ts:8", "src/math.ts:10", "src/math.ts:15", "src/math.ts:28", "src/math.ts:39"]);
    expect(listed[3]!.runOnly).toBe(true);
  });

  test("failures read src/math.ts:LINE; --update rewrites inside the comment, keeps its prefixes, and a second run changes nothing", async () => {
    const dir = fixture({ ...PROJECT, "src/math.ts": MATH.replace(" * 3\n", " * 4\n").replace(" *   [ 2, 4, 6 ]", " *   [ 2, 4 ]\n *   [ 6 ]") });
    const run = await cli(["doctest", "src/math.ts"], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("FAIL src/math.ts:8\n  > add(1, 2)\n");
    expect(run.stdout).toContain("FAIL src/math.ts:15\n");
    expect(run.stdout).toContain("3 passed, 2 failed, 0 skipped");
    const update = await cli(["doctest", "--update", "src/math.ts"], dir);
    expect(update.stderr).toBe("updated 2 examples in src/math.ts\n");
    expect(readFileSync(path.join(dir, "src/math.ts"), "utf8")).toBe(MATH);
    const again = await cli(["doctest", "--update", "src/math.ts"], dir);
    expect(again.stdout).toBe("5 passed, 0 failed, 0 skipped\n");
    expect(readFileSync(path.join(dir, "src/math.ts"), "utf8")).toBe(MATH);
  });

  test("an assert-style example that throws fails with the error; a source file that cannot load stops its examples", async () => {
    const dir = fixture({
      "src/bad.ts": "/**\n * @example\n * import assert from 'node:assert';\n * assert.equal(twice(2), 5);\n */\nexport const twice = (n: number): number => n * 2;\n",
      "src/broken.ts": "/** @example > ok\n * 1\n */\nexport const ok = 1;\nexport const broken = (;\n",
    });
    const bad = await cli(["doctest", "src/bad.ts"], dir);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("FAIL src/bad.ts:3\n");
    expect(bad.stdout).toContain("the example threw:\n  Uncaught AssertionError [ERR_ASSERTION]: 4 == 5");
    const broken = await cli(["doctest", "src/broken.ts"], dir);
    expect(broken.stdout).toContain("FAIL src/broken.ts:1\n");
    expect(broken.stdout).toContain("the exports of src/broken.ts could not be loaded:\n  Uncaught SyntaxError: Unexpected token (src/broken.ts:5:24)\n");
    expect(broken.stdout).toContain("1 failed, 1 skipped");
  });

  test("an @example that cannot be parsed is a usage error naming the file and line", async () => {
    const dir = fixture({ "src/open.ts": "/**\n * @example\n * ```ts\n * > 1 + 1\n * 2\n */\nexport const x = 1;\n" });
    const run = await cli(["doctest", "src/open.ts"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("greenlet-ts doctest: src/open.ts:3: the code fence opened here in an @example is not closed\n");
  });

  test('the "greenlet-ts" section of package.json: include, exclude, options, setup, timeout, jobs; the command line wins', async () => {
    const dir = fixture({
      ...PROJECT,
      "package.json": JSON.stringify({
        name: "mathlib",
        type: "module",
        "greenlet-ts": { doctest: { include: ["README.md", "src", "docs"], exclude: ["docs/drafts"], options: ["+ELLIPSIS"], setup: "test/doctest-setup.ts", timeout: 2000, jobs: 2 } },
      }),
      "test/doctest-setup.ts": 'export const fixtureName = "from setup";\nexport { add as plus } from "../src/math.js";\n',
      "docs/guide.md": "```ts\n> fixtureName\n'from ...'\n> plus(1, 1)\n2\n```\n",
      "docs/drafts/wip.md": "```ts\n> 1\n2\n```\n",
      "docs/slow.md": "```ts\n> await new Promise((r) => setTimeout(r, 3000))\n```\n",
    });
    const run = await cli(["doctest"], dir);
    expect(run.stdout).toContain("FAIL docs/slow.md:2\n");
    expect(run.stdout).toContain("timed out after 2000 ms");
    expect(run.stdout).toContain("11 passed, 1 failed, 0 skipped");
    const flags = await cli(["doctest", "docs", "--timeout", "5000", "--option=-ELLIPSIS"], dir);
    // The command line's paths, timeout and options win: guide.md's "..." is literal now.
    expect(flags.stdout).toContain("FAIL docs/guide.md:2\n");
    expect(flags.stdout).toContain("2 passed, 1 failed, 0 skipped");
    const bad = fixture({ "package.json": JSON.stringify({ "greenlet-ts": { doctest: { jobs: 0, colour: true } } }) });
    const refused = await cli(["doctest"], bad);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`greenlet-ts doctest: ${path.join(bad, "package.json")}: "greenlet-ts".doctest.colour is not a known field (known: include, exclude, options, setup, timeout, jobs)\n`);
  }, 60000);

  test("a hidden <!-- doctest-setup --> block runs before the next block", async () => {
    const dir = fixture({
      ...PROJECT,
      "GUIDE.md": '# Guide\n\n<!-- doctest-setup\nimport { add } from "./src/math.ts";\nconst base = 40;\n-->\n\n```ts\n> add(base, 2)\n42\n```\n',
    });
    const run = await cli(["doctest", "GUIDE.md"], dir);
    expect(run.stdout).toBe("1 passed, 0 failed, 0 skipped\n");
    const broken = fixture({ "GUIDE.md": "<!-- doctest-setup\nthrow new Error('setup broke');\n-->\n\n```ts\n> 1\n1\n```\n" });
    const failed = await cli(["doctest", "GUIDE.md"], broken);
    expect(failed.stdout).toContain("FAIL GUIDE.md:1\n");
    expect(failed.stdout).toContain("the setup code failed:\n  Uncaught Error: setup broke");
  });

  test("--watch checks again the page whose imported module changed, and only it", async () => {
    const dir = fixture({ ...PROJECT, "OTHER.md": "```ts\n> 1 + 1\n2\n```\n" });
    const child = spawn(process.execPath, ["--expose-gc", path.join(ROOT, "dist/cli/main.js"), "doctest", "--watch", "README.md", "OTHER.md"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    const waitFor = async (text: string): Promise<void> => {
      for (let i = 0; i < 200 && !output.includes(text); i++) await new Promise((r) => setTimeout(r, 50));
      if (!output.includes(text)) throw new Error(`no "${text}" in:\n${output}`);
    };
    try {
      await waitFor("[watch] watching");
      writeFileSync(path.join(dir, "src/math.ts"), MATH.replace("return a + b;", "return a + b + 1;"));
      await waitFor("[watch] 3 passed, 1 failed");
      expect(output).toContain("[watch] src/math.ts changed: checking README.md\n");
      expect(output).toContain("FAIL README.md:5\n");
    } finally {
      child.kill("SIGINT");
    }
  }, 30000);
});
