// "Visualize dropout" over each model the linter's model graph understands; the lens carries the
// model's real layer sizes and dropout rates to the network panel.
import * as path from 'path';
import * as vscode from 'vscode';
import { buildModelGraphs } from '../lint/modelGraph';
import type { DiagnosticsController } from './diagnostics';
import type { LintEngine } from './lintEngine';
import type { Logger } from './log';
import { networkSpecForModel } from '../server/modelSpec';
import { cellContext, cellLines } from './notebookCells';
import { readSettings } from './settings';

export const VISUALIZE_MODEL_COMMAND = 'dropoutLab.visualizeModel';

export class VisualizeModelCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly engine: LintEngine, diagnostics: DiagnosticsController, private readonly logger: Logger) {
    this.disposables.push(
      this.changed,
      // Lenses follow the linted text, so they move with edits like the diagnostics do.
      diagnostics.onDidChangeResults(() => this.changed.fire()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('dropoutLab.codeLens') || e.affectsConfiguration('dropoutLab.enable')) this.changed.fire();
      }),
    );
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const settings = readSettings(document);
    if (!settings.enable || !settings.codeLens) return [];
    try {
      await this.engine.ready();
      const { input, index, key } = cellContext(document);
      const fileName = path.posix.basename(document.uri.path) || 'untitled';
      return this.engine.analyze(input, (analysis) => {
        const { start: first, end: last } = cellLines(analysis, index);
        const lenses: vscode.CodeLens[] = [];
        for (const graph of buildModelGraphs(analysis.root, analysis.imports, analysis.constants)) {
          const line = (graph.nameNode ?? graph.node).startPosition.row;
          if (line < first || line >= last) continue;
          const spec = networkSpecForModel(graph, fileName);
          if (!spec) continue;
          const range = new vscode.Range(line - first, 0, line - first, 0);
          lenses.push(new vscode.CodeLens(range, {
            title: 'Visualize dropout',
            tooltip: `Open ${graph.name} in the Dropout Lab network panel`,
            command: VISUALIZE_MODEL_COMMAND,
            arguments: [spec],
          }));
        }
        return lenses;
      }, key) ?? [];
    } catch (error) {
      this.logger.error(`Code lenses failed for ${document.uri.toString(true)}`, error);
      return [];
    }
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
