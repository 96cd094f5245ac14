// `dropout-lab lint`: expands paths, resolves configuration per file, lints (in-process or in a
// worker pool), optionally applies safe fixes, prints text, JSON or SARIF, and returns the exit code:
//   0  no warnings or errors found
//   1  warnings/errors found, or a file could not be read/parsed/linted
//   2  usage or configuration error (bad flag, missing path, invalid pyproject.toml)
// Files that cannot be read or understood are reported per file on stderr and the run goes on.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { version } from '../../package.json';
import { loadPython, type Finding, type RuleId } from '../lint';
import {
  ConfigError, expandSelector, findProjectConfig, isExcluded, loadConfigFile, parseSettings, projectRoots, resolveLintOptions,
  type ConfigLayer, type Settings,
} from '../lint/config';
import { lintAndFixFile } from '../lint/fixFile';
import { lintFile, type FileReport } from '../lint/lintFile';
import { ProjectIndex } from '../lint/project';
import { LintWorkerPool } from '../lint/workerPool';
import { parseArgs } from './args';
import { UsageError } from './errors';
import { toSarif } from './sarif';

export type { FileReport } from '../lint/lintFile';

export const LINT_USAGE = `Usage: dropout-lab lint [paths…] [options]
  --format text|json|sarif   output format (default text)
  --select RULES             only these rules (comma-separated ids, names, prefixes or ALL)
  --ignore RULES             skip these rules
  --fix                      apply safe fixes in place (.py and .ipynb), then report what is left
  --config PATH              use this pyproject.toml / TOML file instead of discovering one
  --max-file-size SIZE       skip larger files (bytes, or e.g. "2MB"; default 1 MB)
  --parse-timeout-ms MS      skip files whose parse takes longer (default 5000)
  --jobs N                   lint in N worker threads (default: the machine's cores)
  --no-project               lint each file alone (no project index: models of other modules stay unknown)
  --file-timeout-ms MS       give up on a file whose lint takes longer (default 60000; reported)
Exit codes: 0 clean, 1 findings (error/warning) or unreadable files, 2 usage or configuration error.`;

/** Virtual environments, caches and VCS folders are never linted. */
const SKIPPED_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', '__pycache__', '.venv', 'venv', '.env', 'env', '.tox', '.nox', '.mypy_cache', '.pytest_cache', '.ruff_cache', 'site-packages', '.ipynb_checkpoints']);
const LINTED_FILE = /\.(py|pyi|ipynb)$/i;
const DEFAULT_FILE_TIMEOUT_MS = 60_000;

/** One JSON record per finding: 1-based lines and columns; `cell` (1-based) for notebooks. */
export interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: string;
  severity: string;
  message: string;
  cell?: number;
}

function isFileTarget(link: string): boolean {
  try {
    return fs.statSync(link).isFile();
  } catch {
    return false;
  }
}

function isVirtualEnv(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'pyvenv.cfg')) || fs.existsSync(path.join(dir, 'conda-meta'));
}

/**
 * Expands files and directories into the files to lint, in a stable order. Explicit files are
 * always linted; directory walks skip VCS/cache/virtualenv folders and `exclude` globs.
 */
export function collectFiles(paths: readonly string[], excluded: (file: string) => boolean = () => false): string[] {
  const files: string[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    const key = path.resolve(file);
    if (!seen.has(key)) {
      seen.add(key);
      files.push(file);
    }
  };
  const visit = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name) && !isVirtualEnv(full) && !excluded(full)) visit(full);
      } else if (LINTED_FILE.test(entry.name) && !excluded(full)) {
        // Symlinked files are linted; symlinked folders are not followed (no loops).
        if (entry.isFile() || (entry.isSymbolicLink() && isFileTarget(full))) add(full);
      }
    }
  };
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      throw new UsageError(`no such file or directory: ${p}`);
    }
    if (stat.isDirectory()) visit(p);
    else add(p);
  }
  return files;
}

