import { statSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { moduleNotFound } from "./module-errors.js";
import { exportTarget, nearestPackage, readManifest } from "./package-exports.js";
import { projectConfig } from "./tsconfig.js";

/** Where a specifier leads, and who loads it. */
export type Resolved =
  /** A node built-in (`fs`, `node:fs`). */
  | { kind: "builtin"; specifier: string }
  /** This package (`greenlet-ts`, `greenlet-ts/engine`): the instance already loaded. */
  | { kind: "runtime"; subpath: string }
  /** A file of the project, compiled and evaluated by the loader (TypeScript, or JavaScript outside node_modules, or JSON). */
  | { kind: "project"; file: string }
  /** A file of an installed package, loaded by node. */
  | { kind: "package"; file: string }
  /** A `data:` URL, loaded by node. */
  | { kind: "url"; url: string };

/** Who imports: a file of the project, or a cell or page (then only its directory matters). */
export interface Importer {
  /** The directory relative specifiers start from. */
  directory: string;
  /** How errors name the importer: the file, or the page or cell. */
  name: string;
}

const BUILTINS = new Set(builtinModules);
const TYPESCRIPT = /\.(?:ts|tsx|mts|cts)$/i;
/** A `.js` specifier may name its TypeScript source (TypeScript's NodeNext convention). */
const SOURCE_OF: Record<string, readonly string[]> = {
  ".js": [".ts", ".tsx"],
  ".jsx": [".tsx"],
  ".mjs": [".mts"],
  ".cjs": [".cts"],
};
/** Extensionless specifiers (TypeScript's node/bundler resolution): sources before JavaScript. */
const EXTENSIONS = [".ts", ".tsx", ".js", ".jsx", ".mts", ".mjs", ".cts", ".cjs", ".json"];
const IMPORT_CONDITIONS = ["import", "node"];
const REQUIRE_CONDITIONS = ["require", "node"];

/**
 * Resolves specifiers the way a TypeScript project's code expects to be
 * resolved (as tsx and Deno do): relative and absolute paths with the
 * TypeScript rules (`./x.js` finds `x.ts`, `./x` finds `x.ts` or
 * `x/index.ts`), then `paths`/`baseUrl` aliases of the nearest
 * tsconfig.json, then the package's own name (self-reference through its
 * `exports`), then installed packages as node resolves them.
 */
export function resolveModule(specifier: string, importer: Importer, mode: "import" | "require"): Resolved {
  if (specifier.startsWith("node:") || BUILTINS.has(specifier)) return { kind: "builtin", specifier };
  if (specifier === "greenlet-ts" || specifier.startsWith("greenlet-ts/")) return { kind: "runtime", subpath: specifier === "greenlet-ts" ? "." : `.${specifier.slice("greenlet-ts".length)}` };
  if (specifier.startsWith("data:")) return { kind: "url", url: specifier };
  if (specifier.startsWith("file:")) specifier = fileURLToPath(specifier);

  const relative = specifier === "." || specifier === ".." || /^\.{1,2}[\\/]/.test(specifier);
  if (relative || path.isAbsolute(specifier)) {
    const target = path.resolve(importer.directory, specifier);
    const file = findFile(target, specifier.endsWith("/"));
    if (file === undefined) throw moduleNotFound(specifier, target, importer.name, mode, false);
    return classify(file, true);
  }

  for (const candidate of projectConfig(importer.directory).aliases(specifier)) {
    const file = findFile(candidate, false);
    if (file !== undefined) return classify(file, true);
  }
  const own = selfReference(specifier, importer.directory, mode);
  if (own !== undefined) return classify(own, true);
  const installed = installedPackage(specifier, importer, mode);
  if (installed === undefined) throw moduleNotFound(specifier, specifier, importer.name, mode, true);
  return classify(installed, false);
}

/** A file the loader compiles, or one node loads. TypeScript is always the loader's: node cannot run it. */
function classify(file: string, project: boolean): Resolved {
  if (TYPESCRIPT.test(file) || (project && !file.split(path.sep).includes("node_modules") && !file.endsWith(".node") && !file.endsWith(".wasm"))) return { kind: "project", file };
  return { kind: "package", file };
}

/** The file `target` names, by TypeScript's rules: source twins first, extensions, directory index. */
function findFile(target: string, directoryOnly: boolean): string | undefined {
  if (!directoryOnly) {
    const extension = path.extname(target).toLowerCase();
    for (const source of SOURCE_OF[extension] ?? []) {
      const twin = target.slice(0, -extension.length) + source;
      if (isFile(twin)) return twin;
    }
    if (isFile(target)) return target;
    for (const extension of EXTENSIONS) if (isFile(target + extension)) return target + extension;
  }
  if (!isDirectory(target)) return undefined;
  const manifest = readManifest(target);
  const main = manifest?.main ?? manifest?.module;
  if (typeof main === "string") {
    const file = findFile(path.resolve(target, main), false);
    if (file !== undefined) return file;
  }
  for (const extension of EXTENSIONS) {
    const index = path.join(target, `index${extension}`);
    if (isFile(index)) return index;
  }
  return undefined;
}

/** `my-lib` or `my-lib/sub` inside the package named my-lib, through its `exports` (as node allows). */
function selfReference(specifier: string, directory: string, mode: "import" | "require"): string | undefined {
  const found = nearestPackage(directory);
  const name = found?.manifest.name;
  if (found === undefined || typeof name !== "string" || found.manifest.exports === undefined) return undefined;
  if (specifier !== name && !specifier.startsWith(`${name}/`)) return undefined;
  const subpath = specifier === name ? "." : `.${specifier.slice(name.length)}`;
  const target = exportTarget(found.manifest.exports, subpath, mode === "import" ? IMPORT_CONDITIONS : REQUIRE_CONDITIONS);
  if (target === undefined) return undefined;
  return findFile(path.resolve(found.directory, target), false);
}

/**
 * An installed package's file, as node finds it: CommonJS resolution first
 * (it knows every layout), then the `import` condition of `exports` for
 * packages that offer no `require` entry.
 */
function installedPackage(specifier: string, importer: Importer, mode: "import" | "require"): string | undefined {
  try {
    return nodeRequire(importer.directory).resolve(specifier);
  } catch (error) {
    if (mode === "require") return undefined;
  }
  const match = /^((?:@[^/]+\/)?[^/]+)(\/.*)?$/.exec(specifier);
  if (match === null) return undefined;
  const [, name, rest] = match;
  for (let dir = importer.directory; ; dir = path.dirname(dir)) {
    const packageDir = path.join(dir, "node_modules", name!);
    const manifest = readManifest(packageDir);
    if (manifest !== null) {
      const target = exportTarget(manifest.exports, rest ? `.${rest}` : ".", IMPORT_CONDITIONS);
      if (target !== undefined) return findFile(path.join(packageDir, target), false);
      if (manifest.exports !== undefined) return undefined;
      return findFile(path.join(packageDir, rest ? rest.slice(1) : (manifest.module ?? manifest.main ?? "index.js")), false);
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

const requires = new Map<string, NodeJS.Require>();

/** Node's require() as a file in `directory` has it (one per directory: creating one costs). */
export function nodeRequire(directory: string): NodeJS.Require {
  let require = requires.get(directory);
  if (require === undefined) requires.set(directory, (require = createRequire(path.join(directory, "[importer]"))));
  return require;
}

/** Changes when the file changes on disk (its modification time or size): what reloading compares. */
export function fileStamp(file: string): string {
  const stats = statSync(file, { throwIfNoEntry: false });
  return stats === undefined ? "gone" : `${stats.mtimeMs}:${stats.size}`;
}

function isFile(file: string): boolean {
  return statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
}

function isDirectory(file: string): boolean {
  return statSync(file, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
