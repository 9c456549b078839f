import { afterAll, describe, test } from "vitest";
import { registerDoctests, type DoctestOptions } from "./integration/register.cjs";

export type { DoctestOptions } from "./integration/register.cjs";

/**
 * Checks documentation as vitest tests: `doctest(["docs", "README.md"])` at
 * the top level of a test file registers one test per example, named
 * `FILE:LINE` (`NOTEBOOK:cell N`), in a describe per file; each fails with
 * `greenlet-ts doctest`'s report of it (the example and the diff). The
 * examples run in a `greenlet-ts doctest` process, not in vitest.
 */
export function doctest(patterns: string | readonly string[] = [], options: DoctestOptions = {}): void {
  registerDoctests(
    {
      describe: (name, body) => describe(name, body),
      test: (name, body, timeout) => test(name, (context) => body((reason) => context.skip(reason)), timeout),
      skip: (name) => test.skip(name, () => undefined),
      afterAll: (body) => afterAll(body),
    },
    patterns,
    options,
  );
}
