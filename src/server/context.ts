// State shared by the request handlers: the connection, the document store, the linter and its
// results, settings, project configuration and what the client can do. Handlers (./handlers/*)
// each register one group of LSP methods against it.
import * as path from 'path';
import { MessageType, ShowMessageNotification, type CancellationToken, type ClientCapabilities, type Connection, type Diagnostic } from 'vscode-languageserver';
import { pathToFileURL } from 'url';
import { isExcluded, projectRoots, resolveLintOptions } from '../lint/config';
import type { LintOptions } from '../lint/linter';
import { RuleDocs, toDiagnostic } from './convert';
import { DocumentStore, type LintTarget } from './documents';
import { Linter, LintScheduler, type TargetResult } from './linting';
import { filePathOf, ProjectConfigs, type ConfigProblem } from './projectConfig';
import { parseServerSettings, type ServerSettings } from './settings';
import type { ServerOptions } from './server';
import { AnalysisCache } from './analysis';
import { ProjectService } from './project';
import { WorkspaceIndexer, type FolderIndexResult, type FolderSetup } from './workspaceIndex';

export type DiagnosticMode = 'push' | 'pull';

/** The levels of the `dropoutLab.logLevel` setting, least verbose first. */
export const LOG_LEVELS = ['off', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = typeof LOG_LEVELS[number];

/** What the client said at initialize, as the server uses it. */
export interface ClientInfo {
  capabilities: ClientCapabilities;
  diagnosticMode: DiagnosticMode;
  /** The client runs `dropoutLab.showRuleDocumentation` / `dropoutLab.visualizeModel` itself (VS Code). */
  clientCommands: boolean;
  /** Settings for clients without workspace/configuration. */
  initialSettings?: unknown;
  workspaceFolders: string[];
  /** What goes to window/logMessage (each lint with its time is `debug`). */
  logLevel: LogLevel;
}

export class ServerContext {
  readonly store = new DocumentStore();
  readonly linter = new Linter();
  readonly analyses = new AnalysisCache();
  readonly ruleDocs: RuleDocs;
  readonly configs: ProjectConfigs;
  readonly scheduler: LintScheduler;
  readonly project: ProjectService;
  readonly indexer: WorkspaceIndexer;
  client: ClientInfo = { capabilities: {}, diagnosticMode: 'push', clientCommands: false, workspaceFolders: [], logLevel: 'info' };
  /** Settings pushed by workspace/didChangeConfiguration (clients without workspace/configuration). */
  pushedSettings: unknown;
  private readonly results = new Map<string, TargetResult>();
  /** The content signature whose diagnostics were last published, per target. */
  private readonly published = new Map<string, string>();
  /** The version and diagnostics last sent, per document or cell URI. */
  private readonly lastSent = new Map<string, string>();
  private readonly settingsCache = new Map<string, Promise<ServerSettings>>();
  private readonly reported = new Set<string>();
  private readonly skipNotified = new Set<string>();
  private readonly configProblemUris = new Set<string>();
  private ready: Promise<void> | undefined;
  /** Counts content changes as they are processed (see `settle`). */
  private changeTick = 0;

  constructor(readonly connection: Connection, readonly options: ServerOptions) {
    this.ruleDocs = new RuleDocs(options.wasmDir && path.join(options.wasmDir, 'docs', 'rules'));
    this.configs = new ProjectConfigs((problem) => this.showConfigProblem(problem));
    this.scheduler = new LintScheduler(options.lintDelayMs ?? 0, (key) => this.lintAndPublish(key));
    this.project = new ProjectService((files) => this.dependentsChanged(files));
    this.indexer = new WorkspaceIndexer({
      setup: (folder) => this.folderSetup(folder),
      lintPending: () => this.scheduler.busy,
      indexed: (result) => this.folderIndexed(result),
    });
  }

  /** Loads the parser (once). */
  load(): Promise<void> {
    this.ready ??= this.linter.load(this.options.wasmDir);
    return this.ready;
  }

  get supportsConfiguration(): boolean {
    return !!this.client.capabilities.workspace?.configuration;
  }

  // ---- settings -------------------------------------------------------------------------------

  /** The settings for a document or notebook URI (cached until the configuration changes). */
  settingsFor(uri: string): Promise<ServerSettings> {
    let pending = this.settingsCache.get(uri);
    if (!pending) {
      pending = this.fetchSettings(uri);
      this.settingsCache.set(uri, pending);
    }
    return pending;
  }

  private async fetchSettings(uri: string): Promise<ServerSettings> {
    let raw: unknown = this.pushedSettings ?? this.client.initialSettings;
    if (this.supportsConfiguration) {
      try {
        raw = await this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'dropoutLab' });
      } catch (error) {
        this.log('warn', `workspace/configuration failed (${String(error)}); using the last known settings.`);
      }
    }
    const settings = parseServerSettings(raw, this.folderOf(uri));
    this.reportProblems(settings.problems);
    return settings;
  }

  /** Forgets cached settings and project files, then re-lints everything (configuration changed). */
  configurationChanged(): void {
    this.settingsCache.clear();
    this.configs.invalidate();
    this.relintAll();
  }

  private folderOf(uri: string): string | undefined {
    const file = filePathOf(uri);
    if (!file) return undefined;
    const folders = this.client.workspaceFolders.map(filePathOf).filter((f): f is string => !!f);
    return folders.filter((f) => file.startsWith(f + path.sep)).sort((a, b) => b.length - a.length)[0];
  }


  // ---- workspace index -----------------------------------------------------------------------

  /** Indexes the workspace folders in the background (again: summaries already known are reused). */
  indexWorkspaceFolders(): void {
    this.indexer.add(this.client.workspaceFolders.map(filePathOf).filter((f): f is string => !!f));
  }

  /** The project index a folder's modules go to (its roots as a file at its top sees them) and its excludes. */
  private async folderSetup(folder: string): Promise<FolderSetup> {
    const probe = (dir: string) => pathToFileURL(path.join(dir, '__init__.py')).toString();
    const settings = await this.settingsFor(probe(folder));
    const index = this.project.indexFor(projectRoots([this.configs.layerFor(probe(folder)), settings.layer]));
    const excluded = (file: string, isFolder: boolean) =>
      isExcluded(file, [this.configs.layerFor(isFolder ? probe(file) : pathToFileURL(file).toString()), settings.layer]);
    return { index, excluded };
  }

  private folderIndexed(result: FolderIndexResult): void {
    const what = `${result.files} Python module(s), ${result.lines} lines${result.tooLarge ? `, ${result.tooLarge} too large skipped` : ''}`;
    this.log('info', `Indexed ${result.folder}: ${what} in ${result.ms} ms${result.cancelled ? ' (stopped: the folder left the workspace)' : ''}`);
    for (const failure of result.failed) this.log('error', `Indexing failed for ${failure}`);
    if (result.cancelled || !result.added) return;
    // Callers and importers that were unknown may change what open files see: lint them again.
    const inside = this.store.allTargets()
      .map((t) => filePathOf(t.key))
      .filter((f): f is string => !!f && path.resolve(f).startsWith(result.folder + path.sep));
    this.dependentsChanged(inside, false);
  }

  // ---- results --------------------------------------------------------------------------------

  /** The result for the target's current content, if it was computed. */
  currentResult(target: LintTarget): TargetResult | undefined {
    const result = this.results.get(target.key);
    return result && result.signature === DocumentStore.signature(target) ? result : undefined;
  }

  /** The current result for a document or cell URI, linting now when there is none. */
  async ensureResult(uri: string, token?: CancellationToken): Promise<{ target: LintTarget; result: TargetResult } | undefined> {
    const target = this.store.targetFor(uri);
    if (!target) return undefined;
    const ready = this.currentResult(target);
    if (ready) return { target, result: ready };
    const result = await this.computeResult(target.key, token);
    return result ? { target: this.store.targetFor(uri) ?? target, result } : undefined;
  }

  /**
   * Lints a target's current content and stores the result. Undefined when the target went away,
   * the request was cancelled, or the content changed while settings were being fetched.
   */
  async computeResult(key: string, token?: CancellationToken): Promise<TargetResult | undefined> {
    const before = this.targetByKey(key);
    if (!before) return undefined;
    const settings = await this.settingsFor(key);
    await this.load();
    if (token?.isCancellationRequested) return undefined;
    const target = this.targetByKey(key);
    if (!target || DocumentStore.signature(target) !== DocumentStore.signature(before)) return undefined;
    const signature = DocumentStore.signature(target);
    const versions = new Map<string, number | undefined>(target.kind === 'text'
      ? [[target.key, target.document.version]]
      : target.cells.filter((c) => c.isPython).map((c) => [c.uri, c.version]));
    if (!settings.enable) {
      const byUri = new Map<string, never[]>([...versions.keys()].map((uri) => [uri, []]));
      const result: TargetResult = { key, signature, options: {}, byUri, versions, disabled: true };
      this.results.set(key, result);
      return result;
    }
    const layers = [this.configs.layerFor(key), settings.layer];
    // Cross-module knowledge: models, builders and mode helpers of other modules of the project.
    const project = this.project.option(key, projectRoots(layers));
    const options: LintOptions = { ...resolveLintOptions(layers, filePathOf(key)), ...(project ? { project } : {}) };
    const now = this.targetByKey(key);
    if (!now || DocumentStore.signature(now) !== signature || token?.isCancellationRequested) return undefined;
    const started = performance.now();
    const activity = this.options.lintActivity;
    if (activity) Atomics.add(activity, 0, 1);
    let linted: ReturnType<Linter['lint']>;
    try {
      linted = this.linter.lint(now, options);
    } finally {
      if (activity) Atomics.add(activity, 0, 1);
    }
    const { result: lint, byUri, cellUris } = linted;
    for (const failure of lint.failures) this.log('error', `${failure.rule} failed on ${key}: ${failure.message}`);
    if (lint.skipped) {
      for (const uri of byUri.keys()) byUri.set(uri, []);
      for (const uri of versions.keys()) byUri.set(uri, []);
      this.notifySkipped(key, lint.skipped);
    } else {
      this.skipNotified.delete(key);
    }
    const result: TargetResult = { key, signature, options, byUri, versions, cellUris, skipped: lint.skipped };
    this.results.set(key, result);
    this.log('debug', `Linted ${key}: ${lint.findings.length} finding(s) in ${(performance.now() - started).toFixed(1)} ms`);
    return result;
  }

  private targetByKey(key: string): LintTarget | undefined {
    return this.store.notebookTarget(key) ?? this.store.targetFor(key);
  }

  /** The diagnostics of a result for one document or cell URI. */
  diagnosticsFor(result: TargetResult, uri: string): Diagnostic[] {
    const uriOfCell = (cell: number) => result.cellUris?.[cell];
    return (result.byUri.get(uri) ?? []).map((finding) => toDiagnostic(finding, uri, this.ruleDocs, uriOfCell));
  }

  // ---- push diagnostics -----------------------------------------------------------------------

  /** Called for an opened, changed or saved document/notebook: lints it soon (push mode). */
  contentChanged(key: string, reason: 'open' | 'change' | 'save'): void {
    this.changeTick++;
    const document = this.store.text.get(key);
    if (document && reason !== 'save') this.project.edited(key, () => document.getText());
    if (this.client.diagnosticMode === 'pull') {
      // A notebook edit can change other cells' findings: ask the client to pull again.
      if (reason !== 'open' && this.store.notebookTarget(key)) this.requestRefresh();
      return;
    }
    if (reason === 'open') {
      this.scheduler.schedule(key);
      return;
    }
    void this.settingsFor(key).then((settings) => {
      if ((settings.run === 'onSave') === (reason === 'save')) this.scheduler.schedule(key);
    });
  }

  /**
   * Waits until the edits already received are processed. vscode-jsonrpc handles one message per
   * event-loop turn (setImmediate), so a burst of changes that arrived together (or during a lint)
   * is applied over the next turns: two turns without a new change mean the burst is in.
   */
  private async settle(): Promise<void> {
    const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
    for (let rounds = 0; rounds < 10_000; rounds++) {
      const tick = this.changeTick;
      await turn();
      await turn();
      if (tick === this.changeTick) return;
    }
  }

  private async lintAndPublish(key: string): Promise<void> {
    try {
      // Merge edits that are already here into this lint instead of linting each.
      await this.settle();
      const current = this.targetByKey(key);
      if (!current || this.published.get(key) === DocumentStore.signature(current)) return; // a merged edit, already linted
      // A code action or pull may already have linted this very content.
      const result = this.currentResult(current) ?? await this.computeResult(key);
      if (!result) return;
      // Edits that arrived during the lint make it stale: they are processed first, then checked.
      await this.settle();
      const target = this.targetByKey(key);
      if (!target || DocumentStore.signature(target) !== result.signature) return; // stale: a newer lint is scheduled
      this.publish(result);
    } catch (error) {
      this.log('error', `Linting ${key} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    }
  }

  private publish(result: TargetResult): void {
    this.published.set(result.key, result.signature);
    for (const [uri, version] of result.versions) {
      const diagnostics = this.diagnosticsFor(result, uri);
      // A re-lint because another module changed often finds the same: the client already shows it.
      const sent = `${version}\0${JSON.stringify(diagnostics)}`;
      if (this.lastSent.get(uri) === sent) continue;
      this.lastSent.set(uri, sent);
      void this.connection.sendDiagnostics({ uri, version, diagnostics });
    }
  }

  /** Re-lints (push) or asks the client to pull again (pull) every open target. */
  relintAll(): void {
    // Same content, other settings: every result is outdated.
    this.results.clear();
    this.published.clear();
    this.lastSent.clear(); // settings changed: publish again whatever the result
    // Roots or excludes may have changed: walk the folders again (known summaries are reused).
    this.indexWorkspaceFolders();
    if (this.client.diagnosticMode === 'pull') {
      this.requestRefresh();
      return;
    }
    for (const target of this.store.allTargets()) this.scheduler.schedule(target.key);
  }

  private requestRefresh(): void {
    if (this.client.capabilities.workspace?.diagnostics?.refreshSupport) void Promise.resolve(this.connection.languages.diagnostics.refresh()).catch(() => undefined);
  }

  /** A closed document or notebook: forget everything about it and clear what was shown. */
  closed(key: string, uris: readonly string[]): void {
    this.scheduler.cancel(key);
    this.results.delete(key);
    this.published.delete(key);
    this.settingsCache.delete(key);
    this.skipNotified.delete(key);
    this.linter.forget(key);
    this.analyses.forget(key);
    this.project.closed(key);
    for (const uri of uris) this.lastSent.delete(uri);
    if (this.client.diagnosticMode === 'push') for (const uri of uris) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /** Files whose lint may have changed because a module they import changed: re-lint the open ones (and notebooks). */
  private dependentsChanged(files: readonly string[], withNotebooks = true): void {
    // A changed summary re-lints the open notebooks even without file dependents: a notebook is
    // never a module others import, so the index cannot name it among the dependents.
    const wanted = new Set(files.map((f) => path.resolve(f)));
    const keys = this.store.allTargets()
      .filter((t) => (t.kind === 'notebook' && withNotebooks) || wanted.has(path.resolve(filePathOf(t.key) ?? '')))
      .map((t) => t.key);
    if (!keys.length) return;
    if (this.client.diagnosticMode === 'pull') {
      for (const key of keys) this.results.delete(key);
      this.requestRefresh();
      return;
    }
    for (const key of keys) {
      this.results.delete(key);
      this.published.delete(key);
      this.scheduler.schedule(key);
    }
  }

  /** Cells removed from a notebook: clear their diagnostics. */
  closedCells(uris: readonly string[]): void {
    for (const uri of uris) this.lastSent.delete(uri);
    if (this.client.diagnosticMode === 'push') for (const uri of uris) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  // ---- messages ----

  /** Writes to the client's log (window/logMessage) at or above `client.logLevel`. */
  log(level: Exclude<LogLevel, 'off'>, message: string): void {
    if (LOG_LEVELS.indexOf(level) > LOG_LEVELS.indexOf(this.client.logLevel)) return;
    if (level === 'error') this.connection.console.error(message);
    else if (level === 'warn') this.connection.console.warn(message);
    else if (level === 'info') this.connection.console.info(message);
    else this.connection.console.log(message);
  }

  private notifySkipped(key: string, reason: string): void {
    if (this.skipNotified.has(key)) return;
    this.skipNotified.add(key);
    const name = decodeURIComponent(key.slice(key.lastIndexOf('/') + 1)) || key;
    const message = `Dropout Lab ${reason.replace(/^skipped/, `skipped ${name}`)}. Raise dropoutLab.maxFileSize to lint it.`;
    this.log('warn', message);
    void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message });
  }

  /** Settings problems show once each as a warning (and always in the log). */
  private reportProblems(problems: readonly string[]): void {
    for (const problem of problems) {
      this.log('warn', problem);
      if (this.reported.has(problem)) continue;
      this.reported.add(problem);
      void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `Dropout Lab: ${problem}` });
    }
  }

  private showConfigProblem({ uri, problem }: ConfigProblem): void {
    if (!problem) {
      if (this.configProblemUris.delete(uri)) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
      return;
    }
    this.configProblemUris.add(uri);
    this.log('error', `${uri}: ${problem.message}`);
    void this.connection.sendDiagnostics({
      uri,
      diagnostics: [{
        range: { start: { line: problem.line, character: 0 }, end: { line: problem.line, character: 2 ** 31 - 1 } },
        severity: 1,
        source: 'Dropout Lab',
        message: `Dropout Lab configuration: ${problem.message}. Linting uses the defaults until this is fixed.`,
      }],
    });
  }

  dispose(): void {
    this.indexer.dispose();
    this.scheduler.dispose();
    this.project.dispose();
    this.linter.dispose();
    this.analyses.dispose();
  }
}
