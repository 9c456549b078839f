import path from "node:path";
import type { TraceMap } from "@jridgewell/trace-mapping";
import { toInput, toOutput, type Anchors } from "./edits.js";
import { toCell, transpileCell, type Wrap } from "./object-literal.js";
import { compileModule, type CompiledModule } from "./project/compile.js";
import { projectConfig } from "./project/tsconfig.js";
import { replTransform } from "./repl-transform.js";
import { tracing } from "./trace-mapping.js";

/*
 * Positions between the TypeScript a user wrote and the script V8 runs for
 * it, both ways, for a debugger: breakpoints are set on TypeScript lines and
 * must land in the script; paused frames are in the script and are shown at
 * TypeScript lines. Pure functions of the text (no Session, no context):
 * the kernel's control thread, a worker, imports this file and computes the
 * same script the session runs, from the same code.
 *
 * Three layers, as the engine compiles: the transpiler strips the types
 * (its source map: oxc's, or swc's for a decorator; for a project file, one
 * map through oxc's module-runner step too), the REPL transform or the
 * module wrapper edits the JavaScript (anchors, lines kept), and a cell
 * read as an object literal got a `(` (toCell). All lines and columns here
 * are 1-based.
 */

/** A 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

/** What a debugger needs to map one cell or project file. */
export interface PositionMap {
  /**
   * A TypeScript line (and column) → where V8 should break in the script:
   * the generated position of the line's leftmost code (at or after
   * `column` when given); undefined when the line has no code (blank,
   * comments, types only), which a debugger answers with `verified: false`.
   */
  toScript(line: number, column?: number): Position | undefined;
  /**
   * A script position → the TypeScript (a position in a line's indentation:
   * the line's code after it); undefined for a position of no code of the
   * user's: the lines the engine appends to a cell (the end of its async
   * wrapper, or `;undefined`), the transpiler's helpers, the end of the script.
   */
  toSource(line: number, column: number): Position | undefined;
  /** The TypeScript lines that have code, in order: where a breakpoint can be verified. */
  breakableLines(): number[];
}

/** The map as stack traces use it (source-map.ts, the module loader). */
export interface StackPositions extends PositionMap {
  /**
   * As toSource, but a position the map does not know keeps its place in
   * the transpiler's output (a frame in one of swc's helpers, or in an
   * export's getter, still points somewhere);
   * undefined only for the lines the engine appends to a cell.
   */
  original(line: number, column: number): Position | undefined;
}

/** One generated position of a source line: [source column (0-based), line (1-based), column (0-based)] in the transpiler's output, then in the script. */
type Target = [number, number, number];

/** What both kinds of maps are made of: how to go back through each layer, and how many lines came from the transpiler. */
interface Layers {
  trace: TraceMap;
  anchors: Anchors;
  wrap: Wrap | undefined;
  /** Lines of the transpiler's output; the script's lines after them are the engine's own (or unknown: undefined). */
  lines: number | undefined;
  /** Lines the user wrote: a cell read as an object literal has one more, the `)`'s, which is not theirs. */
  sourceLines?: number;
  /** The text compiled, to tell mappings of comments from those of code (toScript only). */
  source?: string;
}

/**
 * The map of a cell as Session runs it (lineOffset 0): transpileCell, then
 * replTransform, the same decisions and so the same text. `filename` only
 * names the file in the transpiler's map and errors. A cell that does not compile throws
 * the CellSyntaxError the session would report.
 */
export function cellPositions(code: string, filename = "cell"): StackPositions {
  const typescript = transpileCell(code, filename);
  const { anchors } = replTransform(typescript.code);
  const trace = new (tracing().TraceMap)(typescript.map);
  return positionMap({ trace, anchors, wrap: typescript.wrap, lines: lineCount(typescript.code), sourceLines: lineCount(code), source: typescript.source });
}

