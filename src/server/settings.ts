// The `dropoutLab.*` settings as the server gets them: from `workspace/configuration` (section
// `dropoutLab`, per document) when the client supports it, else from `workspace/didChangeConfiguration`
// or `initializationOptions.settings`. Same names and meanings as the VS Code settings:
//   enable, run (onType|onSave), select, ignore, severity, perFileIgnores, maxFileSize, roots,
//   codeActions.{fix,disableLine,showDocumentation}, codeLens.enable
// The lint settings become the top configuration layer over pyproject.toml (src/lint/config.ts).
// A value that is absent, null, [] or {} counts as "not set", so it never hides pyproject.toml
// (clients send defaults along with explicit values). Each setting is validated on its own: a
// bad one is reported and dropped while the others apply.
import { ConfigError, parseSettings, type ConfigLayer, type Settings } from '../lint/config';

export type RunTrigger = 'onType' | 'onSave';

export interface ServerSettings {
  enable: boolean;
  run: RunTrigger;
  codeActions: { fix: boolean; disableLine: boolean; showDocumentation: boolean };
  codeLens: boolean;
  /** The lint settings that were set, as the top configuration layer. */
  layer: ConfigLayer;
  /** Problems found in the settings, for a visible message. */
  problems: string[];
}

const LINT_SETTINGS = ['select', 'ignore', 'severity', 'perFileIgnores', 'maxFileSize', 'roots'] as const;

function isUnset(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

/** Reads `a.b` from a nested object, or from a flat one with dotted keys (clients differ). */
function lookup(raw: Record<string, unknown>, key: string): unknown {
  if (key in raw) return raw[key];
  const [head, ...rest] = key.split('.');
  const inner = raw[head];
  if (!rest.length || typeof inner !== 'object' || inner === null) return undefined;
  return lookup(inner as Record<string, unknown>, rest.join('.'));
}

/** Turns the raw `dropoutLab` section (any JSON) into settings; `baseDir` anchors perFileIgnores globs. */
export function parseServerSettings(raw: unknown, baseDir?: string): ServerSettings {
  const problems: string[] = [];
  const section = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw as Record<string, unknown> : {};
  if (raw !== undefined && raw !== null && section !== raw) problems.push(`dropoutLab: the settings must be an object, got ${Array.isArray(raw) ? 'a list' : typeof raw}; using the defaults.`);
  const settings: Settings = {};
  for (const key of LINT_SETTINGS) {
    const value = lookup(section, key);
    if (isUnset(value)) continue;
    try {
      Object.assign(settings, parseSettings({ [key]: value }, 'editor'));
    } catch (error) {
      problems.push(`${error instanceof ConfigError ? error.message : String(error)}. This setting is ignored until it is fixed.`);
    }
  }
  const run = lookup(section, 'run') ?? 'onType';
  if (run !== 'onType' && run !== 'onSave') problems.push(`dropoutLab.run: must be "onType" or "onSave", got ${JSON.stringify(run)}; using "onType".`);
  const flag = (key: string, fallback: boolean) => {
    const value = lookup(section, key);
    if (value === undefined || value === null) return fallback;
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
    layer: { settings, baseDir, file: 'editor settings' },
    problems,
  };
}
