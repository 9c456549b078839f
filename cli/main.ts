#!/usr/bin/env node
// Each command loads only its own modules: the kernel starts without the doctest runner (~160 ms).

const USAGE = `usage: greenlet-ts <command> [arguments]

commands:
  doctest [PATH|GLOB ...]   check the TypeScript sessions in Markdown files and notebooks (--help for options)
  kernel -f CONNECTION_FILE run the Jupyter kernel (started by Jupyter through the kernelspec)
  install [--user|--sys-prefix|--prefix DIR] [--name N] [--display-name D]
                            install the kernelspec
  uninstall [--name N]      remove it
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "doctest": {
      // The examples' process starts now, while this one loads the runner and parses the files (--list needs none).
      if (!rest.some((arg) => ["--list", "--help", "-h"].includes(arg))) (await import("../doctest/pool.js")).prestartWorker();
      const { doctestMain } = await import("../doctest/cli.js");
      return doctestMain(rest);
    }
    case "kernel": {
      const at = rest.indexOf("-f");
      const file = at >= 0 ? rest[at + 1] : undefined;
      if (file === undefined) {
        process.stderr.write("greenlet-ts kernel: -f CONNECTION_FILE is required\n");
        return 2;
      }
      const { runKernel } = await import("../kernel/kernel-main.js");
      await runKernel(file);
      return 0;
    }
    case "install":
    case "uninstall": {
      const { installMain } = await import("../kernel/install.js");
      return installMain(rest, command === "uninstall");
    }
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
    if (process.argv[2] !== "kernel") process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
  },
  (error: unknown) => {
    process.stderr.write(`greenlet-ts: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(2);
  },
);
