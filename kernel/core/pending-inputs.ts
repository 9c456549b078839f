/**
 * The input() calls waiting for their input_reply, and which reply answers
 * which: the rules of Jupyter's stdin channel, apart from its socket
 * (transport/stdin.ts).
 */
export class PendingInputs {
  /** By the msg_id of their input_request: the execute request that asked, and how to answer. */
  readonly #waiting = new Map<string, { request: string; resolve: (value: string) => void }>();

  /** An input_request `inputRequestId` sent for the execute request `requestId`; resolves with its answer. */
  wait(requestId: string, inputRequestId: string): Promise<string> {
    return new Promise<string>((resolve) => this.#waiting.set(inputRequestId, { request: requestId, resolve }));
  }

  /** The cell of `requestId` has finished: an interrupted input() must not take the reply meant for the next one. */
  end(requestId: string): void {
    for (const [id, waiting] of this.#waiting) if (waiting.request === requestId) this.#waiting.delete(id);
  }

  /**
   * An input_reply: matched by parent when the client sets it; jupyter_client's
   * input() does not, so otherwise it answers the oldest input still waiting,
   * as ipykernel assumes. False when no input() waits.
   */
  answer(parentId: string | undefined, value: string): boolean {
    let key = parentId ?? "";
    if (!this.#waiting.has(key)) key = this.#waiting.keys().next().value ?? "";
    const waiting = this.#waiting.get(key);
    if (waiting === undefined) return false;
    this.#waiting.delete(key);
    waiting.resolve(value);
    return true;
  }
}
