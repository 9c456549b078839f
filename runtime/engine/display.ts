import { inspect } from "node:util";
import { echo } from "./echo.js";
import type { MimeBundle } from "./events.js";
import { isThenable } from "./guards.js";

/** An object with this method shows itself rich: it returns a MIME bundle. */
export const DISPLAY_SYMBOL = Symbol.for("Jupyter.display");

export interface DisplayOptions {
  /** Show `value` as this MIME type (bytes become base64 for binary types). */
  mime?: string;
  /** A display id: a later display with `update: true` and the same id replaces it in place. */
  id?: string;
  /** Replace the output shown earlier under `id` instead of adding one. */
  update?: boolean;
  metadata?: Record<string, unknown>;
}

/**
 * Shows a value as rich output. Returns the handle of an output with an
 * `id` (undefined otherwise), or, when the value's display method returns a
 * promise, a promise of that, resolved once the output is shown.
 */
export type DisplayFunction = (value: unknown, options?: DisplayOptions) => DisplayResult;

export type DisplayResult = DisplayHandle | undefined | Promise<DisplayHandle | undefined>;

export interface DisplayHandle {
  id: string;
  /** Replaces the output in place; a promise when the new value's display method is asynchronous. */
  update(value: unknown, options?: DisplayOptions): Promise<void> | undefined;
}

export interface DisplayHelpers {
  html(html: string): void;
  markdown(markdown: string): void;
  svg(svg: string): void;
  png(bytes: Uint8Array): void;
  jpeg(bytes: Uint8Array): void;
  json(value: unknown): void;
}

const BINARY = /^(image\/(png|jpeg|gif|webp)|application\/pdf|application\/octet-stream)$/;

/** Waits for a promise of the session's context on the host's side. */
export type Settle = (promise: PromiseLike<unknown>) => Promise<unknown>;

/**
 * The MIME bundle for a value: its own (display protocol), the one asked
 * for, or plain text. A promise of it when the value's display method
 * returns a promise; `settle` waits for that one.
 */
export function bundleOf(value: unknown, mime?: string, settle: Settle = (promise) => Promise.resolve(promise)): MimeBundle | Promise<MimeBundle> {
  const own = protocolBundle(value, settle);
  if (own !== undefined) return own;
  if (mime === undefined) return { "text/plain": echo(value) };
  const bundle: MimeBundle = { [mime]: encode(value, mime) };
  if (mime !== "text/plain") bundle["text/plain"] = placeholder(value, mime);
  return bundle;
}

/**
 * The bundle from `value[Symbol.for("Jupyter.display")]()`, with text/plain
 * added when missing. The method may return a promise of the bundle, as
 * Deno's Jupyter kernel allows (anywidget's widgets do): its rejection is
 * the error, as the method's own error would be.
 */
export function protocolBundle(value: unknown, settle: Settle = (promise) => Promise.resolve(promise)): MimeBundle | Promise<MimeBundle> | undefined {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return undefined;
  const method = (value as Record<symbol, unknown>)[DISPLAY_SYMBOL];
  if (typeof method !== "function") return undefined;
  const produced: unknown = method.call(value);
  if (isThenable(produced)) return settle(produced).then((bundle) => toBundle(value, bundle, true));
  return toBundle(value, produced, false);
}

function toBundle(value: unknown, produced: unknown, promised: boolean): MimeBundle {
  if (produced === null || typeof produced !== "object") {
    const got = inspect(produced, { depth: 0, maxStringLength: 40, breakLength: Infinity });
    throw new TypeError(
      promised
        ? `[Symbol.for("Jupyter.display")]() must return a MIME bundle object or a promise of one; its promise resolved to ${got}`
        : `[Symbol.for("Jupyter.display")]() must return a MIME bundle object or a promise of one; it returned ${got}`,
    );
  }
  const bundle: MimeBundle = {};
  for (const [type, content] of Object.entries(produced as Record<string, unknown>)) bundle[type] = encode(content, type);
  bundle["text/plain"] ??= echo(value);
  return bundle;
}

function encode(content: unknown, mime: string): unknown {
  if (BINARY.test(mime)) {
    if (content instanceof Uint8Array || ArrayBuffer.isView(content)) {
      const view = content as ArrayBufferView;
      return Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString("base64");
    }
    if (content instanceof ArrayBuffer) return Buffer.from(content).toString("base64");
    return String(content);
  }
  if (mime === "application/json" || mime.endsWith("+json")) return content;
  return typeof content === "string" ? content : String(content);
}

function placeholder(value: unknown, mime: string): string {
  if (BINARY.test(mime)) return `<${mime}>`;
  return typeof value === "string" ? value : echo(value);
}
