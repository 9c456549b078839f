import { Breakpoints, type SourceBreakpoint } from "./breakpoints.js";
import { CdpClient } from "./cdp-client.js";
import { DapError, type DapEvent, type DapRequest, type DapResponse } from "./dap.js";
import { HASH_SEED, TMP_FILE_SUFFIX } from "./debug-paths.js";
import { DebugSources } from "./debug-sources.js";
import { publishCall, whenIdleCall, type HookMessage } from "./main-thread-hooks.js";
import { Inspection } from "./inspection.js";
import { PausedStack, type CallFrame } from "./paused-stack.js";
import { Variables } from "./variables.js";

type Body = Record<string, unknown>;
type Arguments = Record<string, unknown>;
type Command = (args: Arguments) => Body | Promise<Body>;

/** The one thread a client sees: the kernel's main thread, where cells run. */
const THREAD = 1;

/** Why V8 paused, in DAP's words; what the client asked for last decides between step and pause. */
type StopReason = "breakpoint" | "step" | "pause" | "exception";

/** How many times in a row a stop on a line the user did not write (the REPL transform's) is stepped over. */
const MAX_HIDDEN_STEPS = 50;

/**
 * A debug adapter for Jupyter's debugger protocol, in the control thread:
 * DAP requests from the client become commands to V8's inspector of the main
 * thread (cdp-client.ts), V8's events become DAP events. It serves what
 * JupyterLab's debugger sends (initialize, attach, debugInfo, dumpCell,
 * breakpoints, stepping, stack, scopes, variables, evaluate, the variable
 * explorer and the kernel sources), with ipykernel's replies as the model.
 */
export class DebugAdapter {
  readonly #cdp = new CdpClient();
  readonly #sources = new DebugSources();
  readonly #breakpoints = new Breakpoints(this.#cdp, this.#sources);
  readonly #variables = new Variables(this.#cdp);
  readonly #inspection = new Inspection(this.#cdp, this.#variables);
  #seq = 1;
  #eventSeq = 1;
  #started = false;
  /** The stop the client sees, if the main thread is paused at one. */
  #stack: PausedStack | undefined;
  #asked: StopReason | undefined;
  #hiddenSteps = 0;
  readonly #commands: Record<string, Command>;

  constructor(private readonly log: (text: string) => void) {
    this.#commands = this.#commandTable();
    this.#sources.cellCode = (file, callFrameId) => this.#inspection.cellCode(file, callFrameId).catch(() => undefined);
    this.#cdp.on("Debugger.paused", (params) => void this.#paused(params).catch((error: unknown) => this.log(`debugger: a stop could not be reported: ${String(error)}`)));
    this.#cdp.on("Debugger.resumed", () => this.#resumed());
    this.#cdp.on("Debugger.scriptParsed", (params) => this.#sources.parsed(String(params.scriptId), String(params.url)));
    this.#inspection.watchContexts();
  }

