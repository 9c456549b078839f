import type { CdpClient } from "./cdp-client.js";
import type { DapVariable } from "./dap.js";
import { DapError } from "./dap.js";
import { childName, expandable, toVariable, type PropertyDescriptor, type RemoteObject } from "./remote-values.js";

/** What a variablesReference stands for: a V8 object whose properties are the variables. */
interface Reference {
  objectId: string;
  /** How the client can evaluate the object (undefined for a scope). */
  evaluateName?: string;
}

/**
 * The variablesReferences handed to the client. DAP says they are valid
 * while the debuggee stays stopped; here they also stay valid while idle, for
 * the variable explorer, until the next stop or cell (`clear`), when V8's
 * object ids are released with the object group.
 */
export class Variables {
  static readonly GROUP = "greenlet-ts-debugger";
  #next = 1;
  readonly #references = new Map<number, Reference>();

  constructor(private readonly cdp: CdpClient) {}

  /** A reference for an object's properties. */
  add(objectId: string, evaluateName?: string): number {
    const id = this.#next++;
    this.#references.set(id, { objectId, evaluateName });
    return id;
  }

  /** A DAP variable for a value, expandable when it is an object. */
  variable(name: string, object: RemoteObject, evaluateName: string | undefined): DapVariable {
    const reference = expandable(object) ? this.add(object.objectId!, evaluateName) : 0;
    return toVariable(name, object, reference, evaluateName);
  }

  /** The variables of a reference: the object's own properties (its entries, for a Map or a Set). */
  async variables(reference: number, start = 0, count?: number): Promise<DapVariable[]> {
    const known = this.#references.get(reference);
    if (known === undefined) throw new DapError(`no variables with reference ${reference}`);
    return (await this.properties(known.objectId, known.evaluateName)).slice(start, count === undefined || count <= 0 ? undefined : start + count);
  }

  /** An object's own properties as variables, `__proto__` left out. */
  async properties(objectId: string, evaluateName?: string): Promise<DapVariable[]> {
    const { result, internalProperties = [] } = await this.cdp.post<{ result: PropertyDescriptor[]; internalProperties?: PropertyDescriptor[] }>("Runtime.getProperties", {
      objectId,
      ownProperties: true,
      generatePreview: true,
    });
    const variables: DapVariable[] = [];
    for (const property of result) {
      if (property.name === "__proto__") continue;
      if (property.value === undefined) {
        if (property.get !== undefined) variables.push({ name: property.name, value: "[Getter]", type: "accessor", variablesReference: 0 });
        continue;
      }
      variables.push(this.variable(property.name, property.value, childName(evaluateName, property.name)));
    }
    for (const internal of internalProperties) {
      if (internal.name === "[[Entries]]" && internal.value !== undefined) variables.push(this.variable(internal.name, internal.value, undefined));
    }
    return variables;
  }

  /** Forgets every reference and lets V8 release the objects they held. */
  async clear(): Promise<void> {
    this.#references.clear();
    await this.cdp.post("Runtime.releaseObjectGroup", { objectGroup: Variables.GROUP }).catch(() => undefined);
  }
}
