import { spawn } from "node:child_process";
import { chmodSync, existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../helpers/node-script.js";
import { cli, fixture } from "../helpers/cli.js";

// `--update` never corrupts a file: the runner is killed (SIGKILL) at many
// moments of --update runs over many files, and every file is then either
// its original or its fully updated text; a run to the end then updates the
// rest, and a second run changes nothing, byte for byte.

const fence = "```";

function figures(name: string, values: Record<string, unknown>): void {
  process.stdout.write(`[figures] ${name} ${JSON.stringify(values)}\n`);
}

/** Files of several kinds: plain, CRLF in a quoted list, several failures, passing, and output that cannot be written back. */
function corpus(count: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const name = `${i % 3 === 0 ? "sub/" : ""}doc${String(i).padStart(3, "0")}.md`;
    switch (i % 5) {
      case 0:
        files[name] = `# Doc ${i}\n\n${fence}ts\n> ${i} + 1\n0\n> 'keep'\n'keep'\n${fence}\n\nText after.\n`;
        break;
      case 1:
        files[name] = ["# CRLF", "", "> - quoted list", ">", `>   ${fence}ts`, `>   > [${i}, ${i}].map(String)`, ">   [ 'x' ]", ">   > 'no expected output yet'", `>   ${fence}`, ""].join("\r\n");
        break;
      case 2:
        files[name] = `${fence}ts\nconst n = ${i};\n${fence}\n\n${fence}ts\n> n * 2\n1\n> console.log('a\\n\\nb'); n\nold\n> 'same'\n'same'\n${fence}\n`;
        break;
      case 3:
        files[name] = `${fence}ts\n> ${i}\n${i}\n${fence}\n`;
        break;
      default:
        // The first output would read back as a prompt: left alone with a warning; the second is updated.
        files[name] = `${fence}ts\n> console.log('> ${i}')\nnot this\n> ${i} * 3\n0\n${fence}\n`;
    }
  }
  return files;
}

const FILES = corpus(90);
const NAMES = Object.keys(FILES);

function read(dir: string): Record<string, string> {
  return Object.fromEntries(NAMES.map((name) => [name, readFileSync(path.join(dir, name), "utf8")]));
}

/** Leftover temporary files of an --update, anywhere in `dir`. */
function temporaries(dir: string): string[] {
  const found: string[] = [];
  for (const sub of [".", "sub"]) for (const entry of readdirSync(path.join(dir, sub))) if (entry.endsWith(".doctest-update")) found.push(path.join(sub, entry));
  return found;
}

/** The processes whose working directory is `dir` (Linux /proc): a worker left behind would be one. */
function processesIn(dir: string): number[] {
  const found: number[] = [];
  const real = realpathSync(dir);
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      if (readlinkSync(`/proc/${pid}/cwd`) === real) found.push(Number(pid));
    } catch {
      // gone, or not ours to look at
    }
  }
  return found;
}

/** Starts `doctest . --update` in `dir`, kills it with SIGKILL when `when` says so; resolves when it has ended. */
function killedRun(dir: string, when: { afterUpdates: number } | { afterMs: number }): Promise<{ killed: boolean; updatesSeen: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, "dist/cli/main.js"), "doctest", ".", "--update"], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    let updatesSeen = 0;
    let killed = false;
    const kill = (): void => {
      killed = child.exitCode === null && child.signalCode === null;
      child.kill("SIGKILL");
    };
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      updatesSeen += chunk.split("\n").filter((line) => line.startsWith("updated ")).length;
      if ("afterUpdates" in when && updatesSeen >= when.afterUpdates && !killed) kill();
    });
    const timer = "afterMs" in when ? setTimeout(kill, when.afterMs) : undefined;
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ killed: killed && signal === "SIGKILL", updatesSeen });
    });
  });
}

