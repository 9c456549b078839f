import { greenlet, getcurrent, Greenlet } from "greenlet-ts";

// Switching and value passing: greenlet's test_greenlet.py (A.1-A.18 of the
// conformance notes) and the sessions of switching.rst / greenlet.rst.

describe("switching", () => {
  test("a greenlet and its parent take turns (test_simple)", async () => {
    const seen: number[] = [];
    const g = greenlet(async () => {
      seen.push(1);
      await getcurrent().parent!.switch();
      seen.push(3);
    });
    seen.push(0);
    await g.switch();
    seen.push(2);
    await g.switch();
    seen.push(4);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(g.dead).toBe(true);
  });

  test("two children with the same body interleave (test_two_children)", async () => {
    const seen: string[] = [];
    const body = async (): Promise<void> => {
      seen.push("a");
      await getcurrent().parent!.switch();
      seen.push("b");
      await getcurrent().parent!.switch();
      seen.push("c");
    };
    const g = greenlet(body);
    const h = greenlet(body);
    await g.switch();
    expect(seen).toHaveLength(1);
    await h.switch();
    expect(seen).toHaveLength(2);
    await h.switch();
    expect(seen).toHaveLength(3);
    await h.switch();
    expect(seen).toHaveLength(4);
    expect(h.dead).toBe(true);
    await g.switch();
    await g.switch();
    expect(seen).toHaveLength(6);
    expect(g.dead).toBe(true);
  });

  test("a child switches back to its creator, which then finishes (test_two_recursive_children)", async () => {
    const order: string[] = [];
    const child = async (): Promise<void> => {
      order.push("b");
      await getcurrent().parent!.switch();
    };
    const creator = async (): Promise<void> => {
      order.push("a");
      await greenlet(child).switch();
      order.push("c");
    };
    const result = await greenlet(creator).switch();
    expect(order).toEqual(["a", "b", "c"]);
    expect(result).toBeUndefined();
  });

  test("a nested async function awaited by the greenlet can switch: greenlets are stackful", async () => {
    const depth = async (n: number): Promise<number> => {
      if (n === 0) return (await getcurrent().parent!.switch("deep")) as number;
      return (await depth(n - 1)) + 1;
    };
    const g = greenlet(() => depth(5));
    expect(await g.switch()).toBe("deep");
    expect(await g.switch(100)).toBe(105);
    expect(g.dead).toBe(true);
  });

  test("a plain (non-async) run function's return value is the result", async () => {
    expect(await greenlet((a: number, b: number) => a * b).switch(6, 7)).toBe(42);
  });
});

describe("value passing", () => {
  test("the first switch's arguments start run (switching.rst: hello world)", async () => {
    const printed: unknown[] = [];
    const gr1 = greenlet(async (x: string, y: string) => {
      printed.push(x + y);
      const z = await gr1.parent!.switch(42);
      printed.push(z);
    });
    expect(await gr1.switch("hello", " world")).toBe(42);
    await gr1.switch("done");
    expect(printed).toEqual(["hello world", "done"]);
  });

  test("a resumed switch() gets undefined, the value, or an array", async () => {
    const received: unknown[] = [];
    const g = greenlet(async () => {
      for (;;) received.push(await getcurrent().parent!.switch());
    });
    await g.switch();
    await g.switch();
    await g.switch(42);
    await g.switch("how", "are", "you");
    await g.switch([1]);
    await g.switch(null);
    expect(received).toEqual([undefined, 42, ["how", "are", "you"], [1], null]);
  });

  test("the parent gets the same packing from a child's switch", async () => {
    const g = greenlet(async () => {
      await getcurrent().parent!.switch();
      await getcurrent().parent!.switch(3);
      await getcurrent().parent!.switch(2, 3);
      return [3, 9];
    });
    expect(await g.switch()).toBeUndefined();
    expect(await g.switch()).toBe(3);
    expect(await g.switch()).toEqual([2, 3]);
    expect(await g.switch()).toEqual([3, 9]);
  });

  test("switching to the current greenlet resolves at once to the packed arguments", async () => {
    const main = getcurrent();
    expect(await main.switch()).toBeUndefined();
    expect(await main.switch(5)).toBe(5);
    expect(await main.switch(1, 2)).toEqual([1, 2]);
    const inside = await greenlet(async () => getcurrent().switch("self")).switch();
    expect(inside).toBe("self");
  });

  test("the arguments array a receiver gets is its own copy", async () => {
    const args = [1, 2];
    const g = greenlet(async () => getcurrent().parent!.switch(...args));
    const got = (await g.switch()) as number[];
    expect(got).toEqual([1, 2]);
    got.push(3);
    expect(args).toEqual([1, 2]);
  });
});

