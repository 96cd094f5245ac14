// "Lint Workspace": every Python file and notebook in the workspace, off the extension host's main
// thread (the core's lint worker pool), with a cancellable progress notification; results go to the
// Problems panel. Files on disk are read by the workers; files of other file systems (remote,
// virtual) are read through vscode.workspace.fs and linted here. Open documents keep their live
// diagnostics and are not duplicated.
import * as vscode from 'vscode';
import { isExcluded, resolveLintOptions } from '../lint/config';
import type { LintOptions } from '../lint/linter';
import { lintFileContents, type FileReport } from '../lint/lintFile';
import { LintWorkerPool } from '../lint/workerPool';
import { toDiagnostic } from './diagnostics';
import type { Logger } from './log';
import type { ProjectConfig } from './projectConfig';
import { readSettings } from './settings';

const INCLUDE = '**/*.{py,ipynb}';
const EXCLUDE = '{**/.git/**,**/node_modules/**,**/__pycache__/**,**/.venv/**,**/venv/**,**/.tox/**,**/site-packages/**}';
const MAX_FILES = 50_000;

export interface WorkspaceLintSummary {
  files: number;
  findings: number;
  filesWithFindings: number;
  skipped: number;
  errors: number;
  cancelled: boolean;
}

function isOpen(uri: vscode.Uri): boolean {
  const key = uri.toString();
  return vscode.workspace.textDocuments.some((d) => !d.isClosed && d.uri.toString() === key)
    || vscode.workspace.notebookDocuments.some((n) => !n.isClosed && n.uri.toString() === key);
}

/** Diagnostics for a closed file. Notebook findings name their cell (the cell documents are not open). */
function reportDiagnostics(uri: vscode.Uri, report: FileReport): vscode.Diagnostic[] {
  const diagnostics: vscode.Diagnostic[] = [];
  const top = new vscode.Range(0, 0, 0, 0);
  if (report.error) {
    const d = new vscode.Diagnostic(top, `Dropout Lab could not lint this file: ${report.error}`, vscode.DiagnosticSeverity.Warning);
    d.source = 'Dropout Lab';
    diagnostics.push(d);
  }
  if (report.skipped) {
    const d = new vscode.Diagnostic(top, `Dropout Lab ${report.skipped}`, vscode.DiagnosticSeverity.Information);
    d.source = 'Dropout Lab';
    diagnostics.push(d);
  }
  for (const finding of report.findings) {
    if (report.kind === 'notebook') {
      const d = toDiagnostic({ ...finding, related: [], range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } } }, uri);
      d.message = `[cell ${(finding.cell ?? 0) + 1}, line ${finding.range.start.line + 1}] ${finding.message}`;
      diagnostics.push(d);
    } else {
      diagnostics.push(toDiagnostic(finding, uri));
    }
  }
  return diagnostics;
}

