import type { DapVariable } from "./dap.js";

/** V8's Runtime.RemoteObject, the fields read here. */
export interface RemoteObject {
  type: string;
  subtype?: string;
  className?: string;
  value?: unknown;
  unserializableValue?: string;
  description?: string;
  objectId?: string;
  preview?: ObjectPreview;
}

interface ObjectPreview {
  type: string;
  subtype?: string;
  description?: string;
  overflow: boolean;
  properties: Array<{ name: string; type: string; value?: string; subtype?: string }>;
}

/** V8's Runtime.PropertyDescriptor, the fields read here. */
export interface PropertyDescriptor {
  name: string;
  value?: RemoteObject;
  get?: RemoteObject;
  enumerable?: boolean;
  isOwn?: boolean;
}

/** A value as one line, the way the Node REPL would show it at depth 0. */
export function formatValue(object: RemoteObject): string {
  switch (object.type) {
    case "undefined":
      return "undefined";
    case "string":
      return `'${String(object.value)}'`;
    case "function":
      return `[Function: ${functionName(object)}]`;
    case "object":
      if (object.subtype === "null") return "null";
      return object.preview !== undefined ? formatPreview(object.preview) : (object.description ?? object.className ?? "Object");
    default:
      return object.unserializableValue ?? object.description ?? String(object.value);
  }
}

function functionName(object: RemoteObject): string {
  const match = /^(?:async\s+)?(?:function\s*\*?\s*|class\s+)?([\w$]+)/.exec(object.description ?? "");
  return match?.[1] && match[1] !== "function" ? match[1] : "(anonymous)";
}

function formatPreview(preview: ObjectPreview): string {
  const more = preview.overflow ? ", …" : "";
  const shown = (p: ObjectPreview["properties"][number]): string => (p.type === "string" ? `'${p.value}'` : (p.value ?? p.type));
  if (preview.subtype === "array" || preview.subtype === "typedarray") {
    return `[${preview.properties.map(shown).join(", ")}${more}]`;
  }
  const body = preview.properties.map((p) => `${p.name}: ${shown(p)}`).join(", ");
  const name = preview.description === "Object" ? "" : `${preview.description} `;
  return body === "" && !preview.overflow ? `${name}{}` : `${name}{ ${body}${more} }`;
}

/** The type name the variables panel shows. */
export function typeName(object: RemoteObject): string {
  if (object.type === "object") return object.subtype === "null" ? "null" : (object.className ?? "Object");
  return object.type;
}

/** Can the client expand this value into its properties? */
export function expandable(object: RemoteObject): boolean {
  return object.type === "object" && object.subtype !== "null" && object.objectId !== undefined;
}

/** How to name a property of a value that `parent` names, in an expression the client can evaluate. */
export function childName(parent: string | undefined, name: string): string | undefined {
  if (parent === undefined) return /^[A-Za-z_$][\w$]*$/.test(name) ? name : undefined;
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `${parent}.${name}` : `${parent}[${JSON.stringify(name)}]`;
}

/** A DAP variable for a property, given the reference its value can be expanded with (0: not expandable). */
export function toVariable(name: string, object: RemoteObject, reference: number, evaluateName: string | undefined): DapVariable {
  const variable: DapVariable = { name, value: formatValue(object), type: typeName(object), variablesReference: reference };
  if (evaluateName !== undefined) variable.evaluateName = evaluateName;
  return variable;
}
