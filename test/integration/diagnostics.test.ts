// Diagnostics end to end inside VS Code: the extension activates on a Python document, DRP010
// reaches vscode.languages.getDiagnostics at the rate argument, and an edit clears it again.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, openFixture, rangeText, ruleOf, waitForDiagnostics } from './util';

describe('Dropout Lab diagnostics', () => {
  before(activateExtension);
  afterEach(closeAllEditors);

  it('reports DRP010 on nn.Dropout(p=1.5) at the rate literal', async () => {
    const editor = await openFixture('invalid_rate.py');
    const diagnostics = await waitForDiagnostics(editor.document.uri);

    assert.strictEqual(diagnostics.length, 1, diagnostics.map((d) => d.message).join('\n'));
    const [diagnostic] = diagnostics;
    assert.strictEqual(ruleOf(diagnostic), 'DRP010');
    // Line 9 of the fixture is `        self.drop = nn.Dropout(p=1.5)`: 8 spaces + `self.drop = `
    // + `nn.Dropout(` + `p=` puts the literal `1.5` at columns 33..36 (0-based, end exclusive).
    assert.strictEqual(editor.document.lineAt(8).text, '        self.drop = nn.Dropout(p=1.5)');
    assert.strictEqual(rangeText(diagnostic.range), '8:33-8:36');
    assert.strictEqual(editor.document.getText(diagnostic.range), '1.5');
    assert.strictEqual(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.match(diagnostic.message, /p=1\.5/);
    const code = diagnostic.code as { value: string; target: vscode.Uri };
    assert.match(code.target.toString(), /DRP010\.md$/);
  });

  it('clears DRP010 once the rate is edited to a valid probability', async () => {
    const editor = await openFixture('invalid_rate.py');
    const uri = editor.document.uri;
    await waitForDiagnostics(uri, (d) => d.some((x) => ruleOf(x) === 'DRP010'));

    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(8, 33, 8, 36), '0.2');
    assert.ok(await vscode.workspace.applyEdit(edit), 'the edit was rejected');
    assert.strictEqual(editor.document.lineAt(8).text, '        self.drop = nn.Dropout(p=0.2)');
    // With a valid rate on a hidden layer the fixture has no dropout problem left at all.
    await waitForDiagnostics(uri, (d) => d.length === 0, { what: 'the diagnostics to clear after the edit' });

    // Leave the fixture file untouched on disk for the next test and the next run.
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
