import type { Greenlet, GreenletState } from "./greenlet.js";
import type { Tracer } from "./tracing.js";

/**
 * Everything the runtime keeps for one thread, in one object, as
 * python-greenlet keeps it in its ThreadState. Module state is per isolate,
 * so each Worker that loads the runtime has its own.
 *
 * The object is a module-level const and every field is set in the
 * constructor, so its shape never changes: the switch path reads a field
 * at a fixed offset, as fast as a module-level variable.
 */
class ThreadState {
  /** The state of the greenlet running now. Set by greenlet.ts when it loads (see adoptMain). */
  current!: GreenletState;
  /**
   * Its public object; null while a greenlet being killed runs without one
   * (its old one was collected), until something asks for it.
   */
  currentGreenlet!: Greenlet | null;
  /** The main greenlet of this thread: the root of every parent chain here. */
  mainState!: GreenletState;
  mainGreenlet!: Greenlet;
  /** The tracer, as greenlet.settrace() installs it: one per thread. */
  tracer: Tracer | null = null;
  /** Suspended greenlets found unreachable, waiting for collect() to kill them. */
  readonly pendingKills: GreenletState[] = [];
  /** The id of the collect() call in progress, 0 outside of one. */
  collectId = 0;
  /** The last id given to a collect() call. */
  lastCollectId = 0;
  /** Greenlets started and not yet dead, main excluded: what auto-collect looks at. */
  activeCount = 0;
  /** The greenlet an interrupt abandoned, while its code may still run; and what its switches fail with. */
  abandoned: { state: GreenletState; error: unknown } | null = null;
  /** While interrupts are watched: the greenlets that switched away since the current job began. */
  suspendedInJob: GreenletState[] | null = null;
  /** The serial number of the next greenlet made (`<Greenlet #3 ...>`). */
  nextSerial = 0;
  /** finalize() registrations not yet run nor detached. */
  liveFinalizers = 0;
  /** finalize() callbacks run because their object was collected. */
  finalizersRun = 0;

  /** Called once, by greenlet.ts: the main greenlet needs the Greenlet class, which needs this object. */
  adoptMain(state: GreenletState, greenlet: Greenlet): void {
    this.current = this.mainState = state;
    this.currentGreenlet = this.mainGreenlet = greenlet;
  }
}

export type { ThreadState };

/** The state of this thread. */
export const thread = new ThreadState();
