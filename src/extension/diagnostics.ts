// Findings of the "Lint Workspace" worker pool as VS Code diagnostics, in the same shape the
// language server publishes for open documents: source "Dropout Lab", the rule id linked to its
// page, severity from the settings, related locations.
import * as vscode from 'vscode';
import type { Finding, Severity } from '../lint';
import { ruleDocTarget } from './ruleDocs';

export const DIAGNOSTIC_SOURCE = 'Dropout Lab';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function toRange(range: Finding['range']): vscode.Range {
  return new vscode.Range(range.start.line, range.start.column, range.end.line, range.end.column);
}

export function toDiagnostic(finding: Finding, documentUri: vscode.Uri): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toRange(finding.range), finding.message, SEVERITY[finding.severity]);
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.code = { value: finding.rule, target: ruleDocTarget(finding.rule) };
  if (finding.related.length) {
    diagnostic.relatedInformation = finding.related.map((related) => new vscode.DiagnosticRelatedInformation(
      new vscode.Location(documentUri, toRange(related.range)),
      related.message,
    ));
  }
  return diagnostic;
}
