// 'variants': every dropout variant applied to the same feature maps (channels × height × width,
// treated as one sample), a displayed mask per variant and statistics over fresh masks.
import {
  alphaDropout, channelDropout, dropBlock2d, dropBlockGamma, dropout, gaussianDropout, invertedScale,
} from '../masks';
import type { Resolved, VariantName, VariantOutput, VariantsConfig, VariantsResult } from '../protocol';
import { VARIANT_NAMES } from '../protocol';
import { Rng, sampleKeepMask } from '../rng';
import { meanAndVariance, toArray } from './common';

const INPUT_STREAM = 0x30;
const DISPLAY_STREAM = 0x31;
const STATS_STREAM = 0x32;

/** Smooth, standardised feature maps (mean 0, variance 1): sinusoids plus a little noise. */
export function makeFeatureMaps(channels: number, height: number, width: number, seed: number): Float32Array {
  const rng = new Rng(seed, INPUT_STREAM);
  const x = new Float32Array(channels * height * width);
  for (let c = 0; c < channels; c++) {
    const fy = 1 + rng.nextDouble() * 2;
    const fx = 1 + rng.nextDouble() * 2;
    const phase = rng.nextDouble() * 2 * Math.PI;
    for (let y = 0; y < height; y++) {
      for (let xx = 0; xx < width; xx++) {
        x[(c * height + y) * width + xx] =
          Math.sin((2 * Math.PI * fy * y) / height + phase) * Math.cos((2 * Math.PI * fx * xx) / width) + 0.3 * rng.nextGaussian();
      }
    }
  }
  const { mean, variance } = meanAndVariance(x);
  const sd = Math.sqrt(variance) || 1;
  for (let i = 0; i < x.length; i++) x[i] = (x[i] - mean) / sd;
  return x;
}

/** The 1×1 channel-mixing weights DropConnect masks: 0.7 on the diagonal, the rest shared equally. */
export function mixingWeights(channels: number): Float32Array {
  const w = new Float32Array(channels * channels);
  for (let o = 0; o < channels; o++) {
    for (let i = 0; i < channels; i++) w[o * channels + i] = channels === 1 ? 1 : o === i ? 0.7 : 0.3 / (channels - 1);
  }
  return w;
}

/** y[o] = Σ_i keep[o,i] · w[o,i] / q · x[i] at every position (inverted scaling of the kept weights). */
function mixChannels(x: Float32Array, w: Float32Array, keep: Uint8Array | null, scale: number, channels: number, plane: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let o = 0; o < channels; o++) {
    for (let i = 0; i < channels; i++) {
      const k = o * channels + i;
      if (keep && !keep[k]) continue;
      const coefficient = w[k] * (keep ? scale : 1);
      for (let s = 0; s < plane; s++) y[o * plane + s] += coefficient * x[i * plane + s];
    }
  }
  return y;
}

interface Applied {
  values: Float32Array;
  mask: ArrayLike<number>;
  kept: number;
  lanes: number;
}

