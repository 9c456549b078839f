import type { SourceMapInput } from "@jridgewell/trace-mapping";
import { tracing } from "../trace-mapping.js";

type Segment = [number] | [number, number, number, number];

/**
 * One source map for two steps: `outer` maps the linked module to the
 * JavaScript oxc (or swc) stripped, `inner` that JavaScript to the file.
 * Each of outer's mappings goes on through inner (to the nearest mapping at
 * or before it on its line, as a stack trace would); one inner does not
 * know stays in the map without a source, so that a position after it is
 * not taken for code of the line before.
 */
export function composeMaps(outer: SourceMapInput, inner: SourceMapInput): SourceMapInput {
  const { decodedMappings, originalPositionFor, TraceMap } = tracing();
  const through = new TraceMap(inner);
  const mappings = decodedMappings(new TraceMap(outer)).map((line) =>
    line.map((segment): Segment => {
      if (segment.length === 1) return [segment[0]];
      const original = originalPositionFor(through, { line: segment[2] + 1, column: segment[3] });
      return original.line === null ? [segment[0]] : [segment[0], 0, original.line - 1, original.column];
    }),
  );
  return { version: 3, sources: [through.sources[0] ?? null], names: [], mappings };
}
