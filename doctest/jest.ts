import { readFileSync } from "node:fs";
import { findFiles } from "./files.js";
import { parseMarkdown } from "./parser.js";
import { ExampleRunner, type RunOptions } from "./runner.js";

type TestFn = (name: string, fn: () => Promise<void> | void, timeout?: number) => void;
interface JestGlobals {
  describe: (name: string, fn: () => void) => void;
  test: TestFn & { skip: TestFn };
  beforeAll: (fn: () => void) => void;
  afterAll: (fn: () => void) => void;
}

/**
 * Runs Markdown docs as jest tests: call it at the top level of a test file,
 * `doctest(["docs/**\/*.md", "README.md"])`. Each file is a `describe` with
 * its own session; each example is a test named `FILE:LINE`, run in order;
 * a failing setup block is a failing test of its own.
 */
export function doctest(patterns: string | readonly string[], options: RunOptions & { cwd?: string } = {}): void {
  const jest = globalThis as unknown as JestGlobals;
  const { files, unmatched } = findFiles(typeof patterns === "string" ? [patterns] : patterns, options.cwd);
  if (unmatched.length > 0) throw new Error(`doctest: nothing matches ${unmatched.join(", ")}`);
  for (const file of files) {
    const doc = parseMarkdown(readFileSync(file, "utf8"), file);
    jest.describe(file, () => {
      let runner: ExampleRunner | undefined;
      jest.beforeAll(() => {
        runner = new ExampleRunner(doc, options);
      });
      jest.afterAll(() => runner?.close());
      for (const block of doc.blocks) {
        if (block.kind === "setup") {
          if (block.skip || doc.skip) continue;
          jest.test(`${file}:${block.line} (setup)`, async () => {
            const result = await runner!.runSetup(block);
            if (result.status === "failed") throw new Error(result.reason);
          });
          continue;
        }
        for (const example of block.examples) {
          const name = `${file}:${example.line}`;
          if (block.skip || doc.skip) {
            jest.test.skip(name, () => undefined);
            continue;
          }
          jest.test(
            name,
            async () => {
              const result = await runner!.runExample(example, block);
              if (result.status === "failed") throw new Error(`${name}\n> ${example.source}\n${result.reason ?? result.diff ?? ""}`);
            },
            options.timeoutMs,
          );
        }
      }
    });
  }
}
