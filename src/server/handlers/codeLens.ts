// "Visualize dropout" code lenses over each model the linter's model graph understands. The lens
// carries the model's description for the network panel (NetworkModelSpec: `{ name, layers:
// [{ label, units, dropoutRate? }] }`) as the argument of the client command
// `dropoutLab.visualizeModel`, so the client only has to open the panel with it. Offered only to
// clients that run that command (initializationOptions.clientCommands, i.e. VS Code).
import type { CodeLens } from 'vscode-languageserver';
import { buildModelGraphs } from '../../lint/modelGraph';
import { cellLines } from '../analysis';
import type { ServerContext } from '../context';
import { networkSpecForModel } from '../modelSpec';
import { documentUri } from './params';

export const VISUALIZE_MODEL_COMMAND = 'dropoutLab.visualizeModel';

export function registerCodeLensHandlers(ctx: ServerContext): void {
  ctx.connection.onCodeLens(async (params): Promise<CodeLens[]> => {
    const uri = documentUri('textDocument/codeLens', params);
    const target = ctx.store.targetFor(uri);
    if (!target || !ctx.client.clientCommands) return [];
    const settings = await ctx.settingsFor(target.key);
    if (!settings.enable || !settings.codeLens) return [];
    await ctx.load();
    const analysis = ctx.analyses.analyze(target);
    if (!analysis) return [];
    const cell = target.kind === 'notebook' ? target.cells.findIndex((c) => c.uri === uri) : undefined;
    const { start: first, end: last } = cellLines(analysis, cell);
    const path = decodeURIComponent(target.key.replace(/[?#].*$/, ''));
    const fileName = path.slice(path.lastIndexOf('/') + 1) || 'untitled';
    const lenses: CodeLens[] = [];
    for (const graph of buildModelGraphs(analysis.root, analysis.imports, analysis.constants)) {
      const line = (graph.nameNode ?? graph.node).startPosition.row;
      if (line < first || line >= last) continue;
      const spec = networkSpecForModel(graph, fileName);
      if (!spec) continue;
      lenses.push({
        range: { start: { line: line - first, character: 0 }, end: { line: line - first, character: 0 } },
        command: { title: 'Visualize dropout', command: VISUALIZE_MODEL_COMMAND, arguments: [spec] },
      });
    }
    return lenses;
  });
}
