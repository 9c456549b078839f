import { fileURLToPath } from "node:url";
import * as runtime from "../index.js";
import type { ReplName } from "./repl-transform.js";

/*
 * The names every session binds in its context, each defined once, here,
 * with its declaration for the language service:
 * - the runtime's: values and declarations are both derived from the list;
 * - the session's own: the session makes their values as a
 *   Record<SessionGlobal, unknown>, so that a value without a declaration
 *   here, or a declaration without a value, does not compile;
 * - the REPL's `_` and `_error` (REPL_NAMES), which the session defines as
 *   accessors.
 */

/** The runtime's exports that cells use without importing them. */
const RUNTIME_GLOBALS = ["greenlet", "Greenlet", "getcurrent", "GreenletExit", "GreenletError", "settrace", "gettrace", "collect", "finalize"] as const satisfies ReadonlyArray<keyof typeof runtime>;
type RuntimeGlobal = (typeof RUNTIME_GLOBALS)[number];

export function runtimeGlobals(): Record<RuntimeGlobal, unknown> {
  return Object.fromEntries(RUNTIME_GLOBALS.map((name) => [name, runtime[name]])) as Record<RuntimeGlobal, unknown>;
}

const SESSION_DECLARATIONS = {
  display: `
  interface DisplayOptions extends D.DisplayOptions {}
  interface DisplayHandle extends D.DisplayHandle {}
  /**
   * Shows a value as rich output: its own MIME bundle, the MIME type asked
   * for, or text. Returns the output's handle when it has an \`id\`; when the
   * value's \`[Symbol.for("Jupyter.display")]()\` returns a promise, a promise
   * of that, resolved once the output is shown.
   */
  function display(value: DisplayPlain, options: DisplayOptions & { id: string }): DisplayHandle;
  function display(value: DisplayPlain, options?: DisplayOptions): undefined;
  function display(value: unknown, options: DisplayOptions & { id: string }): DisplayHandle | Promise<DisplayHandle>;
  function display(value: unknown, options?: DisplayOptions): undefined | Promise<undefined>;
  /** Values that cannot have a display method of their own: display() of one returns at once. */
  type DisplayPlain = string | number | bigint | boolean | null | undefined | ArrayBuffer | ArrayBufferView;
  namespace display {
    function html(html: string): void;
    function markdown(markdown: string): void;
    function svg(svg: string): void;
    function png(bytes: Uint8Array): void;
    function jpeg(bytes: Uint8Array): void;
    function json(value: unknown): void;
  }`,
  clearOutput: `
  /** Clears the cell's output (after the next output when \`wait\` is true). */
  function clearOutput(wait?: boolean): void;`,
  autoCollect: `
  /**
   * Whether the session runs collect() after each cell (while greenlets or
   * finalizers are alive): \`autoCollect(false)\` turns it off, so that
   * garbage is found only at an explicit \`await collect()\`, as in CPython.
   */
  function autoCollect(on?: boolean): boolean;`,
  typeCheck: `
  /**
   * Whether each cell is type-checked before it runs: \`typeCheck(true)\`
   * prints type errors (the cell's and those of project files it imports)
   * on the cell's stderr, and runs the cell anyway.
   */
  function typeCheck(on?: boolean): boolean;`,
  // Node's, declared by @types/node (which the language service loads when it is installed).
  require: "",
};

/** The names the session binds itself. */
export type SessionGlobal = keyof typeof SESSION_DECLARATIONS;

const REPL_DECLARATIONS: Record<ReplName, string> = {
  _: `
  /** The last value a cell echoed, as in the Node REPL (until a cell declares or assigns its own \`_\`). */
  var _: any;`,
  _error: `
  /** The last error a cell threw (or a timer of one), as in the Node REPL, until a cell takes the name over. */
  var _error: unknown;`,
};

/** The engine's display types, which display()'s declaration extends. */
const DISPLAY_TYPES = fileURLToPath(new URL("./display.js", import.meta.url));

/** Declares every pre-bound name, and a host's `extra` globals, for the language service: a .d.ts module. */
export function preludeDeclarations(extra = ""): string {
  const runtimeDeclarations = RUNTIME_GLOBALS.map((name) => {
    const declared = `  const ${name}: typeof G.${name};`;
    // A class is a type too: `let g: Greenlet`.
    return isClass(runtime[name]) ? `${declared}\n  type ${name} = G.${name};` : declared;
  });
  return [
    `import type * as G from "greenlet-ts";`,
    `import type * as D from ${JSON.stringify(DISPLAY_TYPES)};`,
    "declare global {",
    ...runtimeDeclarations,
    ...Object.values(SESSION_DECLARATIONS),
    ...Object.values(REPL_DECLARATIONS),
    extra,
    "}",
    "export {};",
  ].join("\n");
}

function isClass(value: unknown): boolean {
  return typeof value === "function" && /^class[\s{]/.test(Function.prototype.toString.call(value));
}
