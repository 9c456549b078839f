/**
 * Names of a module bound in a session's global scope as live bindings: a
 * cell's `import { calls } from "./counter.ts"` reads the module's `calls`
 * as it is now, as an ES module's import would, not as it was when the cell
 * ran. Each name is an accessor on the context's global object; assigning
 * to it (a later cell's `let calls = 0`, which the REPL transform makes an
 * assignment) replaces it with a plain variable.
 */
export function bindLive(global: Record<string, unknown>, namespace: Record<string, unknown>, names: Record<string, string>): undefined {
  for (const [local, imported] of Object.entries(names)) {
    const existing = Object.getOwnPropertyDescriptor(global, local);
    if (existing !== undefined && !existing.configurable) {
      // A `var` of an earlier cell cannot become an accessor: it gets the value.
      global[local] = namespace[imported];
      continue;
    }
    Object.defineProperty(global, local, {
      configurable: true,
      enumerable: true,
      get: () => namespace[imported],
      set: (value: unknown) => Object.defineProperty(global, local, { value, writable: true, configurable: true, enumerable: true }),
    });
  }
  return undefined;
}
