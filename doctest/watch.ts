import { watch, type FSWatcher } from "node:fs";
import path from "node:path";
import { summaryLine } from "./reporters.js";
import type { FileResult } from "./results.js";

/** Changes within this long are one change (an editor's save is often several writes and a rename). */
const SETTLE_MS = 150;

/**
 * `--watch`: after the first run, checks again the files affected by each
 * change: a checked file that changed, and every file whose examples
 * imported a project module that changed (the engine's loader reports the
 * modules each file's session loaded). Runs one check at a time; changes
 * during a check wait for it. Ends only with the process (Ctrl-C).
 *
 * Directories are watched, not files: an editor that saves by writing a
 * new file and renaming it over the old one would end a file's watch.
 */
export function watchFiles(files: readonly string[], first: readonly FileResult[], check: (files: string[]) => Promise<FileResult[]>, err: NodeJS.WritableStream): Promise<never> {
  const checked = new Map(files.map((file) => [path.resolve(file), file]));
  const dependencies = new Map<string, Set<string>>();
  const remember = (results: readonly FileResult[]): void => {
    for (const result of results) if (result.dependencies !== undefined) dependencies.set(path.resolve(result.file), new Set(result.dependencies));
  };
  remember(first);

  const watchers = new Map<string, FSWatcher>();
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  const watched = (): Set<string> => new Set([...checked.keys(), ...[...dependencies.values()].flatMap((set) => [...set])]);
  const rewatch = (): void => {
    const directories = new Set([...watched()].map((file) => path.dirname(file)));
    for (const [directory, watcher] of watchers) {
      if (!directories.has(directory)) {
        watcher.close();
        watchers.delete(directory);
      }
    }
    for (const directory of directories) {
      if (watchers.has(directory)) continue;
      try {
        watchers.set(directory, watch(directory, (_event, name) => name !== null && onChange(path.join(directory, name.toString()))));
      } catch (error) {
        err.write(`greenlet-ts doctest --watch: cannot watch ${directory}: ${(error as Error).message}\n`);
      }
    }
  };
  const onChange = (file: string): void => {
    if (!watched().has(file)) return;
    changed.add(file);
    clearTimeout(timer);
    timer = setTimeout(() => void rerun(), SETTLE_MS);
  };
  const rerun = async (): Promise<void> => {
    if (running) return;
    const now = new Set(changed);
    changed.clear();
    const affected = [...checked].filter(([absolute]) => now.has(absolute) || [...(dependencies.get(absolute) ?? [])].some((dependency) => now.has(dependency))).map(([, file]) => file);
    if (affected.length === 0) return;
    running = true;
    err.write(`\n[watch] ${[...now].map((file) => path.relative(process.cwd(), file)).join(", ")} changed: checking ${affected.join(", ")}\n`);
    try {
      const results = await check(affected);
      remember(results);
      err.write(`[watch] ${summaryLine(results)}; watching for changes (Ctrl-C ends)\n`);
    } catch (error) {
      err.write(`[watch] the check failed: ${(error as Error)?.stack ?? String(error)}\n`);
    } finally {
      running = false;
      rewatch();
      // Changes made during the check.
      if (changed.size > 0) timer = setTimeout(() => void rerun(), SETTLE_MS);
    }
  };

  rewatch();
  err.write(`[watch] watching ${watched().size} files for changes (Ctrl-C ends)\n`);
  return new Promise<never>(() => undefined);
}
