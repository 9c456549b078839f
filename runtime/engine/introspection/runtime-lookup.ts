/**
 * The value a dotted name (`a.b.c`) has in a session's globals, read without
 * calling getters, for completions and inspections the types do not give
 * (values from untyped JavaScript, `any`).
 */
export function lookup(globals: Record<string, unknown>, dotted: string): { found: boolean; value?: unknown } {
  let value: unknown = globals;
  for (const name of dotted.split(".")) {
    if (value === null || (typeof value !== "object" && typeof value !== "function")) return { found: false };
    const descriptor = findDescriptor(value as object, name);
    if (descriptor === undefined || !("value" in descriptor)) return { found: false };
    value = descriptor.value;
  }
  return { found: true, value };
}

function findDescriptor(object: object, name: string): PropertyDescriptor | undefined {
  for (let o: object | null = object; o !== null; o = Object.getPrototypeOf(o)) {
    const descriptor = Object.getOwnPropertyDescriptor(o, name);
    if (descriptor !== undefined) return descriptor;
  }
  return undefined;
}

/** Property names of a value and its prototypes (not Object.prototype's). */
export function propertyNames(value: unknown): string[] {
  const names = new Set<string>();
  let o: unknown = value;
  if (o === null || o === undefined) return [];
  if (typeof o !== "object" && typeof o !== "function") o = Object(o);
  for (let p = o as object | null; p !== null && p !== Object.prototype && p !== Function.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) if (name !== "constructor" && /^[A-Za-z_$][\w$]*$/.test(name)) names.add(name);
  }
  return [...names].sort();
}
