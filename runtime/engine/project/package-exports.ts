import { readFileSync } from "node:fs";
import path from "node:path";

/** The fields of a package.json that resolution reads. */
export interface PackageManifest {
  name?: string;
  type?: string;
  main?: string;
  module?: string;
  exports?: unknown;
}

const manifests = new Map<string, PackageManifest | null>();

/** The package.json in `directory`, or null (cached: resolution asks often). */
export function readManifest(directory: string): PackageManifest | null {
  const file = path.join(directory, "package.json");
  let manifest = manifests.get(file);
  if (manifest === undefined) {
    try {
      manifest = JSON.parse(readFileSync(file, "utf8")) as PackageManifest;
      if (manifest === null || typeof manifest !== "object") manifest = null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" && (error as NodeJS.ErrnoException).code !== "ENOTDIR") {
        throw new Error(`${file}: ${(error as Error).message}`);
      }
      manifest = null;
    }
    manifests.set(file, manifest);
  }
  return manifest;
}

/** Forgets the manifests read (one changed on disk). */
export function forgetManifests(): void {
  manifests.clear();
}

/** The nearest directory at or above `directory` that holds a package.json, with it. */
export function nearestPackage(directory: string): { directory: string; manifest: PackageManifest } | undefined {
  for (let dir = directory; ; dir = path.dirname(dir)) {
    const manifest = readManifest(dir);
    if (manifest !== null) return { directory: dir, manifest };
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * The target of `subpath` ("." or "./x") in a package's `exports`, for the
 * given conditions in the package's own order, patterns (`./*`) included;
 * undefined when the package does not export it.
 */
export function exportTarget(exports: unknown, subpath: string, conditions: readonly string[]): string | undefined {
  if (exports === undefined || exports === null) return undefined;
  if (typeof exports === "string" || Array.isArray(exports)) return subpath === "." ? pick(exports, conditions) : undefined;
  const entries = exports as Record<string, unknown>;
  const keys = Object.keys(entries);
  if (keys.length > 0 && keys.every((key) => !key.startsWith("."))) return subpath === "." ? pick(entries, conditions) : undefined;
  if (Object.hasOwn(entries, subpath)) return pick(entries[subpath], conditions);
  // The longest matching pattern wins, as node chooses.
  let best: { key: string; middle: string } | undefined;
  for (const key of keys) {
    const star = key.indexOf("*");
    if (star < 0) continue;
    const [prefix, suffix] = [key.slice(0, star), key.slice(star + 1)];
    if (subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= key.length - 1) {
      if (best === undefined || prefix.length > best.key.indexOf("*")) best = { key, middle: subpath.slice(prefix.length, subpath.length - suffix.length) };
    }
  }
  if (best === undefined) return undefined;
  return pick(entries[best.key], conditions)?.replaceAll("*", best.middle);
}

/** The target of an exports entry for these conditions ("default" always applies). */
function pick(entry: unknown, conditions: readonly string[]): string | undefined {
  if (typeof entry === "string") return entry;
  if (Array.isArray(entry)) {
    for (const item of entry) {
      const found = pick(item, conditions);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (entry !== null && typeof entry === "object") {
    for (const [condition, value] of Object.entries(entry as Record<string, unknown>)) {
      if (condition === "default" || conditions.includes(condition)) {
        const found = pick(value, conditions);
        if (found !== undefined) return found;
      }
    }
  }
  return undefined;
}
