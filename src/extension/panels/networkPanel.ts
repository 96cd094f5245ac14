// Network panel (host side): the model as layers of neurons and connections, a mask from the
// engine's generator on every Resample, per-layer rates, neuron vs DropConnect, team rotation.
import * as vscode from 'vscode';
import { PanelBase, webviewOptions, type PanelServices } from './panelBase';
import { DEFAULT_NETWORK, type NetworkModelSpec } from './types';
import {
  NETWORK_VIEW_TYPE, defaultSettings, parseModelSpec, parseNetworkFromWebview, parseNetworkState,
  type NetworkFromWebview, type NetworkState, type NetworkToWebview,
} from './protocol/network';
import { sampleNetworkMask, sampleTeam } from './networkMask';

export class NetworkPanel extends PanelBase<NetworkFromWebview, NetworkToWebview> {
  static current: NetworkPanel | undefined;
  private state: NetworkState;

  /** Opens (or reveals) the panel; with a model, shows that model with its own rates. */
  static show(services: PanelServices, model?: NetworkModelSpec): NetworkPanel {
    const spec = model === undefined ? undefined : parseModelSpec(model);
    if (model !== undefined && !spec) {
      void vscode.window.showWarningMessage('Dropout Lab: this model cannot be drawn (it needs at least two layers with 1 or more units); showing the example network.');
    }
    const existing = NetworkPanel.current;
    if (existing && !existing.isDisposed) {
      if (spec) existing.setModel(spec);
      existing.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(NETWORK_VIEW_TYPE, 'Dropout Lab: Network', vscode.ViewColumn.Active, webviewOptions(services.extensionUri));
    const chosen = spec ?? DEFAULT_NETWORK;
    return new NetworkPanel(panel, services, { model: chosen, settings: defaultSettings(chosen) });
  }

  static revive(panel: vscode.WebviewPanel, services: PanelServices, restored: unknown): NetworkPanel {
    return new NetworkPanel(panel, services, parseNetworkState(restored));
  }

  private constructor(panel: vscode.WebviewPanel, services: PanelServices, state: NetworkState) {
    super(panel, services, 'networkPanel.js', 'Dropout Lab: Network');
    this.state = state;
    NetworkPanel.current = this;
  }

  private setModel(model: NetworkModelSpec): void {
    this.state = { model, settings: defaultSettings(model) };
    this.post({ type: 'init', state: this.state });
  }

  protected parseMessage(raw: unknown): NetworkFromWebview | undefined {
    return parseNetworkFromWebview(raw, this.state.model);
  }

  protected handleMessage(message: NetworkFromWebview): void {
    switch (message.type) {
      case 'ready':
        this.post({ type: 'init', state: this.state });
        return;
      case 'sample': {
        this.state = { model: this.state.model, settings: message.settings };
        this.post({ type: 'mask', view: sampleNetworkMask(this.state.model, message.settings), team: sampleTeam(message.settings) });
        return;
      }
    }
  }

  protected postError(message: string): void {
    this.post({ type: 'error', message });
  }

  protected override onDispose(): void {
    if (NetworkPanel.current === this) NetworkPanel.current = undefined;
  }
}
