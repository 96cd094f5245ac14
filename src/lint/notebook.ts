// Jupyter notebooks: the code cells are joined, in order, into one Python source so the rules see
// context across cells (imports in cell 1, the model in cell 3, the loop in cell 5), and findings
// are mapped back to {cell, line within the cell}. IPython syntax that is not Python is blanked
// while keeping the line count: line magics (`%time x`), shell lines (`!pip install`), assignments
// from them (`files = !ls`), help lines (`obj?`), and whole cells under a cell magic whose body is
// not Python (`%%bash`); for Python-bodied cell magics (`%%time`) only the magic line goes.
// A broken notebook (invalid JSON, no `cells`, a `source` of the wrong shape) gives one clear error.
import type { Finding, Range, RelatedLocation, TextEdit } from './types';

/** One code cell's place in the joined source. */
export interface CellSpan {
  /** 0-based index among all cells of the notebook (markdown included), as editors number them. */
  cell: number;
  /** First line of the cell in the joined source. */
  startLine: number;
  /** Number of lines the cell occupies in the joined source. */
  lineCount: number;
  /** The cell's original text. */
  text: string;
}

export interface NotebookSource {
  /** The joined, magic-blanked Python source to lint. */
  source: string;
  cells: CellSpan[];
}

export class NotebookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotebookError';
  }
}

/** Cell magics whose body is Python: only the `%%` line is blanked. */
const PYTHON_CELL_MAGICS = new Set(['time', 'timeit', 'capture', 'prun', 'debug', 'memit', 'mprun', 'autoreload', 'snakeviz', 'tensorflow_version']);

/**
 * Blanks IPython-only lines of one cell, keeping line count and the columns of other lines. A
 * blanked line that was indented keeps its indentation and becomes `pass`, so the block
 * around it still parses.
 */
export function blankMagics(cellText: string): string {
  const lines = cellText.split('\n');
  const first = lines[0]?.trimStart() ?? '';
  if (first.startsWith('%%')) {
    const name = /^%%\s*([\w.]+)/.exec(first)?.[1] ?? '';
    if (!PYTHON_CELL_MAGICS.has(name)) return lines.map(() => '').join('\n');
    lines[0] = '';
  }
  const scanner = new LineScanner();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (scanner.atStatementStart() && isIPythonLine(line)) {
      const indent = /^[ \t]*/.exec(line)![0];
      lines[i] = indent ? `${indent}pass` : '';
      continue;
    }
    scanner.feed(line);
  }
  return lines.join('\n');
}

