import { bundleOf, type DisplayFunction, type DisplayHandle, type DisplayHelpers, type DisplayOptions, type DisplayResult } from "./display.js";
import type { CellEvents } from "./event-order.js";
import type { CellId, EngineEvent, MimeBundle } from "./events.js";
import { isThenable } from "./guards.js";

/** What a session's display() needs of it. */
export interface DisplayHost {
  readonly events: CellEvents;
  /** The cell that owns the calling code (or the executing one), if it is this session's. */
  callingCell(): CellId | undefined;
  /** The Promise of the cells' realm. */
  contextPromise(): PromiseConstructor;
}

/**
 * The `display` function of a session's cells, with its helpers
 * (`display.html`, ...): each call shows a value as rich output of the
 * calling cell, or updates an output shown under an id.
 */
export function makeDisplay(host: DisplayHost): DisplayFunction & DisplayHelpers {
  const show = (value: unknown, options: DisplayOptions = {}): DisplayResult => {
    const metadata = options.metadata ?? {};
    const id = options.id;
    if (options.update && id === undefined) throw new TypeError("display(value, { update: true }) needs an id");
    const cell = host.callingCell();
    // Called from a cell's code, maybe while it runs: the context drains its jobs when that code returns.
    const data = bundleOf(value, options.mime, (promise) => new Promise((resolve, reject) => promise.then(resolve, reject)));
    const handle: DisplayHandle | undefined =
      id === undefined
        ? undefined
        : {
            id,
            update: (next: unknown, more: DisplayOptions = {}) => {
              const updated = show(next, { ...options, ...more, id, update: true });
              return isThenable(updated) ? (updated as Promise<unknown>).then(() => undefined) : undefined;
            },
          };
    const event = (bundle: MimeBundle, shownIn: CellId): EngineEvent =>
      options.update
        ? { kind: "update", cell: shownIn, data: bundle, metadata, displayId: id! }
        : id === undefined
          ? { kind: "display", cell: shownIn, data: bundle, metadata }
          : { kind: "display", cell: shownIn, data: bundle, metadata, displayId: id };
    if (!(data instanceof Promise)) {
      if (cell !== undefined) host.events.emit(event(data, cell));
      return handle;
    }
    // The value's display method returned a promise (Deno's convention, which anywidget uses):
    // display() returns a promise too, as Deno.jupyter.display does. Until the bundle comes,
    // what the cell prints after this call waits behind it, so the output keeps the order
    // of the calls whether the cell awaits display() or not.
    const slot = cell === undefined ? undefined : host.events.hold(cell);
    const shown = data.then(
      (bundle) => {
        if (slot !== undefined) host.events.release(cell!, slot, event(bundle, cell!));
        return handle;
      },
      (error: unknown) => {
        if (slot !== undefined) host.events.release(cell!, slot);
        throw error;
      },
    );
    // A promise of the cell's own realm, so that `instanceof Promise` holds in the cell.
    return new (host.contextPromise())<DisplayHandle | undefined>((resolve, reject) => shown.then(resolve, reject));
  };
  const helpers: DisplayHelpers = {
    html: (html: string) => void show(html, { mime: "text/html" }),
    markdown: (markdown: string) => void show(markdown, { mime: "text/markdown" }),
    svg: (svg: string) => void show(svg, { mime: "image/svg+xml" }),
    png: (bytes: Uint8Array) => void show(bytes, { mime: "image/png" }),
    jpeg: (bytes: Uint8Array) => void show(bytes, { mime: "image/jpeg" }),
    json: (value: unknown) => void show(value, { mime: "application/json" }),
  };
  return Object.assign(show, helpers);
}
