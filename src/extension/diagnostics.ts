// Live diagnostics for Python documents: lint on open and on change (debounced), drop stale
// results by document version, clear on close.
import * as vscode from 'vscode';
import { docsUrl, lintSource, loadPython, type Finding, type Severity } from '../lint';

const DEBOUNCE_MS = 150;

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function toDiagnostic(finding: Finding): vscode.Diagnostic {
  const { start, end } = finding.range;
  const diagnostic = new vscode.Diagnostic(
    new vscode.Range(start.line, start.column, end.line, end.column),
    finding.message,
    SEVERITY[finding.severity],
  );
  diagnostic.source = 'Dropout Lab';
  diagnostic.code = { value: finding.rule, target: vscode.Uri.parse(docsUrl(finding.rule)) };
  return diagnostic;
}

function isPython(document: vscode.TextDocument): boolean {
  return document.languageId === 'python';
}

export function registerDiagnostics(context: vscode.ExtensionContext): vscode.DiagnosticCollection {
  const collection = vscode.languages.createDiagnosticCollection('dropout-lab');
  const timers = new Map<string, NodeJS.Timeout>();
  const parserReady = loadPython(context.asAbsolutePath('dist'));

  const lintNow = async (document: vscode.TextDocument) => {
    await parserReady;
    const version = document.version;
    const findings = lintSource(document.getText());
    if (document.isClosed || document.version !== version) return;
    collection.set(document.uri, findings.map(toDiagnostic));
  };

  const schedule = (document: vscode.TextDocument, delay: number) => {
    if (!isPython(document)) return;
    const key = document.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(() => {
      timers.delete(key);
      lintNow(document).catch((error: unknown) => console.error('Dropout Lab: lint failed', error));
    }, delay));
  };

  context.subscriptions.push(
    collection,
    vscode.workspace.onDidOpenTextDocument((d) => schedule(d, 0)),
    vscode.workspace.onDidChangeTextDocument((e) => schedule(e.document, DEBOUNCE_MS)),
    vscode.workspace.onDidCloseTextDocument((d) => {
      clearTimeout(timers.get(d.uri.toString()));
      collection.delete(d.uri);
    }),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
  vscode.workspace.textDocuments.forEach((d) => schedule(d, 0));
  return collection;
}
