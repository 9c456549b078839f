import { after, describe, test } from "node:test";
import { registerDoctests, type DoctestOptions } from "./integration/register.cjs";

export type { DoctestOptions } from "./integration/register.cjs";

/**
 * Checks documentation with node's test runner (`node --test`):
 * `doctest(["docs", "README.md"])` at the top level of a test file registers
 * one test per example, named `FILE:LINE` (`NOTEBOOK:cell N`), in a describe
 * per file; each fails with `greenlet-ts doctest`'s report of it (the example
 * and the diff). The examples run in a `greenlet-ts doctest` process.
 */
export function doctest(patterns: string | readonly string[] = [], options: DoctestOptions = {}): void {
  registerDoctests(
    {
      describe: (name, body) => void describe(name, body),
      test: (name, body, timeout) => void test(name, { timeout }, (t) => body((reason) => t.skip(reason))),
      skip: (name) => void test(name, { skip: true }, () => undefined),
      afterAll: (body) => after(body),
    },
    patterns,
    options,
  );
}
