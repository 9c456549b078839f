import { greenlet, getcurrent, settrace, gettrace, Greenlet, type TraceEvent, type Tracer } from "greenlet-ts";

// settrace / gettrace: F.100-F.104 of the conformance notes.

type Recorded = [TraceEvent, Greenlet, Greenlet];

function recorder(): { events: Recorded[]; tracer: Tracer } {
  const events: Recorded[] = [];
  return { events, tracer: (event, [origin, target]) => events.push([event, origin, target]) };
}

afterEach(() => {
  settrace(null);
});

describe("tracing", () => {
  test("records switch and throw transfers (test_a_greenlet_tracing)", async () => {
    const { events, tracer } = recorder();
    const main = getcurrent();
    expect(settrace(tracer)).toBeNull();
    const g1 = greenlet(() => undefined);
    await g1.switch();
    const g2 = greenlet(() => {
      throw new Error("raiser");
    });
    await expect(g2.switch()).rejects.toThrow("raiser");
    expect(events).toEqual([
      ["switch", main, g1],
      ["switch", g1, main],
      ["switch", main, g2],
      ["throw", g2, main],
    ]);
  });

  test("a tracer that throws is removed and its error raised in the target (test_b_exception_disables_tracing)", async () => {
    const events: TraceEvent[] = [];
    settrace((event) => {
      events.push(event);
      throw new RangeError("from the tracer");
    });
    const g = greenlet(() => "never");
    await expect(g.switch()).rejects.toThrow("from the tracer");
    expect(gettrace()).toBeNull();
    expect(events).toEqual(["switch"]);
    expect(g.dead).toBe(true);
  });

  test("a suspended greenlet catches a tracer's error at its switch", async () => {
    const g = greenlet(async () => {
      try {
        await getcurrent().parent!.switch();
      } catch (error) {
        return `caught ${(error as Error).message}`;
      }
      return "resumed normally";
    });
    await g.switch();
    settrace(() => {
      throw new Error("trace failure");
    });
    expect(await g.switch()).toBe("caught trace failure");
  });

  test("the tracer runs in the target; settrace returns the previous tracer", async () => {
    const currents: boolean[] = [];
    const first: Tracer = (_event, [, target]) => currents.push(getcurrent() === target);
    const second: Tracer = () => undefined;
    settrace(first);
    expect(settrace(second)).toBe(first);
    expect(settrace(first)).toBe(second);
    expect(gettrace()).toBe(first);
    await greenlet(async () => getcurrent().parent!.switch()).switch();
    expect(currents).toEqual([true, true]);
    expect(() => settrace(42 as never)).toThrow(TypeError);
  });

  test("tracing.rst: origin and target through switch and throw", async () => {
    const lines: string[] = [];
    const main = getcurrent();
    const name = (g: Greenlet): string => (g === main ? "main" : g === origin ? "origin" : "target");
    const previous = settrace((event, [from, to]) => lines.push(`${name(from)} to ${name(to)} with ${event}`));
    const target = greenlet(async () => {
      await origin.switch();
    });
    const origin = greenlet(async () => {
      lines.push("In origin");
      await target.switch();
      lines.push("Returned to origin");
      await target.throw();
    });
    await origin.switch();
    settrace(previous);
    expect(lines).toEqual([
      "main to origin with switch",
      "In origin",
      "origin to target with switch",
      "target to origin with switch",
      "Returned to origin",
      "origin to target with throw",
      "target to main with switch",
    ]);
  });

  test("a switch to the current greenlet is traced too", async () => {
    const { events, tracer } = recorder();
    settrace(tracer);
    await getcurrent().switch(1);
    expect(events).toEqual([["switch", getcurrent(), getcurrent()]]);
  });
});