/**
 * The map of a project file as the session's loader compiles it
 * (compileModule, with the settings of the tsconfig.json that applies to
 * it): oxc's module-runner output inside a function whose header is
 * inserted on line 1, and the `await` of each static import taken out: only
 * those lines' columns move, which the anchors account for.
 * Throws the ModuleSyntaxError of a file that does not compile.
 */
export function modulePositions(file: string, source: string): StackPositions {
  return compiledModulePositions(compileModule(file, source, projectConfig(path.dirname(file)).compile), source);
}

/**
 * The map of a module compiled already: the loader's stack traces go back
 * through it too, without the source (they never call toScript, which
 * needs it to skip comments).
 */
export function compiledModulePositions(compiled: CompiledModule, source?: string): StackPositions {
  // The module's source map is made on first use, not when the file is compiled (see compile.ts).
  return positionMap({
    get trace() {
      return new (tracing().TraceMap)(compiled.map());
    },
    anchors: compiled.anchors,
    wrap: undefined,
    lines: undefined,
    source,
  });
}

function lineCount(text: string): number {
  let lines = 1;
  for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1)) lines++;
  return lines;
}

/**
 * The map over the layers. The trace is read once, when first needed; the
 * index from source lines to script positions is made on the first
 * toScript: stack traces, which only go back, never pay for it.
 */
function positionMap(layers: Layers): StackPositions {
  let trace: TraceMap | undefined;
  const traced = (): TraceMap => (trace ??= layers.trace);
  let targets: Map<number, Target[]> | undefined;
  const byLine = (): Map<number, Target[]> => (targets ??= scriptTargets(traced(), layers));
  return {
    toScript(line, column) {
      const found = byLine().get(line)?.find((target) => column === undefined || target[0] >= column - 1);
      return found === undefined ? undefined : { line: found[1], column: found[2] + 1 };
    },
    toSource(line, column) {
      const back = traceBack(layers, traced, line, column);
      return back?.mapped && back.position.line <= (layers.sourceLines ?? Infinity) ? back.position : undefined;
    },
    original(line, column) {
      return traceBack(layers, traced, line, column)?.position;
    },
    breakableLines() {
      return [...byLine().keys()].sort((a, b) => a - b);
    },
  };
}

/** A script position back through the layers; `mapped`: the map knows it (otherwise the position in the transpiler's output). */
function traceBack(layers: Layers, traced: () => TraceMap, line: number, column: number): { position: Position; mapped: boolean } | undefined {
  if (layers.lines !== undefined && line > layers.lines) return undefined;
  const { originalPositionFor, LEAST_UPPER_BOUND } = tracing();
  const js = toInput(layers.anchors, line - 1, column - 1);
  let ts = originalPositionFor(traced(), { line: js.line + 1, column: js.column });
  // Before the line's first mapping (its indentation, or `const _m = ` before an import's "m"): the code after it.
  if (ts.line === null) ts = originalPositionFor(traced(), { line: js.line + 1, column: js.column, bias: LEAST_UPPER_BOUND });
  if (ts.line === null) return { position: { line: js.line + 1, column: js.column + 1 }, mapped: false };
  const source = toCell(layers.wrap, ts.line - 1, ts.column);
  return { position: { line: source.line + 1, column: source.column + 1 }, mapped: true };
}

/**
 * Each source line's script positions (1-based source lines, in the text the
 * user wrote), in the order toScript prefers them. The first is where the
 * line's statement starts, for a breakpoint on the line:
 *
 * - the leftmost code of the line (sorted by source column, then by
 *   position): the transpiler prints one line's statements in order;
 * - not before the previous line's position when the line has code after
 *   it: a module's export getters come ahead of everything (swc mapped
 *   `export default class A` there as well as at the class);
 * - moved to the start of its script line when nothing of another source
 *   line comes before it there: V8 breaks at the first break location at or
 *   after a position, and a transpiler may map a statement past its break
 *   location (swc mapped `import {a} from "m"` at the "m" of its require).
 */
