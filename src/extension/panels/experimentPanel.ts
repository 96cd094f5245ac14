// Host side of the panels that run one engine experiment per request. Each request replaces the
// one before it (the newest controls win); training experiments get their own worker so Stop can
// always end them, short ones share a worker.
import * as vscode from 'vscode';
import { PanelBase, webviewOptions, type PanelServices } from './panelBase';
import type { EngineHost, EngineRun } from '../engineHost';
import type { ExperimentConfig, ExperimentName, ResultOf } from '../../engine/protocol';
import {
  parseExperimentFromWebview, parseExperimentState,
  type ExperimentCodec, type ExperimentFromWebview, type ExperimentState, type ExperimentToWebview,
} from './protocol/experiment';

export interface ExperimentPanelSpec<E extends ExperimentName, C, R> {
  viewType: string;
  title: string;
  /** Bundle under dist/webview/. */
  script: string;
  experiment: E;
  codec: ExperimentCodec<C, R>;
  toConfig(controls: C): Extract<ExperimentConfig, { experiment: E }>;
  toView(result: ResultOf<E>): R;
  /** Training experiments: own worker, kept alive while hidden, no automatic run on open. */
  training: boolean;
}

export class ExperimentPanel<E extends ExperimentName, C, R> extends PanelBase<ExperimentFromWebview<C>, ExperimentToWebview<C, R>> {
  private static readonly open = new Map<string, ExperimentPanel<ExperimentName, unknown, unknown>>();
  private state: ExperimentState<C, R>;
  private engine: EngineHost | undefined;
  private run: EngineRun<E> | undefined;

  static show<E extends ExperimentName, C, R>(spec: ExperimentPanelSpec<E, C, R>, services: PanelServices): void {
    const existing = ExperimentPanel.open.get(spec.viewType);
    if (existing && !existing.isDisposed) {
      existing.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(spec.viewType, spec.title, vscode.ViewColumn.Active, {
      ...webviewOptions(services.extensionUri),
      retainContextWhenHidden: spec.training,
    });
    new ExperimentPanel(spec, panel, services, parseExperimentState(spec.codec, undefined));
  }

  static revive<E extends ExperimentName, C, R>(spec: ExperimentPanelSpec<E, C, R>, panel: vscode.WebviewPanel, services: PanelServices, restored: unknown): void {
    new ExperimentPanel(spec, panel, services, parseExperimentState(spec.codec, restored));
  }

  private constructor(
    private readonly spec: ExperimentPanelSpec<E, C, R>,
    panel: vscode.WebviewPanel,
    services: PanelServices,
    state: ExperimentState<C, R>,
  ) {
    super(panel, services, spec.script, spec.title);
    this.state = state;
    ExperimentPanel.open.set(spec.viewType, this as unknown as ExperimentPanel<ExperimentName, unknown, unknown>);
  }

  protected parseMessage(raw: unknown): ExperimentFromWebview<C> | undefined {
    return parseExperimentFromWebview(this.spec.codec, raw);
  }

  protected handleMessage(message: ExperimentFromWebview<C>): void {
    switch (message.type) {
      case 'ready':
        this.post({ type: 'init', controls: this.state.controls, result: this.state.result });
        return;
      case 'run':
        this.start(message.controls);
        return;
      case 'stop':
        this.run?.cancel();
        return;
    }
  }

  private start(controls: C): void {
    this.state.controls = controls;
    // A training run is stopped; a short computation just finishes and its result is ignored.
    if (this.spec.training) this.run?.cancel();
    const engine = this.spec.training ? (this.engine ??= this.services.createEngine()) : this.services.sharedEngine();
    this.post({ type: 'running', controls });
    const run = engine.run(this.spec.toConfig(controls), (progress) => {
      if (this.run === run) this.post({ type: 'progress', fraction: progress.fraction, label: progress.label });
    });
    this.run = run;
    void run.outcome.then((outcome) => {
      if (this.run !== run) return;
      this.run = undefined;
      switch (outcome.status) {
        case 'done': {
          const view = this.spec.toView(outcome.result);
          this.state.result = view;
          this.post({ type: 'result', controls, result: view });
          this.post({ type: 'finished', status: 'done' });
          return;
        }
        case 'cancelled':
          this.post({ type: 'finished', status: 'stopped', message: 'Stopped.' });
          return;
        case 'error':
          this.post({ type: 'finished', status: 'error', message: outcome.message, retry: outcome.reason === 'failed' });
          return;
        case 'crashed':
          this.post({ type: 'finished', status: 'error', message: outcome.message, retry: true });
          return;
      }
    });
  }

  protected postError(message: string): void {
    this.post({ type: 'finished', status: 'error', message });
  }

  protected override onDispose(): void {
    this.run?.cancel();
    this.run = undefined;
    this.engine?.dispose();
    if (ExperimentPanel.open.get(this.spec.viewType) === (this as unknown)) ExperimentPanel.open.delete(this.spec.viewType);
  }
}
