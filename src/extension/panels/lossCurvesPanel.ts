// Loss Curves panel (host side): runs the engine's overfitting experiment in a dedicated worker and
// streams every epoch to the chart; Stop cancels, Restart runs again; exports CSV (the engine's
// numbers, from the host's copy) and PNG (the chart image from the webview).
import * as vscode from 'vscode';
import { PanelBase, webviewOptions, type PanelServices } from './panelBase';
import type { EngineHost, EngineRun } from '../engineHost';
import {
  LOSS_CURVES_LIMITS, LOSS_CURVES_VIEW_TYPE, parseLossCurvesFromWebview, parseLossCurvesState,
  type LossCurvesControls, type LossCurvesFromWebview, type LossCurvesState, type LossCurvesToWebview,
} from './protocol/lossCurves';
import { lossCurvesCsv } from './lossCurvesCsv';
import { pngFromDataUrl, saveExport } from './exportFile';

export class LossCurvesPanel extends PanelBase<LossCurvesFromWebview, LossCurvesToWebview> {
  static current: LossCurvesPanel | undefined;
  private state: LossCurvesState;
  private engine: EngineHost | undefined;
  private run: EngineRun<'overfitting'> | undefined;

  static show(services: PanelServices): LossCurvesPanel {
    const existing = LossCurvesPanel.current;
    if (existing && !existing.isDisposed) {
      existing.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(LOSS_CURVES_VIEW_TYPE, 'Dropout Lab: Loss Curves', vscode.ViewColumn.Active, {
      ...webviewOptions(services.extensionUri),
      // Keep the chart alive while the tab is in the background so a long run keeps streaming.
      retainContextWhenHidden: true,
    });
    return new LossCurvesPanel(panel, services, parseLossCurvesState(undefined));
  }

  static revive(panel: vscode.WebviewPanel, services: PanelServices, restored: unknown): LossCurvesPanel {
    return new LossCurvesPanel(panel, services, parseLossCurvesState(restored));
  }

  private constructor(panel: vscode.WebviewPanel, services: PanelServices, state: LossCurvesState) {
    super(panel, services, 'lossCurvesPanel.js', 'Dropout Lab: Loss Curves');
    this.state = state;
    LossCurvesPanel.current = this;
  }

  protected parseMessage(raw: unknown): LossCurvesFromWebview | undefined {
    return parseLossCurvesFromWebview(raw);
  }

  protected async handleMessage(message: LossCurvesFromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.post({ type: 'init', state: this.state });
        return;
      case 'controls':
        this.state.controls = message.controls;
        return;
      case 'start':
        this.start(message.controls);
        return;
      case 'stop':
        this.run?.cancel();
        return;
      case 'exportCsv':
        return this.exportCsv();
      case 'exportPng': {
        const target = await saveExport({ defaultName: 'dropout-loss-curves.png', filters: { 'PNG image': ['png'] }, contents: pngFromDataUrl(message.dataUrl) });
        if (target) this.post({ type: 'exported', kind: 'png', path: target.fsPath });
        return;
      }
    }
  }

  private start(controls: LossCurvesControls): void {
    this.run?.cancel();
    this.engine ??= this.services.createEngine();
    this.state = { controls, runControls: controls, curves: { baseline: [], dropout: [] }, status: 'running' };
    this.post({ type: 'started', controls });
    const run = this.engine.run({
      experiment: 'overfitting',
      seed: controls.seed,
      epochs: controls.epochs,
      dropout: controls.p,
      hiddenSizes: controls.hiddenSizes,
      trainSize: controls.trainSize,
      testSize: LOSS_CURVES_LIMITS.testSize,
    }, (progress) => {
      if (this.run !== run) return;
      if (progress.epoch) {
        this.state.curves[progress.epoch.run].push(progress.epoch.metrics);
        this.post({ type: 'epoch', run: progress.epoch.run, metrics: progress.epoch.metrics });
      } else {
        this.post({ type: 'progress', fraction: progress.fraction, label: progress.label });
      }
    });
    this.run = run;
    void run.outcome.then((outcome) => {
      if (this.run !== run) return;
      this.run = undefined;
      switch (outcome.status) {
        case 'done':
          // The final result carries the complete curves; prefer them over what streamed.
          for (const curve of outcome.result.runs) this.state.curves[curve.run] = curve.epochs;
          this.finish('done');
          return;
        case 'cancelled':
          this.finish('stopped', 'Stopped. The curves so far are kept; Restart runs again.');
          return;
        case 'error':
          this.finish('error', outcome.message, outcome.reason === 'failed');
          return;
        case 'crashed':
          this.finish('error', outcome.message, true);
          return;
      }
    });
  }

  private finish(status: LossCurvesState['status'], message?: string, retry = false): void {
    this.state.status = status;
    this.state.message = message;
    this.post({ type: 'finished', status, message, retry });
  }

  private async exportCsv(): Promise<void> {
    const { curves } = this.state;
    if (curves.baseline.length === 0 && curves.dropout.length === 0) {
      this.post({ type: 'error', message: 'Nothing to export yet: run the experiment first.' });
      return;
    }
    const target = await saveExport({
      defaultName: 'dropout-loss-curves.csv',
      filters: { 'CSV': ['csv'] },
      contents: new TextEncoder().encode(lossCurvesCsv(curves)),
    });
    if (target) this.post({ type: 'exported', kind: 'csv', path: target.fsPath });
  }

  protected postError(message: string): void {
    this.post({ type: 'error', message });
  }

  protected override onDispose(): void {
    this.run?.cancel();
    this.run = undefined;
    this.engine?.dispose();
    if (LossCurvesPanel.current === this) LossCurvesPanel.current = undefined;
  }
}