function scriptTargets(trace: TraceMap, layers: Layers): Map<number, Target[]> {
  const { bySource, byGenerated } = collectMappings(trace, layers);
  const targets = new Map<number, Target[]>();
  let previous: Target | undefined;
  for (const line of [...bySource.keys()].sort((a, b) => a - b)) {
    const all = bySource.get(line)!.sort((a, b) => a[0] - b[0] || compareGenerated(a, b));
    const inOrder = previous === undefined ? all : all.filter((target) => compareGenerated(target, previous!) >= 0);
    const ordered = inOrder.length > 0 ? inOrder : all;
    previous = ordered[0]!;
    const first = startsItsLine(previous, line, byGenerated) ? ([previous[0], previous[1], 0] as Target) : previous;
    targets.set(line, [first, ...ordered.slice(1)].map((target) => toScriptTarget(target, layers.anchors)));
  }
  return targets;
}

/** Mapped code (comments left out) by source line as targets in the transpiler's output; every mapping by line of that output, as [column, source line]. */
function collectMappings(trace: TraceMap, layers: Layers): { bySource: Map<number, Target[]>; byGenerated: Map<number, Array<[number, number]>> } {
  const bySource = new Map<number, Target[]>();
  const byGenerated = new Map<number, Array<[number, number]>>();
  const comment = commentTest(layers.source);
  const sourceLines = layers.sourceLines ?? Infinity;
  tracing().eachMapping(trace, (mapping) => {
    if (mapping.originalLine === null) return;
    const source = toCell(layers.wrap, mapping.originalLine - 1, mapping.originalColumn);
    const line = source.line + 1;
    // A comment counts here: toSource of a position before it on its line finds the comment's line.
    let onLine = byGenerated.get(mapping.generatedLine);
    if (onLine === undefined) byGenerated.set(mapping.generatedLine, (onLine = []));
    onLine.push([mapping.generatedColumn, line]);
    if (line > sourceLines || comment(mapping.originalLine - 1, mapping.originalColumn)) return;
    let targets = bySource.get(line);
    if (targets === undefined) bySource.set(line, (targets = []));
    targets.push([source.column, mapping.generatedLine, mapping.generatedColumn]);
  });
  return { bySource, byGenerated };
}

function compareGenerated(a: Target, b: Target): number {
  return a[1] - b[1] || a[2] - b[2];
}

/** Nothing of another source line comes before the target on its line of the transpiler's output. */
function startsItsLine(target: Target, line: number, byGenerated: Map<number, Array<[number, number]>>): boolean {
  return byGenerated.get(target[1])!.every(([column, source]) => column >= target[2] || source === line);
}

/** A target in the transpiler's output → in the script V8 runs (through the REPL transform's or the module wrapper's edits). */
function toScriptTarget(target: Target, anchors: Anchors): Target {
  const script = toOutput(anchors, target[1] - 1, target[2]);
  return [target[0], script.line + 1, script.column];
}

/**
 * Whether a 0-based source position has no code at it: swc maps the
 * comments it keeps, at their start and at their `*` + `/` (oxc maps none),
 * and a line with only a comment has no code to break on. What follows the position on its
 * line is read past blanks and block comments: code, or nothing but a
 * comment. (Mappings point at tokens, and no token starts with `//`, `/*`
 * or `*` + `/`: a regular expression cannot start with `*` or be empty.)
 */
function commentTest(source: string | undefined): (line: number, column: number) => boolean {
  if (source === undefined) return () => false;
  const lines = source.split("\n");
  return (line, column) => {
    const text = lines[line] ?? "";
    let at = column;
    for (;;) {
      while (at < text.length && /\s/.test(text[at]!)) at++;
      if (at >= text.length || text.startsWith("//", at)) return true;
      // swc maps a block comment's end at its `*/`.
      if (text.startsWith("*/", at)) {
        at += 2;
        continue;
      }
      if (!text.startsWith("/*", at)) return false;
      const end = text.indexOf("*/", at + 2);
      // A block comment that goes on to the next line leaves nothing else on this one.
      if (end < 0) return true;
      at = end + 2;
    }
  };
}
