import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { ROOT } from "../helpers/node-script.js";
import { startNotebookServer, type NotebookServer } from "../helpers/notebook-server.js";

const SCREENSHOT = path.join(ROOT, "test-results", "notebook-greenlet_gc.png");
const INTERRUPT = 'button[data-jupyter-action="jupyter-notebook:interrupt-kernel"]';
const IDLE = "#kernel_indicator_icon.kernel_idle_icon";
const BUSY = "#kernel_indicator_icon.kernel_busy_icon";

interface RenderedCell {
  prompt: string;
  input: string;
  output: string;
  /** Whether an output is rendered as an error (the red traceback box). */
  error: boolean;
}

/** What the page shows of each code cell: its prompt, its source and its output area's text. */
function codeCells(page: Page): Promise<RenderedCell[]> {
  return page.$$eval("#notebook-container .cell.code_cell", (cells) =>
    cells.map((cell) => ({
      // Prompts are written with &nbsp;: "In&nbsp;[1]:".
      prompt: ((cell.querySelector(".input_prompt") as HTMLElement | null)?.innerText ?? "").replace(/\u00a0/g, " ").trim(),
      // CodeMirror pads empty lines with zero-width spaces.
      input: ((cell.querySelector(".input_area") as HTMLElement | null)?.innerText ?? "").replace(/\u200b/g, ""),
      output: ((cell.querySelector(".output_wrapper") as HTMLElement | null)?.innerText ?? "").replace(/\u00a0/g, " "),
      error: cell.querySelector(".output_area .output_error") !== null,
    })),
  );
}

/** The one code cell whose source starts with `start`. */
async function cellStartingWith(page: Page, start: string): Promise<RenderedCell> {
  const found = (await codeCells(page)).filter((cell) => cell.input.trimStart().startsWith(start));
  if (found.length !== 1) throw new Error(`expected one code cell starting with ${JSON.stringify(start)}, found ${found.length}`);
  return found[0];
}

/** Waits until every code cell shows an execution count (none queued or running) and the kernel is idle. */
async function waitForRunToFinish(page: Page, timeout: number): Promise<void> {
  await page.waitForFunction(
    () => {
      const prompts = [...document.querySelectorAll("#notebook-container .cell.code_cell .input_prompt")].map((p) => (p as HTMLElement).innerText);
      return prompts.length > 0 && prompts.every((p) => /In\s*\[\d+\]/.test(p)) && document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null;
    },
    undefined,
    { timeout, polling: 100 },
  );
}

async function screenshot(page: Page): Promise<void> {
  mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  // The classic Notebook scrolls inside #site at window height, so a full-page
  // shot would show only the viewport: let the page grow to its content.
  await page.addStyleTag({
    content: "html, body { position: static !important; height: auto !important; overflow: visible !important; } #site { height: auto !important; overflow: visible !important; }",
  });
  await page.screenshot({ path: SCREENSHOT, fullPage: true, timeout: 20000 });
}

