// Runs in the harness's Restricted Mode session (workspace trust on, folder untrusted): the linter
// never executes user code, so diagnostics, quick fixes and hovers must work there too.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { codeActions, summarize, tokenRange } from './editorHelpers';
import { activateExtension, closeAllEditors, openFixture, rangeText, ruleOf, waitForDiagnostics } from './util';

describe('Editor in Restricted Mode', () => {
  before(activateExtension);
  afterEach(closeAllEditors);

  it('runs with the workspace untrusted and still reports diagnostics and quick fixes', async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false, 'this suite must run in Restricted Mode');
    const extension = vscode.extensions.getExtension('dropout-lab.dropout-lab');
    assert.ok(extension?.isActive, 'Dropout Lab is active in Restricted Mode');
    const { document } = await openFixture('editor/functional_dropout.py');
    const diagnostics = await waitForDiagnostics(document.uri, (d) => d.filter((x) => ruleOf(x) === 'DRP004').length === 2);
    assert.deepStrictEqual(summarize(diagnostics, ['DRP004']), [
      `DRP004@${rangeText(tokenRange(document, '0.2)', 'F.dropout'))}`,
      `DRP004@${rangeText(tokenRange(document, '0.5)', 'F.dropout'))}`,
    ].sort());
    const actions = await codeActions(document.uri, tokenRange(document, '0.2)', 'F.dropout'));
    assert.ok(actions.some((a) => a.title === 'Pass training=self.training'), actions.map((a) => a.title).join(' | '));
  });
});
