import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { OptionFlags } from "./example.js";
import { optionName, parseOptionSwitch, unknownOption } from "./options.js";

/**
 * The `"greenlet-ts": { "doctest": { ... } }` section of a project's
 * package.json, as jest reads its `"jest"` key: what `greenlet-ts doctest`
 * checks with no paths given, and the defaults of its options. Flags on the
 * command line win over it.
 */
export interface DoctestConfig {
  /** The package.json it came from. */
  file: string;
  /** Its directory: paths in the section are relative to it. */
  directory: string;
  /** Paths and globs checked when the command names none. */
  include?: string[];
  /** Globs (relative to `directory`) of files never checked when found in a directory or by a glob. */
  exclude?: string[];
  options?: OptionFlags;
  /** A module run in each file's session before its examples (absolute path). */
  setup?: string;
  timeout?: number;
  jobs?: number;
}

/** Per example, unless the command line or the section says otherwise: a runaway example cannot hang a CI job. */
export const DEFAULT_TIMEOUT_MS = 60000;

/** What a run takes from the command line, or else from the section, or else by default. */
export interface RunSettings {
  timeout: number;
  jobs: number;
  options: OptionFlags;
  /** A module (absolute path) run before each file's examples. */
  setup?: string;
}

/** The command line's values (undefined: not given) over the section's, over the built-in defaults. */
export function withConfig(given: Partial<RunSettings>, config: DoctestConfig | undefined): RunSettings {
  return {
    timeout: given.timeout ?? config?.timeout ?? DEFAULT_TIMEOUT_MS,
    jobs: given.jobs ?? config?.jobs ?? 1,
    options: { ...config?.options, ...given.options },
    setup: given.setup ?? config?.setup,
  };
}

/** A bad section: the message names the file and the field. */
export class DoctestConfigError extends Error {}

const FIELDS = new Set(["include", "exclude", "options", "setup", "timeout", "jobs"]);

/** The section of the nearest package.json at or above `directory`, or undefined when it has none. */
export function readDoctestConfig(directory: string): DoctestConfig | undefined {
  const file = nearestManifest(directory);
  if (file === undefined) return undefined;
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new DoctestConfigError(`${file}: ${(error as Error).message}`);
  }
  const section = (manifest as Record<string, unknown> | null)?.["greenlet-ts"];
  if (section === undefined) return undefined;
  const where = (field?: string): string => `${file}: "greenlet-ts"${field === undefined ? "" : `.doctest.${field}`}`;
  if (!isObject(section)) throw new DoctestConfigError(`${where()} must be an object`);
  const doctest = section.doctest;
  if (doctest === undefined) return undefined;
  if (!isObject(doctest)) throw new DoctestConfigError(`${where()}.doctest must be an object`);
  for (const key of Object.keys(doctest)) {
    if (!FIELDS.has(key)) throw new DoctestConfigError(`${where(key)} is not a known field (known: ${[...FIELDS].join(", ")})`);
  }
  const root = path.dirname(file);
  const config: DoctestConfig = { file, directory: root };
  if (doctest.include !== undefined) config.include = stringList(doctest.include, where("include"));
  if (doctest.exclude !== undefined) config.exclude = stringList(doctest.exclude, where("exclude"));
  if (doctest.options !== undefined) config.options = optionFlags(doctest.options, where("options"));
  if (doctest.setup !== undefined) {
    if (typeof doctest.setup !== "string" || doctest.setup === "") throw new DoctestConfigError(`${where("setup")} must be the path of a module`);
    config.setup = path.resolve(root, doctest.setup);
    if (!existsSync(config.setup)) throw new DoctestConfigError(`${where("setup")}: ${doctest.setup} does not exist`);
  }
  if (doctest.timeout !== undefined) {
    if (!Number.isInteger(doctest.timeout) || (doctest.timeout as number) < 0) throw new DoctestConfigError(`${where("timeout")} must be a whole number of milliseconds (0: none)`);
    config.timeout = doctest.timeout as number;
  }
  if (doctest.jobs !== undefined) {
    if (!Number.isInteger(doctest.jobs) || (doctest.jobs as number) < 1) throw new DoctestConfigError(`${where("jobs")} must be a positive whole number`);
    config.jobs = doctest.jobs as number;
  }
  return config;
}

/** `["ELLIPSIS", "-AUTOCOLLECT"]`, as `--option` takes them, or `{ "ELLIPSIS": true }`. */
function optionFlags(value: unknown, where: string): OptionFlags {
  const flags: OptionFlags = {};
  const unknown = (name: string): DoctestConfigError => new DoctestConfigError(`${where}: ${unknownOption(name)}`);
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item !== "string") throw new DoctestConfigError(`${where} must list option names (strings)`);
      const option = parseOptionSwitch(item);
      if (option === undefined) throw unknown(item.replace(/^[+-]/, ""));
      flags[option.name] = option.on;
    }
  } else if (isObject(value)) {
    for (const [name, on] of Object.entries(value)) {
      if (typeof on !== "boolean") throw new DoctestConfigError(`${where}.${name} must be true or false`);
      const option = optionName(name);
      if (option === undefined) throw unknown(name);
      flags[option] = on;
    }
  } else {
    throw new DoctestConfigError(`${where} must be a list of option names or an object of true/false`);
  }
  return flags;
}

function stringList(value: unknown, where: string): string[] {
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || list.some((item) => typeof item !== "string" || item === "")) throw new DoctestConfigError(`${where} must be a list of paths or globs`);
  return list as string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function nearestManifest(directory: string): string | undefined {
  for (let dir = path.resolve(directory); ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (existsSync(file)) return file;
    if (path.dirname(dir) === dir) return undefined;
  }
}
