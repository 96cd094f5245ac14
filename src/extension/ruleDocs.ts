// "Show rule documentation": opens a rule's page (docs/rules/DRPnnn.md, shipped in dist/docs/rules)
// in the Markdown preview, offline. Without an argument it asks with a quick pick of all rules.
import * as fs from 'fs';
import * as vscode from 'vscode';
import { docsUrl, findRule, RULES, type RuleId, type RuleMeta } from '../lint';
import type { Logger } from './log';

export function ruleDocUri(extensionUri: vscode.Uri, rule: Pick<RuleMeta, 'id'>): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'docs', 'rules', `${rule.id}.md`);
}

let installedDocs: vscode.Uri | undefined;
const targets = new Map<RuleId, vscode.Uri>();

/** Where diagnostics link their rule id: the page shipped with the extension (works offline). */
export function useInstalledRuleDocs(extensionUri: vscode.Uri): void {
  installedDocs = extensionUri;
  targets.clear();
}

/** The link behind a diagnostic's rule id: the installed page when present, else the online docs. */
export function ruleDocTarget(id: RuleId): vscode.Uri {
  let target = targets.get(id);
  if (!target) {
    const local = installedDocs && ruleDocUri(installedDocs, { id });
    target = local && (local.scheme !== 'file' || fs.existsSync(local.fsPath)) ? local : vscode.Uri.parse(docsUrl(id));
    targets.set(id, target);
  }
  return target;
}

async function pickRule(): Promise<RuleMeta | undefined> {
  const picked = await vscode.window.showQuickPick(
    RULES.map((rule) => ({ label: rule.id, description: rule.name, detail: `${rule.summary} (default: ${rule.defaultSeverity})`, rule })),
    { title: 'Dropout Lab: Show Rule Documentation', placeHolder: 'Choose a rule', matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.rule;
}

/** Opens the documentation of `ruleId` (id or name), or of the rule the user picks. Returns the opened URI. */
export async function showRuleDocumentation(extensionUri: vscode.Uri, logger: Logger, ruleId?: unknown): Promise<vscode.Uri | undefined> {
  const rule = typeof ruleId === 'string' ? findRule(ruleId) : await pickRule();
  if (!rule) {
    if (typeof ruleId === 'string') void vscode.window.showErrorMessage(`Dropout Lab has no rule "${ruleId}".`);
    return undefined;
  }
  const uri = ruleDocUri(extensionUri, rule);
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    logger.error(`The documentation page ${uri.toString(true)} is missing from this installation.`);
    void vscode.window.showErrorMessage(`The documentation for ${rule.id} is missing from this installation of Dropout Lab.`);
    return undefined;
  }
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  } catch (error) {
    // The built-in Markdown extension can be disabled: show the source instead.
    logger.warn(`Markdown preview unavailable (${String(error)}); opening ${rule.id}.md as text.`);
    await vscode.window.showTextDocument(uri, { preview: true });
  }
  return uri;
}
