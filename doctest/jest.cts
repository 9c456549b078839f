import { registerDoctests, type DoctestOptions } from "./integration/register.cjs";

export type { DoctestOptions } from "./integration/register.cjs";

type JestTest = ((name: string, fn: () => Promise<void> | void, timeout?: number) => void) & { skip(name: string, fn: () => void): void };
interface JestGlobals {
  describe(name: string, fn: () => void): void;
  test: JestTest;
  afterAll(fn: () => void): void;
}

/**
 * Checks documentation as jest tests: `doctest(["docs", "README.md"])` at
 * the top level of a test file registers one test per example, named
 * `FILE:LINE` (`NOTEBOOK:cell N`), in a describe per file; each fails with
 * `greenlet-ts doctest`'s report of it (the example and the diff). CommonJS,
 * so jest's default mode and ts-jest `require` it; jest's ESM mode imports it.
 * The examples run in a `greenlet-ts doctest` process, not in jest.
 */
export function doctest(patterns: string | readonly string[] = [], options: DoctestOptions = {}): void {
  const jest = jestGlobals();
  registerDoctests(
    {
      describe: (name, body) => jest.describe(name, body),
      // jest cannot skip a running test: an example skipped at run time passes.
      test: (name, body, timeout) => jest.test(name, () => body(() => undefined), timeout),
      skip: (name) => jest.test.skip(name, () => undefined),
      afterAll: (body) => jest.afterAll(body),
    },
    patterns,
    options,
  );
}

/** jest's globals, or with `injectGlobals: false` the same from @jest/globals. */
function jestGlobals(): JestGlobals {
  const globals = globalThis as Partial<JestGlobals>;
  if (typeof globals.describe === "function" && typeof globals.test === "function" && typeof globals.afterAll === "function") return globals as JestGlobals;
  try {
    return require("@jest/globals") as JestGlobals;
  } catch {
    throw new Error("greenlet-ts/jest: doctest() registers jest tests: call it at the top level of a jest test file");
  }
}
