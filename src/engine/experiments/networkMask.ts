// 'network-mask': one dropout mask for the small network diagram. Neuron mode drops units of layer l
// with rates[l] (a connection is active iff both its units are kept); DropConnect mode drops each
// connection from layer l to l + 1 with rates[l] and keeps every unit.
import { subnetworkCount, subnetworkCountLog10 } from '../masks';
import type { NetworkMaskConfig, NetworkMaskResult, Resolved } from '../protocol';
import { Rng, sampleKeepMask } from '../rng';
import { toArray } from './common';

const NETWORK_MASK_STREAM = 0x10;

function keepMask(rng: Rng, rate: number, count: number): Uint8Array {
  return rate > 0 ? sampleKeepMask(rng, 1 - rate, count) : new Uint8Array(count).fill(1);
}

export function runNetworkMask(config: Resolved<NetworkMaskConfig>): NetworkMaskResult {
  const { layerSizes, rates, mode, seed, sample } = config;
  const unitMasks: Uint8Array[] = [];
  const weightMasks: Uint8Array[] = [];
  let droppable = 0;
  if (mode === 'neuron') {
    layerSizes.forEach((size, l) => {
      unitMasks.push(keepMask(new Rng(seed, NETWORK_MASK_STREAM, sample, l), rates[l], size));
      if (rates[l] > 0) droppable += size;
    });
    for (let l = 0; l + 1 < layerSizes.length; l++) {
      const inSize = layerSizes[l];
      const outSize = layerSizes[l + 1];
      const mask = new Uint8Array(inSize * outSize);
      for (let o = 0; o < outSize; o++) for (let i = 0; i < inSize; i++) mask[o * inSize + i] = unitMasks[l][i] & unitMasks[l + 1][o];
      weightMasks.push(mask);
    }
  } else {
    layerSizes.forEach((size) => unitMasks.push(new Uint8Array(size).fill(1)));
    for (let l = 0; l + 1 < layerSizes.length; l++) {
      const count = layerSizes[l] * layerSizes[l + 1];
      weightMasks.push(keepMask(new Rng(seed, NETWORK_MASK_STREAM, sample, 0x100 + l), rates[l], count));
      if (rates[l] > 0) droppable += count;
    }
  }
  return {
    experiment: 'network-mask',
    config,
    unitMasks: unitMasks.map(toArray),
    weightMasks: weightMasks.map(toArray),
    keptUnits: unitMasks.map((m) => m.reduce((a, b) => a + b, 0)),
    droppable,
    subnetworkCount: subnetworkCount(droppable).toString(),
    subnetworkCountLog10: subnetworkCountLog10(droppable),
  };
}
