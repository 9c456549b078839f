import { inspect } from "node:util";
import { GreenletError, GreenletExit, KILL_MESSAGE } from "./errors.js";
import { track, type Collectable } from "./registry.js";
import { thread } from "./thread-state.js";
import { gettrace, settrace, type TraceEvent } from "./tracing.js";

/** A greenlet body: called with the arguments of the first switch(). */
export type RunFunction = (...args: any[]) => unknown;

const PENDING = 0;
const ACTIVE = 1;
const DEAD = 2;
type Status = typeof PENDING | typeof ACTIVE | typeof DEAD;

const NO_ARGS: readonly unknown[] = Object.freeze([]);

/**
 * What the runtime knows of a greenlet. It never points back at its public
 * Greenlet: the registry holds a suspended greenlet's state (and through
 * `resume`, its frames) strongly, so a back pointer would keep every
 * suspended greenlet alive. The switching code always has the public object
 * in hand instead (the receiver of switch(), a parent link, or the one a
 * kill makes when needed), and keeps the current greenlet's in
 * `thread.currentGreenlet`.
 */
class GreenletState implements Collectable {
  status: Status = PENDING;
  /** The run function given to the constructor or set before start. */
  run: RunFunction | undefined;
  /** Strong, as in greenlet: a child keeps its parent alive. */
  parent: Greenlet | null;
  /**
   * Resolves the promise of this greenlet's pending switch() while it is
   * suspended; an error is delivered as a rejected promise to resolve with.
   * (Only one function is kept: memory per suspended greenlet is a target.)
   */
  resume: ((value: unknown) => void) | null = null;
  /** Registered with the registry since it was last suspended (a registration ends when it fires). */
  tracked = false;
  /** The class it was made with: a kill makes a new public object of it. */
  readonly kind: typeof Greenlet;
  readonly serial: number;
  /** The collect() call that last threw GreenletExit into it; reset to 0 whenever it is switched into. */
  killedIn = 0;

  constructor(kind: typeof Greenlet, parent: Greenlet | null, run: RunFunction | undefined) {
    this.kind = kind;
    this.parent = parent;
    this.run = run;
    this.serial = thread.nextSerial++;
  }

  /** Only the main greenlet has no parent. */
  get isMain(): boolean {
    return this.parent === null;
  }

  /** Started, not dead, and switched away: a switch() resumes it. */
  get suspended(): boolean {
    return this.status === ACTIVE && this.resume !== null;
  }

  /** The registry's callback: the public object of this suspended greenlet was collected. */
  onCollected(): void {
    this.tracked = false;
    if (this.status !== ACTIVE) return;
    if (this.killedIn !== 0 && this.killedIn === thread.collectId) {
      // It caught the GreenletExit of this very collection and switched away,
      // and the only reference to itself it made was a temporary one: it can
      // never run again. greenlet leaks such a greenlet; here it is just freed.
      reportDidNotKill(this);
      return;
    }
    thread.pendingKills.push(this);
  }
}

let stateOf: (g: Greenlet) => GreenletState;

const ADOPT = Symbol("adopt");
const UNCLONEABLE = Symbol("Greenlet objects cannot be cloned or sent to another thread");

/** A cooperative micro-thread with explicit switching, a port of Python's greenlet. */
export class Greenlet {
  readonly #state: GreenletState;
  /**
   * Greenlets must not cross threads. Node 20 would clone an instance as a
   * plain object, so this enumerable own property holds a value that
   * structuredClone and postMessage refuse, with a DataCloneError.
   */
  readonly __greenlet__: symbol = UNCLONEABLE;

  static {
    stateOf = (g) => g.#state;
  }

  constructor(run?: RunFunction, parent?: Greenlet | null) {
    if ((run as unknown) === ADOPT) {
      // Internal: a public object for an existing state (the main greenlet, a greenlet being killed).
      this.#state = parent as unknown as GreenletState;
      return;
    }
    if (parent !== undefined && parent !== null && !(parent instanceof Greenlet)) {
      throw new TypeError(`parent must be a Greenlet, not ${describeType(parent)}`);
    }
    if (run !== undefined && run !== null && typeof run !== "function") {
      throw new TypeError(`run must be a function, not ${describeType(run)}`);
    }
    this.#state = new GreenletState(new.target, parent ?? currentPublic(), run ?? undefined);
  }

