// Dropout Lab as a new user meets it, through the browser: the packaged .vsix installed into the
// offline VS Code, the examples/ folder open, squiggles and Problems entries for an example, the
// rule id linking to its documentation, and a fix applied from the light bulb. The screenshots go
// to test-results/screenshots/ (the README shows copies of them).
import * as assert from 'assert';
import * as childProcess from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BUDGET, REPO_ROOT, Workbench } from './workbench';

const VSIX = path.join(REPO_ROOT, 'dropout-lab.vsix');
const EXAMPLE = 'classifier_forward_mistakes.py';

/** Packages the extension unless an up-to-date .vsix is there (vsix.test.ts may have just made one). */
function ensureVsix(): void {
  const built = path.join(REPO_ROOT, 'dist', 'extension.js');
  if (fs.existsSync(VSIX) && fs.existsSync(built) && fs.statSync(VSIX).mtimeMs >= fs.statSync(built).mtimeMs) return;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = childProcess.spawnSync(npm, ['run', 'package'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 180000 });
  assert.strictEqual(result.status, 0, `npm run package failed:\n${result.stdout}\n${result.stderr}`);
}

describe('editor experience of the installed .vsix on examples/', function () {
  this.timeout(4 * BUDGET.host);
  let workbench: Workbench | undefined;
  let folder: string;

  before(async () => {
    ensureVsix();
    // A scratch copy of examples/: applying a fix may save the file, and the repository's copy must stay as committed.
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'dropout-lab-examples-'));
    fs.cpSync(path.join(REPO_ROOT, 'examples'), folder, { recursive: true });
    workbench = await Workbench.open({ vsix: VSIX, folder });
  });
  after(async () => {
    await workbench?.close();
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
  });

  it('underlines the mistakes and lists them in the Problems panel', async () => {
    const wb = workbench!;
    await wb.openFile(EXAMPLE);
    const rows = await wb.waitForProblems((r) => ['DRP001', 'DRP004', 'DRP005'].every((code) => r.some((p) => p.code === code && p.file === EXAMPLE)))
      .catch((error: Error) => { throw new Error(`${error.message}\n${wb.diagnosticsText()}`); });
    // From the example's text: line 23 is `        x = F.dropout(x, 0.2)`, so `F.dropout` starts at column 13 (1-based).
    const drp004 = rows.find((p) => p.code === 'DRP004' && p.file === EXAMPLE)!;
    assert.deepStrictEqual([drp004.line, drp004.column, drp004.severity, drp004.source], [23, 13, 'warning', 'Dropout Lab']);
    await wb.page.locator('.monaco-editor .squiggly-warning').first().waitFor({ timeout: BUDGET.host });
    await wb.screenshot('editor-squiggles-and-problems');
  });

  it("opens a rule's documentation from its id in the Problems panel", async () => {
    const wb = workbench!;
    await wb.showProblems();
    const row = wb.page.locator('.markers-panel .monaco-list-row', { hasText: 'DRP004' }).first();
    await row.locator('.marker-code a, a.monaco-link').first().click();
    await wb.page.locator('.tabs-container .tab[data-resource-name="DRP004.md"]').waitFor({ timeout: BUDGET.host });
    await wb.screenshot('editor-rule-documentation');
  });

  it('applies "Pass training=self.training" from the light bulb and the problem goes away', async () => {
    const wb = workbench!;
    await wb.openFile(EXAMPLE);
    await wb.page.locator('.monaco-editor .squiggly-warning').first().waitFor({ timeout: BUDGET.host });
    // Put the cursor on the DRP004 call with Go to Line/Column.
    await wb.page.keyboard.press('Control+G');
    await wb.page.keyboard.type('23:13');
    await wb.page.keyboard.press('Enter');
    // The light bulb appears once the code actions for the cursor position are known; click it.
    const bulb = wb.page.locator('.monaco-editor .lightBulbWidget');
    await bulb.waitFor({ state: 'visible', timeout: BUDGET.host });
    await bulb.click();
    const fix = wb.page.locator('.action-widget .monaco-list-row', { hasText: 'Pass training=self.training' });
    await fix.waitFor({ timeout: BUDGET.host }).catch(async (error: Error) => {
      const shot = await wb.screenshot('editor-light-bulb-failure');
      throw new Error(`${error.message} (screenshot: ${shot})`);
    });
    assert.ok(await wb.page.locator('.action-widget .monaco-list-row', { hasText: 'Disable DRP004 for this line' }).count() > 0);
    await wb.screenshot('editor-light-bulb-fix');
    // The preferred (safe) fix is the focused row; Enter applies it as a keyboard user would.
    await wb.page.locator('.action-widget .monaco-list-row.focused[aria-label="Pass training=self.training"]').waitFor({ timeout: BUDGET.ui });
    await wb.page.keyboard.press('Enter');
    await wb.page.locator('.monaco-editor .view-line', { hasText: 'x = F.dropout(x, 0.2, training=self.training)' }).waitFor({ timeout: BUDGET.host });
    await wb.waitForProblems((r) => !r.some((p) => p.code === 'DRP004' && p.file === EXAMPLE) && r.some((p) => p.code === 'DRP005' && p.file === EXAMPLE));
    await wb.screenshot('editor-after-fix');
  });
});
