// Measures the cell engine for the engine table of bench/README.md; prints one JSON object.
import { Session } from "../dist/runtime/engine/index.js";
import { transpile } from "../dist/runtime/engine/transpile.js";
import { replTransform } from "../dist/runtime/engine/repl-transform.js";

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const time = (fn) => {
  const start = performance.now();
  fn();
  return performance.now() - start;
};

// A 200-line cell as people write them: types, a class, functions, loops, calls.
const lines = [];
for (let i = 0; i < 20; i++) {
  lines.push(
    `interface Item${i} { id: number; name: string; tags?: string[] }`,
    `const items${i}: Item${i}[] = [{ id: ${i}, name: "item ${i}" }];`,
    `function describe${i}(item: Item${i}): string {`,
    `  const tags = item.tags?.join(", ") ?? "none";`,
    `  return \`\${item.id}: \${item.name} (\${tags})\`;`,
    `}`,
    `class Counter${i}<T> { private count = 0; add(_value: T): this { this.count++; return this; } }`,
    `for (const item of items${i}) describe${i}(item);`,
    `let total${i} = items${i}.reduce((sum, item) => sum + item.id, 0) satisfies number;`,
    `new Counter${i}<number>().add(total${i});`,
  );
}
const bigCell = lines.join("\n");

const first = performance.now();
const session = new Session();
const firstSession = performance.now() - first;
await session.execute("1+1"); // the first cell loads oxc and compiles the engine's paths
const cellTimes = [];
for (let i = 0; i < 3000; i++) {
  const start = performance.now();
  await session.execute("1+1");
  cellTimes.push(performance.now() - start);
}
const transpileTimes = [];
const prepareTimes = [];
for (let i = 0; i < 200; i++) {
  transpileTimes.push(time(() => transpile(bigCell, "big.ts")));
  prepareTimes.push(time(() => replTransform(transpile(bigCell, "big.ts").code)));
}
// The alternative measured beside oxc: TypeScript's own transpileModule (the language service's compiler).
const { default: ts } = await import("typescript");
const tsTimes = [];
for (let i = 0; i < 50; i++) {
  tsTimes.push(time(() => ts.transpileModule(bigCell, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, sourceMap: true } })));
}
const bigRun = [];
for (let i = 0; i < 20; i++) {
  const start = performance.now();
  const outcome = await session.execute(bigCell);
  if (outcome.status !== "ok") throw new Error(JSON.stringify(outcome.error));
  bigRun.push(performance.now() - start);
}
const creation = [];
for (let i = 0; i < 50; i++) {
  const start = performance.now();
  const extra = new Session();
  creation.push(performance.now() - start);
  extra.close();
}
session.close();
console.log(
  JSON.stringify({
    cell: median(cellTimes),
    cellP99: [...cellTimes].sort((a, b) => a - b)[Math.floor(cellTimes.length * 0.99)],
    transpile200: median(transpileTimes),
    typescript200: median(tsTimes),
    prepare200: median(prepareTimes),
    run200: median(bigRun),
    bigCellLines: bigCell.split("\n").length,
    firstSession,
    session: median(creation),
  }),
);
