// Settings, pyproject.toml and robustness inside VS Code: a changed setting re-lints open files,
// pyproject.toml's [tool.dropout-lab] applies (and settings override it), a broken pyproject.toml
// is shown on the file, files over the size limit are skipped, the workspace lint fills Problems,
// and a 5,000-line file keeps its diagnostics current while it is edited.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { summarize, tokenRange } from './editorHelpers';
import { activateExtension, BUDGET, closeAllEditors, fixtureUri, openFixture, rangeText, ruleOf, waitFor, waitForDiagnostics } from './util';

const config = () => vscode.workspace.getConfiguration('dropoutLab');
/** Global (user) settings: the fixture folder's .vscode/settings.json is never written. */
async function setSetting(key: string, value: unknown): Promise<void> {
  await config().update(key, value, vscode.ConfigurationTarget.Global);
}

describe('Editor: settings, pyproject.toml and large files', () => {
  before(activateExtension);
  afterEach(async () => {
    for (const key of ['ignore', 'select', 'severity', 'maxFileSize', 'enable', 'run']) await setSetting(key, undefined);
    await closeAllEditors();
  });

  it('re-lints open files when a setting changes (ignore, severity, enable)', async () => {
    const { document } = await openFixture('editor/several_rules.py');
    const uri = document.uri;
    await waitForDiagnostics(uri, (d) => d.some((x) => ruleOf(x) === 'DRP010'));
    await setSetting('ignore', ['DRP010']);
    await waitForDiagnostics(uri, (d) => d.length > 0 && !d.some((x) => ruleOf(x) === 'DRP010'), { what: 'DRP010 to be ignored' });
    await setSetting('ignore', undefined);
    await setSetting('severity', { DRP010: 'hint' });
    const hinted = await waitForDiagnostics(uri, (d) => d.some((x) => ruleOf(x) === 'DRP010' && x.severity === vscode.DiagnosticSeverity.Hint));
    assert.strictEqual(hinted.find((x) => ruleOf(x) === 'DRP012')?.severity, vscode.DiagnosticSeverity.Warning);
    await setSetting('enable', false);
    await waitForDiagnostics(uri, (d) => d.length === 0, { what: 'diagnostics to clear when disabled' });
    await setSetting('enable', undefined);
    await waitForDiagnostics(uri, (d) => d.some((x) => ruleOf(x) === 'DRP010'), { what: 'diagnostics to return when enabled' });
  });

  it('with dropoutLab.run "onSave", lints what was saved', async () => {
    await setSetting('run', 'onSave');
    // A scratch file in the fixture folder (deleted afterwards): saving must not touch committed fixtures.
    const scratch = fixtureUri('editor/on_save_scratch.py');
    await vscode.workspace.fs.writeFile(scratch, new TextEncoder().encode('import torch.nn as nn\n\ndrop = nn.Dropout(0.5)\n'));
    try {
      const document = await vscode.workspace.openTextDocument(scratch);
      const editor = await vscode.window.showTextDocument(document);
      await editor.edit((b) => b.replace(new vscode.Range(2, 18, 2, 21), '1.5'));
      assert.ok(await document.save(), 'the scratch file was not saved');
      const diagnostics = await waitForDiagnostics(scratch, (d) => d.some((x) => ruleOf(x) === 'DRP010'));
      assert.deepStrictEqual(summarize(diagnostics), ['DRP010@2:18-2:21']);
    } finally {
      await closeAllEditors();
      await vscode.workspace.fs.delete(scratch);
    }
  });

  it('applies [tool.dropout-lab] from the nearest pyproject.toml, and settings override it', async () => {
    const { document } = await openFixture('editor/configured/model.py');
    const uri = document.uri;
    // pyproject.toml ignores DRP012 (the GRU) and turns DRP010 into a warning.
    const diagnostics = await waitForDiagnostics(uri, (d) => d.some((x) => ruleOf(x) === 'DRP010'));
    assert.deepStrictEqual(summarize(diagnostics), [`DRP010@${rangeText(tokenRange(document, 'nn.Dropout(1.5)', '1.5'))}`]);
    assert.strictEqual(diagnostics[0].severity, vscode.DiagnosticSeverity.Warning);
    // An explicit setting outranks pyproject.toml.
    await setSetting('severity', { DRP010: 'error' });
    await waitForDiagnostics(uri, (d) => d.some((x) => ruleOf(x) === 'DRP010' && x.severity === vscode.DiagnosticSeverity.Error));
    // Layers apply Ruff-style: a `select` in the settings replaces the rule set pyproject.toml left.
    await setSetting('select', ['ALL']);
    const all = await waitForDiagnostics(uri, (d) => d.some((x) => ruleOf(x) === 'DRP012'), { what: 'DRP012 back once the settings select ALL' });
    assert.deepStrictEqual(summarize(all, ['DRP012']), [`DRP012@${rangeText(tokenRange(document, 'nn.GRU(', '0.5'))}`]);
  });

  it('shows a broken pyproject.toml as a diagnostic on it and lints with the defaults', async () => {
    const { document } = await openFixture('editor/broken_config/model.py');
    const diagnostics = await waitForDiagnostics(document.uri, (d) => d.some((x) => ruleOf(x) === 'DRP012') && d.some((x) => ruleOf(x) === 'DRP010'));
    assert.deepStrictEqual(summarize(diagnostics, ['DRP010', 'DRP012']).length, 2);
    const pyproject = fixtureUri('editor/broken_config/pyproject.toml');
    const problems = await waitForDiagnostics(pyproject, (d) => d.length === 1);
    assert.strictEqual(problems[0].severity, vscode.DiagnosticSeverity.Error);
    assert.match(problems[0].message, /DRP999/);
    assert.strictEqual(problems[0].range.start.line, 2, 'the diagnostic sits on the `ignore = ["DRP999"]` line');
  });

  it('reports an invalid setting visibly and keeps linting', async () => {
    const { document } = await openFixture('editor/several_rules.py');
    await setSetting('select', ['DRP010', 'NOT-A-RULE']);
    // The bad `select` is dropped as a whole (reported in a message and the log); all rules still run.
    await waitForDiagnostics(document.uri, (d) => d.some((x) => ruleOf(x) === 'DRP010') && d.some((x) => ruleOf(x) === 'DRP012'));
  });

  it('skips a file over dropoutLab.maxFileSize and lints it again under the limit', async () => {
    const { document } = await openFixture('editor/several_rules.py');
    await waitForDiagnostics(document.uri, (d) => d.some((x) => ruleOf(x) === 'DRP010'));
    await setSetting('maxFileSize', 100);
    await waitForDiagnostics(document.uri, (d) => d.length === 0, { what: 'the oversized file to be skipped' });
    await setSetting('maxFileSize', undefined);
    await waitForDiagnostics(document.uri, (d) => d.some((x) => ruleOf(x) === 'DRP010'));
  });

  it('keeps diagnostics current while a 5,000-line file is edited', async function () {
    this.timeout(5 * BUDGET.heavy);
    const block = (i: number) => [`class Block${i}(nn.Module):`, '    def __init__(self):', '        super().__init__()', `        self.fc = nn.Linear(${i + 1}, 8)`, ''];
    const lines = ['import torch.nn as nn', ''];
    for (let i = 0; lines.length < 5000; i++) lines.push(...block(i));
    const document = await vscode.workspace.openTextDocument({ language: 'python', content: lines.join('\n') });
    const editor = await vscode.window.showTextDocument(document);
    assert.ok(document.lineCount >= 5000);
    const uri = document.uri;
    // Type an invalid rate near the end of the file.
    const line = document.lineCount - 3;
    await editor.edit((b) => b.insert(new vscode.Position(line, document.lineAt(line).text.length), '\n        self.drop = nn.Dropout(1.5)'));
    const at = line + 1;
    // A generous deadline: a full lint of 5,000 lines takes about a second on a busy 2-core machine.
    const slow = { timeout: BUDGET.heavy };
    await waitForDiagnostics(uri, (d) => summarize(d).join() === `DRP010@${at}:31-${at}:34`, { what: 'DRP010 near the end', ...slow });
    // Insert 3 lines at the top: the diagnostic must follow the code down.
    await editor.edit((b) => b.insert(new vscode.Position(1, 0), '# one\n# two\n# three\n'));
    await waitForDiagnostics(uri, (d) => summarize(d).join() === `DRP010@${at + 3}:31-${at + 3}:34`, { what: 'DRP010 to move down 3 lines', ...slow });
    // Fix the rate in the middle of many quick edits; only the final state counts.
    for (const digit of ['2', '3', '4']) {
      await editor.edit((b) => b.replace(new vscode.Range(at + 3, 31, at + 3, 34), `0.${digit}`));
    }
    await waitForDiagnostics(uri, (d) => d.length === 0, { what: 'the fixed rate to clear', ...slow });
    assert.strictEqual(document.lineAt(at + 3).text, '        self.drop = nn.Dropout(0.4)');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('keeps linting other documents next to hostile ones (deep nesting, NUL bytes, broken syntax)', async function () {
    this.timeout(2 * BUDGET.heavy);
    const hostile = [
      `x = ${'('.repeat(20000)}1${')'.repeat(20000)}\n`,
      'import torch.nn as nn\nd = nn.Dropout(\u0000\u0000 1.5\n\u0000',
      'class (((:\n  def forward(self, x:\n    return F.dropout(x, 0.5\n' + ')]}'.repeat(5000),
    ];
    const documents = await Promise.all(hostile.map((content) => vscode.workspace.openTextDocument({ language: 'python', content })));
    for (const document of documents) await vscode.window.showTextDocument(document, { preview: false });
    const { document } = await openFixture('editor/noqa.py');
    // The normal file gets its findings whatever happened to the others.
    await waitForDiagnostics(document.uri, (d) => summarize(d).length === 2, { timeout: BUDGET.heavy });
  });

  it('"Lint Workspace" stops when cancelled and says so', async () => {
    const cancellation = new vscode.CancellationTokenSource();
    cancellation.cancel();
    const summary = await vscode.commands.executeCommand<{ files: number; cancelled: boolean }>('dropoutLab.lintWorkspace', cancellation.token);
    assert.strictEqual(summary.cancelled, true);
    assert.strictEqual(summary.files, 0);
  });

  it('"Lint Workspace" lints closed files off the main thread and fills the Problems panel', async () => {
    await closeAllEditors();
    const summary = await vscode.commands.executeCommand<{ files: number; findings: number; cancelled: boolean }>('dropoutLab.lintWorkspace');
    assert.ok(summary.files >= 7, `linted ${summary.files} files`);
    assert.strictEqual(summary.cancelled, false);
    const closed = fixtureUri('editor/noqa.py');
    const diagnostics = await waitForDiagnostics(closed, (d) => d.length > 0);
    assert.deepStrictEqual(diagnostics.map((d) => `${ruleOf(d)}@${rangeText(d.range)}`).sort(), ['DRP010@3:18-3:21', 'DRP010@5:24-5:27']);
    await waitFor(() => vscode.languages.getDiagnostics(fixtureUri('editor/configured/model.py')).length === 1, { what: 'pyproject.toml to apply in the workspace lint' });
    // A closed notebook: the finding names its cell (3rd cell, 1st line) since cell documents are not open.
    const notebook = await waitForDiagnostics(fixtureUri('editor/closed_notebook.ipynb'), (d) => d.length > 0);
    assert.deepStrictEqual(notebook.map((d) => [ruleOf(d), d.message.slice(0, 18)]), [['DRP010', '[cell 3, line 1] I']]);
  });
});
