// Registers the Dropout Lab panels: one palette command and one WebviewPanelSerializer per panel
// (so open panels come back after a window reload with their validated state), and the engine
// workers they share. extension.ts calls registerPanels(context) once; the "Visualize dropout" code
// lens calls showNetworkPanel(context, model).
import * as path from 'path';
import * as vscode from 'vscode';
import { EngineHost } from '../engineHost';
import { webviewOptions, type PanelServices } from './panelBase';
import type { NetworkModelSpec } from './types';
import { NetworkPanel } from './networkPanel';
import { NETWORK_VIEW_TYPE } from './protocol/network';
import { LossCurvesPanel } from './lossCurvesPanel';
import { LOSS_CURVES_VIEW_TYPE } from './protocol/lossCurves';
import { ExperimentPanel, type ExperimentPanelSpec } from './experimentPanel';
import { ENSEMBLES_SPEC, INVERTED_SPEC, L2_SPEC, VARIANCE_SHIFT_SPEC, VARIANTS_SPEC } from './experimentSpecs';
import type { ExperimentName } from '../../engine/protocol';

export type { NetworkModelSpec, NetworkLayerSpec } from './types';

interface PanelEntry {
  command: string;
  viewType: string;
  show(services: PanelServices): void;
  revive(panel: vscode.WebviewPanel, services: PanelServices, state: unknown): void;
}

const PANELS: PanelEntry[] = [
  {
    command: 'dropoutLab.showNetwork', viewType: NETWORK_VIEW_TYPE,
    show: (services) => NetworkPanel.show(services),
    revive: (panel, services, state) => NetworkPanel.revive(panel, services, state),
  },
  {
    command: 'dropoutLab.showLossCurves', viewType: LOSS_CURVES_VIEW_TYPE,
    show: (services) => LossCurvesPanel.show(services),
    revive: (panel, services, state) => LossCurvesPanel.revive(panel, services, state),
  },
  experimentEntry('dropoutLab.showInvertedVsStandard', INVERTED_SPEC),
  experimentEntry('dropoutLab.showVariants', VARIANTS_SPEC),
  experimentEntry('dropoutLab.showEnsembles', ENSEMBLES_SPEC),
  experimentEntry('dropoutLab.showVarianceShift', VARIANCE_SHIFT_SPEC),
  experimentEntry('dropoutLab.showL2Equivalence', L2_SPEC),
];

function experimentEntry<E extends ExperimentName, C, R>(command: string, spec: ExperimentPanelSpec<E, C, R>): PanelEntry {
  return {
    command,
    viewType: spec.viewType,
    show: (services) => ExperimentPanel.show(spec, services),
    revive: (panel, services, state) => ExperimentPanel.revive(spec, panel, services, state),
  };
}

let services: PanelServices | undefined;

function createServices(context: vscode.ExtensionContext): PanelServices {
  const output = vscode.window.createOutputChannel('Dropout Lab Panels', { log: true });
  // DROPOUT_LAB_ENGINE_WORKER points at another build of the worker (a debug build, or the e2e
  // suite's worker that crashes once to prove the panels recover).
  const workerPath = process.env.DROPOUT_LAB_ENGINE_WORKER || path.join(context.extensionUri.fsPath, 'dist', 'engineWorker.js');
  const log = (message: string) => output.info(message);
  let shared: EngineHost | undefined;
  const created = new Set<EngineHost>();
  context.subscriptions.push(output, {
    dispose: () => {
      shared?.dispose();
      for (const engine of created) engine.dispose();
    },
  });
  return {
    extensionUri: context.extensionUri,
    sharedEngine: () => (shared ??= new EngineHost({ workerPath, log })),
    createEngine: () => {
      const engine: EngineHost = new EngineHost({ workerPath, log, onDisposed: () => created.delete(engine) });
      created.add(engine);
      return engine;
    },
    log,
  };
}

export function registerPanels(context: vscode.ExtensionContext): void {
  const s = (services ??= createServices(context));
  for (const entry of PANELS) {
    context.subscriptions.push(
      vscode.commands.registerCommand(entry.command, () => entry.show(s)),
      vscode.window.registerWebviewPanelSerializer(entry.viewType, {
        deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
          panel.webview.options = webviewOptions(s.extensionUri);
          entry.revive(panel, s, state);
        },
      }),
    );
  }
}

/** Opens the Network panel, optionally on the user's model (from the "Visualize dropout" code lens). */
export function showNetworkPanel(context: vscode.ExtensionContext, model?: NetworkModelSpec): void {
  NetworkPanel.show((services ??= createServices(context)), model);
}
