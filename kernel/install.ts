import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Where kernelspecs go, as jupyter_client looks for them. */
function kernelsDir(values: { user?: boolean; "sys-prefix"?: boolean; prefix?: string }): string {
  if (values.prefix) return path.join(values.prefix, "share", "jupyter", "kernels");
  if (values["sys-prefix"]) return path.join(process.env.VIRTUAL_ENV ?? "/usr/local", "share", "jupyter", "kernels");
  if (values.user || process.getuid?.() !== 0) {
    const base = process.env.XDG_DATA_HOME ?? path.join(os.homedir(), ".local", "share");
    return path.join(process.env.JUPYTER_DATA_DIR ?? path.join(base, "jupyter"), "kernels");
  }
  return "/usr/local/share/jupyter/kernels";
}

/**
 * `greenlet-ts install [--user|--sys-prefix|--prefix DIR] [--name N] [--display-name D]`
 * writes the kernelspec (the repository's kernel.json, with absolute paths)
 * without needing Python; `greenlet-ts uninstall [--name N]` removes it.
 */
export function installMain(argv: string[], remove = false): number {
  const { values } = parseArgs({
    args: argv,
    options: { user: { type: "boolean" }, "sys-prefix": { type: "boolean" }, prefix: { type: "string" }, name: { type: "string" }, "display-name": { type: "string" } },
  });
  const name = values.name ?? "greenlet-ts";
  const dir = path.join(kernelsDir(values), name);
  if (remove) {
    if (!existsSync(dir)) {
      process.stderr.write(`greenlet-ts: no kernelspec at ${dir}\n`);
      return 1;
    }
    rmSync(dir, { recursive: true, force: true });
    process.stdout.write(`removed the kernelspec ${dir}\n`);
    return 0;
  }
  const template = JSON.parse(readFileSync(path.join(ROOT, "kernel.json"), "utf8")) as { argv: string[]; display_name: string };
  const entry = path.join(ROOT, "dist", "cli", "main.js");
  const spec = {
    ...template,
    argv: template.argv.map((arg) => (arg === "node" ? process.execPath : arg === "{entry}" ? entry : arg)),
    display_name: values["display-name"] ?? template.display_name,
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "kernel.json"), `${JSON.stringify(spec, null, 2)}\n`);
  process.stdout.write(`installed the kernelspec "${name}" in ${dir}\n`);
  return 0;
}
