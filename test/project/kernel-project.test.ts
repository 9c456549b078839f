import { writeFileSync } from "node:fs";
import path from "node:path";
import { cli, fixture } from "../helpers/cli.js";
import { KernelClient, type Msg } from "../helpers/kernel-client.js";

/**
 * The kernel started in a user's project (Jupyter starts a kernel in the
 * notebook's directory): cells import the project's TypeScript, and a
 * source changed on disk is new code when the cell that imports it runs again.
 */

const PROJECT = {
  "package.json": JSON.stringify({ name: "shapes", version: "0.1.0", type: "module" }),
  "tsconfig.json": JSON.stringify({ compilerOptions: { strict: true, baseUrl: ".", paths: { "~/*": ["src/*"] } } }),
  "src/shapes.ts": [
    "export class Square {",
    "  constructor(readonly side: number) {}",
    "  area(): number {",
    "    return this.side * this.side;",
    "  }",
    "}",
    "export function check(side: number): Square {",
    "  if (side < 0) throw new RangeError(`negative side: ${side}`);",
    "  return new Square(side);",
    "}",
  ].join("\n"),
  "src/index.ts": 'export * from "./shapes.js";\n',
};

const result = (iopub: Msg[]): string | undefined => iopub.find((m) => m.header.msg_type === "execute_result")?.content.data["text/plain"];
const error = (iopub: Msg[]): Msg["content"] => iopub.find((m) => m.header.msg_type === "error")?.content;

describe("a kernel started in a TypeScript project", () => {
  let dir: string;
  let client: KernelClient;
  beforeAll(async () => {
    dir = fixture(PROJECT);
    client = new KernelClient(undefined, dir);
    await client.start();
  }, 60000);
  afterAll(() => client.close());

  test("cells import the project's sources; a changed file is new code when the importing cell runs again", async () => {
    let run = await client.execute('import { check } from "./src/index.js";\nconst first = check(3);\nfirst.area()');
    expect(result(run.iopub)).toBe("9");
    run = await client.execute('import { Square } from "~/shapes";\nnew Square(2).area()');
    expect(result(run.iopub)).toBe("4");
    writeFileSync(path.join(dir, "src/shapes.ts"), PROJECT["src/shapes.ts"].replace("return this.side * this.side;", "return this.side * this.side * 10;"));
    run = await client.execute('import { check } from "./src/index.js";\n[check(3).area(), first.area()]');
    // The new code for what the cell imports again; the object made before keeps its class.
    expect(result(run.iopub)).toBe("[ 90, 9 ]");
    run = await client.execute('require("./src/shapes").check(1).area()');
    expect(result(run.iopub)).toBe("10");
  });

  test("errors name the source's lines, and missing modules the cell; the kernel goes on", async () => {
    let run = await client.execute('import { check } from "./src/index.js";\ncheck(-1)');
    expect(run.reply.content.status).toBe("error");
    expect(error(run.iopub).traceback.slice(0, 3)).toEqual(["RangeError: negative side: -1", "    at check (src/shapes.ts:8:23)", `    at [${run.reply.content.execution_count}]:2:1`]);
    run = await client.execute('import { circle } from "./src/circle.ts"');
    expect(error(run.iopub).evalue).toBe(`Cannot find module '${dir}/src/circle.ts' imported from [${run.reply.content.execution_count}]`);
    run = await client.execute("1 + 1");
    expect(result(run.iopub)).toBe("2");
  });
});

/** A notebook of nbformat 4 whose code cells have the given sources and stored text results. */
function notebook(cells: Array<[string, string]>): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "greenlet-ts", display_name: "TypeScript (greenlet)", language: "typescript" } },
    cells: cells.map(([source, text], i) => ({
      cell_type: "code",
      id: `c${i}`,
      metadata: {},
      execution_count: i + 1,
      source,
      outputs: [{ output_type: "execute_result", execution_count: i + 1, metadata: {}, data: { "text/plain": text } }],
    })),
  });
}

test("a notebook in a project's directory imports its sources when greenlet-ts doctest checks it", async () => {
  const dir = fixture({
    ...PROJECT,
    "notebooks/explore.ipynb": notebook([
      ['import { check } from "../src/index.js";\ncheck(5).area()', "25"],
      ['import { Square } from "~/shapes";\nnew Square(1.5).area()', "2.25"],
    ]),
  });
  const run = await cli(["doctest", "notebooks/explore.ipynb"], dir);
  expect(run.stderr).toBe("");
  expect(run.stdout).toBe("2 passed, 0 failed, 0 skipped\n");
  writeFileSync(path.join(dir, "src/shapes.ts"), PROJECT["src/shapes.ts"].replace("this.side * this.side", "this.side + this.side"));
  const changed = await cli(["doctest", "notebooks/explore.ipynb"], dir);
  expect(changed.stdout).toContain("FAIL notebooks/explore.ipynb:cell 1\n");
  expect(changed.stdout).toContain("0 passed, 2 failed, 0 skipped");
}, 60000);