export function toJsonFinding(file: string, finding: Finding): JsonFinding {
  const record: JsonFinding = {
    file,
    line: finding.range.start.line + 1,
    column: finding.range.start.column + 1,
    endLine: finding.range.end.line + 1,
    endColumn: finding.range.end.column + 1,
    rule: finding.rule,
    severity: finding.severity,
    message: finding.message,
  };
  if (finding.cell !== undefined) record.cell = finding.cell + 1;
  return record;
}

function ruleFlag(value: string | true | undefined, flag: string): RuleId[] | undefined {
  if (value === undefined) return undefined;
  if (value === true) throw new UsageError(`--${flag} needs a value`);
  const ids: RuleId[] = [];
  for (const part of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const expanded = expandSelector(part);
    if (!expanded.length) throw new UsageError(`--${flag}: unknown rule "${part}" (use ids such as DRP001, rule names, prefixes such as DRP01, or ALL)`);
    ids.push(...expanded.filter((id) => !ids.includes(id)));
  }
  if (!ids.length) throw new UsageError(`--${flag} needs at least one rule`);
  return ids;
}

/** The command-line layer of configuration (highest precedence). */
function commandLineLayer(options: Map<string, string | true>): ConfigLayer {
  const settings: Settings = {};
  const select = ruleFlag(options.get('select'), 'select');
  const ignore = ruleFlag(options.get('ignore'), 'ignore');
  if (select) settings.select = select;
  if (ignore) settings.ignore = ignore;
  const limits: Record<string, unknown> = {};
  const size = options.get('max-file-size');
  if (typeof size === 'string') limits['max-file-size'] = /^\d+$/.test(size) ? Number(size) : size;
  const timeout = options.get('parse-timeout-ms');
  if (typeof timeout === 'string') limits['parse-timeout-ms'] = Number(timeout);
  try {
    Object.assign(settings, parseSettings(limits, 'pyproject'));
  } catch (error) {
    if (error instanceof ConfigError && error.key) {
      throw new UsageError(`--${error.key.replace(/^tool\.dropout-lab\./, '')}: ${error.message.slice(error.message.indexOf(': ') + 2)}`);
    }
    throw error;
  }
  return { settings, baseDir: process.cwd(), file: '(command line)' };
}

function parseFileTimeout(value: string | true | undefined): number {
  if (value === undefined) return DEFAULT_FILE_TIMEOUT_MS;
  const ms = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(ms >= 1)) throw new UsageError('--file-timeout-ms must be a whole number of milliseconds');
  return ms;
}

/** The lint worker next to this file: dist/lintWorker.js when bundled, ../lint/worker.js when compiled by tsc. */
function findWorkerScript(): string | undefined {
  return [path.join(__dirname, 'lintWorker.js'), path.join(__dirname, '..', 'lint', 'worker.js')].find((p) => fs.existsSync(p));
}

function parseJobs(value: string | true | undefined): number {
  // Ruff's default: every core.
  if (value === undefined) return Math.max(1, Math.min(64, os.availableParallelism?.() ?? os.cpus().length));
  const jobs = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(jobs >= 1 && jobs <= 64)) throw new UsageError('--jobs must be a whole number from 1 to 64');
  return jobs;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function textLocation(r: JsonFinding): string {
  return r.cell !== undefined ? `${r.file}:cell ${r.cell}:${r.line}:${r.column}` : `${r.file}:${r.line}:${r.column}`;
}

