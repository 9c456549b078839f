import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import type { DoctestConfig } from "./config.js";
import { SOURCE_EXTENSIONS } from "./jsdoc-parser.js";

const IGNORED_DIRECTORIES = new Set(["node_modules", ".git", "dist", "test-results"]);

/**
 * The files named by paths and globs, each once, in the order given (a
 * directory: its Markdown, notebook and TypeScript/JavaScript source files
 * below it, sorted, without node_modules and dot-directories; a glob: `*`,
 * `?` and `**`).
 * A name that matches nothing is an error for the caller to report.
 */
export function findFiles(patterns: readonly string[], cwd = process.cwd(), exclude?: Exclusions): { files: string[]; unmatched: string[] } {
  const files: string[] = [];
  const seen = new Set<string>();
  const unmatched: string[] = [];
  const excluded = exclusionTest(exclude);
  const add = (file: string, named = false): void => {
    const key = path.resolve(cwd, file);
    if (!named && excluded(key)) return;
    if (!seen.has(key)) {
      seen.add(key);
      files.push(file);
    }
  };
  for (const pattern of patterns) {
    const before = files.length;
    if (/[*?[]/.test(pattern)) {
      for (const file of expandGlob(pattern, cwd)) add(file);
    } else {
      let stats;
      try {
        stats = statSync(path.resolve(cwd, pattern));
      } catch {
        unmatched.push(pattern);
        continue;
      }
      if (stats.isDirectory()) for (const file of walk(pattern, cwd)) add(file);
      else add(pattern, true);
    }
    if (files.length === before && !seen.has(path.resolve(cwd, pattern)) && !excludedAll(pattern, cwd, excluded)) unmatched.push(pattern);
  }
  return { files, unmatched };
}

/**
 * The files named on the command line, or else the project's `include`
 * (paths relative to its package.json, shown relative to here), or else
 * this directory; the project's `exclude` applies to what directories and
 * globs find.
 */
export function filesToCheck(positionals: readonly string[], config: DoctestConfig | undefined): { files: string[]; unmatched: string[] } {
  const exclude = config?.exclude === undefined ? undefined : { base: config.directory, globs: config.exclude };
  if (positionals.length > 0 || config?.include === undefined) return findFiles(positionals.length > 0 ? positionals : ["."], process.cwd(), exclude);
  const found = findFiles(config.include, config.directory, exclude);
  const here = (file: string): string => path.relative(process.cwd(), path.resolve(config.directory, file)) || ".";
  return { files: found.files.map(here), unmatched: found.unmatched.map((name) => `${path.relative(process.cwd(), config.file)} "include": ${name}`) };
}

/** Globs of files not to check, relative to `base` (a directory named matches everything below it). */
export interface Exclusions {
  base: string;
  globs: readonly string[];
}

function exclusionTest(exclude: Exclusions | undefined): (file: string) => boolean {
  if (exclude === undefined || exclude.globs.length === 0) return () => false;
  const matchers = exclude.globs.flatMap((glob) => {
    const trimmed = glob.replace(/\/+$/, "");
    return [globToRegExp(trimmed), globToRegExp(`${trimmed}/**`)];
  });
  return (file) => {
    const relative = path.relative(exclude.base, file).split(path.sep).join("/");
    return matchers.some((matcher) => matcher.test(relative));
  };
}

/** A directory or glob whose every file is excluded matched something: it is not "unmatched". */
function excludedAll(pattern: string, cwd: string, excluded: (file: string) => boolean): boolean {
  const target = path.resolve(cwd, pattern.replace(/[*?[].*$/, ""));
  return excluded(target) || excluded(path.join(target, "x"));
}

/** Markdown, notebooks and source files with JSDoc: what a directory is searched for. */
export function isCheckedFile(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.endsWith(".md") || isNotebookFile(lower) || isSourceFile(lower);
}

/** A TypeScript or JavaScript file whose JSDoc `@example`s are checked (declaration files have no code to run). */
export function isSourceFile(name: string): boolean {
  const lower = name.toLowerCase();
  return SOURCE_EXTENSIONS.some((extension) => lower.endsWith(extension)) && !/\.d\.[mc]?ts$/.test(lower);
}

export function isNotebookFile(name: string): boolean {
  return name.toLowerCase().endsWith(".ipynb");
}

function walk(directory: string, cwd: string): string[] {
  const out: string[] = [];
  const entries = readdirSync(path.resolve(cwd, directory), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const relative = path.join(directory, entry.name);
    if (entry.isDirectory()) {
      if (!IGNORED_DIRECTORIES.has(entry.name) && !entry.name.startsWith(".")) out.push(...walk(relative, cwd));
    } else if (entry.isFile() && isCheckedFile(entry.name)) {
      out.push(relative);
    }
  }
  return out;
}

function expandGlob(pattern: string, cwd: string): string[] {
  const parts = pattern.split(/[\\/]/);
  const fixed: string[] = [];
  while (parts.length > 1 && !/[*?[]/.test(parts[0]!)) fixed.push(parts.shift()!);
  const root = fixed.length > 0 ? fixed.join("/") : ".";
  const matcher = globToRegExp(pattern);
  let candidates: string[];
  try {
    candidates = walkAll(root, cwd);
  } catch {
    return [];
  }
  return candidates.filter((file) => matcher.test(file.split(path.sep).join("/").replace(/^\.\//, "")));
}

function walkAll(directory: string, cwd: string): string[] {
  const out: string[] = [];
  const entries = readdirSync(path.resolve(cwd, directory), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const relative = directory === "." ? entry.name : path.join(directory, entry.name);
    if (entry.isDirectory()) {
      if (!IGNORED_DIRECTORIES.has(entry.name) && !entry.name.startsWith(".")) out.push(...walkAll(relative, cwd));
    } else if (entry.isFile()) {
      out.push(relative);
    }
  }
  return out;
}

/** `**` any directories, `*` and `?` within a name. */
export function globToRegExp(glob: string): RegExp {
  let source = "";
  const text = glob.replace(/^\.\//, "");
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "*" && text[i + 1] === "*") {
      source += text[i + 2] === "/" ? "(?:.*/)?" : ".*";
      i += text[i + 2] === "/" ? 2 : 1;
    } else if (ch === "*") source += "[^/]*";
    else if (ch === "?") source += "[^/]";
    else source += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}
