import { DoctestConfigError, readDoctestConfig, type DoctestConfig } from "./config.js";
import { checkFiles } from "./check.js";
import { planRun, readCommandLine, USAGE, type CommandLine } from "./command-line.js";
import { watchFiles } from "./watch.js";

/** `greenlet-ts doctest ...`: exit status 0 when all pass, 1 on failures, 2 on usage or parse errors. */
export async function doctestMain(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let commandLine: CommandLine;
  try {
    commandLine = readCommandLine(argv);
  } catch (error) {
    err.write(`greenlet-ts doctest: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (commandLine.values.help) {
    out.write(USAGE);
    return 0;
  }
  let config: DoctestConfig | undefined;
  try {
    config = readDoctestConfig(process.cwd());
  } catch (error) {
    if (!(error instanceof DoctestConfigError)) throw error;
    // What else is wrong depends on the configuration: this alone is reported.
    err.write(`greenlet-ts doctest: ${error.message}\n`);
    return 2;
  }
  const plan = planRun(commandLine, config);
  if ("problems" in plan) {
    err.write(plan.problems.map((problem) => `greenlet-ts doctest: ${problem}\n`).join(""));
    return 2;
  }
  const first = await checkFiles(plan.files, plan, out, err);
  if (!plan.watch || plan.list) return first.status;
  return watchFiles(plan.files, first.results, async (changed) => (await checkFiles(changed, plan, out, err)).results, err);
}
