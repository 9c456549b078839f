/**
 * Thrown into a greenlet to end it: the default of `throw()`, and what a
 * collection throws into a suspended greenlet nobody can reach any more.
 * When it escapes `run`, the parent receives it as a value, not as an error.
 *
 * Python's GreenletExit derives from BaseException so that `except
 * Exception` does not swallow it; JavaScript has no such split, so a bare
 * `catch (e)` does catch it. Rethrow it when `e instanceof GreenletExit`.
 */
export class GreenletExit extends Error {}
// On the prototype, not on each instance: a collection may make thousands.
GreenletExit.prototype.name = "GreenletExit";

/** Python's `greenlet.error`: an illegal operation on greenlets. */
export class GreenletError extends Error {}
GreenletError.prototype.name = "GreenletError";

/** The message greenlet uses when it kills a greenlet whose last reference vanished. */
export const KILL_MESSAGE = "Killing the greenlet because all references have vanished.";
