// Settings and project configuration changes: `workspace/didChangeConfiguration` (settings are
// fetched again through workspace/configuration, or taken from the notification for clients
// without it), `workspace/didChangeWatchedFiles` for pyproject.toml, and workspace folder changes
// (where the pyproject.toml search stops). Each re-lints the open documents. Watched Python files
// keep the project index current (see ../project.ts).
import { DidChangeConfigurationNotification, DidChangeWatchedFilesNotification } from 'vscode-languageserver';
import type { ServerContext } from '../context';
import { filePathOf } from '../projectConfig';

export function registerConfigurationHandlers(ctx: ServerContext): void {
  const connection = ctx.connection;
  connection.onDidChangeConfiguration((params) => {
    const settings = (params?.settings as Record<string, unknown> | undefined)?.dropoutLab;
    if (settings !== undefined) ctx.pushedSettings = settings;
    ctx.configurationChanged();
  });
  connection.onDidChangeWatchedFiles((params) => {
    const changes = (Array.isArray(params?.changes) ? params.changes : []).filter((change) => typeof change?.uri === 'string');
    // Python modules on disk: the project index re-reads them (for open files the editor's text still
    // wins, but the disk's new text must be the one that counts once they close).
    for (const change of changes) if (/\.pyi?$/i.test(change.uri)) ctx.project.watched(change.uri, change.type);
    const configs = changes.filter((change) => change.uri.endsWith('/pyproject.toml'));
    if (!configs.length) return;
    for (const change of configs) ctx.configs.invalidate(change.uri);
    ctx.relintAll();
  });
}

/** After `initialized`: ask for the notifications the client only sends when the server registers for them. */
export function registerDynamicCapabilities(ctx: ServerContext): void {
  const capabilities = ctx.client.capabilities;
  const connection = ctx.connection;
  if (capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
    void connection.client.register(DidChangeConfigurationNotification.type, { section: 'dropoutLab' }).catch(() => undefined);
  }
  if (capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
    void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/pyproject.toml' }, { globPattern: '**/*.py' }] }).catch(() => undefined);
  }
  if (capabilities.workspace?.workspaceFolders) {
    connection.workspace.onDidChangeWorkspaceFolders((event) => {
      const removed = new Set(event.removed.map((f) => f.uri));
      for (const folder of event.removed) {
        const file = filePathOf(folder.uri);
        if (file) ctx.indexer.remove(file);
      }
      ctx.client.workspaceFolders = [...ctx.client.workspaceFolders.filter((f) => !removed.has(f)), ...event.added.map((f) => f.uri)];
      ctx.configs.setWorkspaceFolders(ctx.client.workspaceFolders);
      ctx.configurationChanged(); // re-lints, and indexes the added folders in the background
    });
  }
}
