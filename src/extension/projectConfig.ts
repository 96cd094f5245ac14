// `[tool.dropout-lab]` from the nearest pyproject.toml above a document (up to its workspace
// folder), read through vscode.workspace.fs so remote and virtual workspaces work, validated by the
// core (src/lint/config.ts) as the language server validates it. Parsed files are cached and re-read when a pyproject.toml changes.
// A broken one shows as an error diagnostic on pyproject.toml (and in the log) and the document
// is linted without it: never a crash.
import * as vscode from 'vscode';
import { ConfigError, layerFromPyprojectText, type ConfigLayer } from '../lint/config';
import { configErrorLine } from '../server/projectConfig';
import type { Logger } from './log';

export interface ProjectConfig {
  /** The nearest pyproject.toml's `[tool.dropout-lab]` layer for this document, if any. */
  layerFor(uri: vscode.Uri): Promise<ConfigLayer | undefined>;
  readonly onDidChange: vscode.Event<void>;
}

/** What one pyproject.toml gave: a layer, nothing of ours, or an error (at a 0-based line). */
type Loaded = { layer: ConfigLayer } | { error: string; line: number } | undefined;

export function isPyproject(uri: vscode.Uri): boolean {
  return uri.path.endsWith('/pyproject.toml');
}

export class PyprojectConfig implements ProjectConfig, vscode.Disposable {
  private readonly cache = new Map<string, Promise<Loaded>>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];
  readonly onDidChange = this.changed.event;

  constructor(private readonly logger: Logger, private readonly problems: vscode.DiagnosticCollection) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/pyproject.toml');
    const invalidate = (uri: vscode.Uri) => {
      this.cache.delete(uri.toString());
      this.changed.fire();
    };
    this.disposables.push(
      watcher,
      this.changed,
      watcher.onDidCreate(invalidate),
      watcher.onDidChange(invalidate),
      watcher.onDidDelete((uri) => {
        this.problems.delete(uri);
        invalidate(uri);
      }),
      // Saved edits count even where the file watcher is slow or absent (virtual file systems).
      vscode.workspace.onDidSaveTextDocument((document) => {
        if (isPyproject(document.uri)) invalidate(document.uri);
      }),
    );
  }

  async layerFor(uri: vscode.Uri): Promise<ConfigLayer | undefined> {
    for (const candidate of this.candidates(uri)) {
      const loaded = await this.load(candidate);
      if (loaded && 'layer' in loaded) return loaded.layer;
      if (loaded) return undefined; // the nearest config is broken: lint with defaults (the error is shown on it)
    }
    return undefined;
  }

  /** pyproject.toml paths from the document's folder up to its workspace folder, nearest first. */
  private candidates(uri: vscode.Uri): vscode.Uri[] {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return [];
    const result: vscode.Uri[] = [];
    let directory = vscode.Uri.joinPath(uri, '..');
    for (let depth = 0; depth < 64 && directory.path.startsWith(folder.uri.path); depth++) {
      result.push(vscode.Uri.joinPath(directory, 'pyproject.toml'));
      if (directory.path === folder.uri.path) break;
      directory = vscode.Uri.joinPath(directory, '..');
    }
    return result;
  }

  private load(file: vscode.Uri): Promise<Loaded> {
    const key = file.toString();
    let pending = this.cache.get(key);
    if (!pending) {
      pending = this.read(file);
      this.cache.set(key, pending);
    }
    return pending;
  }

  private async read(file: vscode.Uri): Promise<Loaded> {
    let text: string;
    try {
      text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(file));
    } catch {
      this.problems.delete(file);
      return undefined; // no pyproject.toml at this level
    }
    try {
      const layer = layerFromPyprojectText(text, file.fsPath, vscode.Uri.joinPath(file, '..').fsPath);
      this.problems.delete(file);
      return layer && { layer };
    } catch (error) {
      const message = error instanceof ConfigError ? error.message.replace(`${file.fsPath}: `, '') : String(error);
      const line = error instanceof ConfigError ? configErrorLine(error, text) : 0;
      const diagnostic = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER),
        `Dropout Lab configuration: ${message}. Linting uses the defaults until this is fixed.`, vscode.DiagnosticSeverity.Error);
      diagnostic.source = 'Dropout Lab';
      this.problems.set(file, [diagnostic]);
      this.logger.error(`${file.toString(true)}: ${message}`);
      return { error: message, line };
    }
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
