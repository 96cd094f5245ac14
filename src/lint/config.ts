// Project configuration: the `[tool.dropout-lab]` table of pyproject.toml, the same settings as
// the editor passes them (`dropoutLab.*`), validation with clear errors, and how layers combine.
//
//   [tool.dropout-lab]
//   select = ["ALL"]                      # rule ids, names ("invalid-dropout-rate"), prefixes ("DRP01") or "ALL"
//   ignore = ["DRP015"]
//   exclude = ["generated/**"]            # globs, relative to the pyproject.toml's folder (directory walks only)
//   max-file-size = "1 MB"                # bytes (integer) or a string with KB/MB; larger files are skipped, with a notice
//   parse-timeout-ms = 5000               # parsing longer than this skips the file, with a notice
//   [tool.dropout-lab.severity]
//   DRP007 = "warning"                    # error | warning | information | hint | off
//   [tool.dropout-lab.per-file-ignores]
//   "tests/**" = ["DRP002"]               # globs relative to the pyproject.toml's folder; no "/" = file name anywhere
//
// The editor passes the same settings in camelCase (`perFileIgnores`, `maxFileSize`, `parseTimeoutMs`).
//
// Precedence, lowest to highest: rule table defaults < pyproject.toml < CLI flags (`--select`,
// `--ignore`, `--config`) — and in the editor: defaults < pyproject.toml < VS Code settings.
// Each layer is applied in turn, Ruff-style: a layer's `select` replaces the rule set chosen so far,
// then its `ignore` removes rules; `severity` entries override per rule (`"off"` disables it);
// per-file-ignores of every layer apply last. Limits: the highest layer that sets one wins.
//
// The pyproject.toml used for a file is the nearest one, walking up from the file's folder, that
// has a `[tool.dropout-lab]` table. A pyproject.toml that is not valid TOML is an error if it
// mentions dropout-lab (it may be ours) and is passed over otherwise (it belongs to other tools).
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { DEFAULT_MAX_FILE_BYTES, DEFAULT_PARSE_TIMEOUT_MS, type LintOptions } from './linter';
import { findRule, RULES } from './ruleTable';
import type { RuleId, Severity } from './types';

/** A configuration mistake: names the file and the key. The CLI prints it and exits 2. */
export class ConfigError extends Error {
  constructor(message: string, readonly file?: string, readonly key?: string) {
    super(`${file ? `${file}: ` : ''}${key ? `${key}: ` : ''}${message}`);
    this.name = 'ConfigError';
  }
}

export type SeveritySetting = Severity | 'off';

export interface PerFileIgnore {
  pattern: string;
  rules: RuleId[];
}

/** Validated settings of one layer; absent fields leave lower layers in force. */
export interface Settings {
  select?: RuleId[];
  ignore?: RuleId[];
  severity?: Partial<Record<RuleId, SeveritySetting>>;
  perFileIgnores?: PerFileIgnore[];
  exclude?: string[];
  maxFileSize?: number;
  parseTimeoutMs?: number;
  /** Extra import roots of the project index (folders, relative to the configuration's folder). */
  roots?: string[];
}

/** One layer of configuration and the folder its globs are relative to. */
export interface ConfigLayer {
  settings: Settings;
  /** Folder that per-file-ignores and exclude patterns are relative to. */
  baseDir?: string;
  /** The file it came from (pyproject.toml or --config), for messages. */
  file?: string;
}

export type SettingsStyle = 'pyproject' | 'editor';

interface KeySpec {
  field: keyof Settings;
  pyproject: string;
  editor: string;
}

const KEYS: readonly KeySpec[] = [
  { field: 'select', pyproject: 'select', editor: 'select' },
  { field: 'ignore', pyproject: 'ignore', editor: 'ignore' },
  { field: 'severity', pyproject: 'severity', editor: 'severity' },
  { field: 'perFileIgnores', pyproject: 'per-file-ignores', editor: 'perFileIgnores' },
  { field: 'exclude', pyproject: 'exclude', editor: 'exclude' },
  { field: 'maxFileSize', pyproject: 'max-file-size', editor: 'maxFileSize' },
  { field: 'parseTimeoutMs', pyproject: 'parse-timeout-ms', editor: 'parseTimeoutMs' },
  { field: 'roots', pyproject: 'roots', editor: 'roots' },
];

const SEVERITIES: readonly SeveritySetting[] = ['error', 'warning', 'information', 'hint', 'off'];

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a table';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  return `${typeof value} ${String(value)}`;
}