/** Runs `dropout-lab lint`; returns the exit code (never throws for bad files or configuration). */
export async function runLint(argv: string[]): Promise<number> {
  const out = (text: string) => process.stdout.write(text);
  const err = (text: string) => process.stderr.write(text);
  // A closed pipe (`| head`) must not become a stack trace.
  process.stdout.on('error', () => undefined);

  const { positional, options } = parseArgs(argv, ['format', 'select', 'ignore', 'config', 'max-file-size', 'parse-timeout-ms', 'jobs', 'file-timeout-ms'], ['fix', 'help', 'no-project']);
  if (options.has('help') || positional.includes('-h')) {
    out(`${LINT_USAGE}\n`);
    return 0;
  }
  const format = (options.get('format') as string | undefined) ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`unknown format '${format}' (use text, json or sarif)`);
  const jobs = parseJobs(options.get('jobs'));
  const fileTimeoutMs = parseFileTimeout(options.get('file-timeout-ms'));
  const fix = options.has('fix');
  const cliLayer = commandLineLayer(options);

  const configCache = new Map<string, ConfigLayer | null>();
  let reports: FileReport[];
  try {
    const configPath = options.get('config');
    if (configPath === true) throw new UsageError('--config needs a path');
    const explicitConfig = configPath ? loadConfigFile(configPath) : undefined;
    const projectLayer = (file: string) => explicitConfig ?? findProjectConfig(file, configCache);
    const files = collectFiles(positional.length ? positional : ['.'], (file) => isExcluded(file, [projectLayer(file), cliLayer]));
    // Each file is linted with the project around it: models, builders and mode helpers of other modules.
    const useProject = !options.has('no-project');
    const tasks = files.map((file) => ({
      file,
      options: resolveLintOptions([projectLayer(file), cliLayer], file),
      project: useProject ? { roots: projectRoots([projectLayer(file), cliLayer]) } : undefined,
    }));

    const workerScript = findWorkerScript();
    if (workerScript) {
      // Workers bound the time per file (a stuck file is reported and its worker replaced) and
      // have a deep stack for deeply nested code; one worker is as fast as linting here.
      const pool = new LintWorkerPool({ workerScript, size: jobs, wasmDir: __dirname, taskTimeoutMs: fileTimeoutMs });
      try {
        reports = await pool.lintFiles(tasks.map((task) => ({ ...task, fix })));
      } finally {
        await pool.dispose();
      }
    } else {
      await loadPython();
      const indexes = new Map<string, ProjectIndex>();
      reports = tasks.map((task) => {
        let options = task.options;
        if (task.project) {
          const key = task.project.roots.join('\0');
          let index = indexes.get(key);
          if (!index) indexes.set(key, index = new ProjectIndex({ roots: task.project.roots }));
          options = { ...options, project: { index, file: task.file } };
        }
        return fix ? lintAndFixFile(task.file, options) : lintFile(task.file, options);
      });
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      err(`dropout-lab: configuration error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }

  const records = reports.flatMap((r) => r.findings.map((f) => toJsonFinding(r.file, f)));
  if (format === 'json') {
    out(`${JSON.stringify(records, null, 2)}\n`);
  } else if (format === 'sarif') {
    out(`${JSON.stringify(toSarif(reports, { root: process.cwd(), version }), null, 2)}\n`);
  } else {
    out(records.map((r) => `${textLocation(r)}: ${r.rule} ${r.message}\n`).join(''));
    const fixed = reports.filter((r) => r.fix?.applied);
    if (fixed.length) out(`Fixed ${plural(fixed.reduce((n, r) => n + (r.fix?.applied ?? 0), 0), 'problem')} in ${plural(fixed.length, 'file')}.\n`);
    const summary = records.length === 0 ? 'No dropout problems found' : `Found ${plural(records.length, 'problem')}`;
    const notLinted = [
      [reports.filter((r) => r.skipped).length, 'skipped'],
      [reports.filter((r) => r.error).length, 'could not be read or parsed'],
    ].filter(([n]) => n).map(([n, what]) => `${n} ${what}`);
    out(`${summary} in ${plural(reports.length, 'file')}${notLinted.length ? ` (${notLinted.join(', ')}: details on stderr)` : ''}.\n`);
  }
  for (const r of reports) {
    for (const note of r.fix?.notes ?? []) err(`dropout-lab: ${note}\n`);
    if (r.error) err(`dropout-lab: ${r.file}: error: ${r.error}\n`);
    if (r.skipped) err(`dropout-lab: ${r.file}: ${r.skipped}\n`);
    for (const failure of r.failures) err(`dropout-lab: ${r.file}: internal error in ${failure.rule} (other rules still ran): ${failure.message}\n`);
  }

  const failing = records.some((r) => r.severity === 'error' || r.severity === 'warning');
  return failing || reports.some((r) => r.error || r.failures.length) ? 1 : 0;
}

