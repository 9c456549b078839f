import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_TIMEOUT_MS, withConfig, type DoctestConfig } from "./config.js";
import { OPTION_NAMES, type OptionFlags } from "./example.js";
import { filesToCheck } from "./files.js";
import { parseOptionSwitch, unknownOption } from "./options.js";
import { REPORTERS, type ReporterName } from "./reporters.js";
import type { RunOptions } from "./runner.js";
import { parseShard, selectShard } from "./shard.js";

export const USAGE = `usage: greenlet-ts doctest [PATH|GLOB ...] [options]

Checks the interactive TypeScript sessions in Markdown files, in the JSDoc
@example comments of TypeScript and JavaScript source files, and the stored
outputs of Jupyter notebooks (directories are searched for *.md, *.ipynb and
*.ts/.mts/.cts/.tsx/.js/.mjs/.cjs, without node_modules and dot-directories;
default: the "include" of the "greenlet-ts" > "doctest" section of
package.json, or the current directory). A notebook is re-executed on a new
greenlet-ts kernel and each code cell's outputs are compared with the stored
ones; failures are reported as NOTEBOOK:cell N.

  --update            rewrite the expected output of failing examples in place
  --fail-fast         stop at the first failure
  --timeout MS        fail an example (or setup block) that runs longer; the rest
                      of its file is not run (default: ${DEFAULT_TIMEOUT_MS}; 0: no timeout)
  --jobs N            check files in N worker processes (default 1; output order
                      stays the same). Files never run in this process: an example
                      that calls process.exit() or crashes node fails its file only
  --reporter NAME     pretty (default), dot, json, tap or jsonl (a JSON line per
                      result as it comes, for programs following the run)
  --junit FILE        also write JUnit XML to FILE
  --list              print the examples found as JSON, without running them
  --option NAME       turn an option on (NAME or +NAME) or off (-NAME) for every
                      example (repeatable):
                      ${OPTION_NAMES.join(", ")}
  --no-autocollect    do not run collect() after each example
  --setup MODULE      run MODULE (TypeScript or JavaScript) in each file's session
                      before its examples, its exports bound by name
  --watch             after the run, check again each file whose page, or a module
                      its examples imported, changes (Ctrl-C ends it)
  --shard I/N         check only the I-th of N equal parts of the files (for N CI machines)
  --client NAME       who executes notebooks: greenlet-ts (default; our own client
                      over ZeroMQ) or nbconvert (jupyter nbconvert --execute with
                      the installed greenlet-ts kernelspec)
  --jupyter COMMAND   the jupyter command for --client nbconvert (default: jupyter)
`;

const FLAG = { type: "boolean" } as const;
const VALUE = { type: "string" } as const;
const OPTIONS = {
  update: FLAG, "fail-fast": FLAG, list: FLAG, "no-autocollect": FLAG, watch: FLAG,
  timeout: VALUE, jobs: VALUE, reporter: VALUE, junit: VALUE, setup: VALUE, shard: VALUE, client: VALUE, jupyter: VALUE,
  option: { type: "string", multiple: true },
  help: { type: "boolean", short: "h" },
} as const;

/** The command line as given; an unknown or malformed flag throws, with node's message. */
export function readCommandLine(argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
}

export type CommandLine = ReturnType<typeof readCommandLine>;

/** Who executes notebooks. */
export type NotebookClient = "greenlet-ts" | "nbconvert";

/** What one check of the files needs to know. */
export interface CheckSettings {
  run: RunOptions;
  jobs: number;
  reporter: ReporterName;
  junit?: string;
  update: boolean;
  list: boolean;
  client: NotebookClient;
  jupyter?: string;
}

/** What a command line asks for, checked, with the project's configuration under it. */
export interface Plan extends CheckSettings {
  files: string[];
  watch: boolean;
}

/**
 * The plan of a run, or everything wrong with the command line (all of it,
 * so that one try tells every mistake). The command line wins over the
 * project's configuration; the files are those it names, or the project's.
 */
export function planRun({ values, positionals }: CommandLine, config: DoctestConfig | undefined): Plan | { problems: string[] } {
  const problems: string[] = [];
  const number = (name: "timeout" | "jobs", min: number, rule: string): number | undefined => {
    const text = values[name];
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!(Number.isInteger(value) && value >= min)) problems.push(`--${name} takes ${rule}, not "${text}"`);
    return value;
  };
  const timeout = number("timeout", 0, "a whole number of milliseconds (0: none)");
  const jobs = number("jobs", 1, "a positive whole number");
  const reporter = (values.reporter ?? "pretty") as ReporterName;
  if (!REPORTERS.includes(reporter)) problems.push(`--reporter is one of ${REPORTERS.join(", ")}, not "${values.reporter}"`);
  const options = optionFlags(values.option ?? [], problems);
  const setup = values.setup === undefined ? undefined : path.resolve(values.setup);
  if (setup !== undefined && !existsSync(setup)) problems.push(`--setup: ${values.setup} does not exist`);
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  if (typeof shard === "string") problems.push(shard);
  const client = (values.client ?? "greenlet-ts") as NotebookClient;
  if (client !== "greenlet-ts" && client !== "nbconvert") problems.push(`--client is greenlet-ts or nbconvert, not "${values.client}"`);
  const found = filesToCheck(positionals, config);
  for (const name of found.unmatched) problems.push(`${name}: no such file, directory or matching file`);
  if (problems.length > 0) return { problems };

  const merged = withConfig({ timeout, jobs, options, setup }, config);
  return {
    files: shard === undefined || typeof shard === "string" ? found.files : selectShard(found.files, shard),
    run: { options: merged.options, timeoutMs: merged.timeout > 0 ? merged.timeout : undefined, failFast: values["fail-fast"], autoCollect: !values["no-autocollect"], setup: merged.setup },
    jobs: merged.jobs,
    reporter,
    junit: values.junit,
    update: values.update ?? false,
    list: values.list ?? false,
    watch: values.watch ?? false,
    client,
    jupyter: values.jupyter,
  };
}

/** `--option` values, in order: a later one for the same option wins. */
function optionFlags(values: readonly string[], problems: string[]): OptionFlags {
  const flags: OptionFlags = {};
  for (const value of values) {
    const option = parseOptionSwitch(value);
    if (option !== undefined) flags[option.name] = option.on;
    else problems.push(`--option: ${unknownOption(value)}`);
  }
  return flags;
}