describe("dead greenlets and parents", () => {
  test("gr1 -> gr2 -> gr1 (greenlet.rst): gr2 is never resumed and is not dead", async () => {
    const printed: number[] = [];
    const gr1 = greenlet(async () => {
      printed.push(12);
      await gr2.switch();
      printed.push(34);
      return "test1 done";
    });
    const gr2 = greenlet(async () => {
      printed.push(56);
      await gr1.switch();
      printed.push(78);
    });
    expect(await gr1.switch()).toBe("test1 done");
    expect(printed).toEqual([12, 56, 34]);
    expect(gr1.dead).toBe(true);
    expect(gr2.dead).toBe(false);
    expect(gr2.active).toBe(true);
  });

  test("switching to a dead greenlet goes to its live parent (switching.rst)", async () => {
    const log: unknown[] = [];
    let innerGlet!: Greenlet;
    const outer = async (): Promise<void> => {
      innerGlet = greenlet(async () => 42);
      log.push(await innerGlet.switch());
      log.push(await innerGlet.switch());
      log.push(await innerGlet.switch(7));
    };
    await greenlet(outer).switch();
    expect(log).toEqual([42, undefined, 7]);
    expect(await innerGlet.switch()).toBeUndefined();
  });

  test("a dead greenlet whose parent is another suspended greenlet resumes that greenlet", async () => {
    const h = greenlet(async () => {
      const got = await getcurrent().parent!.switch("h waiting");
      return `h got ${String(got)}`;
    });
    expect(await h.switch()).toBe("h waiting");
    const dead = greenlet(() => "finished");
    expect(await dead.switch()).toBe("finished");
    dead.parent = h;
    expect(await dead.switch("via dead")).toBe("h got via dead");
  });

  test("falling off the end starts an unstarted parent with the value", async () => {
    const parent = greenlet((x: number) => [x, 24]);
    const child = greenlet(() => 42, parent);
    expect(await child.switch()).toEqual([42, 24]);
    expect(parent.dead).toBe(true);
  });

  test("an unstarted parent whose run rejects the value raises in the grandparent", async () => {
    const parent = greenlet((...args: unknown[]) => {
      if (args.length !== 0) throw new TypeError("takes no arguments");
    });
    const child = greenlet(() => 42, parent);
    await expect(child.switch()).rejects.toThrow("takes no arguments");
  });

  test("a reparented dead greenlet starts its new, unstarted parent (test_switch_to_dead_greenlet_reparent)", async () => {
    const seen: number[] = [];
    const child = greenlet(() => {
      seen.push(42);
    });
    await child.switch();
    child.parent = greenlet(() => {
      seen.push(24);
    });
    expect(await child.switch()).toBeUndefined();
    expect(seen).toEqual([42, 24]);
  });

  test("a parent that cannot start passes the error on to the next ancestor (test_parent_return_failure)", async () => {
    const g1 = greenlet();
    const g2 = greenlet(() => 1, g1);
    await expect(g2.switch()).rejects.toThrow(/run/);
    expect(g2.dead).toBe(true);
    expect(g1.dead).toBe(false);
  });

  test("the gui_example pattern: a processor greenlet blocks on input fed by events", async () => {
    const printed: string[] = [];
    let processor!: Greenlet;
    const readNextChar = async (): Promise<string> => (await processor.parent!.switch("blocking in read_next_char")) as string;
    const processCommands = async (): Promise<void> => {
      for (;;) {
        let line = "";
        while (!line.endsWith("\n")) line += await readNextChar();
        if (line === "quit\n") {
          printed.push("are you sure?");
          if ((await readNextChar()) !== "y") continue;
          break;
        }
        printed.push(`(Processing command: ${line.trim()})`);
      }
    };
    processor = greenlet(processCommands);
    expect(await processor.switch()).toBe("blocking in read_next_char");
    for (const key of "hello\nquit\ny") await processor.switch(key);
    expect(printed).toEqual(["(Processing command: hello)", "are you sure?"]);
    expect(processor.dead).toBe(true);
  });
});