// Debian's chromium, driven by playwright-core, against Debian's classic Notebook server running the installed kernelspec.
describe("greenlet_gc.ipynb in the classic Notebook, in Chromium", () => {
  test("Run All renders the GreenletExit and finalizer lines in the right cells; the toolbar interrupts a busy loop", async () => {
    const server: NotebookServer = await startNotebookServer(["notebooks/greenlet_gc.ipynb"]);
    let browser: Browser | undefined;
    let page: Page | undefined;
    const browserLog: string[] = [];
    try {
      browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox"], timeout: 30000 });
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      page.setDefaultTimeout(30000);
      page.on("pageerror", (error) => browserLog.push(`pageerror: ${error.message}`));
      page.on("console", (message) => message.type() === "error" && browserLog.push(`console: ${message.text()}`));

      await page.goto(`${server.base}/notebooks/greenlet_gc.ipynb?token=${server.token}`, { timeout: 30000 });
      await page.waitForSelector(IDLE, { timeout: 60000 });

      // The copy still holds the outputs stored in the repository: clear them, so that what is checked below was rendered by this run.
      await page.click("#celllink");
      await page.hover("#all_outputs");
      await page.click("#clear_all_output");
      await page.waitForFunction(() => [...document.querySelectorAll("#notebook-container .output_wrapper")].every((o) => (o as HTMLElement).innerText.trim() === ""), undefined, {
        timeout: 10000,
      });
      expect((await codeCells(page)).filter((cell) => cell.output.trim() !== "")).toEqual([]);

      await page.click("#celllink");
      await page.click("#run_all_cells");
      await waitForRunToFinish(page, 90000);

      const cells = await codeCells(page);
      // A cell that failed would stop Run All: every cell got its own count, 1..N in order.
      expect(cells.map((cell) => cell.prompt)).toEqual(cells.map((_, i) => `In [${i + 1}]:`));
      expect(cells.filter((cell) => cell.error || /Error|Traceback/.test(cell.output))).toEqual([]);

      const dropped = await cellStartingWith(page, "glet = null;");
      // The greenlet's catch block prints during the cell, before the cell's value.
      expect(dropped.output).toMatch(/^Got GreenletExit; quitting\s+Out\[\d+\]:\s*null\s*$/);
      // Only the cell that drops the last reference prints it, not the one that started the greenlet.
      expect((await cellStartingWith(page, "let glet")).output).not.toContain("GreenletExit");
      expect(cells.filter((cell) => cell.output.includes("Got GreenletExit; quitting"))).toHaveLength(1);

      // The class defining the finalizer names the line in its source but prints nothing.
      const defining = await cellStartingWith(page, "class Cycle");
      expect(defining.input).toContain('console.log("(Running finalizer)")');
      expect(defining.output).not.toContain("(Running finalizer)");
      // Each cell that frees a cycle shows both finalizers; a cycle held by a suspended frame shows none.
      const finalizing = cells.filter((cell) => cell.output.includes("(Running finalizer)"));
      expect(finalizing.map((cell) => cell.input.trim())).toEqual([
        "await runCycle();",
        "let cycleGlet = greenlet(runCycle);\nawait cycleGlet.switch();",
        "await collectIt();",
        "await collectIt();",
      ]);
      for (const cell of finalizing) expect(cell.output.match(/\(Running finalizer\)/g)).toHaveLength(2);
      const defineInner = cells.filter((cell) => cell.input.trimStart().startsWith("async function inner()"));
      expect(defineInner).toHaveLength(2);
      for (const cell of defineInner) expect(cell.output).not.toContain("(Running finalizer)");
      // A cycle of greenlets is a leak: from the cell where outer keeps its child on its own greenlet
      // object to the cell that drops outerGlet and collects, only "Collecting garbage" and `true`.
      const leakStart = cells.findIndex((cell) => cell.input.includes(".childGreenlet = glet;"));
      const leakEnd = cells.findIndex((cell) => cell.input.trimStart().startsWith("outerGlet = null;"));
      expect(leakStart).toBeGreaterThan(-1);
      expect(leakEnd).toBeGreaterThan(leakStart);
      expect(cells.slice(leakStart, leakEnd + 1).map((cell) => [cell.input.trim().split("\n")[0], cell.output.replace(/\s+/g, " ").trim()])).toEqual([
        ["async function inner() {", ""],
        ["let outerGlet: Greenlet | null = greenlet(outer);", "Collecting garbage"],
        ["outerGlet.dead", expect.stringMatching(/^Out\[\d+\]: true$/)],
        ["await collectIt();", "Collecting garbage"],
        ["outerGlet = null;", "Collecting garbage"],
      ]);
      expect((await cellStartingWith(page, "(await collect()).killed")).output).toMatch(/Out\[\d+\]:\s*0/);

      // A new cell at the end, typed as a user does, spinning forever.
      await page.locator("#notebook-container .cell").last().click();
      await page.click("#insertlink");
      await page.click("#insert_cell_below");
      // By index: locators resolve lazily, and Shift+Enter on the last cell adds another below it.
      const spinning = page.locator("#notebook-container .cell").nth((await page.locator("#notebook-container .cell").count()) - 1);
      await spinning.locator(".CodeMirror").click();
      await page.keyboard.type("while (true) {}");
      await page.keyboard.press("Shift+Enter");
      await spinning.locator(".input_prompt", { hasText: "In [*]" }).waitFor({ timeout: 10000 });
      await page.waitForSelector(BUSY, { timeout: 10000 });
      // Still busy a moment later: the loop really runs, the busy state is not the start of a quick cell.
      await page.waitForTimeout(1000);
      expect(await page.$(BUSY)).not.toBeNull();

      await page.click(INTERRUPT);
      await page.waitForSelector(IDLE, { timeout: 20000 });
      await spinning.locator(".input_prompt").filter({ hasText: /In\s*\[\d+\]/ }).waitFor({ timeout: 10000 });
      const interrupted = await cellStartingWith(page, "while (true)");
      expect(interrupted.input.trim()).toBe("while (true) {}");
      expect(interrupted.prompt).toMatch(/^In \[\d+\]:$/);
      expect(interrupted.error).toBe(true);
      expect(interrupted.output).toContain("Interrupted");

      // The kernel survived the interrupt: the cell Shift+Enter added below runs.
      const after = page.locator("#notebook-container .cell").nth((await page.locator("#notebook-container .cell").count()) - 1);
      await after.locator(".CodeMirror").click();
      await page.keyboard.type("1 + 1");
      await page.keyboard.press("Shift+Enter");
      await after.locator(".output_wrapper", { hasText: /Out\[\d+\]:\s*2/ }).waitFor({ timeout: 20000 });
      await page.waitForSelector(IDLE, { timeout: 10000 });
      const last = await cellStartingWith(page, "1 + 1");
      expect(last.output).toMatch(/^Out\[\d+\]:\s*2\s*$/);
      expect(last.error).toBe(false);

      await screenshot(page);
    } catch (error) {
      if (page) await screenshot(page).catch(() => undefined);
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      throw new Error(`${message}\n\nscreenshot: ${SCREENSHOT}\n\nbrowser:\n${browserLog.slice(-20).join("\n")}\n\nNotebook server log (tail):\n${server.logTail()}`);
    } finally {
      await browser?.close().catch(() => undefined);
      await server.stop();
    }
  }, 150000);
});
