import { greenlet, getcurrent, Greenlet } from "greenlet-ts";

// Generators built on greenlets (test_generator.py, test_generator_nested.py):
// a value can be yielded from any call depth, the capability generators lack.

class Genlet<T> extends Greenlet implements AsyncIterableIterator<T> {
  /** Set by a yield that skips levels: the genlet to resume instead of this one. */
  child: Genlet<unknown> | null = null;
  constructor(private readonly body: (...args: any[]) => Promise<unknown>, private readonly args: unknown[]) {
    super();
  }
  override async run(): Promise<void> {
    await this.body(...this.args);
  }
  async next(): Promise<IteratorResult<T>> {
    let value: unknown;
    if (this.child !== null) {
      let child = this.child;
      while (child.child !== null) {
        const skipped: Genlet<unknown> = child;
        child = child.child;
        skipped.child = null;
      }
      value = await child.switch();
    } else {
      this.parent = getcurrent();
      value = await this.switch();
    }
    return this.active ? { value: value as T, done: false } : { value: undefined, done: true };
  }
  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** Yields `value` to the consumer of the current genlet (level 1) or of one further out. */
async function Yield(value: unknown, level = 1): Promise<void> {
  let g: Greenlet = getcurrent();
  for (; level !== 0; level--) {
    if (!(g instanceof Genlet)) throw new Error("yield outside a genlet");
    if (level > 1) (g.parent as Genlet<unknown>).child = g;
    g = g.parent!;
  }
  await g.switch(value);
}

const genlet =
  <T>(body: (...args: any[]) => Promise<unknown>) =>
  (...args: unknown[]): Genlet<T> =>
    new Genlet<T>(body, args);

async function collectAll<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of it) out.push(value);
  return out;
}

describe("generators built on greenlets", () => {
  test("test_generator: re-parented on every next, done once dead", async () => {
    const seen: number[] = [];
    const g = genlet<number>(async (n: number) => {
      for (let i = 0; i < n; i++) {
        seen.push(i);
        await Yield(i);
      }
    });
    for (let round = 0; round < 3; round++) {
      for await (const k of g(5)) seen.push(k);
    }
    expect(seen).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
  });

  test("yield from a nested call (test_genlet_simple)", async () => {
    const nested = async (i: number): Promise<void> => {
      await Yield(i);
    };
    const g3 = genlet<number>(async (seen: number[]) => {
      for (let i = 0; i < 5; i++) {
        seen.push(i);
        await nested(i + 1);
      }
    });
    const seen: number[] = [];
    for await (const value of g3(seen)) seen.push(value);
    expect(seen).toEqual([0, 1, 1, 2, 2, 3, 3, 4, 4, 5]);
  });

  test("a level-2 yield skips one genlet (test_layered_genlets)", async () => {
    const gr1 = genlet<number>(async (n: number) => {
      for (let ii = 1; ii < n; ii++) {
        await Yield(ii);
        await Yield(ii * ii, 2);
      }
    });
    const gr2 = genlet<number>(async (n: number, seen: number[]) => {
      for await (const ii of gr1(n)) seen.push(ii);
    });
    const seen: number[] = [];
    for await (const ii of gr2(5, seen)) seen.push(ii);
    expect(seen).toEqual([1, 1, 2, 4, 3, 9, 4, 16]);
  });

  test("recursive permutations, two genlets interleaved (test_permutations)", async () => {
    const perms = genlet<number[]>(async (items: number[]) => {
      if (items.length <= 1) {
        await Yield(items);
        return;
      }
      for (let i = 0; i < items.length; i++) {
        const rest = [...items.slice(0, i), ...items.slice(i + 1)];
        for await (const tail of perms(rest)) await Yield([items[i]!, ...tail]);
      }
    });
    const all = await collectAll(perms([0, 1, 2, 3]));
    expect(all).toHaveLength(24);
    expect(all).toContainEqual([0, 1, 2, 3]);
    expect(all).toContainEqual([3, 2, 1, 0]);
    const a = perms([0, 1, 2, 3]);
    const b = perms([0, 1, 2]);
    const pairs: Array<[number[], number[]]> = [];
    for (;;) {
      const [x, y] = [await a.next(), await b.next()];
      if (x.done || y.done) break;
      pairs.push([x.value, y.value]);
    }
    expect(pairs).toEqual([
      [[0, 1, 2, 3], [0, 1, 2]],
      [[0, 1, 3, 2], [0, 2, 1]],
      [[0, 2, 1, 3], [1, 0, 2]],
      [[0, 2, 3, 1], [1, 2, 0]],
      [[0, 3, 1, 2], [2, 0, 1]],
      [[0, 3, 2, 1], [2, 1, 0]],
    ]);
  });

  test("yield outside a genlet is an error (test_genlet_bad)", async () => {
    await expect(Yield(10)).rejects.toThrow("yield outside a genlet");
    await expect(greenlet(() => Yield(10)).switch()).rejects.toThrow("yield outside a genlet");
  });

  test("nested genlets re-yield through every level (test_nested_genlets)", async () => {
    const ax = genlet<number>(async (n: number): Promise<void> => {
      if (n <= 0) {
        await Yield(0);
        return;
      }
      for await (const value of ax(n - 1)) await Yield(value + 1);
    });
    expect(await collectAll(ax(5))).toEqual([5]);
  });
});
