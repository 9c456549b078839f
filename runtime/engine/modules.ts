import { existsSync, readFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const BUILTINS = new Set(builtinModules);

/**
 * The importer behind a cell's `import` statements and `import()` calls:
 * "greenlet-ts" is the runtime already loaded (the very same instance),
 * node built-ins load as they are, and everything else is resolved from the
 * session's working directory — CommonJS resolution first, then the
 * package's `exports` with the `import` condition for ES-module-only
 * packages.
 */
export function makeImporter(cwd: string, runtime: object): (specifier: string) => Promise<unknown> {
  const requireFromCwd = createRequire(path.join(cwd, "[cell]"));
  return async (specifier: string) => {
    if (typeof specifier !== "string") specifier = String(specifier);
    if (specifier === "greenlet-ts") return runtime;
    // The package's other entry points (greenlet-ts/engine, /doctest, /jest) from this very copy.
    if (specifier.startsWith("greenlet-ts/")) return import(ownEntry(specifier.slice("greenlet-ts/".length)));
    if (specifier.startsWith("node:") || BUILTINS.has(specifier)) return import(specifier);
    if (/^(file|data):/.test(specifier)) return import(specifier);
    let resolved: string | undefined;
    try {
      resolved = requireFromCwd.resolve(specifier);
    } catch (error) {
      resolved = resolveEsmOnly(specifier, cwd);
      if (resolved === undefined) throw error;
    }
    return import(pathToFileURL(resolved).href);
  };
}

/** This package's own export `./NAME`, as a file URL. */
function ownEntry(name: string): string {
  const root = new URL("../../../", import.meta.url);
  const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as { exports?: unknown };
  const target = exportTarget(pkg.exports, `./${name}`);
  if (target === undefined) throw new Error(`greenlet-ts has no export "./${name}"`);
  return new URL(target, root).href;
}

/** A bare specifier of a package whose `exports` offer no `require` condition. */
function resolveEsmOnly(specifier: string, cwd: string): string | undefined {
  const match = /^((?:@[^/]+\/)?[^/]+)(\/.*)?$/.exec(specifier);
  if (match === null || specifier.startsWith(".")) return undefined;
  const [, name, rest] = match;
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    const packageDir = path.join(dir, "node_modules", name!);
    const manifest = path.join(packageDir, "package.json");
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, "utf8")) as { exports?: unknown; module?: string; main?: string };
      const target = exportTarget(pkg.exports, rest ? `.${rest}` : ".");
      if (target !== undefined) return path.join(packageDir, target);
      if (!rest) return path.join(packageDir, pkg.module ?? pkg.main ?? "index.js");
      return path.join(packageDir, rest);
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

function exportTarget(exports: unknown, subpath: string): string | undefined {
  if (exports === undefined || exports === null) return undefined;
  if (typeof exports === "string" || Array.isArray(exports)) return subpath === "." ? pick(exports) : undefined;
  const entries = exports as Record<string, unknown>;
  const keys = Object.keys(entries);
  if (keys.length > 0 && keys.every((key) => !key.startsWith("."))) return subpath === "." ? pick(entries) : undefined;
  if (subpath in entries) return pick(entries[subpath]);
  for (const key of keys) {
    const star = key.indexOf("*");
    if (star < 0) continue;
    const [prefix, suffix] = [key.slice(0, star), key.slice(star + 1)];
    if (subpath.startsWith(prefix) && subpath.endsWith(suffix)) {
      const middle = subpath.slice(prefix.length, subpath.length - suffix.length);
      return pick(entries[key])?.replace("*", middle);
    }
  }
  return undefined;
}

/** The target of an exports entry for an ES-module import in node. */
function pick(entry: unknown): string | undefined {
  if (typeof entry === "string") return entry;
  if (Array.isArray(entry)) {
    for (const item of entry) {
      const found = pick(item);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (entry !== null && typeof entry === "object") {
    for (const [condition, value] of Object.entries(entry as Record<string, unknown>)) {
      if (condition === "import" || condition === "node" || condition === "default") {
        const found = pick(value);
        if (found !== undefined) return found;
      }
    }
  }
  return undefined;
}
