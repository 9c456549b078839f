import path from "node:path";
import type * as GetTsconfig from "get-tsconfig";
import type { TsConfigResult } from "get-tsconfig";
import { LazyModule } from "../../../shared/lazy-module.js";

/** get-tsconfig, loaded when a tsconfig.json is first looked for: cells that import no project file never load it (some 14 ms). */
const tsconfigReader = new LazyModule<typeof GetTsconfig>("get-tsconfig");

/**
 * What the loader takes from a project's tsconfig.json: how to compile its
 * files (JSX, decorators, class fields) and its `paths`/`baseUrl` aliases.
 * The nearest tsconfig.json upward from a file applies to it, as `tsc` finds
 * it; `extends` chains are followed by get-tsconfig (the library tsx uses).
 */
export interface ProjectConfig {
  /** The tsconfig.json file, or undefined when none was found (defaults apply). */
  readonly file: string | undefined;
  readonly compile: CompileSettings;
  /** Candidate paths for a bare specifier through `paths` / `baseUrl`, most specific first; [] when none applies. */
  aliases(specifier: string): string[];
}

/** The compiler options that change the JavaScript a file becomes. */
export interface CompileSettings {
  /** "classic": React.createElement-style calls; "automatic": imports from `${importSource}/jsx-runtime`. */
  readonly jsx: { runtime: "classic"; factory: string; fragment: string } | { runtime: "automatic"; importSource: string; development: boolean };
  /** TypeScript's experimentalDecorators (legacy decorators) instead of the TC39 ones. */
  readonly legacyDecorators: boolean;
  readonly decoratorMetadata: boolean;
  readonly useDefineForClassFields: boolean;
  /** The same settings give the same text: part of the transpile cache's key. */
  readonly key: string;
}

const cache = new Map<string, unknown>();
const byDirectory = new Map<string, ProjectConfig>();

/** The configuration that applies to files in `directory`. */
export function projectConfig(directory: string): ProjectConfig {
  let config = byDirectory.get(directory);
  if (config === undefined) {
    config = load(directory);
    byDirectory.set(directory, config);
  }
  return config;
}

/** Forgets what was read (a tsconfig.json changed on disk). */
export function forgetProjectConfigs(): void {
  byDirectory.clear();
  cache.clear();
}

function load(directory: string): ProjectConfig {
  const { getTsconfig, createPathsMatcher } = tsconfigReader.get();
  let found: TsConfigResult | null;
  try {
    found = getTsconfig(directory, "tsconfig.json", cache as never);
  } catch (error) {
    // A broken tsconfig.json is the user's to fix: say which file, and what is wrong with it.
    throw new Error(`cannot read the tsconfig.json that applies to ${directory}: ${(error as Error).message}`);
  }
  const options = found?.config.compilerOptions ?? {};
  const matcher = found === null ? null : createPathsMatcher(found);
  const compile = compileSettings(options as Record<string, unknown>);
  return {
    file: found?.path,
    compile,
    aliases: (specifier) => (matcher === null ? [] : matcher(specifier).map((candidate) => path.resolve(candidate))),
  };
}

function compileSettings(options: Record<string, unknown>): CompileSettings {
  const jsxOption = String(options.jsx ?? "react").toLowerCase();
  const jsx: CompileSettings["jsx"] =
    jsxOption === "react-jsx" || jsxOption === "react-jsxdev"
      ? { runtime: "automatic", importSource: String(options.jsxImportSource ?? "react"), development: jsxOption === "react-jsxdev" }
      : // "react", and "preserve" / "react-native", which leave JSX to another tool: node cannot run JSX, so classic calls.
        { runtime: "classic", factory: String(options.jsxFactory ?? "React.createElement"), fragment: String(options.jsxFragmentFactory ?? "React.Fragment") };
  const target = String(options.target ?? "esnext").toLowerCase();
  // TypeScript's default: [[Define]] semantics for targets from ES2022 on.
  const modernTarget = target === "esnext" || /^es20(2[2-9]|[3-9]\d)$/.test(target);
  const settings = {
    jsx,
    legacyDecorators: options.experimentalDecorators === true,
    decoratorMetadata: options.emitDecoratorMetadata === true,
    useDefineForClassFields: typeof options.useDefineForClassFields === "boolean" ? options.useDefineForClassFields : modernTarget,
  };
  return { ...settings, key: JSON.stringify(settings) };
}
