import type { CdpClient } from "./cdp-client.js";
import { DapError, type DapScope, type DapVariable } from "./dap.js";
import { formatValue, typeName, expandable, type RemoteObject } from "./remote-values.js";
import { Variables } from "./variables.js";

/** The engine's hidden helper in the session's context (runtime/engine/debug-helper.ts). */
const HELPER = "__greenlet_debug__";

/** A JavaScript name a client may pass where a variable is meant (as ipykernel checks `isidentifier`). */
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

interface EvaluateResult {
  result: RemoteObject;
  exceptionDetails?: { text: string; exception?: RemoteObject };
}

/**
 * Reading the session's values through V8's inspector: in a stopped frame
 * (Debugger.evaluateOnCallFrame) or, while the kernel is idle, in the
 * session's context (Runtime.evaluate; the engine's context is known by its
 * name, "greenlet-ts session N"). The engine's helper gives what V8 does not
 * know: which globals are the user's, the greenlets, a value's display bundle.
 */
export class Inspection {
  #contextId: number | undefined;

  constructor(
    private readonly cdp: CdpClient,
    private readonly variables: Variables,
  ) {}

  watchContexts(): void {
    this.cdp.on("Runtime.executionContextCreated", (params) => {
      const context = params.context as { id: number; name: string };
      if (context.name.startsWith("greenlet-ts session")) this.#contextId = context.id;
    });
    this.cdp.on("Runtime.executionContextsCleared", () => (this.#contextId = undefined));
  }

  /** Evaluates `expression` in a stopped frame, or in the session when there is none; errors become a failed response. */
  async evaluate(expression: string, callFrameId: string | undefined, context: string): Promise<Record<string, unknown>> {
    const object = await this.#evaluate(expression, callFrameId, { silent: context === "hover", generatePreview: true });
    return { result: formatValue(object), type: typeName(object), presentationHint: {}, variablesReference: expandable(object) ? this.variables.add(object.objectId!, expression) : 0 };
  }

  /** The cells' globals, for the variable explorer (while no cell is stopped). */
  async userGlobals(): Promise<DapVariable[]> {
    const globals = await this.#evaluate(`${HELPER}.userGlobals()`, undefined, { silent: true });
    return globals.objectId === undefined ? [] : this.variables.properties(globals.objectId);
  }

  /** The scopes a stop shows besides V8's: the cells' globals and the greenlet runtime's state. */
  async runtimeScopes(callFrameId: string): Promise<DapScope[]> {
    const scopes: DapScope[] = [];
    for (const [name, call] of [["Globals", "userGlobals()"], ["Greenlets", "runtimeState()"]] as const) {
      const object = await this.#evaluate(`${HELPER}.${call}`, callFrameId, { silent: true }).catch(() => undefined);
      if (object?.objectId !== undefined) scopes.push({ name, variablesReference: this.variables.add(object.objectId), expensive: false });
    }
    return scopes;
  }

  /** richInspectVariables: the value's display bundle, as a cell's result would show it. */
  async rich(name: string, callFrameId: string | undefined): Promise<Record<string, unknown>> {
    if (!IDENTIFIER.test(name)) return { data: {}, metadata: {} };
    const object = await this.#evaluate(`${HELPER}.bundle(${name})`, callFrameId, { returnByValue: true, silent: true });
    const bundle = object.value as { data?: unknown; metadata?: unknown } | undefined;
    return { data: bundle?.data ?? {}, metadata: bundle?.metadata ?? {} };
  }

  /** copyToGlobals: a variable of a stopped frame becomes a global of the session. */
  async copyToGlobal(source: string, target: string, callFrameId: string | undefined): Promise<void> {
    if (!IDENTIFIER.test(source) || !IDENTIFIER.test(target)) throw new DapError("copyToGlobals: variable names must be identifiers");
    await this.#evaluate(`void (globalThis[${JSON.stringify(target)}] = ${source})`, callFrameId, { silent: true });
  }

  /** The TypeScript of the cell whose script is named `file`, if the session still has it. */
  async cellCode(file: string, callFrameId?: string): Promise<string | undefined> {
    const object = await this.#evaluate(`${HELPER}.cellSource(${JSON.stringify(file)})`, callFrameId, { returnByValue: true, silent: true });
    return typeof object.value === "string" ? object.value : undefined;
  }

  /** The project's source files the session loaded (the kernel sources panel). */
  async modules(start: number, count: number): Promise<Record<string, unknown>> {
    const object = await this.#evaluate(`${HELPER}.modules()`, undefined, { returnByValue: true, silent: true });
    const modules = (object.value as Array<{ id: string; name: string; path: string }> | undefined) ?? [];
    return { modules: modules.slice(start, count > 0 ? start + count : undefined), totalModules: modules.length };
  }

  async #evaluate(expression: string, callFrameId: string | undefined, options: Record<string, unknown>): Promise<RemoteObject> {
    const common = { expression, objectGroup: Variables.GROUP, ...options };
    let evaluated: EvaluateResult;
    if (callFrameId !== undefined) {
      evaluated = await this.cdp.post<EvaluateResult>("Debugger.evaluateOnCallFrame", { callFrameId, ...common });
    } else {
      if (this.#contextId === undefined) throw new DapError("the kernel's session is not running yet");
      evaluated = await this.cdp.post<EvaluateResult>("Runtime.evaluate", { contextId: this.#contextId, replMode: true, ...common });
    }
    if (evaluated.exceptionDetails !== undefined) {
      const thrown = evaluated.exceptionDetails.exception;
      throw new DapError(thrown?.description?.split("\n")[0] ?? evaluated.exceptionDetails.text);
    }
    return evaluated.result;
  }
}