export function runVariants(config: Resolved<VariantsConfig>): VariantsResult {
  const { channels: C, height: H, width: W, p, blockSize, seed, sample, trials } = config;
  const plane = H * W;
  const x = makeFeatureMaps(C, H, W, seed);
  const shape4: [number, number, number, number] = [1, C, H, W];
  const weights = mixingWeights(C);
  const q = 1 - p;
  const gamma = dropBlockGamma(p, H, W, blockSize);

  const apply = (name: VariantName, rng: Rng): Applied => {
    const ones = (n: number) => new Uint8Array(n).fill(1);
    const count = (m: ArrayLike<number>) => {
      let k = 0;
      for (let i = 0; i < m.length; i++) k += m[i];
      return k;
    };
    switch (name) {
      case 'standard': {
        const r = dropout(x, rng, p, true);
        const mask = r.mask ?? ones(x.length);
        return { values: r.output, mask, kept: count(mask), lanes: mask.length };
      }
      case 'spatial': {
        const r = channelDropout(x, shape4, rng, p, true);
        const channelMask = r.mask ?? ones(C);
        const mask = new Uint8Array(x.length);
        for (let c = 0; c < C; c++) mask.fill(channelMask[c], c * plane, (c + 1) * plane);
        return { values: r.output, mask, kept: count(channelMask), lanes: C };
      }
      case 'dropblock': {
        const r = dropBlock2d(x, shape4, rng, p, blockSize, true);
        const mask = r.mask ?? ones(x.length);
        return { values: r.output, mask, kept: count(mask), lanes: mask.length };
      }
      case 'alpha': {
        const r = alphaDropout(x, rng, p, true);
        const mask = r.mask ?? ones(x.length);
        return { values: r.output, mask, kept: count(mask), lanes: mask.length };
      }
      case 'gaussian': {
        const r = gaussianDropout(x, rng, p, true);
        return { values: r.output, mask: r.factors ?? new Float32Array(x.length).fill(1), kept: 0, lanes: 0 };
      }
      case 'dropconnect': {
        const keep = p > 0 ? sampleKeepMask(rng, q, C * C) : ones(C * C);
        return { values: mixChannels(x, weights, keep, invertedScale(p), C, plane), mask: keep, kept: count(keep), lanes: C * C };
      }
    }
  };

  const variants: VariantOutput[] = VARIANT_NAMES.map((name, v) => {
    const shown = apply(name, new Rng(seed, DISPLAY_STREAM, sample, v));
    const statsRng = new Rng(seed, STATS_STREAM, v);
    let kept = 0;
    let lanes = 0;
    let sum = 0;
    let sq = 0;
    for (let t = 0; t < trials; t++) {
      const r = apply(name, statsRng);
      kept += r.kept;
      lanes += r.lanes;
      for (let i = 0; i < r.values.length; i++) {
        sum += r.values[i];
        sq += r.values[i] * r.values[i];
      }
    }
    const n = trials * x.length;
    const outputMean = sum / n;
    // The eval-mode output: the input itself, or W x for DropConnect's channel mixing.
    const reference = name === 'dropconnect' ? mixChannels(x, weights, null, 1, C, plane) : x;
    const ref = meanAndVariance(reference);
    const gaussian = name === 'gaussian';
    const expectedKeepRate = name === 'dropblock' ? expectedDropBlockKeepRate(gamma, H, W, blockSize) : q;
    return {
      name,
      label: LABELS[name](blockSize),
      description: DESCRIPTIONS[name],
      values: toArray(shown.values),
      mask: toArray(shown.mask),
      stats: {
        keepRate: gaussian ? null : kept / lanes,
        expectedKeepRate: gaussian ? null : expectedKeepRate,
        inputMean: ref.mean,
        outputMean,
        inputVariance: ref.variance,
        outputVariance: sq / n - outputMean * outputMean,
      },
    };
  });
  return { experiment: 'variants', config, input: toArray(x), dropBlockGamma: gamma, variants };
}

/**
 * P(unit kept) under DropBlock: a unit survives when none of the seeds whose block covers it fired;
 * the number of such seed positions depends on the distance to the border.
 */
export function expectedDropBlockKeepRate(gamma: number, height: number, width: number, blockSize: number): number {
  const covering = (size: number, pos: number) => {
    const seeds = size - blockSize + 1;
    return Math.min(pos, seeds - 1) - Math.max(0, pos - blockSize + 1) + 1;
  };
  let total = 0;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) total += (1 - gamma) ** (covering(height, y) * covering(width, x));
  return total / (height * width);
}

const LABELS: Record<VariantName, (blockSize: number) => string> = {
  standard: () => 'Standard (inverted)',
  spatial: () => 'Spatial (channel)',
  dropblock: (bs) => `DropBlock (${bs}×${bs})`,
  alpha: () => 'Alpha dropout',
  gaussian: () => 'Gaussian dropout',
  dropconnect: () => 'DropConnect',
};

const DESCRIPTIONS: Record<VariantName, string> = {
  standard: 'Each element is dropped independently with probability p; kept ones are scaled by 1/(1 − p).',
  spatial: 'Whole channels are dropped (one Bernoulli per sample and channel), kept channels scaled by 1/(1 − p).',
  dropblock: 'Contiguous square blocks are dropped around random seeds; the rest is rescaled by numel / kept.',
  alpha: "Dropped units are set to SELU's saturation value alpha', then an affine a·x + b restores mean 0 and variance 1.",
  gaussian: 'Every element is multiplied by noise from N(1, p / (1 − p)) instead of a 0/1 mask.',
  dropconnect: 'Individual weights (here of a 1×1 channel-mixing layer) are dropped instead of activations.',
};
