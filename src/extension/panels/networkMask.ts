// Samples the Network panel's masks with the engine's seeded generator (src/engine/rng.ts), over the
// whole model so the counts are exact, and keeps only the drawn part of each mask for the picture.
// Pure and cheap (well under 5 ms for the default network and for a 784-256-128-10 model), so it runs
// in the extension host; DropConnect on very large models is refused rather than allowed to stall.
//
// Semantics: the rate of layer l drops layer l's units (neuron mode), or, in DropConnect mode, the
// weights that read layer l's outputs — the same place an nn.Dropout after layer l acts on. The input
// and output layers are never dropped.
import { Rng, sampleKeepBits, sampleKeepMask } from '../../engine/rng';
import { NETWORK_LIMITS, type NetworkModelSpec } from './types';
import { countSubnetworks } from './subnetworks';
import {
  TEAM_SIZE, type ConnectionMaskView, type LayerMaskView, type NetworkMaskView, type NetworkSettings, type TeamView,
} from './protocol/network';

/** Units drawn per layer: all of a small layer, else the first few and the last (with a gap marker). */
export function drawnIndices(units: number, maxDrawn = 10): number[] {
  if (units <= maxDrawn + 2) return Array.from({ length: units }, (_, i) => i);
  const head = Array.from({ length: maxDrawn - 2 }, (_, i) => i);
  return [...head, units - 2, units - 1];
}

// Stream ids keep the unit, connection and team masks independent of each other.
const UNIT_STREAM = 1;
const CONNECTION_STREAM = 2;
const TEAM_STREAM = 3;

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** The effective rate of each layer: input and output never dropped. */
export function effectiveRates(model: NetworkModelSpec, settings: NetworkSettings): number[] {
  const last = model.layers.length - 1;
  return model.layers.map((_, l) => (l === 0 || l === last ? 0 : Math.min(NETWORK_LIMITS.maxRate, Math.max(0, settings.rates[l] ?? 0))));
}

export function totalWeights(model: NetworkModelSpec): number {
  let total = 0;
  for (let l = 0; l + 1 < model.layers.length; l++) total += model.layers[l].units * model.layers[l + 1].units;
  return total;
}

export function sampleNetworkMask(model: NetworkModelSpec, settings: NetworkSettings): NetworkMaskView {
  const rates = effectiveRates(model, settings);
  const weights = totalWeights(model);
  const dropConnectUnavailable = weights > NETWORK_LIMITS.maxDropConnectWeights
    ? `DropConnect needs a mask over all ${weights.toLocaleString('en-US')} weights; the panel samples at most ${NETWORK_LIMITS.maxDropConnectWeights.toLocaleString('en-US')}.`
    : undefined;
  const mode = settings.mode === 'dropconnect' && !dropConnectUnavailable ? 'dropconnect' : 'neuron';

  const unitMasks: Uint8Array[] = model.layers.map((layer, l) =>
    mode === 'neuron' && rates[l] > 0
      ? sampleKeepMask(new Rng(settings.seed, settings.sample, UNIT_STREAM, l), 1 - rates[l], layer.units)
      : new Uint8Array(layer.units).fill(1));

  const layers: LayerMaskView[] = model.layers.map((layer, l) => {
    const drawn = drawnIndices(layer.units);
    let kept = 0;
    for (const bit of unitMasks[l]) kept += bit;
    return { label: layer.label, units: layer.units, rate: rates[l], kept, drawn, drawnMask: drawn.map((i) => unitMasks[l][i]) };
  });

  const connections: ConnectionMaskView[] = [];
  for (let l = 0; l + 1 < model.layers.length; l++) {
    const inUnits = model.layers[l].units;
    const outUnits = model.layers[l + 1].units;
    const drawnIn = layers[l].drawn;
    const drawnOut = layers[l + 1].drawn;
    const drawnMask: number[] = [];
    let active = 0;
    if (mode === 'neuron' || rates[l] === 0) {
      active = layers[l].kept * layers[l + 1].kept;
      for (const j of drawnOut) for (const i of drawnIn) drawnMask.push(unitMasks[l + 1][j] & unitMasks[l][i]);
    } else {
      // One row of keep bits per output unit, drawn from one stream in row order (row-major [out][in]).
      const rng = new Rng(settings.seed, settings.sample, CONNECTION_STREAM, l);
      const words = new Uint32Array((inUnits + 31) >>> 5);
      const drawnRows = new Map(drawnOut.map((j, row) => [j, row]));
      const rows: number[][] = drawnOut.map(() => []);
      for (let j = 0; j < outUnits; j++) {
        sampleKeepBits(rng, 1 - rates[l], inUnits, words);
        for (let w = 0; w < words.length; w++) active += popcount32(words[w]);
        const row = drawnRows.get(j);
        if (row !== undefined) rows[row] = drawnIn.map((i) => (words[i >>> 5] >>> (i & 31)) & 1);
      }
      for (const row of rows) drawnMask.push(...row);
    }
    connections.push({ total: inUnits * outUnits, active, drawnMask });
  }

  let droppable = 0;
  for (let l = 0; l < model.layers.length; l++) {
    if (rates[l] === 0) continue;
    droppable += mode === 'neuron' ? model.layers[l].units : model.layers[l].units * (model.layers[l + 1]?.units ?? 0);
  }
  const view: NetworkMaskView = {
    sample: settings.sample,
    mode,
    layers,
    connections,
    activeUnits: layers.reduce((sum, layer) => sum + layer.kept, 0),
    totalUnits: layers.reduce((sum, layer) => sum + layer.units, 0),
    activeConnections: connections.reduce((sum, c) => sum + c.active, 0),
    totalConnections: weights,
    droppable,
    subnetworks: countSubnetworks(droppable),
  };
  if (dropConnectUnavailable) view.dropConnectUnavailable = dropConnectUnavailable;
  return view;
}

/** Team rotation: each player sits out a practice with probability `teamRate`. */
export function sampleTeam(settings: NetworkSettings): TeamView {
  const rate = Math.min(NETWORK_LIMITS.maxRate, Math.max(0, settings.teamRate));
  const playing = rate > 0
    ? Array.from(sampleKeepMask(new Rng(settings.seed, settings.teamSample, TEAM_STREAM), 1 - rate, TEAM_SIZE))
    : new Array<number>(TEAM_SIZE).fill(1);
  return { sample: settings.teamSample, rate, playing };
}
