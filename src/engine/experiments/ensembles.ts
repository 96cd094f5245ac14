// 'ensembles': dropout trains an implicit ensemble of 2^n sub-networks. The experiment counts them
// exactly (BigInt), trains a digits model with dropout, and compares Monte Carlo averaging of k
// sampled sub-networks' softmax outputs with the weight-scaled (eval-mode) network as k grows; a
// small MC-dropout regression shows the predictive mean ± standard deviation.
import { loadMnistSubset, MNIST_CLASSES, MNIST_PIXELS, splitDigits } from '../data/mnist';
import { subnetworkCount, subnetworkCountLog10 } from '../masks';
import { EVAL_MODE, MC_MODE, Network, TRAIN_MODE, meanSquaredError } from '../network';
import { Optimizer } from '../optimizer';
import type { EnsemblesConfig, EnsemblesResult, Resolved } from '../protocol';
import { sineWithGap } from '../data/synthetic';
import { ClassifierTrainer, evaluateClassifier, type LabelledSet } from '../trainer';
import { checkpoint, type RunOptions } from './common';

/** Mask steps of MC passes start here, far from the training steps' streams. */
const MC_STEP_BASE = 0x40000000;
const EVAL_CHUNK = 250;
/** The regression demo's dropout rate and training length (fixed: it is a picture, not a benchmark). */
export const REGRESSION_DROPOUT = 0.2;
const REGRESSION_STEPS = 1500;
const REGRESSION_GRID = 61;

export interface MonteCarloPoint {
  k: number;
  accuracy: number;
  loss: number;
  /** Fraction of test inputs whose MC-averaged class equals the weight-scaled network's class. */
  agreement: number;
}

/** Index of the largest value in each row of a (rows × classes) matrix. */
function rowArgmax(values: ArrayLike<number>, rows: number, classes: number): Int32Array {
  const best = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let b = 0;
    for (let c = 1; c < classes; c++) if (values[i * classes + c] > values[i * classes + b]) b = c;
    best[i] = b;
  }
  return best;
}

/**
 * Mean test metrics when averaging the softmax of k = 1..max(ks) stochastic passes; reports at each
 * k in ks. The loss is the cross-entropy of the averaged probabilities; agreement compares the
 * averaged prediction with the weight-scaled (eval-mode) network's.
 */
export async function monteCarloCurve(
  network: Network, test: LabelledSet, ks: number[], options: RunOptions, onPass?: (k: number) => void,
): Promise<MonteCarloPoint[]> {
  const classes = network.outputSize;
  const inputSize = network.spec.inputSize;
  const probabilitySums = new Float64Array(test.count * classes);
  const results: MonteCarloPoint[] = [];
  const weightScaledClass = new Int32Array(test.count);
  for (let start = 0; start < test.count; start += EVAL_CHUNK) {
    const rows = Math.min(EVAL_CHUNK, test.count - start);
    const logits = network.forward(test.images.subarray(start * inputSize, (start + rows) * inputSize), rows, EVAL_MODE);
    weightScaledClass.set(rowArgmax(logits, rows, classes), start);
  }
  const maxK = ks[ks.length - 1];
  let next = 0;
  for (let k = 1; k <= maxK; k++) {
    for (let start = 0; start < test.count; start += EVAL_CHUNK) {
      const rows = Math.min(EVAL_CHUNK, test.count - start);
      // Each chunk gets its own mask stream so a pass is the same whatever the chunking position.
      const logits = network.forward(test.images.subarray(start * inputSize, (start + rows) * inputSize), rows, MC_MODE(MC_STEP_BASE + k * 4096 + start / EVAL_CHUNK));
      for (let r = 0; r < rows; r++) {
        let max = -Infinity;
        for (let c = 0; c < classes; c++) max = Math.max(max, logits[r * classes + c]);
        let total = 0;
        for (let c = 0; c < classes; c++) total += Math.exp(logits[r * classes + c] - max);
        for (let c = 0; c < classes; c++) probabilitySums[(start + r) * classes + c] += Math.exp(logits[r * classes + c] - max) / total;
      }
    }
    onPass?.(k);
    if (k === ks[next]) {
      let correct = 0;
      let agreeing = 0;
      let loss = 0;
      const averagedClass = rowArgmax(probabilitySums, test.count, classes);
      for (let i = 0; i < test.count; i++) {
        if (averagedClass[i] === test.labels[i]) correct++;
        if (averagedClass[i] === weightScaledClass[i]) agreeing++;
        loss -= Math.log(Math.max(probabilitySums[i * classes + test.labels[i]] / k, 1e-12));
      }
      results.push({ k, accuracy: correct / test.count, loss: loss / test.count, agreement: agreeing / test.count });
      next++;
    }
    await checkpoint('ensembles', options);
  }
  return results;
}

