// `--fix` for notebooks: the safe fixes of the joined program are mapped to their cells, applied to
// the cells' own text (magic lines untouched), re-linted to a fixpoint like fixSource, and written
// back into the notebook JSON. The JSON is rewritten only when re-serialising it reproduces the
// original file exactly apart from the edited sources (Jupyter's own format does); otherwise the
// notebook is left alone and the reason is reported, so no unrelated byte of the file changes.
import { applyEdits, errorCount, nonOverlappingFixes, type AppliedFix, type RefusedFix } from './fixes';
import { lintText, type LintOptions } from './linter';
import { blankMagics, joinCells, mapFindingsToCells, NotebookError, type NotebookCell } from './notebook';
import { createPythonParser } from './parser';
import type { Finding, Fix } from './types';

export interface NotebookFixResult {
  /** The new notebook JSON text, or undefined when nothing changed or it could not be written. */
  output?: string;
  applied: AppliedFix[];
  refused: RefusedFix[];
  /** Why fixes that were available were not written (formatting would change). */
  notWritten?: string;
}

function detectIndent(text: string): number | string {
  const match = /^\{\s*\n([ \t]+)"/.exec(text);
  if (!match) return 0;
  return match[1].includes('\t') ? match[1] : match[1].length;
}

/** `source` in the shape the notebook used: a string, or lines that keep their "\n". */
function shapeLike(original: unknown, text: string): string | string[] {
  if (typeof original === 'string') return text;
  const lines = text.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === '' ? [] : lines;
}

/** Whether a fix only touches lines that are Python in its cell (not blanked magics). */
function touchesOnlyPython(fix: Fix, cellText: string): boolean {
  const original = cellText.split('\n');
  const blanked = blankMagics(cellText).split('\n');
  return fix.edits.every((e) => {
    for (let line = e.range.start.line; line <= e.range.end.line; line++) {
      if (original[line] !== blanked[line]) return false;
    }
    return true;
  });
}

export function fixNotebook(json: string, options: LintOptions = {}, maxRounds = 10): NotebookFixResult {
  const applied: AppliedFix[] = [];
  const refused: RefusedFix[] = [];
  let document: { cells?: Record<string, unknown>[] };
  try {
    document = JSON.parse(json.charCodeAt(0) === 0xfeff ? json.slice(1) : json);
  } catch {
    throw new NotebookError('not a valid notebook: the file is not valid JSON');
  }
  if (!Array.isArray(document.cells)) return { applied, refused, notWritten: 'only nbformat 4 notebooks are fixed' };
  const rawCells = document.cells;
  const cells: NotebookCell[] = rawCells.map((c) => {
    if (c?.cell_type !== 'code') return { kind: 'other', text: '' };
    const source = c.source;
    return { kind: 'code', text: typeof source === 'string' ? source : Array.isArray(source) ? source.join('') : '' };
  });
  const refusedKeys = new Set<string>();
  const edited = new Set<number>();
  const parser = createPythonParser();
  const errors = (text: string) => {
    const tree = parser.parse(text);
    if (!tree) return Number.POSITIVE_INFINITY;
    const count = errorCount(tree);
    tree.delete();
    return count;
  };
  try {
    for (let round = 0; round < maxRounds; round++) {
      const joined = joinCells(cells);
      const baseErrors = errors(joined.source);
      const findings = mapFindingsToCells(joined, lintText(joined.source, options).findings);
      const byCell = new Map<number, { finding: Finding; fix: Fix }[]>();
      for (const finding of findings) {
        const fix = finding.fixes.find((f) => f.safe && f.edits.length > 0);
        if (!fix || finding.cell === undefined) continue;
        const key = `${finding.cell}|${finding.rule}|${JSON.stringify(fix.edits)}`;
        if (refusedKeys.has(key) || !touchesOnlyPython(fix, cells[finding.cell].text)) continue;
        byCell.set(finding.cell, [...(byCell.get(finding.cell) ?? []), { finding, fix }]);
      }
      let changed = false;
      for (const [cell, candidates] of byCell) {
        const picked = new Set(nonOverlappingFixes(cells[cell].text, candidates.map((c) => c.fix)));
        for (const candidate of candidates.filter((c) => picked.has(c.fix))) {
          const next = applyEdits(cells[cell].text, candidate.fix.edits);
          const trial = cells.map((c, i) => (i === cell ? { ...c, text: next } : c));
          const record = { rule: candidate.finding.rule, title: candidate.fix.title, line: candidate.finding.range.start.line };
          if (errors(joinCells(trial).source) > baseErrors) {
            refusedKeys.add(`${cell}|${candidate.finding.rule}|${JSON.stringify(candidate.fix.edits)}`);
            refused.push({ ...record, reason: 'the fixed code would not parse' });
            continue;
          }
          cells[cell] = { ...cells[cell], text: next };
          edited.add(cell);
          applied.push(record);
          changed = true;
          // Later candidates of this cell were computed on the old text: take them next round.
          break;
        }
      }
      if (!changed) break;
    }
  } finally {
    parser.delete();
  }
  if (!applied.length) return { applied, refused };

  const indent = detectIndent(json);
  const trailingNewline = json.endsWith('\n') ? '\n' : '';
  const body = json.charCodeAt(0) === 0xfeff ? json.slice(1) : json;
  if (JSON.stringify(JSON.parse(body), null, indent) + trailingNewline !== body) {
    return { applied: [], refused, notWritten: 'its JSON formatting is not one this tool can reproduce exactly, so it was not rewritten; apply the fixes in the editor' };
  }
  rawCells.forEach((raw, i) => {
    if (edited.has(i)) raw.source = shapeLike(raw.source, cells[i].text);
  });
  return { output: (json.charCodeAt(0) === 0xfeff ? '\ufeff' : '') + JSON.stringify(document, null, indent) + trailingNewline, applied, refused };
}
