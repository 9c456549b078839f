import { types } from "node:util";

/**
 * What kind of value a cell produced. Values of a session's context are not
 * instances of this realm's classes, so `instanceof` alone is not enough.
 */

/** An Error of this realm or of any other (a session's context has its own Error). */
export function isError(value: unknown): value is Error {
  return value instanceof Error || types.isNativeError(value);
}

/** An Error of any realm, or an object with the `stack` and `message` of one: reported as an error is. */
export function looksLikeError(value: unknown): value is { name?: unknown; message?: unknown; stack?: unknown } {
  return isError(value) || (typeof value === "object" && value !== null && "stack" in value && "message" in value);
}

/** A promise of any realm, or anything else with a `then` method. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === "object" || typeof value === "function") && typeof (value as { then?: unknown }).then === "function";
}
