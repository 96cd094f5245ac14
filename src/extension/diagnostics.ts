// Live diagnostics for Python documents and notebooks: lint on open and as you type (debounced) or
// on save (`dropoutLab.run`), drop results that a newer edit has overtaken, clear on close. A
// notebook is linted as one program so cells see each other's imports and models; its findings
// are mapped back to the cells. A failure on one document is logged and never stops the others.
import * as vscode from 'vscode';
import type { Finding, LintOptions, Severity, TextEdit as CoreTextEdit } from '../lint';
import type { LintEngine } from './lintEngine';
import type { Logger } from './log';
import type { ProjectConfig } from './projectConfig';
import { ruleDocTarget } from './ruleDocs';
import { coreCells, isPythonCode, notebookOf } from './notebookCells';
import { readSettings, type EditorSettings } from './settings';
import { resolveLintOptions } from '../lint/config';
import type { LintResult as CoreLintResult } from '../lint/linter';

export const DIAGNOSTIC_SOURCE = 'Dropout Lab';
const DEBOUNCE_MS = 150;
/** Typing in a file that takes long to lint waits a little longer, so keystrokes are not held up by lints. */
const MAX_DEBOUNCE_MS = 1000;

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/** A core edit; in a notebook it may name the (0-based, among linted code cells) cell it belongs to. */
export type CellTextEdit = CoreTextEdit & { cell?: number };

/** The findings for one document version, in that document's coordinates. */
export interface DocumentFindings {
  version: number;
  findings: Finding[];
  /** For a notebook cell: the notebook's cell URIs by index, to place edits and related locations. */
  cellUris?: readonly vscode.Uri[];
  /** The options it was linted with (fix-all re-lints with the same). */
  options: LintOptions;
}

export function toRange(range: Finding['range']): vscode.Range {
  return new vscode.Range(range.start.line, range.start.column, range.end.line, range.end.column);
}

/** The URI an edit or related location lands in: its cell's in a notebook, else the document's. */
export function locationUri(documentUri: vscode.Uri, cell: number | undefined, cellUris?: readonly vscode.Uri[]): vscode.Uri {
  return cell !== undefined && cellUris?.[cell] ? cellUris[cell] : documentUri;
}

export function toDiagnostic(finding: Finding, documentUri: vscode.Uri, cellUris?: readonly vscode.Uri[]): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toRange(finding.range), finding.message, SEVERITY[finding.severity]);
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.code = { value: finding.rule, target: ruleDocTarget(finding.rule) };
  if (finding.related.length) {
    diagnostic.relatedInformation = finding.related.map((related) => new vscode.DiagnosticRelatedInformation(
      new vscode.Location(locationUri(documentUri, related.cell, cellUris), toRange(related.range)),
      related.message,
    ));
  }
  return diagnostic;
}

/** Documents we lint: Python in any scheme but the read-only views of other tools. */
export function isLintable(document: vscode.TextDocument): boolean {
  return document.languageId === 'python' && !['git', 'output', 'vscode-scm'].includes(document.uri.scheme);
}