  /** Answers a DAP request; an unknown command or a failure is a response with `success: false` and a message. */
  async handle(request: DapRequest): Promise<DapResponse> {
    const response = { type: "response" as const, seq: this.#seq++, request_seq: request.seq, command: request.command };
    const command = Object.hasOwn(this.#commands, request.command) ? this.#commands[request.command] : undefined;
    if (command === undefined) return { ...response, success: false, message: `unknown debug command ${JSON.stringify(request.command)}`, body: {} };
    try {
      return { ...response, success: true, body: await command(request.arguments ?? {}) };
    } catch (error) {
      const message = error instanceof DapError ? error.message : `${request.command} failed: ${(error as Error)?.message ?? String(error)}`;
      return { ...response, success: false, message, body: {} };
    }
  }

  get stopped(): boolean {
    return this.#stack !== undefined;
  }

  /**
   * An interrupt while stopped: the main thread must run again for SIGINT to
   * break into the cell. Pauses are skipped (the cell would stop again at
   * the same breakpoint first), the stop ends (the client is told
   * `continued`), SIGINT is sent once the main thread runs JavaScript again
   * (an inspector evaluation comes back), and pauses are back once the shell
   * has nothing left to run: the interrupted cell has ended.
   */
  async interruptStopped(sendSigint: () => void): Promise<void> {
    await this.#cdp.post("Debugger.setSkipAllPauses", { skip: true });
    await this.#cdp.post("Debugger.resume").catch(() => undefined);
    await this.#cdp.post("Runtime.evaluate", { expression: "0", silent: true });
    sendSigint();
    void this.#cdp
      .post("Runtime.evaluate", { expression: whenIdleCall(), awaitPromise: true, silent: true })
      .finally(() => (this.#started ? this.#cdp.post("Debugger.setSkipAllPauses", { skip: false }) : undefined))
      .catch((error: unknown) => this.log(`debugger: pauses not restored after an interrupt: ${String(error)}`));
  }

  /** The client is gone or the kernel ends: breakpoints removed, a stopped cell resumed, the inspector released. */
  async close(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    await this.#breakpoints.clear();
    await this.#variables.clear();
    // Disabling the debugger resumes a paused main thread.
    await this.#cdp.post("Debugger.disable").catch(() => undefined);
    await this.#cdp.post("Runtime.disable").catch(() => undefined);
    this.#stack = undefined;
    await this.#emit({ type: "event", event: "terminated", body: {} });
  }

  /**
   * Publishes on IOPub through the main thread, paused or not (main-thread-hooks.ts):
   * V8 evaluates the hook's call in the main thread's own context (the
   * default one), and the inspector keeps the order the calls are sent in.
   */
  async publish(message: HookMessage): Promise<void> {
    const evaluated = await this.#cdp.post<{ exceptionDetails?: { text: string } }>("Runtime.evaluate", { expression: publishCall(message), silent: true });
    if (evaluated.exceptionDetails !== undefined) throw new Error(evaluated.exceptionDetails.text);
  }

  /** A DAP event to the client, as a debug_event. */
  #emit(event: Omit<DapEvent, "seq">): Promise<void> {
    return this.publish({ msgType: "debug_event", content: { ...event, seq: this.#eventSeq++ }, parent: {} }).catch((error: unknown) =>
      this.log(`debugger: ${event.event} event not published: ${String(error)}`),
    );
  }

  #commandTable(): Record<string, Command> {
    return {
      initialize: () => this.#initialize(),
      attach: () => this.#attach(),
      configurationDone: () => ({}),
      debugInfo: () => this.#debugInfo(),
      dumpCell: (args) => ({ sourcePath: this.#sources.dump(stringArgument(args, "code")) }),
      setBreakpoints: (args) => this.#setBreakpoints(args),
      setExceptionBreakpoints: (args) => this.#setExceptionBreakpoints(args),
      source: (args) => ({ content: this.#sources.content(pathArgument(args)) }),
      threads: () => ({ threads: [{ id: THREAD, name: "main" }] }),
      stackTrace: (args) => this.#stackTrace(args),
      scopes: (args) => this.#scopes(args),
      variables: async (args) => ({ variables: await this.#variables.variables(Number(args.variablesReference), Number(args.start ?? 0), Number(args.count ?? 0)) }),
      evaluate: (args) => this.#inspection.evaluate(stringArgument(args, "expression"), this.#frame(args.frameId), String(args.context ?? "repl")),
      continue: () => this.#resume("Debugger.resume", undefined, { allThreadsContinued: true }),
      next: () => this.#resume("Debugger.stepOver", "step"),
      stepIn: () => this.#resume("Debugger.stepInto", "step"),
      stepOut: () => this.#resume("Debugger.stepOut", "step"),
      pause: () => this.#pause(),
      inspectVariables: async () => ({ variables: await this.#inspection.userGlobals() }),
      richInspectVariables: (args) => this.#inspection.rich(stringArgument(args, "variableName"), this.#frame(args.frameId)),
      copyToGlobals: (args) => this.#copyToGlobals(args),
      modules: (args) => this.#inspection.modules(Number(args.startModule ?? 0), Number(args.moduleCount ?? 0)),
      disconnect: async () => {
        await this.close();
        return {};
      },
    };
  }

  #initialize(): Body {
    return {
      supportsConfigurationDoneRequest: true,
      supportsConditionalBreakpoints: true,
      supportsEvaluateForHovers: true,
      supportsModulesRequest: true,
      supportsSetVariable: false,
      supportsStepBack: false,
      supportsDelayedStackTraceLoading: false,
      // Said outright, as debugpy does, rather than left for the client to assume.
      supportsCompletionsRequest: false,
      supportsDebuggerProperties: false,
      supportsExceptionInfoRequest: false,
      supportsExceptionOptions: false,
      supportsFunctionBreakpoints: false,
      supportsHitConditionalBreakpoints: false,
      supportsLogPoints: false,
      supportsSetExpression: false,
      supportsValueFormattingOptions: false,
      supportsTerminateRequest: false,
      supportsGotoTargetsRequest: false,
      supportsClipboardContext: false,
      supportsStepInTargetsRequest: false,
      exceptionBreakpointFilters: [
        { filter: "raised", label: "Raised Exceptions", default: false, description: "Stop where any error is thrown, caught or not." },
        { filter: "uncaught", label: "Uncaught Exceptions", default: false, description: "Stop where an error is thrown that no code of the cell catches." },
      ],
    };
  }

  async #attach(): Promise<Body> {
    if (this.#started) return {};
    await this.#cdp.post("Runtime.enable");
    await this.#cdp.post("Debugger.enable");
    await this.#cdp.post("Debugger.setBlackboxPatterns", { patterns: this.#sources.blackboxPatterns() });
    this.#started = true;
    // DAP: the adapter is ready for breakpoints once attached.
    void this.#emit({ type: "event", event: "initialized" });
    return {};
  }

  #debugInfo(): Body {
    return {
      isStarted: this.#started,
      hashMethod: "Murmur2",
      hashSeed: HASH_SEED,
      tmpFilePrefix: this.#sources.prefix,
      tmpFileSuffix: TMP_FILE_SUFFIX,
      breakpoints: this.#breakpoints.list(),
      stoppedThreads: this.#stack === undefined ? [] : [THREAD],
      richRendering: true,
      exceptionPaths: [],
    };
  }

  async #setBreakpoints(args: Arguments): Promise<Body> {
    this.#requireStarted();
    const requested = args.breakpoints ?? (Array.isArray(args.lines) ? args.lines.map((line) => ({ line })) : []);
    if (!Array.isArray(requested) || !requested.every((b) => Number.isSafeInteger((b as SourceBreakpoint)?.line))) {
      throw new DapError("setBreakpoints: arguments.breakpoints must be a list of { line }");
    }
    return { breakpoints: await this.#breakpoints.set(pathArgument(args), requested as SourceBreakpoint[]) };
  }

  async #setExceptionBreakpoints(args: Arguments): Promise<Body> {
    this.#requireStarted();
    const filters = Array.isArray(args.filters) ? args.filters.map(String) : [];
    const state = filters.includes("raised") ? "all" : filters.includes("uncaught") ? "uncaught" : "none";
    await this.#cdp.post("Debugger.setPauseOnExceptions", { state });
    return { breakpoints: filters.map(() => ({ verified: true })) };
  }

  #stackTrace(args: Arguments): Body {
    const frames = this.#requireStopped().stackFrames(this.#sources);
    const start = Number(args.startFrame ?? 0);
    const levels = Number(args.levels ?? 0);
    return { stackFrames: frames.slice(start, levels > 0 ? start + levels : undefined), totalFrames: frames.length };
  }

  async #scopes(args: Arguments): Promise<Body> {
    const stack = this.#requireStopped();
    const frame = stack.frame(args.frameId);
    const scopes = stack.scopes(args.frameId, (objectId) => this.#variables.add(objectId), this.#sources);
    const source = this.#sources.source(frame.file);
    return { scopes: [...scopes, ...(await this.#inspection.runtimeScopes(frame.frame.callFrameId)).map((scope) => ({ ...scope, source }))] };
  }

  async #resume(method: string, reason: StopReason | undefined, body: Body = {}): Promise<Body> {
    this.#requireStopped();
    this.#asked = reason;
    this.#hiddenSteps = 0;
    await this.#cdp.post(method);
    return body;
  }

  async #pause(): Promise<Body> {
    this.#requireStarted();
    if (this.#stack === undefined) {
      this.#asked = "pause";
      await this.#cdp.post("Debugger.pause");
    }
    return {};
  }

  async #copyToGlobals(args: Arguments): Promise<Body> {
    const source = stringArgument(args, "srcVariableName");
    const target = stringArgument(args, "dstVariableName");
    await this.#inspection.copyToGlobal(source, target, this.#frame(args.srcFrameId));
    return {};
  }

  /** V8's id of the call frame a request names, when stopped and it names one. */
  #frame(frameId: unknown): string | undefined {
    if (this.#stack === undefined || frameId === undefined || frameId === null) return undefined;
    return this.#stack.frame(frameId).frame.callFrameId;
  }

  async #paused(params: Record<string, unknown>): Promise<void> {
    const callFrames = params.callFrames as CallFrame[];
    const stack = await PausedStack.of(callFrames, this.#sources);
    // A stop on a line the REPL transform added (after a step off the cell's last line) is stepped over.
    if (!PausedStack.topIsUser(callFrames, stack) && (this.#asked === "step" || this.#asked === "pause") && this.#hiddenSteps++ < MAX_HIDDEN_STEPS) {
      await this.#cdp.post(stack.frames.length > 0 ? "Debugger.stepOver" : "Debugger.stepOut");
      return;
    }
    this.#stack = stack;
    const v8Reason = params.reason as string;
    const reason: StopReason = v8Reason === "exception" || v8Reason === "promiseRejection" ? "exception" : (this.#asked ?? "breakpoint");
    this.#asked = undefined;
    const description = reason === "exception" ? ((params.data as { description?: string } | undefined)?.description ?? "") : undefined;
    void this.#emit({ type: "event", event: "stopped", body: { reason, threadId: THREAD, allThreadsStopped: true, ...(description ? { text: description.split("\n")[0] } : {}) } });
  }

  #resumed(): void {
    if (this.#stack === undefined) return;
    this.#stack = undefined;
    void this.#variables.clear();
    void this.#emit({ type: "event", event: "continued", body: { threadId: THREAD, allThreadsContinued: true } });
  }

  #requireStarted(): void {
    if (!this.#started) throw new DapError("the debugger is not attached: send attach first");
  }

  #requireStopped(): PausedStack {
    if (this.#stack === undefined) throw new DapError("the kernel is not stopped");
    return this.#stack;
  }
}

function stringArgument(args: Arguments, name: string): string {
  const value = args[name];
  if (typeof value !== "string") throw new DapError(`arguments.${name} must be a string`);
  return value;
}

function pathArgument(args: Arguments): string {
  const source = args.source as { path?: unknown } | undefined;
  if (typeof source?.path !== "string") throw new DapError("arguments.source.path must be a string");
  return source.path;
}
