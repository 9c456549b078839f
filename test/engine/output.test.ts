import { echoed, printed, runSession } from "../helpers/engine.js";

describe("output", () => {
  test("console.*, process.stdout.write and process.stderr.write are captured per cell, in order", async () => {
    const s = await runSession([
      "console.log('one'); process.stderr.write('two\\n'); console.error('three'); process.stdout.write('four\\n'); console.info({ five: 5 })",
      "console.log('next cell')",
    ]);
    const first = s.events.filter((e) => e.kind === "stream" && e.cell === 1).map((e) => [e.name, e.text]);
    expect(first).toEqual([
      ["stdout", "one\n"],
      ["stderr", "two\n"],
      ["stderr", "three\n"],
      ["stdout", "four\n"],
      ["stdout", "{ five: 5 }\n"],
    ]);
    expect(printed(s, 2)).toBe("next cell\n");
  });

  test("late output from a timer or a promise of cell N goes to cell N, not to the cell running then", async () => {
    const s = await runSession([
      "setTimeout(() => console.log('timer of cell 1'), 60); 'cell 1'",
      "new Promise((r) => setTimeout(r, 30)).then(() => console.log('promise of cell 2')); 'cell 2'",
      "await new Promise((r) => setTimeout(r, 150)); console.log('cell 3 itself')",
      { sleep: 50 },
    ]);
    expect(printed(s, 1)).toBe("timer of cell 1\n");
    expect(printed(s, 2)).toBe("promise of cell 2\n");
    expect(printed(s, 3)).toBe("cell 3 itself\n");
  });

  test("output of a greenlet goes to the cell that switched into it", async () => {
    const s = await runSession([
      "const g = greenlet(async () => { for (;;) { console.log('greenlet runs'); await getcurrent().parent!.switch() } })",
      "await g.switch()",
      "await g.switch()",
    ]);
    expect(printed(s, 1)).toBe("");
    expect(printed(s, 2)).toBe("greenlet runs\n");
    expect(printed(s, 3)).toBe("greenlet runs\n");
  });
});

describe("rich output", () => {
  test("display() with MIME types, bytes as base64, ids and updates; the display protocol for results", async () => {
    const s = await runSession([
      "display.html('<b>bold</b>'); display.markdown('# Title'); display.svg('<svg/>'); display.png(new Uint8Array([137, 80, 78, 71])); display.json({ a: [1, 2] })",
      "display('custom text', { mime: 'text/x-custom' }); const h = display('0%', { id: 'progress' }); h!.update('50%'); display('100%', { id: 'progress', update: true })",
      "({ [Symbol.for('Jupyter.display')]() { return { 'text/html': '<i>rich</i>' } }, toString() { return 'plain' } })",
      "display({ [Symbol.for('Jupyter.display')]: () => ({ 'text/markdown': '*md*', 'text/plain': 'md' }) })",
    ]);
    const displays = s.events.filter((e) => e.kind === "display" || e.kind === "update");
    expect(displays.filter((e) => e.cell === 1).map((e) => e.data)).toEqual([
      { "text/html": "<b>bold</b>", "text/plain": "<b>bold</b>" },
      { "text/markdown": "# Title", "text/plain": "# Title" },
      { "image/svg+xml": "<svg/>", "text/plain": "<svg/>" },
      { "image/png": "iVBORw==", "text/plain": "<image/png>" },
      { "application/json": { a: [1, 2] }, "text/plain": "{ a: [ 1, 2 ] }" },
    ]);
    expect(displays.filter((e) => e.cell === 2).map((e) => [e.kind, e.displayId, e.data["text/plain"]])).toEqual([
      ["display", undefined, "custom text"],
      ["display", "progress", "'0%'"],
      ["update", "progress", "'50%'"],
      ["update", "progress", "'100%'"],
    ]);
    const result = s.events.find((e) => e.kind === "result" && e.cell === 3);
    expect(result.data["text/html"]).toBe("<i>rich</i>");
    expect(result.data["text/plain"]).toContain("toString");
    expect(displays.find((e) => e.cell === 4).data).toEqual({ "text/markdown": "*md*", "text/plain": "md" });
    expect(echoed(s, 4)).toBeUndefined();
  });
});
