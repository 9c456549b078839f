import { differs, passed, threw, timedOut } from "../../dist/doctest/results.js";
import { FileSchedule } from "../../dist/doctest/schedule.js";

// What runs of a file, what is skipped and what is not run: the one place the runner in a worker,
// the pool rebuilding a dead worker's file and both notebook runners ask.

describe("FileSchedule", () => {
  test("runs what is not skipped; SKIP is skipped; a failure without --fail-fast stops nothing", () => {
    const schedule = new FileSchedule();
    expect(schedule.next()).toBeUndefined();
    expect(schedule.next(true)).toEqual({ kind: "skipped", status: "skipped" });
    schedule.ran(differs("1\n", "diff"), "the example at line 2");
    schedule.ran(threw("", "the setup code failed:\nUncaught Error: x"), "the setup code at line 5");
    expect(schedule.next()).toBeUndefined();
  });

  test("a timeout stops the file: the rest, skipped or not, is not run, and says what timed out", () => {
    const schedule = new FileSchedule();
    schedule.ran(passed(), "the example at line 2");
    schedule.ran(timedOut(300, ""), "the example at line 4");
    const rest = { kind: "not-run", status: "not-run", reason: "not run: the example at line 4 timed out" };
    expect(schedule.next()).toEqual(rest);
    expect(schedule.next(true)).toEqual(rest);
  });

  test("--fail-fast stops at the first failure; the first reason to stop stays", () => {
    const schedule = new FileSchedule(true);
    schedule.ran(passed(), "cell 2");
    expect(schedule.next()).toBeUndefined();
    schedule.ran(differs("x", "diff"), "cell 3");
    schedule.stop("the kernel died at cell 4");
    expect(schedule.next()).toEqual({ kind: "not-run", status: "not-run", reason: "an earlier failure stopped the run (--fail-fast)" });
  });

  test("a crash or a setup module that cannot be loaded stops it with its own reason", () => {
    const schedule = new FileSchedule();
    schedule.stop("the worker died during the example at line 3");
    expect(schedule.next(true)).toEqual({ kind: "not-run", status: "not-run", reason: "not run: the worker died during the example at line 3" });
  });
});
