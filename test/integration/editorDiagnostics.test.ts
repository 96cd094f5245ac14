// Editor features on Python files inside VS Code: exact diagnostics for several rules, quick fixes
// through vscode.executeCodeActionProvider, `# noqa`, fix-all, rule documentation and hovers.
// Expected ranges come from the fixtures' text and each rule's documented anchor (DRP010: the rate
// argument; DRP012: the `dropout=` value; DRP004: the callee `F.dropout`), never from our output.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { actionTitled, applyAction, codeActions, openTabs, revertAndClose, summarize, tokenRange } from './editorHelpers';
import { activateExtension, closeAllEditors, openFixture, rangeText, ruleOf, waitFor, waitForDiagnostics } from './util';

const has = (rule: string) => (d: vscode.Diagnostic[]) => d.some((x) => ruleOf(x) === rule);
const lacks = (rule: string) => (d: vscode.Diagnostic[]) => !d.some((x) => ruleOf(x) === rule);

describe('Editor: diagnostics, code actions, hovers', () => {
  before(activateExtension);
  afterEach(closeAllEditors);

  it('registers exactly the commands package.json declares', async () => {
    const manifest = vscode.extensions.getExtension('dropout-lab.dropout-lab')!.packageJSON as { contributes: { commands: { command: string }[] } };
    const declared = manifest.contributes.commands.map((c) => c.command).sort();
    const registered = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('dropoutLab.')).sort();
    assert.deepStrictEqual(registered, declared);
  });

  it('reports DRP012, DRP010 and DRP004 at their exact ranges with codes, links and severities', async () => {
    const { document } = await openFixture('editor/several_rules.py');
    const rules = ['DRP004', 'DRP010', 'DRP012'];
    const diagnostics = await waitForDiagnostics(document.uri, (d) => summarize(d, rules).length === 3);
    const expected = [
      `DRP004@${rangeText(tokenRange(document, 'x = F.dropout(x, 0.3)', 'F.dropout'))}`,
      `DRP010@${rangeText(tokenRange(document, 'nn.Dropout(1.5)', '1.5'))}`,
      `DRP012@${rangeText(tokenRange(document, 'nn.LSTM(', '0.25'))}`,
    ].sort();
    assert.deepStrictEqual(summarize(diagnostics, rules), expected);
    for (const diagnostic of diagnostics) {
      assert.strictEqual(diagnostic.source, 'Dropout Lab');
      const code = diagnostic.code as { value: string; target: vscode.Uri };
      assert.match(code.target.toString(), new RegExp(`/docs/rules/${code.value}\\.md$`));
    }
    const severityOf = (rule: string) => diagnostics.find((d) => ruleOf(d) === rule)!.severity;
    // Default severities from the rule table: DRP010 error, DRP004 and DRP012 warning.
    assert.strictEqual(severityOf('DRP010'), vscode.DiagnosticSeverity.Error);
    assert.strictEqual(severityOf('DRP004'), vscode.DiagnosticSeverity.Warning);
    assert.strictEqual(severityOf('DRP012'), vscode.DiagnosticSeverity.Warning);
  });

  it('points relatedInformation at the other half of a finding (DRP001: where the dropout is defined)', async () => {
    const { document } = await openFixture('editor/output_dropout.py');
    const diagnostics = await waitForDiagnostics(document.uri, has('DRP001'));
    const drp001 = diagnostics.find((d) => ruleOf(d) === 'DRP001')!;
    assert.strictEqual(rangeText(drp001.range), rangeText(new vscode.Range(
      tokenRange(document, 'return self.final_drop(', 'self.final_drop').start,
      tokenRange(document, 'return self.final_drop(', 'self.final_drop(self.fc(x))').end,
    )));
    assert.strictEqual(drp001.relatedInformation?.length, 1);
    const [related] = drp001.relatedInformation!;
    assert.strictEqual(related.location.uri.toString(), document.uri.toString());
    assert.strictEqual(rangeText(related.location.range), rangeText(tokenRange(document, 'self.final_drop =', 'nn.Dropout(0.2)')));
    assert.match(related.message, /self\.final_drop is defined here/);
  });

  it('applies the preferred quick fix for DRP004 and the diagnostic disappears', async () => {
    const { document } = await openFixture('editor/functional_dropout.py');
    const uri = document.uri;
    await waitForDiagnostics(uri, (d) => d.filter((x) => ruleOf(x) === 'DRP004').length === 2);
    const target = tokenRange(document, '0.2)', 'F.dropout');
    const actions = await codeActions(uri, target);
    const fix = actionTitled(actions, 'Pass training=self.training');
    assert.strictEqual(fix.isPreferred, true, 'a safe fix is preferred');
    assert.strictEqual(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);
    await applyAction(fix);
    assert.strictEqual(document.lineAt(target.start.line).text, '        x = F.dropout(F.relu(self.fc1(x)), 0.2, training=self.training)');
    // The fixed line loses its diagnostic; the other DRP004 stays where it was.
    const after = await waitForDiagnostics(uri, (d) => d.filter((x) => ruleOf(x) === 'DRP004').length === 1);
    assert.deepStrictEqual(summarize(after, ['DRP004']), [`DRP004@${rangeText(tokenRange(document, '0.5)', 'F.dropout'))}`]);
    await revertAndClose();
  });

  it('fix-all (source.fixAll.dropoutLab) applies every safe fix', async () => {
    const { document } = await openFixture('editor/functional_dropout.py');
    const uri = document.uri;
    await waitForDiagnostics(uri, (d) => d.filter((x) => ruleOf(x) === 'DRP004').length === 2);
    const whole = new vscode.Range(0, 0, document.lineCount, 0);
    const actions = await codeActions(uri, whole, 'source.fixAll.dropoutLab');
    assert.strictEqual(actions.length, 1, actions.map((a) => a.title).join(' | '));
    assert.strictEqual(actions[0].kind?.value, 'source.fixAll.dropoutLab');
    await applyAction(actions[0]);
    assert.ok(document.getText().includes('x = F.dropout(F.relu(self.fc1(x)), 0.2, training=self.training)'));
    assert.ok(document.getText().includes('x = F.dropout(F.relu(self.fc2(x)), 0.5, training=self.training)'));
    await waitForDiagnostics(uri, lacks('DRP004'), { what: 'every DRP004 to be fixed' });
    await revertAndClose();
  });

  it('honours `# noqa: DRP010` and ignores noqa codes of other tools', async () => {
    const { document } = await openFixture('editor/noqa.py');
    const diagnostics = await waitForDiagnostics(document.uri, (d) => d.length >= 2);
    assert.deepStrictEqual(summarize(diagnostics), [
      `DRP010@${rangeText(tokenRange(document, 'loud =', '1.5'))}`,
      `DRP010@${rangeText(tokenRange(document, 'other_tool =', '2.0'))}`,
    ].sort());
  });

  it('clears a document\'s diagnostics when it is closed', async () => {
    // An untitled document is disposed as soon as its editor is reverted and closed (files linger).
    const document = await vscode.workspace.openTextDocument({ language: 'python', content: 'import torch.nn as nn\nd = nn.Dropout(1.5)\n' });
    await vscode.window.showTextDocument(document);
    await waitForDiagnostics(document.uri, (d) => d.length === 1);
    await revertAndClose();
    await waitFor(() => document.isClosed, { what: 'VS Code to close the document' });
    assert.deepStrictEqual(vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'Dropout Lab'), []);
  });

  it('"Disable DRP010 for this line" adds or extends a noqa comment and silences the line', async () => {
    const { document } = await openFixture('editor/noqa.py');
    const uri = document.uri;
    await waitForDiagnostics(uri, (d) => d.length === 2);
    const loud = tokenRange(document, 'loud =', '1.5');
    await applyAction(actionTitled(await codeActions(uri, loud), 'Disable DRP010 for this line'));
    assert.strictEqual(document.lineAt(loud.start.line).text, 'loud = nn.Dropout(1.5)  # noqa: DRP010');
    const other = tokenRange(document, 'other_tool =', '2.0');
    await waitForDiagnostics(uri, (d) => summarize(d).length === 1);
    await applyAction(actionTitled(await codeActions(uri, other), 'Disable DRP010 for this line'));
    assert.strictEqual(document.lineAt(other.start.line).text, 'other_tool = nn.Dropout(2.0)  # noqa: E501, DRP010');
    await waitForDiagnostics(uri, (d) => d.length === 0, { what: 'both lines to be silenced' });
    await revertAndClose();
  });

  it('"Show documentation for DRP010" opens the rule page from the installed extension in a preview', async () => {
    const { document } = await openFixture('editor/noqa.py');
    await waitForDiagnostics(document.uri, has('DRP010'));
    const action = actionTitled(await codeActions(document.uri, tokenRange(document, 'loud =', '1.5')), 'Show documentation for DRP010');
    assert.strictEqual(action.command?.command, 'dropoutLab.showRuleDocumentation');
    const opened = await vscode.commands.executeCommand<vscode.Uri | undefined>(action.command.command, ...(action.command.arguments ?? []));
    assert.ok(opened, 'the documentation page was not found');
    assert.match(opened.path, /\/dist\/docs\/rules\/DRP010\.md$/);
    const page = new TextDecoder().decode(await vscode.workspace.fs.readFile(opened));
    assert.match(page, /DRP010/);
    // By name too, and an unknown rule opens nothing.
    const byName = await vscode.commands.executeCommand<vscode.Uri | undefined>('dropoutLab.showRuleDocumentation', 'invalid-dropout-rate');
    assert.strictEqual(byName?.toString(), opened.toString());
    assert.strictEqual(await vscode.commands.executeCommand('dropoutLab.showRuleDocumentation', 'DRP999'), undefined);
    // From the palette (no argument) it asks with a quick pick of every rule; accept the first, DRP001.
    // An accept that lands before the list is populated dismisses the pick (undefined): ask again.
    let answer: { done: boolean; uri?: vscode.Uri } | undefined;
    const picked = await waitFor(async () => {
      if (!answer) {
        const current: { done: boolean; uri?: vscode.Uri } = { done: false };
        answer = current;
        void vscode.commands.executeCommand<vscode.Uri | undefined>('dropoutLab.showRuleDocumentation').then((uri) => {
          current.done = true;
          current.uri = uri;
        });
      }
      if (!answer.done) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      if (!answer.done) return undefined;
      const uri = answer.uri;
      answer = undefined;
      return uri;
    }, { what: 'a rule picked from the quick pick' });
    assert.match(picked.path, /\/DRP001\.md$/);
    await waitFor(() => openTabs().some((tab) => tab.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(tab.input.viewType)),
      { what: 'the Markdown preview tab' });
  });

  it('walkthrough: "Open Example Model" opens an untitled example with two findings and a working fix', async () => {
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>('dropoutLab.openExample');
    const { document } = editor;
    assert.strictEqual(document.isUntitled, true);
    assert.strictEqual(document.languageId, 'python');
    const diagnostics = await waitForDiagnostics(document.uri, (d) => has('DRP010')(d) && has('DRP004')(d));
    assert.deepStrictEqual(summarize(diagnostics, ['DRP004', 'DRP010']), [
      `DRP004@${rangeText(tokenRange(document, 'x = F.dropout(', 'F.dropout'))}`,
      `DRP010@${rangeText(tokenRange(document, 'nn.Dropout(1.5)', '1.5'))}`,
    ].sort());
    const call = tokenRange(document, 'x = F.dropout(', 'F.dropout');
    await applyAction(actionTitled(await codeActions(document.uri, call), 'Pass training=self.training'));
    assert.strictEqual(document.lineAt(call.start.line).text, '        x = F.dropout(F.relu(self.fc2(x)), 0.3, training=self.training)');
    await waitForDiagnostics(document.uri, lacks('DRP004'), { what: 'DRP004 to go after the fix' });
    await revertAndClose();
  });

  it('hovers a dropout layer with its variant, rate and train/eval behaviour, plus the finding', async () => {
    const { document } = await openFixture('editor/several_rules.py');
    await waitForDiagnostics(document.uri, has('DRP010'));
    const at = tokenRange(document, 'nn.Dropout(1.5)', 'Dropout').start;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, at);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /nn\.Dropout/);
    assert.match(text, /standard/);
    assert.match(text, /Rate \(p\): 1\.5/);
    assert.match(text, /Training:/);
    assert.match(text, /Evaluation:/);
    assert.match(text, /DRP010/);

    // On the application `self.drop(x)` in forward, the model graph leads back to the definition.
    const applied = tokenRange(document, 'return self.out(self.drop(x))', 'self.drop').start;
    const appliedHovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, applied);
    const appliedText = appliedHovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    const definitionLine = tokenRange(document, 'self.drop = nn.Dropout(1.5)', 'nn.Dropout').start.line + 1;
    assert.match(appliedText, /Rate \(p\): 1\.5/);
    assert.match(appliedText, new RegExp(`defined at line ${definitionLine}\\.`));

    const keras = await vscode.workspace.openTextDocument({ language: 'python', content: 'from tensorflow.keras import layers\n\nblock = layers.SpatialDropout2D(0.25)\n' });
    const kerasHovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', keras.uri, new vscode.Position(2, 20));
    const kerasText = kerasHovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(kerasText, /SpatialDropout2D\*\* — channel/);
    assert.match(kerasText, /Rate \(rate\): 0\.25/);
    assert.match(kerasText, /×1\.333/); // 1 / (1 - 0.25)
    assert.match(kerasText, /identity unless called with `training=True`/);

    const lstm = tokenRange(document, 'nn.LSTM(', 'LSTM').start;
    const lstmHovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, lstm);
    const lstmText = lstmHovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(lstmText, /Rate \(dropout\): 0\.25/);
    assert.match(lstmText, /DRP012/);
  });
});
