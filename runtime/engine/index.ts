export { Session, type SessionOptions, type ExecuteOptions } from "./session.js";
export type { EngineEvent, EngineListener, CellOutcome, CellError, CellId, MimeBundle } from "./events.js";
export { DISPLAY_SYMBOL, type DisplayOptions, type DisplayHandle, type DisplayHelpers } from "./display.js";
export { ECHO_OPTIONS, echo } from "./echo.js";
export { Interrupted } from "./cell-error.js";
export type { Completions } from "./introspection/completion.js";
export type { Inspection } from "./introspection/inspection.js";
export type { Completeness } from "./introspection/is-complete.js";
export { cellPositions, modulePositions, type PositionMap, type Position } from "./debug-positions.js";
