import type { DapScope, DapStackFrame } from "./dap.js";
import { DapError } from "./dap.js";
import type { DebugSources } from "./debug-sources.js";
import type { RemoteObject } from "./remote-values.js";

/** V8's Debugger.CallFrame, the fields read here. */
export interface CallFrame {
  callFrameId: string;
  functionName: string;
  url: string;
  location: { scriptId: string; lineNumber: number; columnNumber: number };
  scopeChain: Array<{ type: string; name?: string; object: RemoteObject }>;
}

/** A frame the client sees: in a cell or a project file, at a TypeScript position. */
export interface UserFrame {
  id: number;
  frame: CallFrame;
  file: string;
  line: number;
  column: number;
}

/** The scope names the variables panel shows, by V8's scope type; the global scope is replaced by the cells' globals. */
const SCOPE_NAMES: Record<string, string> = {
  local: "Locals",
  closure: "Closure",
  block: "Block",
  catch: "Catch",
  script: "Script",
  module: "Module",
  with: "With",
  eval: "Eval",
};

/**
 * The stack of a stop, as the client sees it: V8's frames that are in the
 * user's TypeScript (cells, project files), mapped to its lines; frames of
 * node, the engine and the REPL transform's own lines are left out.
 */
export class PausedStack {
  private constructor(readonly frames: readonly UserFrame[]) {}

  static async of(callFrames: readonly CallFrame[], sources: DebugSources): Promise<PausedStack> {
    const frames: UserFrame[] = [];
    for (const frame of callFrames) {
      const file = sources.fileOfScript(frame.location.scriptId) ?? sources.fileOf(frame.url);
      if (file === undefined) continue;
      const at = (await sources.positions(file, callFrames[0]?.callFrameId))?.toSource(frame.location.lineNumber + 1, frame.location.columnNumber + 1);
      if (at === undefined) continue;
      frames.push({ id: frames.length + 1, frame, file, line: at.line, column: at.column });
    }
    return new PausedStack(frames);
  }

  /** Is V8's top frame one of the user's (not a line the transform added, not the engine's code)? */
  static topIsUser(callFrames: readonly CallFrame[], stack: PausedStack): boolean {
    return stack.frames[0]?.frame === callFrames[0];
  }

  frame(id: unknown): UserFrame {
    const found = this.frames.find((f) => f.id === id);
    if (found === undefined) throw new DapError(`no frame ${String(id)}`);
    return found;
  }

  stackFrames(sources: DebugSources): DapStackFrame[] {
    return this.frames.map(({ id, frame, file, line, column }) => ({
      id,
      name: frame.functionName || (sources.isCell(file) ? "<cell>" : "<module>"),
      source: sources.source(file),
      line,
      column,
    }));
  }

  /** The frame's scopes but the global one, each with the reference `reference` gives its object. */
  scopes(id: unknown, reference: (objectId: string) => number, sources: DebugSources): DapScope[] {
    const scopes: DapScope[] = [];
    const frame = this.frame(id);
    const source = sources.source(frame.file);
    for (const scope of frame.frame.scopeChain) {
      const name = SCOPE_NAMES[scope.type];
      if (name === undefined || scope.object.objectId === undefined) continue;
      const hint = scope.type === "local" ? ({ presentationHint: "locals" } as const) : {};
      // The local scope is the frame's own (as debugpy names it); a closure is named by its function.
      const named = scope.type !== "local" && scope.name ? `${name} (${scope.name})` : name;
      scopes.push({ name: named, ...hint, variablesReference: reference(scope.object.objectId), expensive: false, source });
    }
    return scopes;
  }
}