/** MC-dropout regression: y = sin(3x) + noise on two clusters of x, predictions on a wider grid. */
export function mcDropoutRegression(seed: number, samples: number): EnsemblesResult['regression'] {
  const { x: trainX, y: trainY } = sineWithGap(40, 0.1, seed);
  const network = new Network({
    inputSize: 1,
    layers: [
      { units: 64, activation: 'relu', dropout: REGRESSION_DROPOUT },
      { units: 64, activation: 'relu', dropout: REGRESSION_DROPOUT },
      { units: 1, activation: 'linear' },
    ],
    loss: 'mse',
  }, seed);
  const optimizer = new Optimizer(network, { kind: 'adam', learningRate: 0.01 });
  const x = Float32Array.from(trainX);
  const grad = new Float32Array(trainX.length);
  for (let step = 0; step < REGRESSION_STEPS; step++) {
    const out = network.forward(x, trainX.length, TRAIN_MODE(step));
    meanSquaredError(out, trainY, trainX.length, 1, grad);
    network.backward(grad);
    optimizer.step();
  }
  const grid = Float32Array.from({ length: REGRESSION_GRID }, (_, i) => -1.5 + (3 * i) / (REGRESSION_GRID - 1));
  const sum = new Float64Array(REGRESSION_GRID);
  const sq = new Float64Array(REGRESSION_GRID);
  for (let t = 0; t < samples; t++) {
    const out = network.forward(grid, REGRESSION_GRID, MC_MODE(MC_STEP_BASE + t));
    for (let i = 0; i < REGRESSION_GRID; i++) {
      sum[i] += out[i];
      sq[i] += out[i] * out[i];
    }
  }
  const mean = Array.from(sum, (s) => s / samples);
  const std = Array.from(sq, (s, i) => Math.sqrt(Math.max(0, s / samples - mean[i] * mean[i])));
  const weightScaled = Array.from(network.forward(grid, REGRESSION_GRID, EVAL_MODE).subarray(0, REGRESSION_GRID));
  return { trainX, trainY, x: Array.from(grid), mean, std, weightScaled };
}

export async function runEnsembles(config: Resolved<EnsemblesConfig>, options: RunOptions = {}): Promise<EnsemblesResult> {
  const { seed, p, hiddenSizes, epochs, trainSize, testSize, ks, regressionSamples } = config;
  const { train, test } = splitDigits(loadMnistSubset(), trainSize, testSize, seed);
  const trainer = new ClassifierTrainer({
    inputSize: MNIST_PIXELS, classes: MNIST_CLASSES, hiddenSizes, dropout: p, inputDropout: 0, batchSize: 64,
    optimizer: { kind: 'sgd', learningRate: 0.02, momentum: 0.9 }, seed,
  }, train);
  const maxK = ks[ks.length - 1];
  const totalWork = epochs + maxK;
  for (let e = 1; e <= epochs; e++) {
    trainer.runEpoch();
    options.onProgress?.({ fraction: e / totalWork, label: `training the digits model: epoch ${e}/${epochs}` });
    await checkpoint('ensembles', options);
  }
  const weightScaling = evaluateClassifier(trainer.network, test);
  const monteCarlo = await monteCarloCurve(trainer.network, test, ks, options, (k) =>
    options.onProgress?.({ fraction: (epochs + k) / totalWork, label: `Monte Carlo pass ${k}/${maxK}` }));
  const droppable = hiddenSizes.reduce((a, b) => a + b, 0);
  return {
    experiment: 'ensembles',
    config,
    droppableUnits: droppable,
    subnetworkCount: subnetworkCount(droppable).toString(),
    subnetworkCountLog10: subnetworkCountLog10(droppable),
    weightScaling,
    monteCarlo,
    regression: mcDropoutRegression(seed, regressionSamples),
  };
}
