// Mini-batch training of a digits classifier (or any softmax classifier) with per-epoch metrics
// measured in eval mode. Synchronous per epoch; callers that must stay responsive (the worker)
// yield between epochs.
import { EVAL_MODE, Network, TRAIN_MODE, softmaxCrossEntropy, type Activation, type NetworkSpec } from './network';
import { Optimizer, type OptimizerConfig } from './optimizer';
import { Rng } from './rng';
import type { EpochMetrics } from './protocol';

const SHUFFLE_STREAM = 0x5;
const EVAL_CHUNK = 256;

export interface LabelledSet {
  count: number;
  /** count × features, row-major. */
  images: Float32Array;
  labels: Uint8Array;
}

export interface ClassifierConfig {
  inputSize: number;
  classes: number;
  hiddenSizes: number[];
  activation?: Activation;
  /** Dropout after every hidden layer. */
  dropout: number;
  inputDropout: number;
  batchNorm?: boolean;
  batchSize: number;
  optimizer: OptimizerConfig;
  seed: number;
}

export function classifierSpec(config: ClassifierConfig): NetworkSpec {
  return {
    inputSize: config.inputSize,
    inputDropout: config.inputDropout,
    layers: [
      ...config.hiddenSizes.map((units) => ({ units, activation: config.activation ?? 'relu', dropout: config.dropout, batchNorm: config.batchNorm ?? false })),
      { units: config.classes, activation: 'linear' as const },
    ],
    loss: 'softmax-cross-entropy',
  };
}

export class ClassifierTrainer {
  readonly network: Network;
  readonly optimizer: Optimizer;
  epoch = 0;
  private step = 0;
  private readonly batchX: Float32Array;
  private readonly batchY: Uint8Array;
  private readonly dLogits: Float32Array;

  constructor(readonly config: ClassifierConfig, readonly train: LabelledSet) {
    if (train.count < 1) throw new RangeError('the training set is empty');
    this.network = new Network(classifierSpec(config), config.seed);
    this.optimizer = new Optimizer(this.network, config.optimizer);
    this.batchX = new Float32Array(config.batchSize * config.inputSize);
    this.batchY = new Uint8Array(config.batchSize);
    this.dLogits = new Float32Array(config.batchSize * config.classes);
  }

  /**
   * One pass over the training set in a seeded random order. Returns the running averages over the
   * epoch's mini-batches in training mode (dropout on, weights changing), as Keras reports them.
   */
  runEpoch(): { loss: number; accuracy: number } {
    const { batchSize, inputSize, classes, seed } = this.config;
    const order = new Rng(seed, SHUFFLE_STREAM, this.epoch).permutation(this.train.count);
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < order.length; start += batchSize) {
      const rows = Math.min(batchSize, order.length - start);
      for (let r = 0; r < rows; r++) {
        const src = order[start + r];
        this.batchX.set(this.train.images.subarray(src * inputSize, (src + 1) * inputSize), r * inputSize);
        this.batchY[r] = this.train.labels[src];
      }
      const logits = this.network.forward(this.batchX, rows, TRAIN_MODE(this.step++));
      const batch = softmaxCrossEntropy(logits, this.batchY, rows, classes, this.dLogits, 1 / rows);
      lossSum += batch.lossSum;
      correct += batch.correct;
      this.network.backward(this.dLogits);
      this.optimizer.step();
    }
    this.epoch++;
    return { loss: lossSum / order.length, accuracy: correct / order.length };
  }
}

/** Mean cross-entropy and accuracy of `network` on `set` in eval mode (dropout off, BN running stats). */
export function evaluateClassifier(network: Network, set: LabelledSet): { loss: number; accuracy: number } {
  const inputSize = network.spec.inputSize;
  const classes = network.outputSize;
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < set.count; start += EVAL_CHUNK) {
    const rows = Math.min(EVAL_CHUNK, set.count - start);
    const logits = network.forward(set.images.subarray(start * inputSize, (start + rows) * inputSize), rows, EVAL_MODE);
    const r = softmaxCrossEntropy(logits, set.labels.subarray(start, start + rows), rows, classes, null);
    lossSum += r.lossSum;
    correct += r.correct;
  }
  return { loss: lossSum / set.count, accuracy: correct / set.count };
}

/** Train and test metrics after an epoch, as the protocol reports them. */
export function epochMetrics(epoch: number, network: Network, train: LabelledSet, test: LabelledSet): EpochMetrics {
  const tr = evaluateClassifier(network, train);
  const te = evaluateClassifier(network, test);
  return { epoch, trainLoss: tr.loss, testLoss: te.loss, trainAccuracy: tr.accuracy, testAccuracy: te.accuracy };
}
