// Drives the real VS Code workbench (the offline VS Code server in headless Chromium) the way a
// user does: command palette, Quick Open, the Problems panel, webview panels, screenshots.
//
// Adding an e2e test: create test/e2e/<feature>.test.ts (mocha BDD, runs on Node), then
//
//   let workbench: Workbench;
//   before(async () => { workbench = await Workbench.open(); });          // extension under development
//   after(() => workbench?.close());
//   it('...', async () => {
//     await workbench.openFile('invalid_rate.py');                        // relative to the folder
//     const rows = await workbench.waitForProblems((r) => r.some((p) => p.code === 'DRP010'));
//     await workbench.runCommand('Dropout Lab: ...');                     // palette label
//     const frame = await workbench.webview();                            // newest webview's content
//     const panel = await workbench.frameWith('body[data-view-type="…"]');  // or find it by content
//     await workbench.screenshot('my-feature');                           // test-results/screenshots/
//   });
//
// `Workbench.open({ vsix })` tests the packaged extension instead; `folder` picks another
// workspace (default test/fixtures/workspace). Run: `npm run test:e2e` (all e2e files) or
// `npm run test:e2e -- --grep Problems`. Every wait polls with a deadline; never add fixed sleeps.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, Frame, FrameLocator, Locator, Page } from 'playwright-core';
import type * as BrowserModule from '../harness/browser';
import type * as ServerModule from '../harness/vscodeServer';

/** The repository root (this file runs from out/test/e2e/). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const FIXTURE_WORKSPACE = path.join(REPO_ROOT, 'test', 'fixtures', 'workspace');
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results', 'screenshots');

// The harness is plain JavaScript shared with the launcher and `npm start`; tsc does not copy it to
// out/, so load it from the source tree (its types come from the .d.ts files next to it).
/* eslint-disable @typescript-eslint/no-require-imports */
const server: typeof ServerModule = require(path.join(REPO_ROOT, 'test', 'harness', 'vscodeServer.js'));
const browsers: typeof BrowserModule = require(path.join(REPO_ROOT, 'test', 'harness', 'browser.js'));
/* eslint-enable @typescript-eslint/no-require-imports */

export interface WorkbenchOptions {
  /** Folder to open (default: test/fixtures/workspace). */
  folder?: string;
  /** Install this .vsix into the server instead of loading the extension under development. */
  vsix?: string;
  /** Default true; false leaves workspace trust on, so an unknown folder opens in Restricted Mode. */
  disableWorkspaceTrust?: boolean;
  viewport?: { width: number; height: number };
}

export interface ProblemRow {
  file: string;
  severity: 'error' | 'warning' | 'info' | 'hint' | 'unknown';
  message: string;
  source: string;
  code: string;
  /** 1-based, as the Problems panel shows it. */
  line: number;
  column: number;
}

export interface WaitOptions {
  timeout?: number;
  interval?: number;
}

/**
 * Budgets (ms) for waits on the workbench. They bound how long a broken feature takes to report,
 * not how fast a working one must be: a shared CI host with every core busy runs the workbench,
 * the extension host and the engine several times slower than a quiet machine, so each budget
 * holds many times what the wait takes there.
 */
export const BUDGET = {
  /** A UI element or state reached without heavy work (a quick pick row, a tab, a webview update). */
  ui: 120000,
  /** Something that needs the extension host or a fresh webview (activation, a panel's first render, a lint). */
  host: 180000,
  /** A training run of the engine. */
  training: 600000,
} as const;

