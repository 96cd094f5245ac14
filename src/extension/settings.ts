// Reads the `dropoutLab.*` settings for one resource. The lint-related ones become a configuration
// layer for the core (src/lint/config.ts), applied over pyproject.toml's `[tool.dropout-lab]`:
//   rule table defaults  <  pyproject.toml  <  VS Code settings the user actually set
// A setting left at its default never hides what pyproject.toml says. Each setting is validated on
// its own, so one bad value is reported and dropped while the others still apply.
import * as vscode from 'vscode';
import { ConfigError, parseSettings, type ConfigLayer, type Settings } from '../lint/config';

export type RunTrigger = 'onType' | 'onSave';

export interface EditorSettings {
  enable: boolean;
  run: RunTrigger;
  codeActions: { fix: boolean; disableLine: boolean; showDocumentation: boolean };
  codeLens: boolean;
  /** The lint settings the user set explicitly, as the top configuration layer. */
  layer: ConfigLayer;
  /** Problems found in the settings, for a visible message. */
  problems: string[];
}

/** `dropoutLab.<setting>` → the core's editor-style key (see src/lint/config.ts). */
const LINT_SETTINGS = ['select', 'ignore', 'severity', 'perFileIgnores', 'maxFileSize'] as const;

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

export function readSettings(scope: vscode.ConfigurationScope | undefined): EditorSettings {
  const config = vscode.workspace.getConfiguration('dropoutLab', scope);
  const problems: string[] = [];
  const settings: Settings = {};
  for (const key of LINT_SETTINGS) {
    if (!isExplicit(config, key)) continue;
    try {
      Object.assign(settings, parseSettings({ [key]: config.get(key) }, 'editor'));
    } catch (error) {
      problems.push(`${error instanceof ConfigError ? error.message : String(error)}. This setting is ignored until it is fixed.`);
    }
  }
  const run = config.get<unknown>('run', 'onType');
  if (run !== 'onType' && run !== 'onSave') problems.push(`dropoutLab.run: must be "onType" or "onSave", got ${JSON.stringify(run)}; using "onType".`);
  const flag = (key: string, fallback: boolean) => {
    const value = config.get<unknown>(key, fallback);
    if (typeof value === 'boolean') return value;
    problems.push(`dropoutLab.${key}: must be true or false, got ${JSON.stringify(value)}; using ${fallback}.`);
    return fallback;
  };
  return {
    enable: flag('enable', true),
    run: run === 'onSave' ? 'onSave' : 'onType',
    codeActions: {
      fix: flag('codeActions.fix', true),
      disableLine: flag('codeActions.disableLine', true),
      showDocumentation: flag('codeActions.showDocumentation', true),
    },
    codeLens: flag('codeLens.enable', true),
    layer: { settings, baseDir: folderOf(scope), file: 'VS Code settings' },
    problems,
  };
}

/**
 * The `dropoutLab` section as the language server reads it (`workspace/configuration`), with the
 * setting names of package.json. Values are passed as set (the server validates and reports them);
 * a lint setting the user has not set is left out, so its default never hides pyproject.toml.
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
