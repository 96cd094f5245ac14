// Code actions on Dropout Lab diagnostics, in the order ESLint and Ruff offer them: the rule's fixes
// from the core (the first safe one preferred), "Disable DRPnnn for this line" (writes or extends
// `# noqa: DRPnnn`), "Show documentation for DRPnnn" (a command); plus `source.fixAll.dropoutLab`,
// which applies every safe fix (re-linting round after round for a file, as `lint --fix` does).
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic, type TextEdit as LspTextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { fixSource, nonOverlappingFixes } from '../../lint/fixes';
import { isRuleId } from '../../lint/ruleTable';
import { noqaEdit } from '../../lint/suppressions';
import type { Finding } from '../../lint/types';
import type { ServerContext } from '../context';
import { DIAGNOSTIC_SOURCE, fromLspRange, rangesIntersect, toDiagnostic, toLspRange } from '../convert';
import type { LintTarget } from '../documents';
import type { TargetResult } from '../linting';
import { checkCodeActionContext, checkRange, documentUri } from './params';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.dropoutLab`;
export const SHOW_DOCUMENTATION_COMMAND = 'dropoutLab.showRuleDocumentation';

/** Whether a requested kind (`context.only` entry) covers an action kind: equal or a parent (`source` ⊃ `source.fixAll`). */
function covers(requested: string, kind: string): boolean {
  return kind === requested || kind.startsWith(`${requested}.`);
}

function sameRange(a: Finding['range'], b: Finding['range']): boolean {
  return a.start.line === b.start.line && a.start.column === b.start.column && a.end.line === b.end.line && a.end.column === b.end.column;
}

/** The finding behind a diagnostic: same rule and range (or, when the client moved it, an overlapping one). */
function findingFor(diagnostic: Diagnostic, findings: readonly Finding[]): Finding | undefined {
  const range = fromLspRange(diagnostic.range);
  const candidates = findings.filter((f) => f.rule === diagnostic.code);
  return candidates.find((f) => sameRange(f.range, range)) ?? candidates.find((f) => rangesIntersect(f.range, range));
}

/** One edit turning `before` into `after`: the differing middle, so the cursor and folding elsewhere stay put. */
export function minimalEdit(document: TextDocument, after: string): LspTextEdit {
  const before = document.getText();
  let prefix = 0;
  const shorter = Math.min(before.length, after.length);
  while (prefix < shorter && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < shorter - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  return {
    range: { start: document.positionAt(prefix), end: document.positionAt(before.length - suffix) },
    newText: after.slice(prefix, after.length - suffix),
  };
}

export function registerCodeActionHandlers(ctx: ServerContext): void {
  ctx.connection.onCodeAction(async (params, token) => {
    const uri = documentUri('textDocument/codeAction', params);
    checkRange('textDocument/codeAction', params);
    checkCodeActionContext('textDocument/codeAction', params);
    const target = ctx.store.targetFor(uri);
    const document = ctx.store.document(uri);
    if (!target || !document) return [];
    const settings = await ctx.settingsFor(target.key);
    if (!settings.enable) return [];
    // With "onSave" the findings of an edited, unsaved document are stale: offer nothing rather than
    // lint on every cursor move (which is what asking for code actions would amount to).
    const result = settings.run === 'onType' ? (await ctx.ensureResult(uri, token))?.result : ctx.currentResult(target);
    if (!result || result.disabled || result.skipped) return [];
    const findings = result.byUri.get(uri) ?? [];
    const only = params.context.only;
    const actions: CodeAction[] = [];
    if (!only || only.some((k) => covers(k, CodeActionKind.QuickFix))) {
      actions.push(...quickFixes(ctx, params, uri, document, target, result, findings, settings.codeActions));
    }
    if (only?.some((k) => covers(k, FIX_ALL_KIND)) && settings.codeActions.fix) {
      const fixAll = fixAllAction(uri, document, target, result, findings);
      if (fixAll) actions.push(fixAll);
    }
    return actions;
  });
}

function quickFixes(
  ctx: ServerContext, params: CodeActionParams, uri: string, document: TextDocument, target: LintTarget, result: TargetResult,
  findings: readonly Finding[], enabled: { fix: boolean; disableLine: boolean; showDocumentation: boolean },
): CodeAction[] {
  let ours = params.context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && typeof d.code === 'string' && isRuleId(d.code));
  // Asked before our diagnostics reached the client (e.g. right after opening): use the findings at the range.
  if (!ours.length) {
    const range = fromLspRange(params.range);
    ours = findings.filter((f) => rangesIntersect(f.range, range)).map((f) => toDiagnostic(f, uri, ctx.ruleDocs, (cell) => result.cellUris?.[cell]));
  }
  const actions: CodeAction[] = [];
  for (const diagnostic of ours) {
    const finding = findingFor(diagnostic, findings);
    if (!finding) continue;
    if (enabled.fix) {
      let preferredGiven = false;
      for (const fix of finding.fixes) {
        if (!fix.edits.length) continue;
        const action: CodeAction = {
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          edit: { changes: { [uri]: fix.edits.map((e) => ({ range: toLspRange(e.range), newText: e.newText })) } },
        };
        if (fix.safe && !preferredGiven) {
          action.isPreferred = true;
          preferredGiven = true;
        }
        actions.push(action);
      }
    }
    if (enabled.disableLine) {
      const line = finding.range.start.line;
      // The comment goes on the document's (or cell's) own line: its text alone says where.
      const analysis = target.kind === 'text' ? ctx.analyses.analyze(target) : undefined;
      const edit = analysis
        ? noqaEdit(analysis.tree, analysis.source, line, finding.rule)
        : ctx.analyses.withTree(document.getText(), (tree) => noqaEdit(tree, document.getText(), line, finding.rule));
      if (edit) {
        actions.push({
          title: `Disable ${finding.rule} for this line`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          edit: { changes: { [uri]: [{ range: toLspRange(edit.range), newText: edit.newText }] } },
        });
      }
    }
  }
  if (enabled.showDocumentation) {
    for (const rule of [...new Set(ours.map((d) => String(d.code)))]) {
      const title = `Show documentation for ${rule}`;
      actions.push({
        title,
        kind: CodeActionKind.QuickFix,
        diagnostics: ours.filter((d) => d.code === rule),
        command: { title, command: SHOW_DOCUMENTATION_COMMAND, arguments: [rule] },
      });
    }
  }
  return actions;
}

function fixAllAction(uri: string, document: TextDocument, target: LintTarget, result: TargetResult, findings: readonly Finding[]): CodeAction | undefined {
  let edits: LspTextEdit[];
  if (target.kind === 'notebook') {
    // A notebook cell: apply this cell's safe fixes that do not conflict (the cell alone cannot be re-linted).
    const safe = findings.flatMap((f) => f.fixes.filter((fix) => fix.safe && fix.edits.length).slice(0, 1));
    const fixes = nonOverlappingFixes(document.getText(), safe);
    edits = fixes.flatMap((fix) => fix.edits.map((e) => ({ range: toLspRange(e.range), newText: e.newText })));
  } else {
    // A file: the core applies safe fixes round after round and refuses any that would break parsing.
    const fixed = fixSource(document.getText(), result.options);
    edits = fixed.changed ? [minimalEdit(document, fixed.output)] : [];
  }
  if (!edits.length) return undefined;
  return { title: 'Dropout Lab: fix all safely fixable problems', kind: FIX_ALL_KIND, edit: { changes: { [uri]: edits } } };
}
