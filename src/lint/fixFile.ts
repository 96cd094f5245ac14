// `--fix` for one file on disk (a .py file or a notebook): lint, apply the safe fixes to a
// fixpoint, and write the file back only if it did not change meanwhile. Runs in the CLI's process
// or in a lint worker. Returns the report of what is left plus what was fixed and what was not.
import * as fs from 'fs';
import { fixSource } from './fixes';
import { describeError, type LintOptions } from './linter';
import { decodeSource, lintFile, type FileReport } from './lintFile';
import { fixNotebook } from './notebookFixes';

export interface FixOutcome {
  /** Fixes applied (and written). */
  applied: number;
  /** Fixes not applied or files not written, with the reason, one line each. */
  notes: string[];
}

/** Writes fixed text unless the file changed on disk since it was read. */
function writeIfUnchanged(file: string, original: Buffer, text: string, notes: string[]): boolean {
  if (!fs.readFileSync(file).equals(original)) {
    notes.push(`${file}: not fixed: the file changed while it was being linted`);
    return false;
  }
  fs.writeFileSync(file, text, 'utf8');
  return true;
}

export function lintAndFixFile(file: string, options: LintOptions = {}): FileReport & { fix: FixOutcome } {
  const report = lintFile(file, options);
  const fix: FixOutcome = { applied: 0, notes: [] };
  if (report.error || report.skipped || !report.findings.some((f) => f.fixes.some((x) => x.safe))) return { ...report, fix };
  try {
    const bytes = fs.readFileSync(file);
    if (report.kind === 'notebook') {
      const result = fixNotebook(bytes.toString('utf8'), options);
      for (const r of result.refused) fix.notes.push(`${file}: ${r.rule} fix "${r.title}" not applied: ${r.reason}`);
      if (result.notWritten) fix.notes.push(`${file}: not fixed: ${result.notWritten}`);
      if (result.output === undefined || !writeIfUnchanged(file, bytes, result.output, fix.notes)) return { ...report, fix };
      fix.applied = result.applied.length;
      return { ...lintFile(file, options), fix };
    }
    const decoded = decodeSource(bytes);
    if ('error' in decoded || decoded.encoding !== 'utf-8') {
      fix.notes.push(`${file}: not fixed: only UTF-8 files are rewritten`);
      return { ...report, fix };
    }
    const result = fixSource(decoded.text, options);
    for (const r of result.refused) fix.notes.push(`${file}:${r.line + 1}: ${r.rule} fix "${r.title}" not applied: ${r.reason}`);
    if (!result.changed) return { ...report, findings: result.remaining, failures: result.failures, fix };
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? '\ufeff' : '';
    if (!writeIfUnchanged(file, bytes, bom + result.output, fix.notes)) return { ...report, fix };
    fix.applied = result.applied.length;
    return { ...report, findings: result.remaining, failures: result.failures, fix };
  } catch (error) {
    fix.notes.push(`${file}: not fixed: ${describeError(error)}`);
    return { ...report, fix };
  }
}
