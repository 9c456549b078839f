import { echo } from "../echo.js";
import type { MimeBundle } from "../events.js";
import { toUtf16Offset } from "./code-points.js";
import type { CellLanguageService } from "./language-service.js";
import { lookup } from "./runtime-lookup.js";

export interface Inspection {
  found: boolean;
  data: MimeBundle;
}

/**
 * What is known of the name at `cursor` (in code points): its type, signature
 * and documentation from the language service; with `detail` 1, also the
 * runtime value, as IPython's `??` shows more. Falls back to the runtime value.
 */
export function inspect(service: CellLanguageService, globals: Record<string, unknown>, code: string, cursor: number, detail: 0 | 1): Inspection {
  const offset = toUtf16Offset(code, cursor);
  const word = wordAt(code, offset);
  const { service: ls, file, base } = service.withCode(code);
  const ts = service.typescript;
  const position = word === undefined ? offset : word.start;
  const quick = ls.getQuickInfoAtPosition(file, base + position);
  // A name the types do not know comes back as an "any" of unknown kind.
  const info = quick !== undefined && quick.kind !== ts.ScriptElementKind.unknown ? quick : undefined;
  const parts: string[] = [];
  if (info !== undefined) {
    parts.push(ts.displayPartsToString(info.displayParts));
    const documentation = ts.displayPartsToString(info.documentation);
    if (documentation) parts.push(documentation);
    for (const tag of info.tags ?? []) parts.push(`@${tag.name} ${ts.displayPartsToString(tag.text)}`.trim());
  }
  if (word !== undefined && (info === undefined || detail === 1)) {
    const runtime = lookup(globals, word.dotted);
    if (runtime.found) parts.push(`${info === undefined ? "" : "value: "}${echo(runtime.value)}`);
  }
  if (parts.length === 0) return { found: false, data: {} };
  return { found: true, data: { "text/plain": parts.join("\n\n") } };
}

/** The dotted name under or just before the cursor (also before a `(` just typed). */
function wordAt(code: string, offset: number): { start: number; dotted: string } | undefined {
  let end = offset;
  while (end < code.length && /[\w$]/.test(code[end]!)) end++;
  let start = end;
  while (start > 0 && /[\w$]/.test(code[start - 1]!)) start--;
  if (start === end) {
    let back = offset;
    while (back > 0 && /[\s(]/.test(code[back - 1]!)) back--;
    return back < offset && back > 0 ? wordAt(code, back) : undefined;
  }
  let chain = start;
  while (chain > 0 && /[\w$.]/.test(code[chain - 1]!)) chain--;
  const dotted = code.slice(chain, end).replace(/^\.+/, "");
  return /^[A-Za-z_$]/.test(dotted) ? { start, dotted } : undefined;
}
