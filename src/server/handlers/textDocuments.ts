// Text document sync (incremental): a Python document is linted when it opens, on each change
// (`dropoutLab.run` = onType) or on save (onSave), and its diagnostics are cleared when it closes.
// Saving a pyproject.toml the client also synchronises re-reads the project configuration.
import type { ServerContext } from '../context';
import { isPythonDocument } from '../documents';

export function registerTextDocumentHandlers(ctx: ServerContext): void {
  const documents = ctx.store.text;
  const opening = new Set<string>();
  documents.onDidOpen(({ document }) => {
    if (!isPythonDocument(document)) return;
    opening.add(document.uri);
    ctx.contentChanged(document.uri, 'open');
  });
  documents.onDidChangeContent(({ document }) => {
    // TextDocuments reports an open as a content change too.
    if (opening.delete(document.uri) || !isPythonDocument(document)) return;
    ctx.contentChanged(document.uri, 'change');
  });
  documents.onDidSave(({ document }) => {
    if (document.uri.endsWith('/pyproject.toml')) {
      ctx.configs.invalidate(document.uri);
      ctx.relintAll();
      return;
    }
    if (isPythonDocument(document)) ctx.contentChanged(document.uri, 'save');
  });
  documents.onDidClose(({ document }) => {
    opening.delete(document.uri);
    ctx.closed(document.uri, [document.uri]);
  });
}
