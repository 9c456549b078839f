#!/usr/bin/env node
import { doctestMain } from "../doctest/cli.js";

const USAGE = `usage: greenlet-ts <command> [arguments]

commands:
  doctest [PATH|GLOB ...]   check the TypeScript sessions in Markdown files (--help for options)
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "doctest":
      return doctestMain(rest);
    case "--help":
    case "-h":
    case undefined:
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`greenlet-ts: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Timers a document left running do not keep the command alive; output is flushed first.
    if (!process.argv.includes("--worker")) process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
  },
  (error: unknown) => {
    process.stderr.write(`greenlet-ts: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(2);
  },
);
