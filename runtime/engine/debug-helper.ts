import { inspect } from "node:util";
import { getcurrent, runtimeCounts, type Greenlet } from "../index.js";
import { bundleOf } from "./display.js";
import { echo } from "./echo.js";
import type { MimeBundle } from "./events.js";
import { isThenable } from "./guards.js";
import { REPL_NAMES, type ReplName } from "./repl-transform.js";

/**
 * The name of the object in every session's context that a debugger calls
 * through the inspector (`Runtime.evaluate`, or `Debugger.evaluateOnCallFrame`
 * while stopped): `__greenlet_debug__.userGlobals()`, and so on.
 */
export const DEBUG_HELPER = "__greenlet_debug__";

/** What the helper needs of its session. */
export interface DebugHelperHost {
  /** Whether the user took `_` or `_error` over (then it is one of their globals). */
  claimed(name: ReplName): boolean;
  /** The project's source files the session has loaded. */
  modules(): Array<{ path: string; name: string }>;
  /** The TypeScript of the cell last run under a script name, if the session still has it. */
  cellSource(scriptName: string): string | undefined;
}

/** One line of the variable explorer. */
export interface GlobalSummary {
  name: string;
  /** A short type name: `number`, `string`, `Array`, `Map`, the class of an object, `function`, `class`. */
  type: string;
  /** util.inspect at depth 1, on one line, at most 200 characters. */
  value: string;
}

export interface DebugHelper {
  /** The globals the user's cells defined, in a null-prototype object of the context. */
  userGlobals(): Record<string, unknown>;
  /** The greenlet runtime's state, for a "Greenlets" scope. */
  runtimeState(): RuntimeState;
  /** A value as the kernel's display protocol shows it. */
  bundle(value: unknown): { data: MimeBundle; metadata: Record<string, unknown> };
  /** The user's globals, each with a short type and text. */
  inspectAll(): GlobalSummary[];
  /** The project's loaded source files: `id` is the path. */
  modules(): Array<{ id: string; name: string; path: string }>;
  /**
   * The TypeScript of the cell run under `scriptName`: a debugger maps a
   * stopped frame of a cell nobody dumped (no breakpoint of its own) from it.
   */
  cellSource(scriptName: string): string | undefined;
}

export interface RuntimeState {
  /** The greenlet running now. */
  current: Greenlet;
  /** Its parent, the parent's parent, ..., up to the main greenlet (empty in the main greenlet). */
  parents: Greenlet[];
  /** Greenlets started and not dead, the main greenlet excluded. */
  suspended: number;
  /** finalize() registrations not yet run nor detached. */
  liveFinalizers: number;
  main: Greenlet;
}

const SUMMARY_LENGTH = 200;

/**
 * Defines the helper in a session's context, hidden: not enumerable (no
 * listing of the user's globals shows it), not writable, and unknown to
 * the language service (no completion offers it). Call it once the
 * session's own globals are all defined: every global there now is the
 * engine's or a built-in, and only a later one, or one a cell redefined,
 * is the user's.
 *
 * The helper never evaluates code in the context (that would run the
 * context's pending promise jobs, in the middle of a stopped cell); it
 * makes its objects with the context's own constructors, taken now,
 * before a cell could replace them.
 */
export function installDebugHelper(global: Record<string, unknown>, host: DebugHelperHost): void {
  const ContextObject = global.Object as ObjectConstructor;
  const ContextArray = global.Array as ArrayConstructor;
  const nullObject = (): Record<string, unknown> => ContextObject.create(null) as Record<string, unknown>;
  const toArray = <T>(items: T[]): T[] => ContextArray.from(items) as T[];
  const userNames = userNamesOf(global, host);
  const helper = nullObject();
  const methods: DebugHelper = {
    userGlobals: () => {
      const values = nullObject();
      for (const name of userNames()) values[name] = global[name];
      return values;
    },
    runtimeState: () => Object.assign(nullObject(), runtimeState(toArray)) as unknown as RuntimeState,
    bundle: (value) => Object.assign(nullObject(), displayBundle(value)) as unknown as ReturnType<DebugHelper["bundle"]>,
    inspectAll: () => toArray(userNames().map((name) => Object.assign(nullObject(), summary(name, global[name])) as unknown as GlobalSummary)),
    cellSource: (scriptName: string) => host.cellSource(String(scriptName)),
    modules: () => toArray(host.modules().map(({ path, name }) => Object.assign(nullObject(), { id: path, name, path }) as { id: string; name: string; path: string })),
  };
  Object.assign(helper, methods);
  Object.freeze(helper);
  Object.defineProperty(global, DEBUG_HELPER, { value: helper, enumerable: false, writable: false, configurable: false });
}

