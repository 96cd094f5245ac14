// `dropout-lab lint`: expands paths, lints each file, prints text or JSON, and returns the exit
// code DEVELOPERS.md promises: 0 clean, 1 findings or unreadable files, 2 usage/configuration error.
import * as fs from 'fs';
import * as path from 'path';
import { lintSource, loadPython, type Finding } from '../lint';
import { parseArgs } from './args';
import { UsageError } from './errors';

const SKIPPED_DIRS = new Set(['.git', 'node_modules', '__pycache__', '.venv', 'venv', 'env', '.env', '.tox', '.mypy_cache', 'site-packages', '.ipynb_checkpoints']);

export interface FileReport {
  file: string;
  findings: Finding[];
  /** Set when the file could not be read or linted. */
  error?: string;
}

/** One JSON record per finding: 1-based lines and columns, as in DEVELOPERS.md. */
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

function isVirtualEnv(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'pyvenv.cfg'));
}

/** Expands files and directories into the Python files to lint, in a stable order. */
export function collectFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
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
        if (!SKIPPED_DIRS.has(entry.name) && !isVirtualEnv(full)) visit(full);
      } else if (entry.isFile() && /\.(py|pyi)$/.test(entry.name)) {
        files.push(full);
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
    else files.push(p);
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

export async function runLint(argv: string[]): Promise<number> {
  const { positional, options } = parseArgs(argv, ['format'], []);
  const format = (options.get('format') as string | undefined) ?? 'text';
  if (!['text', 'json'].includes(format)) throw new UsageError(`unknown format '${format}' (use text or json)`);
  const files = collectFiles(positional.length ? positional : ['.']);
  await loadPython();

  const reports: FileReport[] = files.map((file) => {
    try {
      return { file, findings: lintSource(fs.readFileSync(file, 'utf8')) };
    } catch (error) {
      return { file, findings: [], error: error instanceof Error ? error.message : String(error) };
    }
  });

  const records = reports.flatMap((r) => r.findings.map((f) => toJsonFinding(r.file, f)));
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
  } else {
    for (const r of records) {
      const where = r.cell !== undefined ? `${r.file}:cell ${r.cell}:${r.line}:${r.column}` : `${r.file}:${r.line}:${r.column}`;
      process.stdout.write(`${where}: ${r.rule} ${r.message}\n`);
    }
    const summary = records.length === 0 ? 'No dropout problems found' : `Found ${records.length} problem${records.length === 1 ? '' : 's'}`;
    process.stdout.write(`${summary} in ${files.length} file${files.length === 1 ? '' : 's'}.\n`);
  }
  for (const r of reports) if (r.error) process.stderr.write(`dropout-lab: ${r.file}: ${r.error}\n`);

  const failing = records.some((r) => r.severity === 'error' || r.severity === 'warning');
  return failing || reports.some((r) => r.error) ? 1 : 0;
}
