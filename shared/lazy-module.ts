import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/**
 * A package loaded with `require()` the first time it is used, so that a
 * process that never needs it does not pay for loading it (a doctest run
 * whose examples pass never loads `diff`, a kernel without decorators never
 * loads swc). `provide()` hands it over when it was loaded another way: an
 * ES module loaded with `import()` where `require` cannot load one (jest's
 * module system on node 20).
 */
export class LazyModule<T> {
  #value: T | undefined;

  constructor(readonly specifier: string) {}

  get(): T {
    return (this.#value ??= require(this.specifier) as T);
  }

  provide(value: T): void {
    this.#value ??= value;
  }
}
