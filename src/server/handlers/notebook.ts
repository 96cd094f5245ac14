// LSP 3.17 notebook documents: a notebook's Python code cells are linted together as one program
// (src/lint/notebook.ts joins them, blanking IPython magics), and each finding is published on
// the cell it is in. Cells added, removed or edited re-lint the whole notebook.
import type { ServerContext } from '../context';

export function registerNotebookHandlers(ctx: ServerContext): void {
  const notebooks = ctx.store.notebooks;
  notebooks.onDidOpen((notebook) => ctx.contentChanged(notebook.uri, 'open'));
  notebooks.onDidChange((event) => {
    const cells = event.cells;
    if (!cells) return; // metadata only
    const removed = cells.removed.map((cell) => cell.document);
    // Removed cells keep no diagnostics.
    if (removed.length) ctx.closedCells(removed);
    if (cells.added.length || removed.length || cells.changed.data.length || cells.changed.textContent.length) {
      ctx.contentChanged(event.notebookDocument.uri, 'change');
    }
  });
  notebooks.onDidSave((notebook) => ctx.contentChanged(notebook.uri, 'save'));
  notebooks.onDidClose((notebook) => ctx.closed(notebook.uri, notebook.cells.map((cell) => cell.document)));
}