/** Expands a rule selector: id, name, id prefix or "ALL". */
export function expandSelector(selector: string): RuleId[] {
  const trimmed = selector.trim();
  if (trimmed.toUpperCase() === 'ALL') return RULES.map((r) => r.id);
  const exact = findRule(trimmed);
  if (exact) return [exact.id];
  const upper = trimmed.toUpperCase();
  if (/^DRP\d{0,2}$/.test(upper)) return RULES.filter((r) => r.id.startsWith(upper)).map((r) => r.id);
  return [];
}

function ruleList(value: unknown, key: string, file?: string): RuleId[] {
  if (!Array.isArray(value)) throw new ConfigError(`must be a list of rule ids such as ["DRP001"], got ${describe(value)}`, file, key);
  const ids: RuleId[] = [];
  value.forEach((entry, index) => {
    if (typeof entry !== 'string') throw new ConfigError(`entry ${index + 1} must be a string, got ${describe(entry)}`, file, key);
    const expanded = expandSelector(entry);
    if (!expanded.length) throw new ConfigError(`unknown rule ${JSON.stringify(entry)} (use an id ${RULES[0].id}…${RULES[RULES.length - 1].id}, a rule name, a prefix such as "DRP01", or "ALL")`, file, key);
    for (const id of expanded) if (!ids.includes(id)) ids.push(id);
  });
  return ids;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

const SIZE = /^\s*(\d+(?:\.\d+)?)\s*(b|bytes?|kb|kib|k|mb|mib|m)?\s*$/i;

function parseSize(value: unknown, key: string, file?: string): number {
  let bytes: number | undefined;
  if (typeof value === 'number' || typeof value === 'bigint') bytes = Number(value);
  else if (typeof value === 'string') {
    const match = SIZE.exec(value);
    if (match) {
      const unit = (match[2] ?? 'b').toLowerCase();
      const scale = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 * 1024 : 1;
      bytes = Math.round(Number(match[1]) * scale);
    }
  }
  if (bytes === undefined || !Number.isFinite(bytes) || bytes <= 0 || !Number.isInteger(bytes)) {
    throw new ConfigError(`must be a positive number of bytes or a size such as "1 MB", got ${describe(value)}`, file, key);
  }
  return bytes;
}

function parseTimeout(value: unknown, key: string, file?: string): number {
  const ms = typeof value === 'bigint' ? Number(value) : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) {
    throw new ConfigError(`must be a positive number of milliseconds, got ${describe(value)}`, file, key);
  }
  return ms;
}

function globList(value: unknown, key: string, file?: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.trim() === '')) {
    throw new ConfigError(`must be a list of glob patterns such as ["build/**"], got ${describe(value)}`, file, key);
  }
  for (const pattern of value as string[]) checkGlob(pattern, key, file);
  return value as string[];
}

function checkGlob(pattern: string, key: string, file?: string): void {
  try {
    globToRegExp(pattern);
  } catch (error) {
    throw new ConfigError(`invalid glob ${JSON.stringify(pattern)}: ${(error as Error).message}`, file, key);
  }
}

/**
 * Validates one layer of raw settings (the `[tool.dropout-lab]` table, or the object the editor
 * reads from `dropoutLab.*`). Throws ConfigError naming the file and key on the first mistake.
 */
export function parseSettings(raw: unknown, style: SettingsStyle, file?: string): Settings {
  const prefix = style === 'pyproject' ? 'tool.dropout-lab.' : 'dropoutLab.';
  if (!isTable(raw)) throw new ConfigError(`must be a table of settings, got ${describe(raw)}`, file, prefix.slice(0, -1));
  const settings: Settings = {};
  for (const [name, value] of Object.entries(raw)) {
    const spec = KEYS.find((k) => k[style] === name);
    const key = `${prefix}${name}`;
    if (!spec) {
      const other = KEYS.find((k) => k[style === 'pyproject' ? 'editor' : 'pyproject'] === name);
      const known = KEYS.map((k) => k[style]).join(', ');
      throw new ConfigError(other ? `unknown setting; did you mean "${other[style]}"?` : `unknown setting (known: ${known})`, file, key);
    }
    switch (spec.field) {
      case 'select':
      case 'ignore':
        settings[spec.field] = ruleList(value, key, file);
        break;
      case 'severity': {
        if (!isTable(value)) throw new ConfigError(`must be a table mapping rule ids to a severity, got ${describe(value)}`, file, key);
        const severity: Partial<Record<RuleId, SeveritySetting>> = {};
        for (const [rule, level] of Object.entries(value)) {
          const ids = expandSelector(rule);
          if (!ids.length) throw new ConfigError(`unknown rule ${JSON.stringify(rule)}`, file, `${key}.${rule}`);
          if (typeof level !== 'string' || !SEVERITIES.includes(level as SeveritySetting)) {
            throw new ConfigError(`must be one of ${SEVERITIES.join(', ')}, got ${describe(level)}`, file, `${key}.${rule}`);
          }
          for (const id of ids) severity[id] = level as SeveritySetting;
        }
        settings.severity = severity;
        break;
      }
      case 'perFileIgnores': {
        if (!isTable(value)) throw new ConfigError(`must be a table mapping glob patterns to rule lists, got ${describe(value)}`, file, key);
        settings.perFileIgnores = Object.entries(value).map(([pattern, rules]) => {
          const entryKey = `${key}."${pattern}"`;
          checkGlob(pattern, entryKey, file);
          return { pattern, rules: ruleList(rules, entryKey, file) };
        });
        break;
      }
      case 'exclude':
        settings.exclude = globList(value, key, file);
        break;
      case 'maxFileSize':
        settings.maxFileSize = parseSize(value, key, file);
        break;
      case 'parseTimeoutMs':
        settings.parseTimeoutMs = parseTimeout(value, key, file);
        break;
      case 'roots':
        if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.trim() === '')) {
          throw new ConfigError(`must be a list of folders such as ["src", "lib"], got ${describe(value)}`, file, key);
        }
        settings.roots = value as string[];
        break;
    }
  }
  return settings;
}

