// Helpers for the editor feature tests: where a token sits in a fixture (found in the text itself,
// so expected ranges come from the fixture and the rule's documented anchor, not from our output),
// code actions by title, and the tabs VS Code has open.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { rangeText, ruleOf } from './util';

/** The range of `token` on the first line containing `lineMarker` (and the token). */
export function tokenRange(document: vscode.TextDocument, lineMarker: string, token: string): vscode.Range {
  for (let line = 0; line < document.lineCount; line++) {
    const text = document.lineAt(line).text;
    const column = text.indexOf(token);
    if (text.includes(lineMarker) && column >= 0) return new vscode.Range(line, column, line, column + token.length);
  }
  throw new Error(`no line containing ${JSON.stringify(lineMarker)} and ${JSON.stringify(token)} in ${document.uri.path}`);
}

/** `DRP010@3:22-3:25` for each diagnostic, sorted, for exact comparisons with readable diffs. */
export function summarize(diagnostics: readonly vscode.Diagnostic[], rules?: readonly string[]): string[] {
  return diagnostics
    .filter((d) => !rules || rules.includes(ruleOf(d) ?? ''))
    .map((d) => `${ruleOf(d)}@${rangeText(d.range)}`)
    .sort();
}

export async function codeActions(uri: vscode.Uri, range: vscode.Range, kind?: string): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, kind);
  return actions ?? [];
}

export function actionTitled(actions: readonly vscode.CodeAction[], title: string): vscode.CodeAction {
  const action = actions.find((a) => a.title === title);
  assert.ok(action, `no code action "${title}" among: ${actions.map((a) => a.title).join(' | ')}`);
  return action;
}

export async function applyAction(action: vscode.CodeAction): Promise<void> {
  assert.ok(action.edit, `code action "${action.title}" has no edit`);
  assert.ok(await vscode.workspace.applyEdit(action.edit), `VS Code rejected the edit of "${action.title}"`);
}

/** Every open tab's input, for "did a panel open" checks. */
export function openTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs);
}

/** Closes the active editor without saving, so fixtures on disk stay as committed. */
export async function revertAndClose(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}
