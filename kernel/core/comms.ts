import { randomUUID } from "node:crypto";

/** A comm as a cell sees it: a channel to an object in the frontend (a widget). */
export interface Comm {
  readonly commId: string;
  readonly targetName: string;
  /** Called with each comm_msg from the frontend. */
  onMsg: ((msg: { data: unknown; buffers: Buffer[] }) => void) | undefined;
  /** Called when the frontend closes the comm. */
  onClose: ((msg: { data: unknown }) => void) | undefined;
  send(data?: unknown): void;
  close(data?: unknown): void;
}

/** How comms reach the frontend: comm_open, comm_msg and comm_close on IOPub. */
export interface CommChannel {
  open(commId: string, targetName: string, data: unknown): void;
  message(commId: string, data: unknown): void;
  close(commId: string, data: unknown): void;
}

type TargetHandler = (comm: Comm, openMsg: { data: unknown }) => void;

/**
 * The comm registry: targets that cells register (`registerCommTarget`) for
 * comms the frontend opens, and comms that cells open (`openComm`), with
 * their messages in both directions — enough for a widget's round trip.
 */
export class CommRegistry {
  readonly #targets = new Map<string, TargetHandler>();
  readonly #comms = new Map<string, CommImpl>();

  constructor(
    private readonly channel: CommChannel,
    private readonly log: (text: string) => void,
  ) {}

  registerTarget(name: string, handler: TargetHandler): void {
    if (typeof handler !== "function") throw new TypeError("registerCommTarget(name, handler) needs a handler function");
    this.#targets.set(String(name), handler);
  }

  /** A comm opened by a cell: comm_open goes to the frontend. */
  open(targetName: string, data: unknown = {}): Comm {
    const comm = new CommImpl(randomUUID(), String(targetName), this);
    this.#comms.set(comm.commId, comm);
    this.channel.open(comm.commId, comm.targetName, data);
    return comm;
  }

  /** comm_open from the frontend: the target's handler gets the new comm; an unknown target closes it. */
  opened(commId: string, targetName: string, data: unknown): void {
    const handler = this.#targets.get(targetName);
    if (handler === undefined) {
      this.log(`comm_open for the unknown target "${targetName}": closed`);
      this.channel.close(commId, {});
      return;
    }
    const comm = new CommImpl(commId, targetName, this);
    this.#comms.set(commId, comm);
    handler(comm, { data });
  }

  received(commId: string, data: unknown, buffers: Buffer[]): void {
    const comm = this.#comms.get(commId);
    if (comm === undefined) return this.log(`comm_msg for the unknown comm ${commId}`);
    comm.onMsg?.({ data, buffers });
  }

  closedByFrontend(commId: string, data: unknown): void {
    const comm = this.#comms.get(commId);
    if (comm === undefined) return;
    this.#comms.delete(commId);
    comm.closed = true;
    comm.onClose?.({ data });
  }

  /** comm_info: the open comms, of one target or all. */
  info(targetName?: string): Record<string, { target_name: string }> {
    const out: Record<string, { target_name: string }> = {};
    for (const [id, comm] of this.#comms) if (targetName === undefined || comm.targetName === targetName) out[id] = { target_name: comm.targetName };
    return out;
  }

  send(comm: CommImpl, data: unknown): void {
    if (comm.closed) throw new Error(`the comm ${comm.commId} is closed`);
    this.channel.message(comm.commId, data);
  }

  close(comm: CommImpl, data: unknown): void {
    if (comm.closed) return;
    comm.closed = true;
    this.#comms.delete(comm.commId);
    this.channel.close(comm.commId, data);
  }
}

class CommImpl implements Comm {
  onMsg: Comm["onMsg"];
  onClose: Comm["onClose"];
  closed = false;

  constructor(
    readonly commId: string,
    readonly targetName: string,
    private readonly registry: CommRegistry,
  ) {}

  send(data: unknown = {}): void {
    this.registry.send(this, data);
  }

  close(data: unknown = {}): void {
    this.registry.close(this, data);
  }
}
