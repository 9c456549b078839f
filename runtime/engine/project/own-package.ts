import { readFileSync } from "node:fs";
import { exportTarget } from "./package-exports.js";

const ROOT = new URL("../../../../", import.meta.url);

/**
 * One of this package's own entry points (`greenlet-ts/engine`, ...) as a
 * file URL of this very copy: a cell or a module that imports it gets the
 * instances already loaded, never a second copy from another node_modules.
 */
export function ownEntry(subpath: string): string {
  const manifest = JSON.parse(readFileSync(new URL("package.json", ROOT), "utf8")) as { exports?: unknown };
  const target = exportTarget(manifest.exports, subpath, ["import", "node"]);
  if (target === undefined) throw new Error(`greenlet-ts has no export "${subpath}"`);
  return new URL(target, ROOT).href;
}
