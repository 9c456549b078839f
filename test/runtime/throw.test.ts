import { greenlet, getcurrent, Greenlet, GreenletExit } from "greenlet-ts";

// throw() and errors crossing greenlets: C.56-C.72 of the conformance notes.

class SomeError extends Error {}

describe("errors raised by run", () => {
  test("reject the parent's pending switch, through a suspended greenlet (test_exception)", async () => {
    const seen: unknown[] = [];
    const fmain = async (): Promise<void> => {
      try {
        await getcurrent().parent!.switch();
      } catch (error) {
        seen.push(error);
        throw error;
      }
      throw new SomeError("from g2");
    };
    const g1 = greenlet(fmain);
    const g2 = greenlet(fmain);
    await g1.switch();
    await g2.switch();
    g2.parent = g1;
    await expect(g2.switch()).rejects.toThrow("from g2");
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(SomeError);
    expect(g1.dead && g2.dead).toBe(true);
  });

  test("go to the greenlet's parent, not to whoever switched to it (greenlet.rst)", async () => {
    const order: string[] = [];
    const gr2 = greenlet(async () => {
      throw new ReferenceError("undefined_name is not defined");
    });
    const gr1 = greenlet(async () => {
      order.push("gr1 switches to gr2");
      await gr2.switch();
      order.push("never");
    });
    await expect(gr1.switch()).rejects.toThrow(ReferenceError);
    expect(order).toEqual(["gr1 switches to gr2"]);
    expect(gr1.active).toBe(true);
  });

  test("a synchronous throw from a plain run function rejects the switch", async () => {
    await expect(
      greenlet(() => {
        throw new SomeError("sync");
      }).switch(),
    ).rejects.toThrow("sync");
  });

  test("a GreenletExit escaping run reaches the parent as a value", async () => {
    const result = await greenlet(() => {
      throw new GreenletExit("bye");
    }).switch();
    expect(result).toBeInstanceOf(GreenletExit);
    expect((result as Error).message).toBe("bye");
    class MyExit extends GreenletExit {}
    expect(
      await greenlet(async () => {
        throw new MyExit("sub");
      }).switch(),
    ).toBeInstanceOf(MyExit);
  });
});

describe("throw()", () => {
  test("a suspended greenlet catches the error and answers (test_class, test_val)", async () => {
    const g = greenlet(async () => {
      try {
        await getcurrent().parent!.switch();
      } catch (error) {
        return `caught ${(error as Error).message}`;
      }
      return "no error";
    });
    await g.switch();
    expect(await g.throw(new RangeError("ciao"))).toBe("caught ciao");
  });

  test("without an argument it throws GreenletExit, which comes back as a value; again on the dead greenlet (test_kill)", async () => {
    const g = greenlet(async () => getcurrent().parent!.switch());
    await g.switch();
    const first = await g.throw();
    expect(first).toBeInstanceOf(GreenletExit);
    expect(g.dead).toBe(true);
    expect(await g.throw()).toBeInstanceOf(GreenletExit);
  });

  test("an uncaught error comes back to the thrower (creating_executing_greenlets.rst)", async () => {
    const printed: string[] = [];
    const g = greenlet(async () => {
      for (;;) {
        try {
          await getcurrent().parent!.switch();
        } catch (error) {
          if (!(error instanceof SomeError)) throw error;
          printed.push("Caught exception in greenlet.");
        }
      }
    });
    await g.switch();
    await g.throw(new SomeError());
    expect(printed).toEqual(["Caught exception in greenlet."]);
    await expect(g.throw(new RangeError("uncaught"))).rejects.toThrow("uncaught");
    expect(g.dead).toBe(true);
  });

  test("an unstarted greenlet dies without running run", async () => {
    let ran = false;
    const g = greenlet(() => {
      ran = true;
    });
    await expect(g.throw(new SomeError("early"))).rejects.toThrow("early");
    expect(ran).toBe(false);
    expect(g.dead).toBe(true);
    const h = greenlet(() => {
      ran = true;
    });
    expect(await h.throw()).toBeInstanceOf(GreenletExit);
    expect(ran).toBe(false);
  });

  test("an error thrown at a dead greenlet is raised in its first live ancestor", async () => {
    const g = greenlet(() => 1);
    await g.switch();
    await expect(g.throw(new SomeError("at the dead"))).rejects.toThrow("at the dead");
  });

  test("goes to the original parent: both unstarted (test_throw_goes_to_original_parent 1)", async () => {
    const g1 = greenlet(async () => "never");
    const g2 = greenlet(async () => "never", g1);
    await expect(g2.throw(new RangeError("index"))).rejects.toThrow(RangeError);
    expect(g2.dead).toBe(true);
    expect(g1.dead).toBe(true);
  });

  test("goes to the original parent: started parent catches it (cases 2 and 3)", async () => {
    const catcher = (): Greenlet =>
      greenlet(async () => {
        try {
          await getcurrent().parent!.switch();
        } catch (error) {
          if (error instanceof RangeError) return "caught";
          throw error;
        }
        return "not caught";
      });
    const g1 = catcher();
    await g1.switch();
    const g2 = greenlet(async () => "never", g1);
    expect(await g2.throw(new RangeError())).toBe("caught");
    expect(g1.dead && g2.dead).toBe(true);

    const h1 = catcher();
    await h1.switch();
    const h2 = greenlet(async () => {
      await getcurrent().parent!.parent!.switch("from f2");
    }, h1);
    expect(await h2.switch()).toBe("from f2");
    expect(await h2.throw(new RangeError())).toBe("caught");
    expect(h1.dead && h2.dead).toBe(true);
  });

  test("any value can be thrown, as JavaScript allows", async () => {
    const g = greenlet(async () => {
      try {
        await getcurrent().parent!.switch();
      } catch (value) {
        return value;
      }
    });
    await g.switch();
    expect(await g.throw({ code: 42 })).toEqual({ code: 42 });
    await expect(greenlet(async () => undefined).throw("oops")).rejects.toBe("oops");
  });

  test("throw() at the current greenlet raises right there", async () => {
    await expect(getcurrent().throw(new SomeError("self"))).rejects.toThrow("self");
  });

  test("a try/finally that spans a switch stays with its greenlet", async () => {
    const log: string[] = [];
    const make = (name: string): Greenlet =>
      greenlet(async () => {
        try {
          await getcurrent().parent!.switch(name);
        } finally {
          log.push(`finally ${name}`);
        }
      });
    const a = make("a");
    const b = make("b");
    await a.switch();
    await b.switch();
    await b.throw();
    await a.switch();
    expect(log).toEqual(["finally b", "finally a"]);
  });
});
