import { toCodePoints, toUtf16Offset } from "./code-points.js";
import type { CellLanguageService } from "./language-service.js";
import { lookup, propertyNames } from "./runtime-lookup.js";

/** Completions at a cursor, in Jupyter's terms (positions in code points). */
export interface Completions {
  matches: string[];
  cursorStart: number;
  cursorEnd: number;
  /** The kind of each match (`function`, `var`, `property`, ...), for frontends that show it. */
  types: Array<{ text: string; type: string; start: number; end: number }>;
}

/**
 * Names that fit at `cursor` (in code points): the TypeScript language
 * service's over the cells run so far, filtered by the word typed so far;
 * when it knows of none, the properties of the runtime value before a dot.
 */
export function complete(service: CellLanguageService, globals: Record<string, unknown>, code: string, cursor: number): Completions {
  const offset = toUtf16Offset(code, cursor);
  const before = code.slice(0, offset);
  const prefix = /[\w$]*$/.exec(before)![0];
  const start = offset - prefix.length;
  const cursorStart = toCodePoints(code, start);
  const cursorEnd = cursor;

  const { service: ls, file, base } = service.withCode(code);
  const info = ls.getCompletionsAtPosition(file, base + offset, { includeCompletionsWithInsertText: false });
  let entries = (info?.entries ?? [])
    .filter((entry) => entry.name.startsWith(prefix) && !entry.name.startsWith("__greenlet"))
    .sort((a, b) => (a.sortText === b.sortText ? a.name.localeCompare(b.name) : a.sortText < b.sortText ? -1 : 1))
    .map((entry) => ({ name: entry.name, kind: String(entry.kind) }));

  const member = /([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\.[\w$]*$/.exec(before);
  if (member !== null && (entries.length === 0 || info?.isMemberCompletion !== true)) {
    const target = lookup(globals, member[1]!);
    if (target.found) {
      const fromRuntime = propertyNames(target.value).filter((name) => name.startsWith(prefix));
      if (fromRuntime.length > 0) entries = fromRuntime.map((name) => ({ name, kind: "property" }));
    }
  }
  const seen = new Set<string>();
  const unique = entries.filter((entry) => !seen.has(entry.name) && seen.add(entry.name));
  return {
    matches: unique.map((entry) => entry.name),
    cursorStart,
    cursorEnd,
    types: unique.map((entry) => ({ text: entry.name, type: entry.kind, start: cursorStart, end: cursorEnd })),
  };
}