export class DiagnosticsController implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('dropout-lab');
  private readonly results = new Map<string, DocumentFindings>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly generations = new Map<string, number>();
  private readonly lintDurations = new Map<string, number>();
  private readonly skipNotified = new Set<string>();
  private readonly reportedProblems = new Set<string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Fires with a document's URI whenever its findings change (code lenses listen). */
  readonly onDidChangeResults = this.changed.event;

  constructor(
    private readonly engine: LintEngine,
    private readonly projectConfig: ProjectConfig,
    private readonly logger: Logger,
  ) {
    const runsOn = (scope: vscode.ConfigurationScope) => readSettings(scope).run;
    this.disposables.push(
      this.collection,
      this.changed,
      vscode.workspace.onDidOpenTextDocument((document) => this.scheduleDocument(document, 0)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length && runsOn(event.document) === 'onType') this.scheduleDocument(event.document, DEBOUNCE_MS);
      }),
      vscode.workspace.onDidSaveTextDocument((document) => {
        if (runsOn(document) === 'onSave') this.scheduleDocument(document, 0);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.closeDocument(document)),
      vscode.workspace.onDidOpenNotebookDocument((notebook) => this.scheduleNotebook(notebook, 0)),
      vscode.workspace.onDidChangeNotebookDocument((event) => {
        // Cell text edits arrive through onDidChangeTextDocument; here only cells added or removed.
        if (event.contentChanges.length && runsOn(event.notebook.uri) === 'onType') this.scheduleNotebook(event.notebook, DEBOUNCE_MS);
      }),
      vscode.workspace.onDidSaveNotebookDocument((notebook) => {
        if (runsOn(notebook.uri) === 'onSave') this.scheduleNotebook(notebook, 0);
      }),
      vscode.workspace.onDidCloseNotebookDocument((notebook) => this.closeNotebook(notebook)),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('dropoutLab')) this.relintAll();
      }),
      projectConfig.onDidChange(() => this.relintAll()),
    );
  }

  /** Lints everything open (after activation, a settings change or a pyproject.toml change). */
  relintAll(): void {
    for (const document of vscode.workspace.textDocuments) {
      if (document.uri.scheme !== 'vscode-notebook-cell') this.scheduleDocument(document, 0);
    }
    for (const notebook of vscode.workspace.notebookDocuments) this.scheduleNotebook(notebook, 0);
  }

  /** The findings of the document's current version, or undefined while they are being computed. */
  resultFor(document: vscode.TextDocument): DocumentFindings | undefined {
    const result = this.results.get(document.uri.toString());
    return result && result.version === document.version ? result : undefined;
  }

  /** Lints a document (or the notebook a cell belongs to) now and resolves when its diagnostics are set. */
  lintNow(document: vscode.TextDocument): Promise<void> {
    const notebook = notebookOf(document);
    return notebook ? this.runNotebook(notebook) : this.runDocument(document);
  }

  private scheduleDocument(document: vscode.TextDocument, delay: number): void {
    if (!isLintable(document)) return;
    const notebook = notebookOf(document);
    if (notebook) {
      this.scheduleNotebook(notebook, delay);
      return;
    }
    if (document.uri.scheme === 'vscode-notebook-cell') return; // its notebook is not open yet; it will be scheduled on open
    this.schedule(document.uri.toString(), delay, () => this.runDocument(document));
  }

  private scheduleNotebook(notebook: vscode.NotebookDocument, delay: number): void {
    this.schedule(notebook.uri.toString(), delay, () => this.runNotebook(notebook));
  }

  private schedule(key: string, delay: number, run: () => Promise<void>): void {
    if (delay > 0) delay = Math.max(delay, Math.min(this.lintDurations.get(key) ?? 0, MAX_DEBOUNCE_MS));
    clearTimeout(this.timers.get(key));
    this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      run().catch((error: unknown) => this.logger.error(`Linting ${key} failed`, error));
    }, delay));
  }

  private nextGeneration(key: string): number {
    const generation = (this.generations.get(key) ?? 0) + 1;
    this.generations.set(key, generation);
    return generation;
  }

  private async optionsFor(uri: vscode.Uri, settings: EditorSettings): Promise<LintOptions> {
    this.reportProblems(settings.problems);
    const project = await this.projectConfig.layerFor(uri);
    return resolveLintOptions([project, settings.layer], uri.scheme === 'file' ? uri.fsPath : undefined);
  }

  private async runDocument(document: vscode.TextDocument): Promise<void> {
    const key = document.uri.toString();
    const generation = this.nextGeneration(key);
    const settings = readSettings(document);
    if (!settings.enable) {
      this.clear(document.uri);
      return;
    }
    try {
      const options = await this.optionsFor(document.uri, settings);
      await this.engine.ready();
      // A newer run was scheduled while we waited, or the document went away: drop this one.
      if (this.generations.get(key) !== generation || document.isClosed) return;
      const version = document.version;
      const started = Date.now();
      const result = this.engine.lintDocument(key, document.getText(), options);
      if (document.version !== version) return;
      if (this.wasSkipped(document.uri, result)) return;
      const findings = result.findings;
      this.lintDurations.set(key, Date.now() - started);
      this.results.set(key, { version, findings, options });
      this.collection.set(document.uri, findings.map((f) => toDiagnostic(f, document.uri)));
      this.changed.fire(document.uri);
      this.logger.debug(`Linted ${document.uri.fsPath || key} v${version}: ${findings.length} finding(s) in ${Date.now() - started} ms`);
    } catch (error) {
      this.clear(document.uri);
      this.logger.error(`Could not lint ${document.uri.toString(true)}`, error);
    }
  }

  private async runNotebook(notebook: vscode.NotebookDocument): Promise<void> {
    const key = notebook.uri.toString();
    const generation = this.nextGeneration(key);
    const settings = readSettings(notebook.uri);
    if (!settings.enable) {
      for (const cell of notebook.getCells()) this.clear(cell.document.uri);
      return;
    }
    try {
      const options = await this.optionsFor(notebook.uri, settings);
      await this.engine.ready();
      if (this.generations.get(key) !== generation || notebook.isClosed) return;
      const started = Date.now();
      const cells = notebook.getCells();
      const versions = cells.map((cell) => cell.document.version);
      const result = this.engine.lintNotebook(key, coreCells(notebook), options);
      if (cells.some((cell, index) => cell.document.version !== versions[index])) return;
      if (this.wasSkipped(notebook.uri, result)) {
        for (const cell of cells) this.clear(cell.document.uri);
        return;
      }
      this.lintDurations.set(key, Date.now() - started);
      const findings = result.findings;
      const cellUris = cells.map((cell) => cell.document.uri);
      cells.forEach((cell, index) => {
        const uri = cell.document.uri;
        if (!isPythonCode(cell)) {
          this.clear(uri);
          return;
        }
        const own = findings.filter((f) => f.cell === index);
        this.results.set(uri.toString(), { version: versions[index], findings: own, cellUris, options });
        this.collection.set(uri, own.map((f) => toDiagnostic(f, uri, cellUris)));
        this.changed.fire(uri);
      });
      this.logger.debug(`Linted notebook ${notebook.uri.toString(true)}: ${findings.length} finding(s) in ${cells.length} cell(s)`);
    } catch (error) {
      for (const cell of notebook.getCells()) this.clear(cell.document.uri);
      this.logger.error(`Could not lint notebook ${notebook.uri.toString(true)}`, error);
    }
  }

  /**
   * Handles a result the core did not (fully) produce: a skipped file (size limit, parse timeout)
   * clears its diagnostics with a one-time notice; crashed rules are logged, their findings lost.
   */
  private wasSkipped(uri: vscode.Uri, result: CoreLintResult): boolean {
    for (const failure of result.failures) this.logger.error(`${failure.rule} failed on ${uri.toString(true)}: ${failure.message}`);
    if (!result.skipped) return false;
    this.clear(uri);
    const key = uri.toString();
    if (!this.skipNotified.has(key)) {
      this.skipNotified.add(key);
      const message = `Dropout Lab ${result.skipped.replace(/^skipped/, 'skipped ' + vscode.workspace.asRelativePath(uri))}.`;
      this.logger.warn(message);
      void vscode.window.showInformationMessage(message, 'Open Settings').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'dropoutLab.maxFileSize');
      });
    }
    return true;
  }

  /** Settings problems show once each as a warning (and always in the log). */
  private reportProblems(problems: readonly string[]): void {
    for (const problem of problems) {
      if (this.reportedProblems.has(problem)) continue;
      this.reportedProblems.add(problem);
      this.logger.warn(problem);
      void vscode.window.showWarningMessage(`Dropout Lab: ${problem}`);
    }
  }

  private clear(uri: vscode.Uri): void {
    const key = uri.toString();
    this.collection.delete(uri);
    if (this.results.delete(key)) this.changed.fire(uri);
  }

  private closeDocument(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.generations.delete(key);
    this.lintDurations.delete(key);
    this.collection.delete(document.uri);
    this.results.delete(key);
    this.engine.forget(key);
  }


  private closeNotebook(notebook: vscode.NotebookDocument): void {
    const key = notebook.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.generations.delete(key);
    for (const cell of notebook.getCells()) {
      this.collection.delete(cell.document.uri);
      this.results.delete(cell.document.uri.toString());
    }
    this.engine.forget(key);
  }

  dispose(): void {
    this.timers.forEach((timer) => clearTimeout(timer));
    this.timers.clear();
    this.disposables.forEach((d) => d.dispose());
  }
}