  /** The function started by the first switch(). Readable and settable only before the start. */
  get run(): RunFunction | undefined {
    const state = this.#state;
    if (state.isMain) throw new TypeError("Main greenlets do not have a run attribute.");
    if (state.status !== PENDING) throw new TypeError("run is no longer available after the start of the greenlet");
    return state.run;
  }

  set run(fn: RunFunction | undefined) {
    const state = this.#state;
    if (state.isMain) throw new TypeError("Main greenlets do not have a run attribute.");
    if (state.status !== PENDING) throw new TypeError("run cannot be set after the start of the greenlet");
    if (fn !== undefined && fn !== null && typeof fn !== "function") {
      throw new TypeError(`run must be a function, not ${describeType(fn)}`);
    }
    state.run = fn ?? undefined;
  }

  /** Where execution goes when this greenlet dies; null only for the main greenlet. */
  get parent(): Greenlet | null {
    return this.#state.parent;
  }

  set parent(parent: Greenlet | null) {
    const state = this.#state;
    if (state.isMain) throw new TypeError("cannot set the parent of a main greenlet");
    if (!(parent instanceof Greenlet)) {
      throw new TypeError(`parent must be a Greenlet, not ${describeType(parent)}`);
    }
    for (let p: Greenlet | null = parent; p !== null; p = p.#state.parent) {
      if (p.#state === state) throw new GreenletError("cyclic parent chain");
    }
    state.parent = parent;
  }

  /** True once the greenlet has started and finished (returned or thrown). */
  get dead(): boolean {
    return this.#state.status === DEAD;
  }

  /** Python's bool(g): started and not dead. */
  get active(): boolean {
    return this.#state.status === ACTIVE;
  }

  /**
   * Switches to this greenlet: starts it with `run(...args)`, or makes its
   * pending switch() resolve to the arguments (none: undefined, one: the
   * value, more: an array). Resolves when someone switches back here.
   */
  switch(...args: unknown[]): Promise<unknown>;
  switch(value?: unknown): Promise<unknown> {
    // `arguments`, not a rest parameter: no array is made for the usual zero or one value.
    const target = this.#state;
    if (target.resume !== null && thread.abandoned === null && thread.tracer === null) {
      // Fast path: a suspended target (never the current greenlet), nothing to trace, no interrupt being unwound.
      const count = arguments.length;
      const promise = suspendCurrent();
      thread.current = target;
      thread.currentGreenlet = this;
      target.killedIn = 0;
      const resume = target.resume;
      target.resume = null;
      resume(count === 1 ? value : count === 0 ? undefined : Array.prototype.slice.call(arguments));
      return promise;
    }
    return switchTo(this, target, Array.prototype.slice.call(arguments), false, undefined);
  }

  /**
   * Switches to this greenlet and raises `error` (default: a new GreenletExit)
   * where it is suspended. An unstarted greenlet dies without running; on a
   * dead one, a GreenletExit comes back as a value and any other error is
   * raised in its first live ancestor.
   */
  throw(error: unknown = new GreenletExit()): Promise<unknown> {
    return switchTo(this, this.#state, NO_ARGS, true, error);
  }

  /** greenlet's repr, e.g. `<Greenlet #3 suspended active started>`. */
  [inspect.custom](): string {
    return describe(this.#state);
  }

  toString(): string {
    return describe(this.#state);
  }

  static getcurrent(): Greenlet {
    return getcurrent();
  }
  static readonly GreenletExit = GreenletExit;
  static readonly GreenletError = GreenletError;
  static readonly settrace = settrace;
  static readonly gettrace = gettrace;
}

// ---------------------------------------------------------------------------
// The main greenlet of this thread: each Worker loads its own copy of this module.

{
  const main = new GreenletState(Greenlet, null, undefined);
  main.status = ACTIVE;
  main.tracked = true; // never registered: the main greenlet lives as long as its thread
  thread.adoptMain(main, new Greenlet(ADOPT as unknown as RunFunction, main as unknown as Greenlet));
}

function currentPublic(): Greenlet {
  return thread.currentGreenlet ?? (thread.currentGreenlet = wrap(thread.current));
}

/** The greenlet that is running now in this thread. */
export function getcurrent(): Greenlet {
  return thread.currentGreenlet ?? currentPublic();
}

/** Same as `new Greenlet(run, parent)`. */
export function greenlet(run?: RunFunction, parent?: Greenlet | null): Greenlet {
  return new Greenlet(run, parent);
}

// ---------------------------------------------------------------------------
// Switching.

// Takes the resolve function out of the Promise executor: empty between two calls, so no thread state.
let capturedResolve: (value: unknown) => void = noop;
function capture(resolve: (value: unknown) => void): void {
  capturedResolve = resolve;
}
function noop(): void {}

/**
 * The current greenlet is about to switch away: returns the promise its
 * switch() resolves with when control comes back. A greenlet is registered
 * with the registry the first time it is suspended, so that one which starts
 * and finishes without ever switching away costs no registration at all.
 */
function suspendCurrent(): Promise<unknown> {
  const origin = thread.current;
  if (!origin.tracked) {
    origin.tracked = true;
    track(currentPublic(), origin);
  }
  const suspendedInJob = thread.suspendedInJob;
  if (suspendedInJob !== null) suspendedInJob.push(origin);
  const promise = new Promise(capture);
  origin.resume = capturedResolve;
  // Not kept here: a settled promise's function would keep its value alive.
  capturedResolve = noop;
  return promise;
}

/** The first greenlet at or above `g` that is not dead (the main greenlet never is). */
function firstLive(g: Greenlet): Greenlet {
  while (stateOf(g).status === DEAD) g = stateOf(g).parent!;
  return g;
}

/** switch() and throw() from the current greenlet, every case but the fast path. */
function switchTo(
  requested: Greenlet,
  requestedState: GreenletState,
  args: readonly unknown[],
  thrown: boolean,
  error: unknown,
): Promise<unknown> {
  const abandoned = thread.abandoned;
  if (abandoned !== null && thread.current.parent === null) {
    // The abandoned greenlet's code, resumed after the interrupt, switching as if it were main.
    return Promise.reject(abandoned.error);
  }
  const target = firstLive(requested);
  const targetState = stateOf(target);
  if (thrown && targetState !== requestedState && error instanceof GreenletExit) {
    // Thrown at a dead greenlet, a GreenletExit is "immediately eaten" and comes back as a value.
    thrown = false;
    args = [error];
  }
  if (targetState === thread.current) {
    const traced = thread.tracer === null ? undefined : traceTransfer(thrown ? "throw" : "switch", currentPublic(), target);
    if (traced !== undefined) return Promise.reject(traced.error);
    return thrown ? Promise.reject(error) : Promise.resolve(pack(args));
  }
  let start: Start | undefined;
  if (targetState.status === PENDING) {
    try {
      start = startOf(target, targetState);
    } catch (startError) {
      return Promise.reject(startError);
    }
  }
  const origin = thread.current;
  const originGreenlet = thread.currentGreenlet;
  const promise = suspendCurrent();
  enter(origin, originGreenlet, targetState, target, args, thrown, error, start);
  return promise;
}

/** How to start a pending greenlet: its run function, and `this` for a subclass's run() method. */
interface Start {
  run: RunFunction;
  self: Greenlet | undefined;
}

/**
 * Hands control to `target`, pending or suspended; the greenlet that had it
 * (`origin`) is suspended already or dead. A pending target runs until its
 * first await right here; a suspended one resumes in a microtask.
 */
function enter(
  originState: GreenletState,
  origin: Greenlet | null,
  state: GreenletState,
  target: Greenlet | null,
  args: readonly unknown[],
  thrown: boolean,
  error: unknown,
  start: Start | undefined,
): void {
  thread.current = state;
  thread.currentGreenlet = target;
  if (thread.tracer !== null) {
    // Public objects are made for the tracer only when there is one.
    const traced = traceTransfer(thrown ? "throw" : "switch", origin ?? wrap(originState), currentPublic());
    if (traced !== undefined) {
      thrown = true;
      error = traced.error;
    }
  }
  if (state.status === PENDING) {
    begin(target!, state, start!, args, thrown, error);
    return;
  }
  state.killedIn = 0;
  const resume = state.resume!;
  state.resume = null;
  resume(thrown ? new Rejection(error) : pack(args));
}

function begin(
  g: Greenlet,
  state: GreenletState,
  start: Start,
  args: readonly unknown[],
  thrown: boolean,
  error: unknown,
): void {
  state.status = ACTIVE;
  state.run = undefined;
  thread.activeCount++;
  if (thrown) {
    // throw() on an unstarted greenlet: it dies without running.
    die(g, state, error, true);
    return;
  }
  let result: unknown;
  try {
    result = Reflect.apply(start.run, start.self, args);
  } catch (runError) {
    die(g, state, runError, true);
    return;
  }
  if (isThenable(result)) {
    // Bound to the state only (a finished run must not keep its greenlet alive);
    // bound functions are smaller than two closures and their context.
    Promise.resolve(result).then(returned.bind(state), raised.bind(state));
  } else {
    die(g, state, result, false);
  }
}

/**
 * Resolving a pending switch() with this thenable rejects it with `error`.
 * Only the resolve function of a suspended greenlet is kept, and a
 * Promise.reject() here would go through node's unhandled-rejection tracking.
 */
class Rejection {
  constructor(private readonly error: unknown) {}
  then(_resolve: unknown, reject: (error: unknown) => void): void {
    reject(this.error);
  }
}

// A greenlet abandoned by an interrupt is dead already when its run settles later.
function returned(this: GreenletState, value: unknown): void {
  if (this.status !== DEAD) die(undefined, this, value, false);
  else if (thread.abandoned?.state === this) thread.abandoned = null;
}

function raised(this: GreenletState, error: unknown): void {
  if (this.status !== DEAD) die(undefined, this, error, true);
  else if (thread.abandoned?.state === this) thread.abandoned = null;
}

/** Marks a started greenlet dead: it can never be resumed. */
export function retire(state: GreenletState): void {
  state.status = DEAD;
  state.resume = null;
  thread.activeCount--;
}

/** `run` returned `outcome` or threw it: the greenlet dies and its parent takes over. */
function die(g: Greenlet | undefined, state: GreenletState, outcome: unknown, thrown: boolean): void {
  retire(state);
  // Its registration, if any, stays: it fires when the public object goes, and is then ignored.
  if (thrown && outcome instanceof GreenletExit) thrown = false;
  let args: readonly unknown[] = thrown ? NO_ARGS : [outcome];
  let error = thrown ? outcome : undefined;
  // The dying greenlet is the current one; its public object, if it has one, is `thread.currentGreenlet`.
  const origin = g ?? (thread.current === state ? thread.currentGreenlet : null);
  let target = firstLive(state.parent!);
  for (;;) {
    const targetState = stateOf(target);
    if (targetState.status !== PENDING) {
      enter(state, origin, targetState, target, args, thrown, error, undefined);
      return;
    }
    try {
      const start = startOf(target, targetState);
      enter(state, origin, targetState, target, args, thrown, error, start);
      return;
    } catch (startError) {
      // The parent cannot start: the error goes on to the next live ancestor.
      thrown = true;
      error = startError;
      args = NO_ARGS;
      target = firstLive(targetState.parent!);
    }
  }
}

function startOf(g: Greenlet, state: GreenletState): Start {
  if (state.kind === Greenlet && state.run !== undefined) return { run: state.run, self: undefined };
  // A subclass's run() method wins over a run given to the constructor, as in greenlet.
  const fn: unknown = (g as { run?: unknown }).run;
  if (typeof fn !== "function") {
    throw new TypeError(
      `${describe(state)} has no run function to start: pass one to the constructor, set run, or define run() in a subclass`,
    );
  }
  return { run: fn as RunFunction, self: fn === state.run ? undefined : g };
}

/** Calls the tracer in the target; a tracer that throws is removed and its error raised in the target. */
function traceTransfer(event: TraceEvent, origin: Greenlet, target: Greenlet): { error: unknown } | undefined {
  const tracer = thread.tracer;
  if (tracer === null) return undefined;
  try {
    tracer(event, [origin, target]);
    return undefined;
  } catch (error) {
    settrace(null);
    return { error };
  }
}

function pack(args: readonly unknown[]): unknown {
  return args.length === 0 ? undefined : args.length === 1 ? args[0] : args.slice();
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/** A new public object for a greenlet whose previous one was collected. */
function wrap(state: GreenletState): Greenlet {
  return Reflect.construct(Greenlet, [ADOPT, state], state.kind);
}

// ---------------------------------------------------------------------------
// Kills, for collect().

/**
 * Throws GreenletExit into each victim in turn, with its parent set to the
 * current greenlet for the time of the kill, as greenlet does on
 * deallocation: when the victim ends, control comes back here. Resolves to
 * the number that died. An error other than GreenletExit that a victim
 * raises is reported on stderr, never propagated. A victim runs under a new
 * public object (its old one was collected): if it stores that object it is
 * resurrected, and if it only switches away, the next round of the same
 * collect() finds the new object unreachable and reports that GreenletExit
 * did not kill it. One loop rather than an async call per victim: a kill is
 * two switches, and anything more shows in the kill benchmark.
 */
export async function killAll(victims: readonly GreenletState[], collection: number): Promise<number> {
  let died = 0;
  for (const victim of victims) {
    if (!victim.suspended) continue;
    const killerState = thread.current;
    const killer = currentPublic();
    const originalParent = victim.parent;
    victim.parent = killer;
    const promise = suspendCurrent();
    // The victim runs without a public object until it asks for one (getcurrent(), a tracer, a switch away).
    enter(killerState, killer, victim, null, NO_ARGS, true, killError(), undefined);
    victim.killedIn = collection;
    try {
      await promise;
    } catch (error) {
      reportUnraisable(victim, error);
    }
    if (victim.parent === killer) victim.parent = originalParent;
    if ((victim.status as Status) === DEAD) died++;
  }
  return died;
}

/**
 * The GreenletExit of a kill. It has no frames to show (the collector threw
 * it), and V8's Error constructor costs more than the rest of a kill even
 * without a stack trace, so each one is a GreenletExit instance inheriting
 * the message and stack a native one would have.
 */
function killError(): GreenletExit {
  return Object.create(KILL_ERROR_PROTOTYPE) as GreenletExit;
}
const KILL_ERROR_PROTOTYPE = Object.create(GreenletExit.prototype, {
  message: { value: KILL_MESSAGE, writable: true, configurable: true },
  stack: { value: `GreenletExit: ${KILL_MESSAGE}`, writable: true, configurable: true },
});

function reportDidNotKill(state: GreenletState): void {
  process.stderr.write(`GreenletExit did not kill ${describe(state)}\n`);
}

function reportUnraisable(state: GreenletState, error: unknown): void {
  const detail = error instanceof Error && error.stack ? error.stack : inspect(error);
  process.stderr.write(`Exception ignored in: ${describe(state)}\n${detail}\n`);
}

// ---------------------------------------------------------------------------
// Presentation.

function describe(state: GreenletState): string {
  let words: string;
  if (state.status === PENDING) words = "pending";
  else if (state.status === DEAD) words = "dead";
  else words = state === thread.current ? "current active started" : "suspended active started";
  if (state.isMain) words += " main";
  return `<${state.kind.name || "Greenlet"} #${state.serial} ${words}>`;
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return (value as object).constructor?.name ?? "object";
  return typeof value;
}

export type { GreenletState };