describe("greenlet-ts doctest --update, killed at any moment", () => {
  let updated: Record<string, string>;
  let fullRunMs: number;

  beforeAll(async () => {
    const dir = fixture(FILES);
    const started = performance.now();
    const first = await cli(["doctest", ".", "--update"], dir);
    fullRunMs = performance.now() - started;
    expect(first.code).toBe(1);
    updated = read(dir);
    const changed = NAMES.filter((name) => updated[name] !== FILES[name]).length;
    // Every kind but the passing one changes.
    expect(changed).toBe(72);
    const second = await cli(["doctest", ".", "--update"], dir);
    expect(second.stderr).not.toContain("updated ");
    expect(read(dir)).toEqual(updated);
    figures("update reference run", { files: NAMES.length, changed, ms: Math.round(fullRunMs) });
  });

  test("the updated text is what was printed, under the block's prefix, with the file's line ends", () => {
    expect(updated["sub/doc000.md"]).toBe(`# Doc 0\n\n${fence}ts\n> 0 + 1\n1\n> 'keep'\n'keep'\n${fence}\n\nText after.\n`);
    expect(updated["doc001.md"]).toBe(["# CRLF", "", "> - quoted list", ">", `>   ${fence}ts`, ">   > [1, 1].map(String)", ">   [ '1', '1' ]", ">   > 'no expected output yet'", ">   'no expected output yet'", `>   ${fence}`, ""].join("\r\n"));
    expect(updated["doc002.md"]).toBe(`${fence}ts\nconst n = 2;\n${fence}\n\n${fence}ts\n> n * 2\n4\n> console.log('a\\n\\nb'); n\na\n\nb\n2\n> 'same'\n'same'\n${fence}\n`);
    expect(updated["sub/doc003.md"]).toBe(FILES["sub/doc003.md"]);
    expect(updated["doc004.md"]).toBe(`${fence}ts\n> console.log('> 4')\nnot this\n> 4 * 3\n12\n${fence}\n`);
  });

  test(
    "killed while writing or at random moments: each file is the original or the updated text; a run to the end finishes the job; a second changes nothing",
    async () => {
      const trials: { when: string; killed: boolean; updatedFiles: number; temporaries: number }[] = [];
      // Kill points: after the k-th file written (the write phase), and at random moments of a whole run.
      const points: ({ afterUpdates: number } | { afterMs: number })[] = [];
      for (const k of [1, 2, 5, 9, 17, 30, 45, 60, 71]) points.push({ afterUpdates: k });
      let seed = 7;
      const random = (): number => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
      for (let i = 0; i < 9; i++) points.push({ afterMs: Math.round(random() * fullRunMs * 1.2) });
      let mixed = 0;
      for (const when of points) {
        const dir = fixture(FILES);
        const { killed } = await killedRun(dir, when);
        const now = read(dir);
        const bad = NAMES.filter((name) => now[name] !== FILES[name] && now[name] !== updated[name]);
        expect(bad).toEqual([]);
        const updatedFiles = NAMES.filter((name) => now[name] !== FILES[name]).length;
        if (updatedFiles > 0 && updatedFiles < 72) mixed++;
        const left = temporaries(dir);
        trials.push({ when: JSON.stringify(when), killed, updatedFiles, temporaries: left.length });
        // The worker does not outlive its runner.
        for (let wait = 0; wait < 50 && processesIn(dir).length > 0; wait++) await new Promise((resolve) => setTimeout(resolve, 100));
        expect(processesIn(dir)).toEqual([]);
        const finish = await cli(["doctest", ".", "--update"], dir);
        expect(finish.code).toBe(1);
        expect(read(dir)).toEqual(updated);
        expect(temporaries(dir)).toEqual([]);
        const again = await cli(["doctest", ".", "--update"], dir);
        expect(again.stderr).not.toContain("updated ");
        expect(read(dir)).toEqual(updated);
      }
      // The kills did land in the middle of the writes: some runs left a mix of files.
      expect(mixed).toBeGreaterThan(3);
      figures("update kill points", { trials: trials.length, mixed, trialsDetail: trials });
    },
    600000,
  );

  test("a stale temporary file is removed by the next --update and never checked; a live runner's is kept", async () => {
    const dir = fixture({ "a.md": FILES["sub/doc000.md"]! });
    // A pid no process has (beyond the kernel's pid_max) and the pid of this test (alive).
    writeFileSync(path.join(dir, ".a.md.4194305.doctest-update"), "half a fi");
    writeFileSync(path.join(dir, `.a.md.${process.pid}.doctest-update`), "being written");
    const check = await cli(["doctest", "."], dir);
    expect(check.stdout).toMatch(/1 passed, 1 failed, 0 skipped\n$/);
    await cli(["doctest", ".", "--update"], dir);
    expect(existsSync(path.join(dir, ".a.md.4194305.doctest-update"))).toBe(false);
    expect(existsSync(path.join(dir, `.a.md.${process.pid}.doctest-update`))).toBe(true);
    expect(readFileSync(path.join(dir, "a.md"), "utf8")).toBe(updated["sub/doc000.md"]);
  });

  test("--update keeps a file's mode, writes through a symlink, and leaves a file changed during the run alone", async () => {
    // The example says when it runs (the file has been read by then), and gives the test time to edit the file.
    const slow = "> require('node:fs').writeFileSync('running', ''); await new Promise((r) => setTimeout(r, 1000)); 1";
    const dir = fixture({ "real.md": FILES["sub/doc000.md"]!, "moving.md": `${fence}ts\n${slow}\n2\n${fence}\n` });
    chmodSync(path.join(dir, "real.md"), 0o640);
    symlinkSync("real.md", path.join(dir, "link.md"));
    await cli(["doctest", "link.md", "--update"], dir);
    expect(readFileSync(path.join(dir, "real.md"), "utf8")).toBe(updated["sub/doc000.md"]);
    expect(statSync(path.join(dir, "real.md")).mode & 0o777).toBe(0o640);
    expect(readlinkSync(path.join(dir, "link.md"))).toBe("real.md");

    const running = cli(["doctest", "moving.md", "--update"], dir);
    while (!existsSync(path.join(dir, "running"))) await new Promise((resolve) => setTimeout(resolve, 20));
    const edited = `Someone's edit.\n\n${fence}ts\n${slow}\n2\n${fence}\n`;
    writeFileSync(path.join(dir, "moving.md"), edited);
    const result = await running;
    expect(result.stderr).toContain("moving.md: not updated: it changed since it was checked");
    expect(readFileSync(path.join(dir, "moving.md"), "utf8")).toBe(edited);
  });
});
