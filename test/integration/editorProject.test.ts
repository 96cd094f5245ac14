// Project-aware linting in VS Code: train.py evaluates the model class of its sibling model.py
// under torch.no_grad() without eval(). While TicketRouter has no dropout that is harmless; editing
// model.py (in an editor, unsaved) to add a dropout before the output layer makes DRP002 appear in
// the open train.py, which is never touched; deleting model.py makes it go away (the file watcher).
// The CLI agrees on the same files (checked by hand: [] as committed, DRP002 at 21:26 with the
// dropout). The fixture is restored whatever happens.
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, fixtureUri, ruleOf, waitForDiagnostics } from './util';

describe('Dropout Lab project knowledge in the editor', () => {
  const modelUri = fixtureUri('editor/project/model.py');
  const trainUri = fixtureUri('editor/project/train.py');
  let original = '';

  before(async () => {
    await activateExtension();
    original = fs.readFileSync(modelUri.fsPath, 'utf8');
  });

  after(async () => {
    await closeAllEditors();
    // Leave the fixture as committed for the next test and the next run.
    if (!fs.existsSync(modelUri.fsPath) || fs.readFileSync(modelUri.fsPath, 'utf8') !== original) fs.writeFileSync(modelUri.fsPath, original);
  });

  it('adds DRP002 to the open train.py when model.py gains a dropout, and drops it when model.py is deleted', async () => {
    const train = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(trainUri));
    const evaluated = train.document.getText().split('\n').findIndex((l) => l.includes('hits += (router(x)'));
    assert.ok(evaluated > 0, 'the evaluation line of the fixture');

    // model.py in an editor beside it: a dropout before the output layer, not saved.
    const model = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(modelUri), { viewColumn: vscode.ViewColumn.Beside });
    const text = model.document.getText();
    const headLine = text.split('\n').findIndex((l) => l.includes('self.head = nn.Linear(hidden, 4)'));
    const forwardLine = text.split('\n').findIndex((l) => l.includes('return self.head(self.embed(x).relu())'));
    assert.ok(headLine > 0 && forwardLine > headLine, 'the fixture model.py as committed');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(modelUri, new vscode.Position(headLine + 1, 0), '        self.drop = nn.Dropout(0.3)\n');
    const forward = model.document.lineAt(forwardLine).text;
    edit.replace(modelUri, model.document.lineAt(forwardLine).range, forward.replace('self.head(self.embed(x).relu())', 'self.head(self.drop(self.embed(x).relu()))'));
    assert.ok(await vscode.workspace.applyEdit(edit), 'the edit was applied');
    assert.ok(model.document.isDirty);

    const withDropout = await waitForDiagnostics(trainUri, (d) => d.some((x) => ruleOf(x) === 'DRP002'), { what: 'DRP002 in train.py after model.py gained a dropout' });
    assert.deepStrictEqual(withDropout.map((d) => [ruleOf(d), d.range.start.line, d.range.start.character]), [['DRP002', evaluated, 25]]);
    assert.match(withDropout[0].message, /TicketRouter \(model\.py\), with nn\.Dropout\(p=0\.3\)/);
    assert.strictEqual(train.document.isDirty, false, 'train.py was not touched');

    // Saved and closed, then deleted on disk: the model is unknown and the finding goes away.
    assert.ok(await model.document.save(), 'model.py saved');
    await vscode.window.showTextDocument(model.document);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.workspace.fs.delete(modelUri);
    await waitForDiagnostics(trainUri, (d) => !d.some((x) => ruleOf(x) === 'DRP002'), { what: 'DRP002 to leave train.py after model.py was deleted' });
  });
});
