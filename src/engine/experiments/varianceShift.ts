// 'variance-shift' (Li et al., CVPR 2019): inverted dropout directly before BatchNorm. A unit with
// mean c and variance v has variance Var_train = (1/q)(c² + v) − c² after dropout at train time but
// v at test time; BatchNorm's running variance learns Var_train, so test-time normalised outputs
// have variance v / Var_train instead of 1.
import { invertedScale } from '../masks';
import { BatchNorm1d } from '../network';
import type { Resolved, VarianceShiftConfig, VarianceShiftResult } from '../protocol';
import { Rng, sampleKeepBits } from '../rng';
import { meanAndVariance } from './common';

const SAMPLE_STREAM = 0x40;
const MASK_STREAM = 0x41;
const BN_BATCH = 64;

export function varianceShiftFormula(p: number, c: number, v: number): { trainVariance: number; testVariance: number; ratio: number } {
  const q = 1 - p;
  const trainVariance = (c * c + v) / q - c * c;
  return { trainVariance, testVariance: v, ratio: v / trainVariance };
}

export function runVarianceShift(config: Resolved<VarianceShiftConfig>): VarianceShiftResult {
  const { p, mean: c, variance: v, samples, seed } = config;
  const q = 1 - p;
  const x = new Float32Array(samples);
  new Rng(seed, SAMPLE_STREAM).fillGaussian(x, c, Math.sqrt(v));
  const trainOut = new Float32Array(samples);
  if (p > 0) {
    const bits = sampleKeepBits(new Rng(seed, MASK_STREAM), q, samples, new Uint32Array((samples + 31) >>> 5));
    const scale = invertedScale(p);
    for (let i = 0; i < samples; i++) trainOut[i] = (bits[i >>> 5] >>> (i & 31)) & 1 ? x[i] * scale : 0;
  } else {
    trainOut.set(x);
  }
  const train = meanAndVariance(trainOut);
  const test = meanAndVariance(x);

  // A one-unit BatchNorm1d trained on mini-batches of dropout outputs, then run in eval mode on the
  // dropout-free activations.
  const bn = new BatchNorm1d(1);
  const batch = new Float32Array(BN_BATCH);
  for (let start = 0; start + BN_BATCH <= samples; start += BN_BATCH) {
    batch.set(trainOut.subarray(start, start + BN_BATCH));
    bn.forward(batch, BN_BATCH, true);
  }
  const evalOut = x.slice();
  bn.forward(evalOut, samples, false);
  return {
    experiment: 'variance-shift',
    config,
    keepProbability: q,
    formula: varianceShiftFormula(p, c, v),
    measured: { trainVariance: train.variance, testVariance: test.variance, ratio: test.variance / train.variance },
    batchNorm: { runningVariance: bn.runningVar[0], testOutputVariance: meanAndVariance(evalOut).variance },
  };
}
