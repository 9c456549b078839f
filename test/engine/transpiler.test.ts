import { echoed, runSession } from "../helpers/engine.js";
import { fixture } from "../helpers/cli.js";

/**
 * oxc strips the types of cells and project files; swc, 21 MB more, is
 * loaded only for what oxc leaves undone: TC39 decorators (and a runtime
 * helper oxc would import, as for `using`).
 */
describe("the transpiler: oxc, and swc only when a decorator needs it", () => {
  test("ordinary cells, a project file, a syntax error, is_complete and a stack trace never load @swc/core; a decorator cell does, and so does a decorated file", async () => {
    const dir = fixture({
      // An `@` in a comment, a string and a regular expression is no decorator.
      "src/shapes.ts": "/** @param kind its kind */\nexport enum Kind { Circle, Square }\nexport class Shape { constructor(readonly kind: Kind) {} }\nexport function fail(): never { throw new Error('from a file'); }\nexport const mail = /^[^@]+@x$/.test('a@x');\n",
      "src/decorated.ts": "const named = (value: any, context: ClassDecoratorContext) => { value.label = String(context.name); };\n@named export class Tagged {}\nexport function fail(): never { throw new Error('decorated'); }\n",
    });
    const s = await runSession(
      [
        { moduleLoaded: "@swc/core" },
        { moduleLoaded: "oxc-transform" },
        "enum Color { Red, Green = 'green' }\nnamespace Geometry { export const unit = 1 }\n[Color.Red, Color.Green, Geometry.unit]",
        "class Point { constructor(public x: number, private y = 2) {} }\nconst p = { ...new Point(1) } satisfies object; p",
        'import { Kind, Shape, fail } from "./src/shapes.ts"; new Shape(Kind.Square)',
        "let broken = ;",
        { isComplete: "function f() {" },
        "fail()",
        { moduleLoaded: "@swc/core" },
        "function logged(value: any, context: ClassMethodDecoratorContext) { return function (this: any) { return `${String(context.name)}: ${value.call(this)}` } }\nclass Greeter { @logged hi() { return 'hi' } }\nnew Greeter().hi()",
        { moduleLoaded: "@swc/core" },
        'import { Tagged, fail as failToo } from "./src/decorated.ts"; (Tagged as any).label',
        "failToo()",
      ],
      { cwd: dir },
    );
    expect(s.results[0]).toEqual({ loaded: false });
    // oxc too is loaded only when a first cell is compiled.
    expect(s.results[1]).toEqual({ loaded: false });
    expect(echoed(s, 1)).toBe("[ 0, 'green', 1 ]");
    expect(echoed(s, 2)).toBe("{ x: 1, y: 2 }");
    expect(echoed(s, 3)).toBe("Shape { kind: 1 }");
    expect(s.results[5].error.traceback).toEqual(["SyntaxError: Unexpected token", "    at cell[4]:1:14"]);
    expect(s.results[6]).toEqual({ status: "incomplete", indent: "  " });
    expect(s.results[7].error.traceback.slice(0, 3)).toEqual(["Error: from a file", "    at fail (src/shapes.ts:4:39)", "    at cell[5]:1:1"]);
    expect(s.results[8]).toEqual({ loaded: false });
    expect(echoed(s, 6)).toBe("'hi: hi'");
    expect(s.results[10]).toEqual({ loaded: true });
    // A project file with a decorator: swc strips its types, oxc still links it, and its stack is mapped through both.
    expect(echoed(s, 7)).toBe("'Tagged'");
    expect(s.results[12].error.traceback.slice(0, 2)).toEqual(["Error: decorated", "    at fail (src/decorated.ts:3:39)"]);
  });

  test("imports: every value import is kept, used or not, and `import type` is removed; class fields are defined", async () => {
    const s = await runSession([
      'import { inspect } from "node:util";\nimport type { Nothing } from "no-such-package";\n1',
      "typeof inspect",
      "class Base { set x(v: number) { throw new Error('the setter ran') } }\nclass Field extends Base { x = 1 }\nnew Field().x",
    ]);
    expect(s.results.map((r) => r.status)).toEqual(["ok", "ok", "ok"]);
    expect(echoed(s, 2)).toBe("'function'");
    // [[Define]] semantics (useDefineForClassFields): the field does not go through the base class's setter.
    expect(echoed(s, 3)).toBe("1");
  });
});
