import path from "node:path";
import { doctestFailure, failureMessage } from "./failure.cjs";
import { listExamples, locationOf, type ListedExample } from "./listing.cjs";
import { NO_RUNNER_TIMEOUT, type DoctestOptions } from "./options.cjs";
import { StreamingRun } from "./streaming-run.cjs";

export type { DoctestOptions } from "./options.cjs";

/** What registration needs of a test runner (jest, vitest and node:test each give it). */
export interface TestApi {
  describe(name: string, body: () => void): void;
  /** `skip(reason)` marks the running test skipped where the runner can (jest cannot: the test passes). */
  test(name: string, body: (skip: (reason: string) => void) => Promise<void>, timeoutMs: number): void;
  skip(name: string): void;
  afterAll(body: () => void): void;
}

/**
 * Registers one test per example the patterns name (none: what the
 * project's package.json "greenlet-ts" section includes), `FILE:LINE` (a notebook
 * cell: `NOTEBOOK:cell N`), in a describe per file, in order; examples with
 * SKIP are skipped tests. The examples run in one `greenlet-ts doctest`
 * process started by the first test; each test waits for its own result and
 * fails with the command's report of it. A usage or parse error is one
 * failing test named after the command's message.
 */
export function registerDoctests(api: TestApi, patterns: string | readonly string[], options: DoctestOptions = {}): void {
  const names = typeof patterns === "string" ? [patterns] : [...patterns];
  const timeout = options.testTimeoutMs ?? NO_RUNNER_TIMEOUT;
  const cwd = options.cwd ?? process.cwd();
  const listing = listExamples(names, options);
  if ("error" in listing) {
    const title = listing.error.split("\n")[0]!.slice(0, 300);
    // "greenlet-ts doctest: FILE:LINE: ...": the runner can show the line.
    const where = /^greenlet-ts doctest: (.+?):(\d+): /m.exec(listing.error);
    const at = where === null ? undefined : { file: path.resolve(cwd, where[1]!), line: Number(where[2]) };
    api.test(title, () => Promise.reject(doctestFailure(listing.error, at)), timeout);
    return;
  }
  if (listing.examples.length === 0) {
    const message = `greenlet-ts doctest: no examples in ${names.length > 0 ? names.join(", ") : "what the project includes"}`;
    api.test(message, () => Promise.reject(doctestFailure(message)), timeout);
    return;
  }

  const runSkips = options.options?.SKIP ?? false;
  const skipped = (example: ListedExample): boolean => example.options.SKIP ?? runSkips;
  const byFile = new Map<string, ListedExample[]>();
  for (const example of listing.examples) {
    let examples = byFile.get(example.file);
    if (examples === undefined) byFile.set(example.file, (examples = []));
    examples.push(example);
  }
  // Started by the first test that runs, over the examples that are not skipped.
  let run: StreamingRun | undefined;
  const started = (): StreamingRun => (run ??= new StreamingRun(listing.examples.filter((example) => !skipped(example)), options));

  for (const [file, examples] of byFile) {
    api.describe(file, () => {
      for (const example of examples) {
        const name = locationOf(example);
        if (skipped(example)) {
          api.skip(name);
          continue;
        }
        api.test(
          name,
          async (skip) => {
            const outcome = await started().outcome(example.file, example.cell ?? example.line ?? 0);
            if (outcome.kind === "result" && outcome.result.status === "skipped" && outcome.notes.length === 0) {
              skip(outcome.result.reason ?? "skipped");
              return;
            }
            const message = failureMessage(example, outcome);
            if (message !== undefined) throw doctestFailure(message, { file: path.resolve(cwd, example.file), line: example.line ?? 0 });
          },
          timeout,
        );
      }
    });
  }

  api.afterAll(() => {
    run?.stop();
    if (run !== undefined && run.orphans.length > 0) throw doctestFailure(run.orphans.join("\n\n"));
  });
}
