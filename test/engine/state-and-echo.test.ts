import { echoed, printed, runSession } from "../helpers/engine.js";

describe("cells keep state and echo like the Node REPL", () => {
  test("state across cells, redeclaration of let/const/class/function, TypeScript syntax", async () => {
    const s = await runSession([
      "let count: number = 1",
      "count += 41",
      "const count = 'redeclared'; count",
      "class Box<T> { constructor(readonly value: T) {} }\nnew Box(1).value",
      "class Box { label = 'second Box' }\nnew Box().label",
      "function f(): number { return 1 }",
      "function f(): number { return 2 }\nf()",
      "interface Point { x: number; y: number }\ntype P = Point;\nconst p = { x: 1, y: 2 } satisfies P;\np.x + p.y",
      "enum Color { Red, Green }\nColor.Green",
      "function tag<T extends object>(value: T): T & { tagged: true } { return { ...value, tagged: true } }\ntag({ a: 1 })",
      "function logged(value: any, context: ClassMethodDecoratorContext) { return function (this: any, ...args: any[]) { return `logged ${String(context.name)}: ${value.apply(this, args)}` } }\nclass Greeter { @logged greet() { return 'hi' } }\nnew Greeter().greet()",
    ]);
    expect(s.results.map((r) => r.status)).toEqual(Array(11).fill("ok"));
    expect(echoed(s, 1)).toBeUndefined();
    expect(echoed(s, 2)).toBe("42");
    expect(echoed(s, 3)).toBe("'redeclared'");
    expect(echoed(s, 4)).toBe("1");
    expect(echoed(s, 5)).toBe("'second Box'");
    expect(echoed(s, 7)).toBe("2");
    expect(echoed(s, 8)).toBe("3");
    expect(echoed(s, 9)).toBe("1");
    expect(echoed(s, 10)).toBe("{ a: 1, tagged: true }");
    expect(echoed(s, 11)).toBe("'logged greet: hi'");
  });

  test("echo formats: statements, writes, objects at width 80, undefined not echoed", async () => {
    const s = await runSession([
      "if (true) { 'from if' }",
      "let total = 0; for (let i = 0; i < 3; i++) { total += i }",
      "process.stdout.write('raw\\n')",
      "undefined",
      "void 0",
      "({ nested: { deeper: { deepest: { gone: 1 } } }, list: Array.from({ length: 30 }, (_, i) => i) })",
      "'a string'",
      "[1, 'two', null, undefined]",
      "new Map([['k', 1]])",
    ]);
    expect(echoed(s, 1)).toBe("'from if'");
    expect(echoed(s, 2)).toBe("3");
    expect(printed(s, 3)).toBe("raw\n");
    expect(echoed(s, 3)).toBe("true");
    expect(echoed(s, 4)).toBeUndefined();
    expect(echoed(s, 5)).toBeUndefined();
    expect(echoed(s, 6)).toBe(
      [
        "{",
        "  nested: { deeper: { deepest: [Object] } },",
        "  list: [",
        "     0,  1,  2,  3,  4,  5,  6,  7,  8,",
        "     9, 10, 11, 12, 13, 14, 15, 16, 17,",
        "    18, 19, 20, 21, 22, 23, 24, 25, 26,",
        "    27, 28, 29",
        "  ]",
        "}",
      ].join("\n"),
    );
    expect(echoed(s, 7)).toBe("'a string'");
    expect(echoed(s, 8)).toBe("[ 1, 'two', null, undefined ]");
    expect(echoed(s, 9)).toBe("Map(1) { 'k' => 1 }");
  });

  test("top-level await, and a promise result is awaited before it is shown", async () => {
    const s = await runSession([
      "const later = await new Promise<number>((resolve) => setTimeout(() => resolve(6), 20)); later * 7",
      "Promise.resolve('resolved')",
      "for await (const x of (async function* () { yield 1; yield 2 })()) console.log('got', x)",
      "later",
    ]);
    expect(echoed(s, 1)).toBe("42");
    expect(echoed(s, 2)).toBe("'resolved'");
    expect(printed(s, 3)).toBe("got 1\ngot 2\n");
    expect(echoed(s, 4)).toBe("6");
  });

  test("static imports of node built-ins, npm packages and greenlet-ts (the same runtime instance)", async () => {
    const s = await runSession([
      "import path from 'node:path'; import { readFileSync } from 'fs'; path.basename('/a/b.txt') + ' ' + typeof readFileSync",
      "import * as acorn from 'acorn'; typeof acorn.parse",
      "import { greenlet as g2, getcurrent as gc2 } from 'greenlet-ts'; g2 === greenlet && gc2() === getcurrent()",
      "const os = await import('node:os'); typeof os.cpus",
      "const req = require('node:util'); typeof req.inspect",
    ]);
    expect(s.results.map((r) => r.status)).toEqual(["ok", "ok", "ok", "ok", "ok"]);
    expect(echoed(s, 1)).toBe("'b.txt function'");
    expect(echoed(s, 2)).toBe("'function'");
    expect(echoed(s, 3)).toBe("true");
    expect(echoed(s, 4)).toBe("'function'");
    expect(echoed(s, 5)).toBe("'function'");
  });

  test("every cell runs in the session's main greenlet, with the runtime pre-bound", async () => {
    const s = await runSession([
      "getcurrent().parent === null && typeof Greenlet + typeof GreenletExit + typeof GreenletError + typeof settrace + typeof gettrace + typeof collect + typeof finalize + typeof display",
      "const g = greenlet(async (x: number) => (await getcurrent().parent!.switch(x + 1)) as number * 2); await g.switch(1)",
      "await g.switch(21)",
      "g.dead",
    ]);
    expect(echoed(s, 1)).toBe("'functionfunctionfunctionfunctionfunctionfunctionfunctionfunction'");
    expect(echoed(s, 2)).toBe("2");
    expect(echoed(s, 3)).toBe("42");
    expect(echoed(s, 4)).toBe("true");
  });
});