/**
 * The user's global names, in the order the global object lists them:
 * those not there when the helper was installed, and those a cell
 * redefined (`var display = ...`); `_` and `_error` once the user took them
 * over. Engine names (`__greenlet_...`) never are.
 */
function userNamesOf(global: Record<string, unknown>, host: DebugHelperHost): () => string[] {
  const baseline = new Map(Object.entries(Object.getOwnPropertyDescriptors(global)));
  const repl = new Set<string>(REPL_NAMES);
  return () =>
    Object.getOwnPropertyNames(global).filter((name) => {
      if (repl.has(name)) return host.claimed(name as ReplName);
      const before = baseline.get(name);
      if (before === undefined) return name !== DEBUG_HELPER;
      return !name.startsWith("__greenlet_") && redefined(global, name, before);
    });
}

/** Whether a global the engine found at install time now holds something else. */
function redefined(global: Record<string, unknown>, name: string, before: PropertyDescriptor): boolean {
  const now = Object.getOwnPropertyDescriptor(global, name)!;
  if ("value" in before) return !("value" in now) || !Object.is(now.value, before.value);
  if (now.get === before.get && now.set === before.set) return false;
  // Node's lazily loaded globals (crypto, fetch, ...) replace their getter with the value on first use.
  return !("value" in now) || !Object.is(now.value, Reflect.get(globalThis, name));
}

function runtimeState(toArray: <T>(items: T[]) => T[]): RuntimeState {
  const current = getcurrent();
  const parents: Greenlet[] = [];
  for (let parent = current.parent; parent !== null; parent = parent.parent) parents.push(parent);
  const counts = runtimeCounts();
  return { current, parents: toArray(parents), suspended: counts.activeGreenlets, liveFinalizers: counts.liveFinalizers, main: parents.at(-1) ?? current };
}

/**
 * The display protocol's bundle, made at once: a display method that
 * returns a promise would need the context's jobs to run, which must not
 * happen while the debugger has the cell stopped, so such a value (and one
 * whose display method throws) is shown as text, with the reason in the
 * metadata.
 */
function displayBundle(value: unknown): { data: MimeBundle; metadata: Record<string, unknown> } {
  try {
    const bundle = bundleOf(value, undefined, (promise) => Promise.resolve(promise));
    if (!isThenable(bundle)) return { data: bundle, metadata: {} };
    (bundle as Promise<unknown>).catch(() => undefined);
    return { data: { "text/plain": echo(value) }, metadata: { "greenlet-ts": "its display method returns a promise: shown as text" } };
  } catch (error) {
    return { data: { "text/plain": echo(value) }, metadata: { "greenlet-ts": `its display method failed: ${String((error as Error)?.message ?? error)}` } };
  }
}

function summary(name: string, value: unknown): GlobalSummary {
  let text = inspect(value, { depth: 1, breakLength: Infinity, maxArrayLength: 20, maxStringLength: SUMMARY_LENGTH, colors: false });
  if (text.length > SUMMARY_LENGTH) text = `${text.slice(0, SUMMARY_LENGTH - 1)}…`;
  return { name, type: typeName(value), value: text };
}

/** A short type name for the variable explorer. */
function typeName(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "function") return /^class[\s{]/.test(Function.prototype.toString.call(value)) ? "class" : "function";
  if (typeof value !== "object") return typeof value;
  const tag = Object.prototype.toString.call(value).slice(8, -1);
  const prototype = Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null;
  if (prototype === null) return tag === "Object" ? "Object: null prototype" : tag;
  const constructorName = typeof prototype.constructor?.name === "string" ? prototype.constructor.name : "";
  return constructorName !== "" ? constructorName : tag;
}