export class WorkspaceLinter implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('dropout-lab-workspace');
  private readonly disposables: vscode.Disposable[] = [];
  private running: Promise<WorkspaceLintSummary> | undefined;

  constructor(
    private readonly distPath: string,
    private readonly projectConfig: ProjectConfig,
    private readonly logger: Logger,
  ) {
    this.disposables.push(
      this.collection,
      // Once a file is open its live diagnostics take over.
      vscode.workspace.onDidOpenTextDocument((d) => this.collection.delete(d.uri)),
      vscode.workspace.onDidOpenNotebookDocument((n) => this.collection.delete(n.uri)),
    );
  }

  /**
   * Runs (or joins the running) workspace lint. It stops when the user cancels the notification or
   * when `cancellation` (from a programmatic caller of the command) is cancelled.
   */
  run(cancellation?: vscode.CancellationToken): Promise<WorkspaceLintSummary> {
    this.running ??= Promise.resolve(vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Dropout Lab: linting the workspace', cancellable: true },
      (progress, token) => {
        if (!cancellation || typeof cancellation.onCancellationRequested !== 'function') return this.lintAll(progress, token);
        const either = new vscode.CancellationTokenSource();
        const links = [token.onCancellationRequested(() => either.cancel()), cancellation.onCancellationRequested(() => either.cancel())];
        if (token.isCancellationRequested || cancellation.isCancellationRequested) either.cancel();
        return this.lintAll(progress, either.token).finally(() => {
          links.forEach((d) => d.dispose());
          either.dispose();
        });
      },
    )).finally(() => { this.running = undefined; });
    return this.running;
  }

  private async lintAll(progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken): Promise<WorkspaceLintSummary> {
    const summary: WorkspaceLintSummary = { files: 0, findings: 0, filesWithFindings: 0, skipped: 0, errors: 0, cancelled: false };
    const uris = await vscode.workspace.findFiles(INCLUDE, EXCLUDE, MAX_FILES, token);
    const tasks: { uri: vscode.Uri; options: LintOptions }[] = [];
    for (const uri of uris) {
      if (token.isCancellationRequested) break;
      const settings = readSettings(uri);
      if (!settings.enable) continue;
      const project = await this.projectConfig.layerFor(uri);
      const layers = [project, settings.layer];
      if (uri.scheme === 'file' && isExcluded(uri.fsPath, layers)) continue;
      tasks.push({ uri, options: resolveLintOptions(layers, uri.scheme === 'file' ? uri.fsPath : undefined) });
    }
    // Cancelled before any file was linted: the previous run's results stay.
    if (!token.isCancellationRequested) this.collection.clear();
    const total = tasks.length;
    const record = (uri: vscode.Uri, report: FileReport) => {
      summary.files++;
      if (report.error) {
        summary.errors++;
        this.logger.warn(`${uri.toString(true)}: ${report.error}`);
      }
      if (report.skipped) summary.skipped++;
      for (const failure of report.failures) this.logger.error(`${failure.rule} failed on ${uri.toString(true)}: ${failure.message}`);
      if (report.findings.length) {
        summary.findings += report.findings.length;
        summary.filesWithFindings++;
      }
      if (!isOpen(uri)) this.collection.set(uri, reportDiagnostics(uri, report));
      progress.report({ message: `${summary.files}/${total} files`, increment: total ? 100 / total : 100 });
    };

    const onDisk = tasks.filter((t) => t.uri.scheme === 'file');
    const elsewhere = tasks.filter((t) => t.uri.scheme !== 'file');
    const pool = new LintWorkerPool({ workerScript: vscode.Uri.joinPath(vscode.Uri.file(this.distPath), 'lintWorker.js').fsPath, wasmDir: this.distPath });
    const cancel = token.onCancellationRequested(() => { void pool.dispose(); });
    try {
      const byPath = new Map(onDisk.map((t) => [t.uri.fsPath, t.uri]));
      const pooled = onDisk.length
        ? pool.lintFiles(onDisk.map((t) => ({ file: t.uri.fsPath, options: t.options })), (report) => {
          const uri = byPath.get(report.file);
          if (uri && !(token.isCancellationRequested && report.error === 'cancelled')) record(uri, report);
        })
        : Promise.resolve([]);
      for (const task of elsewhere) {
        if (token.isCancellationRequested) break;
        let report: FileReport;
        try {
          const bytes = await vscode.workspace.fs.readFile(task.uri);
          report = lintFileContents(task.uri.path, bytes, task.options);
        } catch (error) {
          report = { file: task.uri.path, kind: task.uri.path.endsWith('.ipynb') ? 'notebook' : 'python', findings: [], failures: [], error: `cannot read the file: ${String(error)}` };
        }
        record(task.uri, report);
        // Let other extension-host work run between files.
        await new Promise((resolve) => setImmediate(resolve));
      }
      await pooled;
    } finally {
      cancel.dispose();
      await pool.dispose();
    }
    summary.cancelled = token.isCancellationRequested;
    const text = `Dropout Lab ${summary.cancelled ? 'stopped after' : 'linted'} ${summary.files} file(s): ${summary.findings} problem(s) in ${summary.filesWithFindings} file(s)`
      + (summary.skipped ? `, ${summary.skipped} skipped` : '') + (summary.errors ? `, ${summary.errors} unreadable` : '') + '.';
    this.logger.info(text);
    void vscode.window.showInformationMessage(text, 'Show Problems').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.actions.view.problems');
    });
    return summary;
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