function isIPythonLine(line: string): boolean {
  const trimmed = line.trim();
  if (trimmed === '') return false;
  if (/^[%!]/.test(trimmed)) return true;
  // `files = !ls`, `t = %timeit -o f()`
  if (/^[A-Za-z_][\w.]*(\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*[!%]/.test(trimmed)) return true;
  // Help: `?obj`, `obj?`, `obj??` (no comment on the line, since `# why?` is Python).
  if (!trimmed.includes('#') && (/^\?/.test(trimmed) || /^[\w.[\]()]+\?\??$/.test(trimmed))) return true;
  return false;
}

/** Tracks whether the next line starts a new statement: not in a string, bracket or `\` continuation. */
class LineScanner {
  private depth = 0;
  private triple: string | undefined;
  private continued = false;

  atStatementStart(): boolean {
    return this.depth === 0 && this.triple === undefined && !this.continued;
  }

  feed(line: string): void {
    let i = 0;
    this.continued = false;
    while (i < line.length) {
      if (this.triple) {
        const end = line.indexOf(this.triple, i);
        if (end < 0) return;
        // Count backslashes before the closing quotes: an escaped quote does not close.
        let slashes = 0;
        for (let j = end - 1; j >= 0 && line[j] === '\\'; j--) slashes++;
        i = end + (slashes % 2 ? 1 : 3);
        if (slashes % 2 === 0) this.triple = undefined;
        continue;
      }
      const c = line[i];
      if (c === '#') return;
      if (c === '"' || c === "'") {
        const quote3 = c.repeat(3);
        if (line.startsWith(quote3, i)) {
          this.triple = quote3;
          i += 3;
          continue;
        }
        i++;
        while (i < line.length && line[i] !== c) i += line[i] === '\\' ? 2 : 1;
        i++;
        continue;
      }
      if (c === '(' || c === '[' || c === '{') this.depth++;
      else if ((c === ')' || c === ']' || c === '}') && this.depth > 0) this.depth--;
      i++;
    }
    this.continued = /\\\s*$/.test(line) && this.triple === undefined;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value;
}

/** A cell's `source` as text: a string or a list of strings (nbformat allows both). */
function cellText(source: unknown, index: number, field: string): string {
  if (typeof source === 'string') return source;
  if (Array.isArray(source)) {
    const bad = source.findIndex((part) => typeof part !== 'string');
    if (bad >= 0) throw new NotebookError(`cell ${index + 1}: "${field}" must be a string or a list of strings, but item ${bad + 1} is ${describe(source[bad])}`);
    return source.join('');
  }
  if (source === undefined) throw new NotebookError(`cell ${index + 1}: a code cell has no "${field}"`);
  throw new NotebookError(`cell ${index + 1}: "${field}" must be a string or a list of strings, not ${describe(source)}`);
}

export interface NotebookCell {
  kind: 'code' | 'markdown' | 'raw' | 'other';
  text: string;
}

/** The cells of a notebook file's JSON text (nbformat 4, and nbformat 3's worksheets). Throws NotebookError. */
export function readNotebookCells(json: string): { cells: NotebookCell[]; language?: string } {
  let document: unknown;
  try {
    document = JSON.parse(json.charCodeAt(0) === 0xfeff ? json.slice(1) : json);
  } catch (error) {
    throw new NotebookError(`not a valid notebook: the file is not valid JSON (${(error as Error).message})`);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new NotebookError(`not a valid notebook: expected a JSON object at the top, found ${describe(document)}`);
  }
  const nb = document as Record<string, unknown>;
  let rawCells: unknown = nb.cells;
  let sourceField = 'source';
  if (rawCells === undefined && Array.isArray(nb.worksheets)) {
    // nbformat 3 keeps cells in worksheets and code in `input`.
    rawCells = (nb.worksheets as unknown[]).flatMap((w) => (typeof w === 'object' && w !== null && Array.isArray((w as Record<string, unknown>).cells) ? (w as Record<string, unknown[]>).cells : []));
    sourceField = 'input';
  }
  if (rawCells === undefined) throw new NotebookError('not a valid notebook: it has no "cells" list');
  if (!Array.isArray(rawCells)) throw new NotebookError(`not a valid notebook: "cells" must be a list, not ${describe(rawCells)}`);
  const cells = rawCells.map((raw, index): NotebookCell => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new NotebookError(`cell ${index + 1}: expected an object, found ${describe(raw)}`);
    const cell = raw as Record<string, unknown>;
    const type = cell.cell_type;
    if (typeof type !== 'string') throw new NotebookError(`cell ${index + 1}: "cell_type" is missing or not a string`);
    if (type !== 'code') {
      // Markdown and raw cells are not linted; their shape does not matter to us.
      return { kind: type === 'markdown' ? 'markdown' : type === 'raw' ? 'raw' : 'other', text: '' };
    }
    return { kind: 'code', text: cellText(cell[sourceField], index, sourceField) };
  });
  return { cells, language: notebookLanguage(nb) };
}

function notebookLanguage(nb: Record<string, unknown>): string | undefined {
  const metadata = nb.metadata;
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const m = metadata as Record<string, Record<string, unknown> | undefined>;
  const name = m.language_info?.name ?? m.kernelspec?.language;
  return typeof name === 'string' ? name : undefined;
}

/** Joins code cells into one source (see the file comment). Cells keep their notebook index. */
export function joinCells(cells: readonly NotebookCell[]): NotebookSource {
  const parts: string[] = [];
  const spans: CellSpan[] = [];
  let line = 0;
  cells.forEach((cell, index) => {
    if (cell.kind !== 'code') return;
    // Each cell starts on a fresh line; a trailing newline of the cell is not an extra line.
    const body = cell.text.endsWith('\n') ? cell.text.slice(0, -1) : cell.text;
    const blanked = blankMagics(body);
    const lineCount = blanked.split('\n').length;
    spans.push({ cell: index, startLine: line, lineCount, text: cell.text });
    parts.push(blanked);
    line += lineCount;
  });
  return { source: parts.length ? `${parts.join('\n')}\n` : '', cells: spans };
}

/** Parses a notebook file's text into the joined source. Throws NotebookError. */
export function notebookSource(json: string): NotebookSource & { language?: string } {
  const { cells, language } = readNotebookCells(json);
  return { ...joinCells(cells), language };
}

/** Whether a notebook's declared language is Python (or undeclared). */
export function isPythonNotebook(language: string | undefined): boolean {
  return language === undefined || /^(i?python\d*|py)$/i.test(language.trim());
}

/** Finds the cell holding a line of the joined source (binary search over the spans). */
export function cellAt(notebook: NotebookSource, line: number): CellSpan | undefined {
  let lo = 0;
  let hi = notebook.cells.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const span = notebook.cells[mid];
    if (line < span.startLine) hi = mid - 1;
    else if (line >= span.startLine + span.lineCount) lo = mid + 1;
    else return span;
  }
  return undefined;
}

