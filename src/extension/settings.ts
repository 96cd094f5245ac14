// Reads the `dropoutLab.*` section for one resource, as the language server gets it
// (`workspace/configuration`), and parses it with the server's own reader (src/server/settings.ts),
// so the extension's "Lint Workspace" and the server agree on every setting. The lint settings
// become a configuration layer for the core (src/lint/config.ts), applied over pyproject.toml:
//   rule table defaults  <  pyproject.toml  <  VS Code settings the user actually set
// A lint setting left at its default is not sent, so it never hides what pyproject.toml says.
import * as vscode from 'vscode';
import { parseServerSettings, type ServerSettings } from '../server/settings';

/** `dropoutLab.<setting>`s that feed the lint core; sent only when the user set them. */
const LINT_SETTINGS = ['select', 'ignore', 'severity', 'perFileIgnores', 'maxFileSize', 'roots'] as const;

function isExplicit(config: vscode.WorkspaceConfiguration, key: string): boolean {
  const inspected = config.inspect(key);
  if (!inspected) return false;
  return [inspected.globalValue, inspected.workspaceValue, inspected.workspaceFolderValue,
    inspected.globalLanguageValue, inspected.workspaceLanguageValue, inspected.workspaceFolderLanguageValue]
    .some((value) => value !== undefined);
}

function folderOf(scope: vscode.ConfigurationScope | undefined): string | undefined {
  const uri = scope instanceof vscode.Uri ? scope : scope && 'uri' in scope ? scope.uri : undefined;
  const folder = uri && vscode.workspace.getWorkspaceFolder(uri);
  return folder?.uri.fsPath;
}

/**
 * The `dropoutLab` section with the setting names of package.json, as plain JSON. Values are passed
 * as set (the server validates and reports them).
 */
export function serverSettings(scope: vscode.ConfigurationScope | undefined): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration('dropoutLab', scope);
  const section: Record<string, unknown> = {
    enable: config.get('enable', true),
    run: config.get('run', 'onType'),
    codeActions: {
      fix: config.get('codeActions.fix', true),
      disableLine: config.get('codeActions.disableLine', true),
      showDocumentation: config.get('codeActions.showDocumentation', true),
    },
    codeLens: { enable: config.get('codeLens.enable', true) },
  };
  for (const key of LINT_SETTINGS) {
    if (isExplicit(config, key)) section[key] = config.get(key);
  }
  return section;
}

/** The settings for one resource, parsed as the server parses them (perFileIgnores anchored at its folder). */
export function readSettings(scope: vscode.ConfigurationScope | undefined): ServerSettings {
  return parseServerSettings(serverSettings(scope), folderOf(scope));
}
