// The server's document store: open text documents (incremental sync through
// vscode-languageserver's TextDocuments) and LSP 3.17 notebook documents (NotebookDocuments, which
// keeps the cells' text documents). A lint target is either a Python document or a whole notebook:
// a notebook's Python code cells are linted together as one program.
import { NotebookCellKind, NotebookDocuments, TextDocuments, type Connection, type NotebookDocument } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { NotebookCell } from '../lint/notebook';

/** One cell as the linter sees it, with the URI its diagnostics go to. */
export interface CellInput {
  uri: string;
  /** The cell document's version (undefined if the client never opened its text). */
  version?: number;
  isPython: boolean;
}

export type LintTarget =
  | { kind: 'text'; key: string; document: TextDocument }
  | { kind: 'notebook'; key: string; notebook: NotebookDocument; cells: CellInput[]; coreCells: NotebookCell[] };

const PYTHON_FILE = /\.pyi?$/i;

/** Documents we lint: Python by language id, or by file name when the client sends no useful id. */
export function isPythonDocument(document: TextDocument): boolean {
  return document.languageId === 'python' || ((document.languageId === '' || document.languageId === 'plaintext') && PYTHON_FILE.test(document.uri));
}

export class DocumentStore {
  readonly text = new TextDocuments(TextDocument);
  readonly notebooks = new NotebookDocuments(TextDocument);

  listen(connection: Connection): void {
    this.text.listen(connection);
    this.notebooks.listen(connection);
  }

  /** The text document behind a URI: an open file or an open notebook cell. */
  document(uri: string): TextDocument | undefined {
    return this.text.get(uri) ?? this.notebooks.cellTextDocuments.get(uri);
  }

  /** What to lint for a document or cell URI (a cell → its whole notebook). */
  targetFor(uri: string): LintTarget | undefined {
    const notebook = this.notebooks.findNotebookDocumentForCell(uri);
    if (notebook) return this.notebookTarget(notebook.uri);
    const document = this.text.get(uri);
    if (document && isPythonDocument(document)) return { kind: 'text', key: uri, document };
    return this.notebookTarget(uri);
  }

  notebookTarget(notebookUri: string): LintTarget | undefined {
    const notebook = this.notebooks.getNotebookDocument(notebookUri);
    if (!notebook) return undefined;
    const cells: CellInput[] = [];
    const coreCells: NotebookCell[] = [];
    for (const cell of notebook.cells) {
      const document = this.notebooks.getCellTextDocument(cell);
      const isPython = cell.kind === NotebookCellKind.Code && !!document && document.languageId === 'python';
      cells.push({ uri: cell.document, version: document?.version, isPython });
      coreCells.push(isPython ? { kind: 'code', text: document.getText() } : { kind: 'other', text: '' });
    }
    return { kind: 'notebook', key: notebookUri, notebook, cells, coreCells };
  }

  /** What identifies the content a target had when linted: a document version, or every cell's. */
  static signature(target: LintTarget): string {
    if (target.kind === 'text') return `${target.document.version}`;
    return target.cells.map((c) => `${c.uri}@${c.version ?? '-'}:${c.isPython ? 'py' : 'x'}`).join('|');
  }

  /** Every open lint target: Python documents and notebooks. */
  allTargets(): LintTarget[] {
    const targets: LintTarget[] = [];
    for (const document of this.text.all()) if (isPythonDocument(document)) targets.push({ kind: 'text', key: document.uri, document });
    for (const cellDocument of this.notebooks.cellTextDocuments.all()) {
      const notebook = this.notebooks.findNotebookDocumentForCell(cellDocument.uri);
      if (notebook && !targets.some((t) => t.key === notebook.uri)) {
        const target = this.notebookTarget(notebook.uri);
        if (target) targets.push(target);
      }
    }
    return targets;
  }
}
