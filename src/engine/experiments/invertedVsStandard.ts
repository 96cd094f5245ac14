// 'inverted-vs-standard': the same activations under the original formulation (train x·m, test x·q)
// and inverted dropout (train x·m/q in float32, test x), with exact and empirical expected sums.
import { applyInvertedMask, invertedScale, standardDropoutTest, standardDropoutTrain } from '../masks';
import type { InvertedVsStandardConfig, InvertedVsStandardResult, Resolved } from '../protocol';
import { Rng, sampleKeepBits, sampleKeepMask } from '../rng';
import { toArray } from './common';

const DISPLAY_STREAM = 0x20;
const TRIALS_STREAM = 0x21;

const sum = (values: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s;
};

export function runInvertedVsStandard(config: Resolved<InvertedVsStandardConfig>): InvertedVsStandardResult {
  const { p, seed, sample, trials } = config;
  const q = 1 - p;
  const x = new Float32Array(config.activations);
  const n = x.length;
  const mask = p > 0 ? sampleKeepMask(new Rng(seed, DISPLAY_STREAM, sample), q, n) : new Uint8Array(n).fill(1);
  const scale = invertedScale(p);
  const standardTrain = standardDropoutTrain(x, mask);
  const standardTest = standardDropoutTest(x, p);
  const invertedTrain = applyInvertedMask(x, mask, scale);
  const invertedTest = x.slice();

  // Empirical expectations over fresh masks: Σ_i x_i m_i (standard) and Σ_i x_i m_i / q (inverted).
  const rng = new Rng(seed, TRIALS_STREAM);
  const words = new Uint32Array((n + 31) >>> 5);
  let standardTotal = 0;
  let invertedTotal = 0;
  for (let t = 0; t < trials; t++) {
    sampleKeepBits(rng, q, n, words);
    let s = 0;
    let si = 0;
    for (let i = 0; i < n; i++) {
      if ((words[i >>> 5] >>> (i & 31)) & 1) {
        s += x[i];
        si += Math.fround(x[i] * scale);
      }
    }
    standardTotal += s;
    invertedTotal += si;
  }
  const total = sum(x);
  return {
    experiment: 'inverted-vs-standard',
    config,
    keepProbability: q,
    scale,
    mask: toArray(mask),
    original: toArray(x),
    standard: { train: toArray(standardTrain), test: toArray(standardTest) },
    inverted: { train: toArray(invertedTrain), test: toArray(invertedTest) },
    sums: {
      original: total,
      standardTrain: sum(standardTrain),
      standardTest: sum(standardTest),
      invertedTrain: sum(invertedTrain),
      invertedTest: sum(invertedTest),
    },
    expectedSums: { standardTrain: q * total, standardTest: q * total, invertedTrain: total, invertedTest: total },
    meanSums: { standardTrain: standardTotal / trials, invertedTrain: invertedTotal / trials },
  };
}