/** Reads settings from a TOML file: the `[tool.dropout-lab]` table of a pyproject.toml, or the whole file otherwise. */
export function loadConfigFile(file: string): ConfigLayer {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the configuration file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, file);
  }
  const document = parseTomlText(text, file);
  const isPyproject = path.basename(absolute) === 'pyproject.toml';
  const table = isPyproject ? toolTable(document) : document;
  if (isPyproject && table === undefined) throw new ConfigError('has no [tool.dropout-lab] table', file);
  return { settings: parseSettings(table, 'pyproject', file), baseDir: path.dirname(absolute), file };
}

function parseTomlText(text: string, file: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      const firstLine = error.message.split('\n')[0].replace(/^Invalid TOML document:\s*/i, '');
      throw new ConfigError(`not valid TOML at line ${error.line}, column ${error.column}: ${firstLine}`, file);
    }
    throw new ConfigError(`not valid TOML: ${(error as Error).message}`, file);
  }
}

function toolTable(document: Record<string, unknown>): unknown {
  const tool = document.tool;
  return isTable(tool) ? tool['dropout-lab'] : undefined;
}

/**
 * Finds the project configuration for a file by walking up from its folder. Results are cached
 * per folder in `cache` (pass the same map for a whole run). Throws ConfigError for a broken one.
 */
