/*
 * Where ES modules and CommonJS meet in the project's loader: what a
 * compiled module's static import reads its names from, what its `export *`
 * copies, and an ES-module package as a project module's `require` hands it
 * out. `__esModule` on an exports object marks an ES module's (the loader
 * sets it before an ES module runs).
 */

/** An ES module's namespace as `require()` gives it to a project module: `__esModule`, so that `default` is the default export. */
export function esModuleInterop(namespace: unknown): unknown {
  if (namespace === null || typeof namespace !== "object") return namespace;
  const object = Object.create(null) as Record<string, unknown>;
  for (const name of Object.keys(namespace)) Object.defineProperty(object, name, { enumerable: true, get: () => (namespace as Record<string, unknown>)[name] });
  Object.defineProperty(object, "__esModule", { value: true });
  return object;
}

/**
 * What a static import reads its names from: an ES module's exports as they
 * are; anything else (a CommonJS module's `module.exports`, a built-in,
 * JSON) is the default export, and its properties are the named ones, read
 * when used, as node imports CommonJS.
 */
export function namespaceOf(value: unknown): unknown {
  const object = value !== null && (typeof value === "object" || typeof value === "function");
  if (object && (value as { __esModule?: unknown }).__esModule === true) return value;
  const namespace = Object.create(null) as Record<string, unknown>;
  if (object) {
    for (const name of Object.keys(value)) {
      if (name !== "default") Object.defineProperty(namespace, name, { enumerable: true, get: () => (value as Record<string, unknown>)[name] });
    }
  }
  Object.defineProperty(namespace, "default", { enumerable: true, value });
  return namespace;
}

/** `export * from`: the other module's names but `default` and those this one exports itself, as getters. */
export function exportAll(exports: object, from: object): void {
  for (const name of Object.keys(from)) {
    if (name === "default" || Object.prototype.hasOwnProperty.call(exports, name)) continue;
    Object.defineProperty(exports, name, { enumerable: true, configurable: true, get: () => (from as Record<string, unknown>)[name] });
  }
}
