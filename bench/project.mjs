// The cost of a user's own project: importing its TypeScript from a cell, and
// checking the example project's docs (examples/library) against the same
// examples written without imports. Prints one JSON object.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "dist/cli/main.js");
const library = path.join(root, "examples/library");
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** A 500-line TypeScript module and the same code as JavaScript (types removed by hand, the text otherwise equal). */
function moduleSources() {
  let ts = "";
  let js = "";
  for (let i = 0; i < 50; i++) {
    const body = (typed) =>
      [
        `export interface Shape${i} { kind: "shape${i}"; size: number }`,
        `export function area${i}(shape${typed ? `: Shape${i}` : ""}, scale${typed ? ": number" : ""} = 1)${typed ? ": number" : ""} {`,
        `  const factor${typed ? ": number" : ""} = ${i + 1} * scale;`,
        `  if (shape.size < 0) throw new RangeError("negative size in area${i}");`,
        `  let total = 0;`,
        `  for (let k = 0; k < shape.size; k++) total += factor;`,
        `  return total;`,
        `}`,
        `export const label${i} = (shape${typed ? `: Shape${i}` : ""})${typed ? ": string" : ""} => \`\${shape.kind}:\${area${i}(shape)}\`;`,
        ``,
      ].filter((line) => typed || !line.startsWith("export interface"));
    ts += body(true).join("\n") + "\n";
    js += body(false).join("\n") + "\n\n";
  }
  return { ts, js };
}

/**
 * In a fresh process: a session that has run a cell (oxc is loaded, as in
 * any session), then the first import of the TypeScript module through the
 * engine's loader, and node's own first import of the JavaScript copy;
 * then the second import of the unchanged module, averaged.
 */
const IMPORT_PROBE = `
const { Session } = await import(${JSON.stringify(path.join(root, "dist/runtime/engine/index.js"))});
const dir = process.argv[1];
const session = new Session({ cwd: dir });
await session.execute("1 + 1");
const importer = { directory: dir, name: dir };
let t = performance.now();
await session.modules.import("./shapes.ts", importer);
const ts = performance.now() - t;
t = performance.now();
await import(${JSON.stringify("file://")} + dir + "/shapes.mjs");
const js = performance.now() - t;
const N = 2000;
t = performance.now();
for (let i = 0; i < N; i++) await session.modules.import("./shapes.ts", importer);
const again = (performance.now() - t) / N;
session.close();
console.log(JSON.stringify({ ts, js, again }));
`;

function importCosts() {
  const { ts, js } = moduleSources();
  const lines = ts.split("\n").length;
  const runs = [];
  for (let i = 0; i < REPEATS; i++) {
    // A new directory each time: nothing is cached anywhere.
    const dir = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-bench-import-"));
    writeFileSync(path.join(dir, "shapes.ts"), ts);
    writeFileSync(path.join(dir, "shapes.mjs"), js);
    const result = spawnSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", IMPORT_PROBE, dir], { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`the import probe failed:\n${result.stderr}`);
    runs.push(JSON.parse(result.stdout.trim().split("\n").pop()));
  }
  return { lines, ts: median(runs.map((r) => r.ts)), js: median(runs.map((r) => r.js)), extra: median(runs.map((r) => r.ts - r.js)), again: median(runs.map((r) => r.again)) };
}

/**
 * The example project's examples as pages without imports: each document's
 * sessions and code examples after a setup block that defines the library
 * inline (its sources without import/export lines).
 */
function inlineVariant() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "greenlet-ts-bench-inline-"));
  const sources = ["src/internal/units.ts", "src/parse.ts", "src/format.ts", "src/index.ts"]
    .map((file) => readFileSync(path.join(library, file), "utf8"))
    .join("\n")
    .split("\n")
    .filter((line) => !/^\s*(import|export)\s.*\bfrom\s/.test(line))
    .map((line) => line.replace(/^export (default )?/, ""))
    .join("\n");
  const listed = JSON.parse(spawnSync(process.execPath, [cli, "doctest", "--list", "README.md", "src"], { cwd: library, encoding: "utf8" }).stdout);
  const byFile = new Map();
  for (const example of listed) {
    if (/from "\.\/src/.test(example.source)) continue;
    if (!byFile.has(example.file)) byFile.set(example.file, []);
    byFile.get(example.file).push(example);
  }
  let count = 0;
  for (const [file, examples] of byFile) {
    let page = `# ${file}\n\n\`\`\`ts\n${sources}\n\`\`\`\n\n`;
    for (const example of examples) {
      count++;
      if (example.runOnly) {
        page += `\`\`\`ts\n${example.source}\n\`\`\`\n\n`;
        continue;
      }
      const [first, ...more] = example.source.split("\n");
      page += `\`\`\`ts\n> ${first}\n${more.map((line) => `... ${line}\n`).join("")}${example.expected}\`\`\`\n\n`;
    }
    const target = path.join(dir, `${file.replace(/[/.]/g, "_")}.md`);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, page);
  }
  return { dir, count };
}

function wall(args, cwd) {
  const start = performance.now();
  const result = spawnSync(process.execPath, ["--expose-gc", cli, "doctest", ...args], { cwd, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`greenlet-ts doctest ${args.join(" ")} failed in ${cwd}:\n${result.stdout}${result.stderr}`);
  return performance.now() - start;
}

const imports = importCosts();
const inline = inlineVariant();
const withImports = [];
const without = [];
for (let i = 0; i < REPEATS; i++) {
  withImports.push(wall(["README.md", "src"], library));
  without.push(wall(readdirSync(inline.dir).filter((f) => f.endsWith(".md")), inline.dir));
}
console.log(JSON.stringify({ ...imports, examples: inline.count, withImports: median(withImports), without: median(without) }));
