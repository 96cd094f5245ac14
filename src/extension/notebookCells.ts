// Notebook helpers: which notebook a cell document belongs to, and the notebook's cells as the
// linter core sees them (Python code cells are linted together; markdown and other languages are
// kept as placeholders so cell indices stay the editor's).
import * as vscode from 'vscode';
import type { NotebookCell } from '../lint/notebook';
import type { Analysis } from './lintEngine';

export function notebookOf(cell: vscode.TextDocument): vscode.NotebookDocument | undefined {
  if (cell.uri.scheme !== 'vscode-notebook-cell') return undefined;
  return vscode.workspace.notebookDocuments.find((notebook) => notebook.getCells().some((c) => c.document === cell));
}

export function isPythonCode(cell: vscode.NotebookCell): boolean {
  return cell.kind === vscode.NotebookCellKind.Code && cell.document.languageId === 'python';
}

export function coreCells(notebook: vscode.NotebookDocument): NotebookCell[] {
  return notebook.getCells().map((cell) => (isPythonCode(cell)
    ? { kind: 'code', text: cell.document.getText() }
    : { kind: 'other', text: '' }));
}

/**
 * What to analyse for `document`: its text, or its notebook's cells and its index among them;
 * `key` is the lint cache key (the document's or the notebook's URI).
 */
export function cellContext(document: vscode.TextDocument): { input: string | NotebookCell[]; index: number; key: string } {
  const notebook = notebookOf(document);
  if (notebook) {
    const index = notebook.getCells().findIndex((cell) => cell.document === document);
    if (index >= 0) return { input: coreCells(notebook), index, key: notebook.uri.toString() };
  }
  return { input: document.getText(), index: 0, key: document.uri.toString() };
}

/** The lines of the analysed source that belong to cell `index` ([start, end)). */
export function cellLines(analysis: Analysis, index: number): { start: number; end: number } {
  if (!analysis.notebook) return { start: 0, end: Number.MAX_SAFE_INTEGER };
  const span = analysis.notebook.cells.find((s) => s.cell === index);
  return span ? { start: span.startLine, end: span.startLine + span.lineCount } : { start: 0, end: 0 };
}
