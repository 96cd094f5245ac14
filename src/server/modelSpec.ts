// Turns a model graph from the linter into the network panel's model description: the layers with
// known sizes in data-flow order, each carrying the rate of the dropout applied to its outputs.
// No `vscode` import (unit-tested in plain Node).
import type { LayerNode, ModelGraph } from '../lint/modelGraph';
import { NETWORK_LIMITS, type NetworkLayerSpec, type NetworkModelSpec } from '../extension/panels/types';

const SIZED_KINDS = new Set(['dense', 'conv', 'recurrent', 'embedding', 'attention']);

function shortName(layer: LayerNode): string {
  const name = layer.name?.replace(/^self\./, '');
  return name ? `${name} (${layer.display})` : layer.display;
}

function unitsLabel(layer: LayerNode): string {
  return layer.kind === 'conv' ? ' channels' : '';
}

/**
 * The panel spec for one model, or undefined when fewer than two layer sizes are statically known
 * (nothing real to draw). `fileName` goes into the heading.
 */
export function networkSpecForModel(graph: ModelGraph, fileName: string): NetworkModelSpec | undefined {
  const layers: NetworkLayerSpec[] = [];
  let pendingInputRate: number | undefined;
  for (const layer of graph.layers) {
    if (layer.kind === 'input' && layer.outFeatures !== undefined && layers.length === 0) {
      layers.push({ label: `input (${layer.outFeatures})`, units: layer.outFeatures });
      continue;
    }
    if (layer.kind === 'dropout') {
      const rate = layer.dropout?.rate;
      if (rate === undefined || !(rate >= 0 && rate < 1)) continue;
      const last = layers[layers.length - 1];
      if (last) last.dropoutRate = rate;
      else pendingInputRate = rate;
      continue;
    }
    if (!SIZED_KINDS.has(layer.kind) || layer.outFeatures === undefined || layer.outFeatures < 1) continue;
    if (layers.length === 0 && layer.inFeatures !== undefined && layer.inFeatures >= 1) {
      layers.push({ label: `input (${layer.inFeatures}${unitsLabel(layer)})`, units: layer.inFeatures, dropoutRate: pendingInputRate });
    }
    layers.push({ label: `${shortName(layer)}: ${layer.outFeatures}${unitsLabel(layer)}`, units: layer.outFeatures });
  }
  if (layers.length < NETWORK_LIMITS.minLayers) return undefined;
  // The output layer is never dropped; a dropout after it (DRP001) is a finding, not a panel setting.
  delete layers[layers.length - 1].dropoutRate;
  let name = `${graph.name} (${fileName})`;
  if (layers.length > NETWORK_LIMITS.maxLayers) {
    const hidden = layers.slice(1, -1);
    const keep = NETWORK_LIMITS.maxLayers - 2;
    name += ` — ${hidden.length - keep} of ${hidden.length} hidden layers not shown`;
    layers.splice(1, layers.length - 2, ...hidden.slice(0, keep));
  }
  for (const layer of layers) layer.units = Math.min(layer.units, NETWORK_LIMITS.maxUnitsPerLayer);
  return { name, layers };
}
