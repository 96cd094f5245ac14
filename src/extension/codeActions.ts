// Code actions on Dropout Lab diagnostics, in the order ESLint and Ruff offer them: the core's
// fixes (safe ones preferred), "Disable DRPnnn for this line" (writes or extends `# noqa: …`),
// "Show documentation for DRPnnn"; plus `source.fixAll.dropoutLab`, which applies every safe fix.
import * as vscode from 'vscode';
import type { Finding } from '../lint';
import { fixSource, nonOverlappingFixes } from '../lint/fixes';
import { noqaEdit } from '../lint/suppressions';
import { DIAGNOSTIC_SOURCE, locationUri, toDiagnostic, toRange, type CellTextEdit, type DiagnosticsController, type DocumentFindings } from './diagnostics';
import type { LintEngine } from './lintEngine';
import { readSettings } from './settings';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('dropoutLab');
export const SHOW_DOCUMENTATION_COMMAND = 'dropoutLab.showRuleDocumentation';

function ruleOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  return typeof code === 'object' ? String(code.value) : code === undefined ? undefined : String(code);
}

function sameRange(finding: Finding, range: vscode.Range): boolean {
  return toRange(finding.range).isEqual(range);
}

/** The finding behind a diagnostic: same rule and range (or, after clamping, overlapping range). */
function findingFor(diagnostic: vscode.Diagnostic, result: DocumentFindings): Finding | undefined {
  const rule = ruleOf(diagnostic);
  const candidates = result.findings.filter((f) => f.rule === rule);
  return candidates.find((f) => sameRange(f, diagnostic.range)) ?? candidates.find((f) => toRange(f.range).intersection(diagnostic.range));
}

function addEdits(edit: vscode.WorkspaceEdit, edits: readonly CellTextEdit[], uri: vscode.Uri, result: DocumentFindings): void {
  for (const e of edits) edit.replace(locationUri(uri, e.cell, result.cellUris), toRange(e.range), e.newText);
}

/** One edit turning `before` into `after`: the differing middle, so the cursor and folding elsewhere stay put. */
export function minimalEdit(before: string, after: string): { start: number; end: number; text: string } {
  let prefix = 0;
  const shorter = Math.min(before.length, after.length);
  while (prefix < shorter && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < shorter - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  return { start: prefix, end: before.length - suffix, text: after.slice(prefix, after.length - suffix) };
}

export class DropoutCodeActionProvider implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND];

  constructor(private readonly diagnostics: DiagnosticsController, private readonly engine: LintEngine) {}

  async provideCodeActions(document: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const settings = readSettings(document);
    if (!settings.enable) return [];
    // With "onSave" the findings of an edited, unsaved document are stale: offer nothing rather than
    // lint on every cursor move (which is what asking for code actions would amount to).
    const result = settings.run === 'onType' ? await this.currentResult(document) : this.diagnostics.resultFor(document);
    if (!result) return [];
    const actions: vscode.CodeAction[] = [];
    const wantsQuickFixes = !context.only || context.only.contains(vscode.CodeActionKind.QuickFix);
    if (wantsQuickFixes) {
      let ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && ruleOf(d));
      // Asked before our diagnostics reached the editor (e.g. Ctrl+. right after opening): use the
      // findings at the range, which were just computed for this very version.
      if (!ours.length) ours = result.findings.filter((f) => toRange(f.range).intersection(range)).map((f) => toDiagnostic(f, document.uri, result.cellUris));
      for (const diagnostic of ours) {
        const finding = findingFor(diagnostic, result);
        if (!finding) continue;
        if (settings.codeActions.fix) actions.push(...this.fixActions(document, diagnostic, finding, result));
        if (settings.codeActions.disableLine) {
          const disable = this.disableLineAction(document, diagnostic, finding);
          if (disable) actions.push(disable);
        }
      }
      if (settings.codeActions.showDocumentation) {
        const rules = [...new Set(ours.map(ruleOf).filter((r): r is string => !!r))];
        for (const rule of rules) {
          const action = new vscode.CodeAction(`Show documentation for ${rule}`, vscode.CodeActionKind.QuickFix);
          action.command = { title: action.title, command: SHOW_DOCUMENTATION_COMMAND, arguments: [rule] };
          action.diagnostics = ours.filter((d) => ruleOf(d) === rule);
          actions.push(action);
        }
      }
    }
    if (context.only?.contains(FIX_ALL_KIND) && settings.codeActions.fix) {
      const fixAll = this.fixAllAction(document, result);
      if (fixAll) actions.push(fixAll);
    }
    return actions;
  }

  /** The current version's findings; linting right away when they are not there yet. */
  private async currentResult(document: vscode.TextDocument): Promise<DocumentFindings | undefined> {
    const ready = this.diagnostics.resultFor(document);
    if (ready) return ready;
    await this.diagnostics.lintNow(document);
    return this.diagnostics.resultFor(document);
  }

  private fixActions(document: vscode.TextDocument, diagnostic: vscode.Diagnostic, finding: Finding, result: DocumentFindings): vscode.CodeAction[] {
    let preferredGiven = false;
    return finding.fixes.filter((fix) => fix.edits.length > 0).map((fix) => {
      const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      addEdits(action.edit, fix.edits, document.uri, result);
      action.diagnostics = [diagnostic];
      if (fix.safe && !preferredGiven) {
        action.isPreferred = true;
        preferredGiven = true;
      }
      return action;
    });
  }

  private disableLineAction(document: vscode.TextDocument, diagnostic: vscode.Diagnostic, finding: Finding): vscode.CodeAction | undefined {
    const line = finding.range.start.line;
    const edit = this.engine.analyze(document.getText(), (analysis) => noqaEdit(analysis.tree, analysis.source, line, finding.rule), document.uri.toString());
    if (!edit) return undefined;
    const action = new vscode.CodeAction(`Disable ${finding.rule} for this line`, vscode.CodeActionKind.QuickFix);
    action.edit = new vscode.WorkspaceEdit();
    action.edit.replace(document.uri, toRange(edit.range), edit.newText);
    action.diagnostics = [diagnostic];
    return action;
  }

  private fixAllAction(document: vscode.TextDocument, result: DocumentFindings): vscode.CodeAction | undefined {
    const text = document.getText();
    const edit = new vscode.WorkspaceEdit();
    if (result.cellUris) {
      // A notebook cell: apply this cell's safe fixes that do not conflict (the cell alone cannot be re-linted).
      const safe = result.findings.flatMap((f) => f.fixes.filter((fix) => fix.safe && fix.edits.length).slice(0, 1));
      const fixes = nonOverlappingFixes(text, safe);
      if (!fixes.length) return undefined;
      for (const fix of fixes) addEdits(edit, fix.edits, document.uri, result);
    } else {
      // A file: the core applies safe fixes round after round and refuses any that would break parsing.
      const fixed = fixSource(text, result.options);
      if (!fixed.changed) return undefined;
      const change = minimalEdit(text, fixed.output);
      edit.replace(document.uri, new vscode.Range(document.positionAt(change.start), document.positionAt(change.end)), change.text);
    }
    const action = new vscode.CodeAction('Dropout Lab: fix all safely fixable problems', FIX_ALL_KIND);
    action.edit = edit;
    return action;
  }
}