/**
 * Resolves with the first value of `probe()` that is neither undefined nor false, polling until
 * `timeout`; `probe` may throw (treated as "not yet"). The timeout error says what was awaited
 * and the last value or error seen, so a failure under load shows how far things got.
 */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, { timeout = BUDGET.ui, interval = 150 }: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? `last error: ${last.message}` : `last value: ${JSON.stringify(last)}`;
      throw new Error(`timed out after ${timeout} ms waiting for ${what} (${detail})`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

const poll = <T>(what: string, probe: () => Promise<T | undefined>, options: WaitOptions = {}): Promise<T> => until(what, probe, options);

export class Workbench {
  /** Lines the page logged (workbench and forwarded extension-host console), for failure messages. */
  readonly consoleLines: string[] = [];

  private constructor(
    readonly page: Page,
    readonly server: ServerModule.VSCodeServer,
    private readonly browser: Browser,
    readonly folder: string,
  ) {
    page.on('console', (message) => {
      this.consoleLines.push(`[${message.type()}] ${message.text()}`);
      if (this.consoleLines.length > 1000) this.consoleLines.shift();
    });
  }

  /** The VS Code version the server runs. */
  get vscodeVersion(): string {
    return this.server.version;
  }

  /** Starts a server, opens the workbench in headless Chromium and waits until it is usable. */
  static async open(options: WorkbenchOptions = {}): Promise<Workbench> {
    const folder = path.resolve(options.folder ?? FIXTURE_WORKSPACE);
    let extensionsDir: string | undefined;
    let dataDir: string | undefined;
    if (options.vsix) {
      if (!fs.existsSync(options.vsix)) throw new Error(`no .vsix at ${options.vsix} (run npm run package)`);
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dropout-lab-e2e-'));
      extensionsDir = path.join(dataDir, 'extensions');
      fs.mkdirSync(extensionsDir, { recursive: true });
      await server.installVsix(options.vsix, extensionsDir);
    }
    const vscodeServer = await server.startVSCodeServer({ dataDir, extensionsDir, disableWorkspaceTrust: options.disableWorkspaceTrust ?? true });
    let browser: Browser | undefined;
    try {
      browser = await browsers.launchBrowser();
      const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 800 } });
      // Playwright's own default (30 s per click, fill or wait) is too tight for a loaded machine.
      page.setDefaultTimeout(BUDGET.ui);
      const workbench = new Workbench(page, vscodeServer, browser, folder);
      const url = server.workbenchUrl(vscodeServer, { folder, extensionDevelopmentPath: options.vsix ? undefined : REPO_ROOT });
      await page.goto(url);
      await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: BUDGET.host });
      // The explorer shows the folder once the remote file system is connected.
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: BUDGET.host });
      return workbench;
    } catch (error) {
      await browser?.close().catch(() => undefined);
      await vscodeServer.stop();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Closes the browser and stops the server (and removes its data). */
  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await this.server.stop();
    fs.rmSync(this.server.dataDir, { recursive: true, force: true });
  }

  private quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /**
   * Opens the quick input with `key`, types `text`, and clicks the row `rowMatches` selects. The
   * palette does not refresh when commands register later (the extension activates a few seconds
   * after the workbench shows), so each attempt reopens it; attempts repeat until `timeout`.
   */
  private async pick(key: string, text: string, rowMatches: (label: string) => boolean, what: string, timeout: number = BUDGET.host): Promise<void> {
    const input = this.quickInput().locator('input.input');
    const rows = this.quickInput().locator('.quick-input-list .monaco-list-row');
    let labels: string[] = [];
    await poll(what, async () => {
      await this.page.keyboard.press('Escape');
      await this.page.keyboard.press(key);
      await input.waitFor({ state: 'visible', timeout: BUDGET.ui });
      await input.fill(text);
      // Results arrive asynchronously (file search, command list): watch this attempt for a while,
      // then reopen (a palette opened before the extension registered never shows its commands).
      const index = await poll(what, async () => {
        labels = await rows.evaluateAll((els) => els.map((e) => e.querySelector('.label-name')?.textContent ?? e.getAttribute('aria-label') ?? ''));
        const at = labels.findIndex(rowMatches);
        return at >= 0 ? at : undefined;
      }, { timeout: 15000, interval: 100 }).catch(() => undefined);
      if (index === undefined) return undefined;
      // The list can re-render between reading and clicking (late results): then try again.
      return rows.nth(index).click({ timeout: 15000 }).then(() => true, () => undefined);
    }, { timeout, interval: 0 }).catch((error: Error) => {
      throw new Error(`${error.message}; rows shown: ${JSON.stringify(labels.slice(0, 10))}`);
    });
    await this.quickInput().waitFor({ state: 'hidden', timeout: BUDGET.ui });
  }

  /** Runs a command from the command palette by its full label, e.g. 'Problems: Focus on Problems View'. */
  async runCommand(label: string): Promise<void> {
    await this.pick('F1', `>${label}`, (l) => l.trim() === label, `command "${label}" in the palette`);
  }

  /** Opens a file of the workspace through Quick Open and waits for its editor tab. */
  async openFile(relativePath: string): Promise<void> {
    const name = path.basename(relativePath);
    await this.pick('Control+P', relativePath, (l) => l.trim() === name, `"${relativePath}" in Quick Open`);
    await this.page.locator(`.tabs-container .tab.active[data-resource-name="${name}"]`).waitFor({ timeout: BUDGET.ui });
  }

  /** Shows the Problems panel. */
  async showProblems(): Promise<void> {
    await this.runCommand('Problems: Focus on Problems View');
    await this.page.locator('.markers-panel').waitFor({ state: 'visible', timeout: BUDGET.ui });
  }

  /** The rows the Problems panel currently shows (file rows are folded into each problem). */
  async problems(): Promise<ProblemRow[]> {
    return this.page.locator('.markers-panel .monaco-list-row').evaluateAll((rows) => {
      const result: ProblemRow[] = [];
      let file = '';
      for (const row of rows) {
        const details = row.querySelector('.marker-message-details-container');
        if (!details) {
          file = row.querySelector('.label-name')?.textContent?.trim() ?? file;
          continue;
        }
        const icon = row.querySelector('.marker-icon');
        const severity = (['error', 'warning', 'info', 'hint'] as const).find((s) => icon?.classList.contains(s)) ?? 'unknown';
        const where = /Ln (\d+), Col (\d+)/.exec(row.querySelector('.marker-line')?.textContent ?? '');
        result.push({
          file,
          severity,
          message: row.querySelector('.marker-message')?.textContent?.trim() ?? '',
          source: row.querySelector('.marker-source')?.textContent?.trim() ?? '',
          code: row.querySelector('.marker-code')?.textContent?.trim() ?? '',
          line: where ? Number(where[1]) : 0,
          column: where ? Number(where[2]) : 0,
        });
      }
      return result;
    });
  }

  /** Shows the Problems panel and waits until its rows satisfy `accept`. */
  async waitForProblems(accept: (rows: ProblemRow[]) => boolean, options?: WaitOptions): Promise<ProblemRow[]> {
    await this.showProblems();
    return poll('the Problems panel to show the expected rows', async () => {
      const rows = await this.problems();
      return accept(rows) ? rows : undefined;
    }, { timeout: BUDGET.host, ...options });
  }

  /**
   * The content frame of a webview panel (VS Code nests it: iframe.webview > #active-frame).
   * `index` counts ready webviews in DOM order; the default is the newest.
   */
  async webview(index?: number, options?: WaitOptions): Promise<FrameLocator> {
    const outer = this.page.locator('iframe.webview.ready');
    const count = await poll('a ready webview', async () => {
      const n = await outer.count();
      return n > (index ?? 0) ? n : undefined;
    }, options);
    return outer.nth(index ?? count - 1).contentFrame().frameLocator('#active-frame');
  }

  /**
   * The first frame (webview content included, however deeply nested) that contains `selector`,
   * e.g. `body[data-view-type="dropoutLab.network"]`: robust when several webviews are open.
   */
  async frameWith(selector: string, options?: WaitOptions): Promise<Frame> {
    return poll(`a frame containing ${selector}`, async () => {
      for (const frame of this.page.frames()) {
        if (frame.isDetached()) continue;
        if ((await frame.locator(selector).count().catch(() => 0)) > 0) return frame;
      }
      return undefined;
    }, { timeout: BUDGET.host, ...options });
  }

  /** Saves a PNG of the whole window to test-results/screenshots/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** The last server output and page console lines, to attach to an assertion message. */
  diagnosticsText(lines = 40): string {
    return [`server:`, ...this.server.output.slice(-lines), `page console:`, ...this.consoleLines.slice(-lines)].join('\n');
  }
}
