// Pulled diagnostics (textDocument/diagnostic, LSP 3.17): the findings of the document's (or the
// cell's notebook's) current content, linted on demand when not already computed. Pushed
// diagnostics are published by ServerContext after each scheduled lint.
import { LSPErrorCodes, ResponseError, type DocumentDiagnosticReport } from 'vscode-languageserver';
import type { ServerContext } from '../context';
import { documentUri } from './params';

export function registerDiagnosticHandlers(ctx: ServerContext): void {
  ctx.connection.languages.diagnostics.on(async (params, token): Promise<DocumentDiagnosticReport> => {
    const uri = documentUri('textDocument/diagnostic', params);
    if (!ctx.store.targetFor(uri)) return { kind: 'full', items: [] };
    const found = await ctx.ensureResult(uri, token);
    if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
    // The document changed while it was being linted: the client asks again for the new version.
    if (!found) throw new ResponseError(LSPErrorCodes.ServerCancelled, 'the document changed', { retriggerRequest: true });
    return { kind: 'full', items: ctx.diagnosticsFor(found.result, uri) };
  });
}