/** A range of the joined source in its cell's coordinates; undefined when it spans cells. */
export function toCellRange(notebook: NotebookSource, range: Range): { cell: number; range: Range } | undefined {
  const span = cellAt(notebook, range.start.line);
  if (!span) return undefined;
  let endLine = range.end.line - span.startLine;
  let endColumn = range.end.column;
  if (endLine >= span.lineCount) {
    // A node that runs to the joining newline ends at the start of the next cell: clamp it.
    if (endLine === span.lineCount && endColumn === 0) {
      endLine = span.lineCount - 1;
      const lines = span.text.split('\n');
      endColumn = (lines[endLine] ?? '').length;
    } else {
      return undefined;
    }
  }
  return {
    cell: span.cell,
    range: { start: { line: range.start.line - span.startLine, column: range.start.column }, end: { line: endLine, column: endColumn } },
  };
}

function mapEdits(notebook: NotebookSource, cell: number, edits: readonly TextEdit[]): TextEdit[] | undefined {
  const mapped: TextEdit[] = [];
  for (const edit of edits) {
    const where = toCellRange(notebook, edit.range);
    if (!where || where.cell !== cell) return undefined;
    mapped.push({ range: where.range, newText: edit.newText });
  }
  return mapped;
}

/**
 * Maps findings of the joined source to cells: `cell` is set (0-based notebook index), lines are
 * within the cell; related locations and fix edits are mapped too (a fix that would edit another
 * cell is dropped, since a cell-local quick fix cannot carry it).
 */
export function mapFindingsToCells(notebook: NotebookSource, findings: readonly Finding[]): Finding[] {
  const out: Finding[] = [];
  for (const finding of findings) {
    const where = toCellRange(notebook, finding.range);
    if (!where) continue;
    const related: RelatedLocation[] = [];
    for (const r of finding.related) {
      const at = toCellRange(notebook, r.range);
      if (at) related.push({ ...r, range: at.range, cell: at.cell });
    }
    const fixes = finding.fixes.flatMap((fix) => {
      const edits = mapEdits(notebook, where.cell, fix.edits);
      return edits ? [{ ...fix, edits }] : [];
    });
    out.push({ ...finding, range: where.range, cell: where.cell, related, fixes });
  }
  return out;
}
