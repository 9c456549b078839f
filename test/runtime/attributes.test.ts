import { inspect } from "node:util";
import { greenlet, getcurrent, Greenlet, GreenletError } from "greenlet-ts";

// run, parent, states and repr: B.23-B.55 of the conformance notes.

describe("run", () => {
  test("is readable and settable before the start, and called by the first switch", async () => {
    const run = (): string => "ran";
    const g = greenlet(run);
    expect(g.run).toBe(run);
    const h = greenlet();
    expect(h.run).toBeUndefined();
    h.run = (): string => "set later";
    expect(await h.switch()).toBe("set later");
    expect(await g.switch()).toBe("ran");
  });

  test("reading it after the start throws a TypeError, inside run and once dead", async () => {
    let inside: unknown;
    const g = greenlet(() => {
      try {
        void g.run;
      } catch (error) {
        inside = error;
      }
    });
    await g.switch();
    expect(inside).toBeInstanceOf(TypeError);
    expect(() => g.run).toThrow(TypeError);
  });

  test("setting it after the start throws the greenlet message", async () => {
    const g = greenlet(async () => getcurrent().parent!.switch());
    await g.switch();
    expect(() => {
      g.run = () => 1;
    }).toThrow(new TypeError("run cannot be set after the start of the greenlet"));
  });

  test("a greenlet without run fails to start on switch() and on throw() with a TypeError naming run", async () => {
    await expect(greenlet().switch()).rejects.toThrow(TypeError);
    await expect(greenlet().switch()).rejects.toThrow(/run/);
    await expect(greenlet().throw(new RangeError("x"))).rejects.toThrow(/run/);
    const g = greenlet();
    await g.switch().catch(() => undefined);
    expect(g.dead).toBe(false);
    expect(g.active).toBe(false);
  });

  test("a run that is not a function is refused", () => {
    expect(() => greenlet(42 as never)).toThrow(TypeError);
    const g = greenlet();
    expect(() => {
      g.run = "x" as never;
    }).toThrow(TypeError);
  });

  test("the main greenlet has no run", () => {
    const main = getcurrent();
    expect(() => main.run).toThrow(new TypeError("Main greenlets do not have a run attribute."));
    expect(() => {
      main.run = () => 1;
    }).toThrow(new TypeError("Main greenlets do not have a run attribute."));
  });
});

describe("subclasses", () => {
  test("a subclass's run() method is started with this (creating_executing_greenlets.rst)", async () => {
    class MyGreenlet extends Greenlet {
      createdAt = Date.now();
      finishedAt = 0;
      override async run(): Promise<string> {
        this.finishedAt = Date.now();
        return `${this.constructor.name} ran`;
      }
    }
    const g = new MyGreenlet();
    expect(await g.switch()).toBe("MyGreenlet ran");
    expect(g.finishedAt).toBeGreaterThanOrEqual(g.createdAt);
    expect(inspect(g)).toMatch(/^<MyGreenlet #\d+ dead>$/);
  });

  test("a subclass's run() wins over a run passed to the constructor, as in greenlet", async () => {
    class Own extends Greenlet {
      override run(): string {
        return "method";
      }
    }
    expect(await new Own(() => "constructor").switch()).toBe("method");
  });

  test("an abstract run() has to be defined by a concrete subclass", async () => {
    abstract class Worker extends Greenlet {
      abstract override run(): unknown;
    }
    class Doubler extends Worker {
      override run(x: number): number {
        return x * 2;
      }
    }
    expect(await new Doubler().switch(21)).toBe(42);
  });
});

describe("parent", () => {
  test("defaults to the current greenlet; null and undefined mean the same (test_parent_equals_None)", async () => {
    expect(greenlet().parent).toBe(getcurrent());
    expect(greenlet(undefined, null).parent).toBe(getcurrent());
    const inner = await greenlet(() => greenlet().parent === getcurrent()).switch();
    expect(inner).toBe(true);
  });

  test("a child starts its unstarted parent when it finishes (In the child / In the parent)", async () => {
    const printed: string[] = [];
    const parentGlet = greenlet((value: string) => {
      printed.push(value);
      printed.push("In the parent.");
    });
    const childGlet = greenlet(() => {
      printed.push("In the child.");
      return "from the child";
    }, parentGlet);
    await childGlet.switch();
    expect(printed).toEqual(["In the child.", "from the child", "In the parent."]);
  });

  test("a cyclic parent chain is refused with GreenletError", () => {
    const g1 = greenlet();
    const g2 = greenlet();
    const g3 = greenlet();
    expect(() => {
      g1.parent = g1;
    }).toThrow(new GreenletError("cyclic parent chain"));
    g2.parent = g1;
    expect(() => {
      g1.parent = g2;
    }).toThrow(GreenletError);
    g3.parent = g2;
    expect(() => {
      g1.parent = g3;
    }).toThrow("cyclic parent chain");
    expect(g1.parent).toBe(getcurrent());
  });

  test("a parent that is not a greenlet is refused with TypeError, before and after the start", async () => {
    const g = greenlet(async () => getcurrent().parent!.switch());
    for (const wrong of [null, 1, "42", {}, undefined]) {
      expect(() => {
        g.parent = wrong as never;
      }).toThrow(TypeError);
    }
    await g.switch();
    expect(g.active).toBe(true);
    expect(() => {
      g.parent = {} as never;
    }).toThrow(TypeError);
    expect(() => greenlet(undefined, {} as never)).toThrow(TypeError);
  });

  test("the main greenlet's parent is null and cannot be set", async () => {
    const main = getcurrent();
    expect(main.parent).toBeNull();
    expect(() => {
      main.parent = main;
    }).toThrow(new TypeError("cannot set the parent of a main greenlet"));
    const amIMain = (): boolean => getcurrent().parent === null;
    expect(amIMain()).toBe(true);
    expect(await greenlet(amIMain).switch()).toBe(false);
    expect(main).toBeInstanceOf(Greenlet);
  });
});

describe("states and repr", () => {
  test("dead and active through a greenlet's life", async () => {
    const states: Array<[boolean, boolean]> = [];
    const g = greenlet(async () => {
      states.push([g.active, g.dead]);
      await getcurrent().parent!.switch();
    });
    states.push([g.active, g.dead]);
    await g.switch();
    states.push([g.active, g.dead]);
    await g.switch();
    states.push([g.active, g.dead]);
    expect(states).toEqual([
      [false, false],
      [true, false],
      [true, false],
      [false, true],
    ]);
  });

  test("util.inspect shows pending, current, suspended, dead and main", async () => {
    const main = getcurrent();
    expect(inspect(main)).toMatch(/^<Greenlet #0 current active started main>$/);
    let fromInside = "";
    const g = greenlet(async () => {
      fromInside = `${inspect(main)} | ${inspect(getcurrent())}`;
      await main.switch();
    });
    expect(inspect(g)).toMatch(/^<Greenlet #\d+ pending>$/);
    await g.switch();
    expect(fromInside).toMatch(/^<Greenlet #0 suspended active started main> \| <Greenlet #\d+ current active started>$/);
    expect(inspect(g)).toMatch(/ suspended active started>$/);
    await g.switch();
    expect(inspect(g)).toMatch(/^<Greenlet #\d+ dead>$/);
    expect(String(g)).toBe(inspect(g));
    expect(inspect({ g })).toContain("<Greenlet #");
  });

  test("the greenlet API is also reachable from the class, as in greenlet", () => {
    expect(Greenlet.getcurrent()).toBe(getcurrent());
    expect(Greenlet.GreenletError).toBe(GreenletError);
  });
});