export function findProjectConfig(filePath: string, cache: Map<string, ConfigLayer | null> = new Map()): ConfigLayer | undefined {
  const visited: string[] = [];
  let dir = path.dirname(path.resolve(filePath));
  let found: ConfigLayer | null = null;
  for (;;) {
    const cached = cache.get(dir);
    if (cached !== undefined) {
      found = cached;
      break;
    }
    visited.push(dir);
    const candidate = path.join(dir, 'pyproject.toml');
    const layer = readPyprojectIfOurs(candidate);
    if (layer) {
      found = layer;
      break;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const d of visited) cache.set(d, found);
  return found ?? undefined;
}

function readPyprojectIfOurs(candidate: string): ConfigLayer | undefined {
  let text: string;
  try {
    if (!fs.statSync(candidate).isFile()) return undefined;
    text = fs.readFileSync(candidate, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new ConfigError(`cannot read (${code ?? (error as Error).message})`, candidate);
  }
  return layerFromPyprojectText(text, candidate, path.dirname(candidate));
}

/**
 * The `[tool.dropout-lab]` layer of a pyproject.toml's text; undefined when the file has none (and
 * does not mention us). Throws ConfigError for invalid TOML that mentions dropout-lab, a misspelt
 * table name, or invalid settings. The editor reads files itself and calls this.
 */
export function layerFromPyprojectText(text: string, file: string, baseDir: string): ConfigLayer | undefined {
  if (!/dropout[-_]?lab/i.test(text)) return undefined;
  const document = parseTomlText(text, file);
  const table = toolTable(document);
  if (table === undefined) {
    // A misspelt table name would otherwise be ignored without a word.
    const tool = isTable(document.tool) ? Object.keys(document.tool) : [];
    const near = tool.find((key) => /^dropout[-_]?lab$/i.test(key));
    if (near) throw new ConfigError(`unknown table [tool.${near}]; did you mean [tool.dropout-lab]?`, file, `tool.${near}`);
    return undefined;
  }
  return { settings: parseSettings(table, 'pyproject', file), baseDir, file };
}

/** Glob → RegExp over `/`-separated relative paths: `**`, `*`, `?`, `[abc]`, `[!abc]`, `{a,b}`. */
export function globToRegExp(pattern: string): RegExp {
  let out = '';
  let braces = 0;
  const p = pattern.replace(/\\/g, '/').replace(/^\.\//, '');
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '*') {
      if (p[i + 1] === '*') {
        const atStart = i === 0 || p[i - 1] === '/';
        const atEnd = i + 2 === p.length || p[i + 2] === '/';
        if (atStart && atEnd) {
          if (p[i + 2] === '/') {
            out += '(?:.*/)?';
            i += 2;
          } else {
            out += '.*';
            i += 1;
          }
          continue;
        }
        out += '[^/]*';
        i += 1;
        continue;
      }
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const close = p.indexOf(']', i + 2);
      if (close < 0) throw new Error('unclosed "["');
      let body = p.slice(i + 1, close);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      out += `[${body.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) {
      out += '|';
    } else {
      out += c.replace(/[.+^${}()|\\]/g, '\\$&');
    }
  }
  if (braces > 0) throw new Error('unclosed "{"');
  return new RegExp(`^${out}$`);
}

/**
 * Whether `file` matches `pattern` relative to `baseDir`. A pattern without "/" matches the file
 * name in any folder; a pattern that matches a folder matches everything under it.
 */
export function matchesGlob(pattern: string, file: string, baseDir = process.cwd()): boolean {
  const relative = path.relative(baseDir, path.resolve(file)).split(path.sep).join('/');
  if (relative.startsWith('../')) return false;
  const regex = globToRegExp(pattern.replace(/\/+$/, ''));
  if (!pattern.replace(/\\/g, '/').includes('/')) return relative.split('/').some((part) => regex.test(part));
  if (regex.test(relative)) return true;
  // A folder pattern ("legacy/models") covers the files below it.
  const parts = relative.split('/');
  for (let n = 1; n < parts.length; n++) if (regex.test(parts.slice(0, n).join('/'))) return true;
  return false;
}

/** Whether a path is excluded by any layer's `exclude` globs. */
export function isExcluded(file: string, layers: readonly (ConfigLayer | undefined)[]): boolean {
  return layers.some((layer) => layer?.settings.exclude?.some((pattern) => matchesGlob(pattern, file, layer.baseDir)));
}

/** Combines layers (lowest first) into the options for one file. See the precedence note above. */
export function resolveLintOptions(layers: readonly (ConfigLayer | undefined)[], file?: string): LintOptions {
  let enabled = new Set<RuleId>(RULES.map((r) => r.id));
  const severity: Partial<Record<RuleId, SeveritySetting>> = {};
  let maxFileBytes = DEFAULT_MAX_FILE_BYTES;
  let parseTimeoutMs = DEFAULT_PARSE_TIMEOUT_MS;
  const perFile: RuleId[] = [];
  for (const layer of layers) {
    if (!layer) continue;
    const s = layer.settings;
    if (s.select) enabled = new Set(s.select);
    for (const id of s.ignore ?? []) enabled.delete(id);
    Object.assign(severity, s.severity ?? {});
    if (s.maxFileSize !== undefined) maxFileBytes = s.maxFileSize;
    if (s.parseTimeoutMs !== undefined) parseTimeoutMs = s.parseTimeoutMs;
    if (file) {
      for (const entry of s.perFileIgnores ?? []) {
        if (matchesGlob(entry.pattern, file, layer.baseDir)) perFile.push(...entry.rules);
      }
    }
  }
  for (const id of perFile) enabled.delete(id);
  const levels: Partial<Record<RuleId, Severity>> = {};
  for (const [id, level] of Object.entries(severity) as [RuleId, SeveritySetting][]) {
    if (level === 'off') enabled.delete(id);
    else levels[id] = level;
  }
  const select = RULES.map((r) => r.id).filter((id) => enabled.has(id));
  return { select, ignore: RULES.map((r) => r.id).filter((id) => !enabled.has(id)), severity: levels, maxFileBytes, parseTimeoutMs };
}

/** The project index's extra import roots set by the layers, as absolute folders (later layers first). */
export function projectRoots(layers: readonly (ConfigLayer | undefined)[]): string[] {
  const roots: string[] = [];
  for (const layer of [...layers].reverse()) {
    for (const root of layer?.settings.roots ?? []) {
      const absolute = path.resolve(layer?.baseDir ?? process.cwd(), root);
      if (!roots.includes(absolute)) roots.push(absolute);
    }
  }
  return roots;
}
