import { chromium, type Browser, type Page } from "playwright-core";
import { startNotebookServer, type NotebookServer } from "../helpers/notebook-server.js";

// The kernel's language_info.codemirror_mode is the mode name "typescript" (a string, which every
// client can read). Here the classic Notebook, in Chromium, gets it from kernel_info and must still
// highlight TypeScript: its CodeMirror 5 finds "typescript" in its mode list (the JavaScript mode
// with TypeScript on, MIME application/typescript), where `interface` is a keyword; in plain
// JavaScript it would be a variable name. The fixture notebook stores no language_info, so the mode
// can only come from the kernel.

interface ModeSeen {
  /** What the Notebook took from kernel_info into the notebook's metadata. */
  fromKernel: unknown;
  /** The code cell's CodeMirror mode option, and the mode CodeMirror resolved it to. */
  option: unknown;
  modeName: string;
  typescript: boolean;
  /** CodeMirror's token styles for `interface`, the type annotation `number`, and `const`. */
  tokens: Record<string, string | null>;
  /** The styled spans of the rendered first line, as the user sees them. */
  rendered: Array<[string, string]>;
}

function modeSeen(page: Page): Promise<ModeSeen> {
  return page.evaluate(() => {
    const notebook = (window as any).Jupyter.notebook;
    const cm = notebook.get_cell(0).code_mirror;
    const line = cm.getLine(0) as string;
    const at = (word: string) => cm.getTokenTypeAt({ line: 0, ch: line.indexOf(word) + 1 });
    const firstLine = document.querySelector("#notebook-container .cell.code_cell .CodeMirror-line");
    return {
      fromKernel: notebook.metadata.language_info?.codemirror_mode,
      option: cm.getOption("mode"),
      modeName: cm.getMode().name,
      // The spec the MIME type stands for: CodeMirror's JavaScript mode reads `typescript` from it.
      typescript: (window as any).CodeMirror.resolveMode(cm.getOption("mode")).typescript === true,
      tokens: { interface: at("interface"), number: at("number"), const: cm.getTokenTypeAt({ line: 1, ch: 1 }) },
      rendered: [...(firstLine?.querySelectorAll("span[class^='cm-']") ?? [])].map((span) => [span.textContent ?? "", span.className] as [string, string]),
    };
  });
}

describe("the classic Notebook in Chromium, with the kernel's codemirror_mode", () => {
  test("a code cell is highlighted as TypeScript: mode application/typescript, `interface` a keyword", async () => {
    const server: NotebookServer = await startNotebookServer(["test/notebooks/fixtures/typescript-mode.ipynb"]);
    let browser: Browser | undefined;
    const browserLog: string[] = [];
    try {
      browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox"], timeout: 30000 });
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      page.setDefaultTimeout(30000);
      page.on("pageerror", (error) => browserLog.push(`pageerror: ${error.message}`));
      page.on("console", (message) => message.type() === "error" && browserLog.push(`console: ${message.text()}`));
      await page.goto(`${server.base}/notebooks/typescript-mode.ipynb?token=${server.token}`, { timeout: 30000 });
      await page.waitForSelector("#kernel_indicator_icon.kernel_idle_icon", { timeout: 60000 });
      // The mode is set once kernel_info has come and the mode's script has loaded.
      await page.waitForFunction(() => (window as any).Jupyter?.notebook?.get_cell(0)?.code_mirror?.getOption("mode") !== "text", undefined, { timeout: 30000, polling: 100 });

      const seen = await modeSeen(page);
      expect(seen.fromKernel).toBe("typescript");
      expect(seen.option).toBe("application/typescript");
      expect(seen.modeName).toBe("javascript");
      expect(seen.typescript).toBe(true);
      expect(seen.tokens).toEqual({ interface: "keyword", number: "type", const: "keyword" });
      expect(seen.rendered.find(([text]) => text === "interface")?.[1]).toBe("cm-keyword");

      // And the cell runs.
      await page.locator("#notebook-container .cell.code_cell .CodeMirror").first().click();
      await page.keyboard.press("Shift+Enter");
      await page.locator("#notebook-container .cell.code_cell .output_wrapper", { hasText: /Out\[1\]:\s*3/ }).waitFor({ timeout: 20000 });
      expect(browserLog.filter((line) => !/favicon/.test(line))).toEqual([]);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      throw new Error(`${message}\n\nbrowser:\n${browserLog.slice(-20).join("\n")}\n\nNotebook server log (tail):\n${server.logTail()}`);
    } finally {
      await browser?.close().catch(() => undefined);
      await server.stop();
    }
  }, 120000);
});
