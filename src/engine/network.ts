// A small, real multilayer perceptron trainer: dense layers (weights stored in × out, row-major),
// optional BatchNorm1d, ReLU/SELU/tanh/sigmoid, inverted dropout on the input and after any hidden
// layer, softmax cross-entropy or MSE, exact backpropagation. Every matmul goes through gemm().
//
// Randomness: the mask of dropout site s (0 = input, l + 1 = after layer l) at training step t comes
// from its own stream Rng(seed, MASK_STREAM, s, t), so a forward pass can be replayed exactly
// (finite-difference checks, MC sample replay) without replaying any other draws.
import { gemm } from './kernels/gemm';
import {
  ACT_LINEAR, ACT_RELU, ACT_SELU, ACT_SIGMOID, ACT_TANH,
  activationDropoutBackward, applyKeepBits, biasActivationDropout, columnSums,
} from './kernels/fused';
import { Rng, sampleKeepBits } from './rng';
import { invertedScale } from './masks';

export type Activation = 'linear' | 'relu' | 'selu' | 'tanh' | 'sigmoid';
export type LossKind = 'softmax-cross-entropy' | 'mse';

const ACTIVATION_CODES: Record<Activation, number> = {
  linear: ACT_LINEAR, relu: ACT_RELU, selu: ACT_SELU, tanh: ACT_TANH, sigmoid: ACT_SIGMOID,
};

export interface DenseSpec {
  units: number;
  activation: Activation;
  /** Inverted-dropout rate applied to this layer's activations in training mode, [0, 1). */
  dropout?: number;
  /** BatchNorm1d between the affine map and the activation (PyTorch defaults: eps 1e-5, momentum 0.1). */
  batchNorm?: boolean;
}

export interface NetworkSpec {
  inputSize: number;
  /** Dropout rate on the input features. */
  inputDropout?: number;
  layers: DenseSpec[];
  loss: LossKind;
}

/** What a forward pass does with dropout and BatchNorm. */
export interface PassMode {
  /** Sample dropout masks (training) or not (eval: inverted dropout needs no rescaling). */
  dropout: boolean;
  /** Use batch statistics and update running ones (training) or use running statistics (eval). */
  batchStats: boolean;
  /** Mask stream index: the same step replays the same masks. */
  step: number;
  /**
   * Explicit keep masks (0/1 per element) by dropout site: index 0 = input, l + 1 = after layer l.
   * A given site uses its mask instead of sampling one (gradient checks against a reference).
   */
  masks?: (Uint8Array | null | undefined)[];
}

export const TRAIN_MODE = (step: number): PassMode => ({ dropout: true, batchStats: true, step });
export const EVAL_MODE: PassMode = { dropout: false, batchStats: false, step: 0 };
/** MC dropout: masks on, BatchNorm in eval mode. */
export const MC_MODE = (step: number): PassMode => ({ dropout: true, batchStats: false, step });

const INIT_STREAM = 0x1;
const MASK_STREAM = 0x2;
const BN_EPS = 1e-5;
const BN_MOMENTUM = 0.1;

export class BatchNorm1d {
  readonly gamma: Float32Array;
  readonly beta: Float32Array;
  readonly gradGamma: Float32Array;
  readonly gradBeta: Float32Array;
  readonly runningMean: Float32Array;
  readonly runningVar: Float32Array;
  private invStd: Float32Array;
  private xhat = new Float32Array(0);
  private usedBatchStats = false;

  constructor(readonly size: number) {
    this.gamma = new Float32Array(size).fill(1);
    this.beta = new Float32Array(size);
    this.gradGamma = new Float32Array(size);
    this.gradBeta = new Float32Array(size);
    this.runningMean = new Float32Array(size);
    this.runningVar = new Float32Array(size).fill(1);
    this.invStd = new Float32Array(size);
  }

  /** In place on (rows × size) z. Training: batch mean/biased variance; running var uses the unbiased one. */
  forward(z: Float32Array, rows: number, batchStats: boolean): void {
    const n = this.size;
    if (this.xhat.length < rows * n) this.xhat = new Float32Array(rows * n);
    this.usedBatchStats = batchStats;
    if (batchStats && rows < 2) throw new RangeError('BatchNorm1d in training mode needs at least 2 rows per batch');
    for (let c = 0; c < n; c++) {
      let mean: number;
      let variance: number;
      if (batchStats) {
        let sum = 0;
        for (let r = 0; r < rows; r++) sum += z[r * n + c];
        mean = sum / rows;
        let sq = 0;
        for (let r = 0; r < rows; r++) {
          const d = z[r * n + c] - mean;
          sq += d * d;
        }
        variance = sq / rows;
        this.runningMean[c] = (1 - BN_MOMENTUM) * this.runningMean[c] + BN_MOMENTUM * mean;
        this.runningVar[c] = (1 - BN_MOMENTUM) * this.runningVar[c] + BN_MOMENTUM * (sq / (rows - 1));
      } else {
        mean = this.runningMean[c];
        variance = this.runningVar[c];
      }
      const inv = 1 / Math.sqrt(variance + BN_EPS);
      this.invStd[c] = inv;
      const g = this.gamma[c];
      const b = this.beta[c];
      for (let r = 0; r < rows; r++) {
        const i = r * n + c;
        const xh = (z[i] - mean) * inv;
        this.xhat[i] = xh;
        z[i] = g * xh + b;
      }
    }
  }

  /** dY (rows × size) → dX in place; accumulates gradGamma/gradBeta (overwritten, not summed). */
  backward(dy: Float32Array, rows: number): void {
    const n = this.size;
    for (let c = 0; c < n; c++) {
      let sumDy = 0;
      let sumDyXhat = 0;
      for (let r = 0; r < rows; r++) {
        const i = r * n + c;
        sumDy += dy[i];
        sumDyXhat += dy[i] * this.xhat[i];
      }
      this.gradBeta[c] = sumDy;
      this.gradGamma[c] = sumDyXhat;
      const k = this.gamma[c] * this.invStd[c];
      if (this.usedBatchStats) {
        const meanDy = sumDy / rows;
        const meanDyXhat = sumDyXhat / rows;
        for (let r = 0; r < rows; r++) {
          const i = r * n + c;
          dy[i] = k * (dy[i] - meanDy - this.xhat[i] * meanDyXhat);
        }
      } else {
        for (let r = 0; r < rows; r++) dy[r * n + c] *= k;
      }
    }
  }
}

export class DenseLayer {
  readonly activationCode: number;
  readonly weights: Float32Array;
  readonly bias: Float32Array;
  readonly gradWeights: Float32Array;
  readonly gradBias: Float32Array;
  readonly batchNorm: BatchNorm1d | null;
  readonly dropout: number;
  /** Per-pass buffers (rows × outSize), grown on demand. */
  z = new Float32Array(0);
  a = new Float32Array(0);
  h = new Float32Array(0);
  dz = new Float32Array(0);
  keepBits = new Uint32Array(0);
  /** Whether the last forward pass applied a mask. */
  masked = false;

  constructor(readonly inSize: number, readonly outSize: number, readonly spec: DenseSpec) {
    this.activationCode = ACTIVATION_CODES[spec.activation];
    this.weights = new Float32Array(inSize * outSize);
    this.bias = new Float32Array(outSize);
    this.gradWeights = new Float32Array(inSize * outSize);
    this.gradBias = new Float32Array(outSize);
    this.batchNorm = spec.batchNorm ? new BatchNorm1d(outSize) : null;
    this.dropout = spec.dropout ?? 0;
  }

  ensureRows(rows: number): void {
    const size = rows * this.outSize;
    if (this.z.length >= size) return;
    this.z = new Float32Array(size);
    this.a = new Float32Array(size);
    this.h = new Float32Array(size);
    this.dz = new Float32Array(size);
    this.keepBits = new Uint32Array((size + 31) >>> 5);
  }
}

function checkRate(rate: number, where: string): void {
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`${where}: dropout rate must be in [0, 1), got ${rate}`);
}

export class Network {
  readonly layers: DenseLayer[];
  readonly inputDropout: number;
  private inputKeepBits = new Uint32Array(0);
  private droppedInput = new Float32Array(0);
  private dInput = new Float32Array(0);
  /** The rows and input of the last forward pass (needed by backward). */
  private lastRows = 0;
  private lastInput: Float32Array = new Float32Array(0);

  constructor(readonly spec: NetworkSpec, readonly seed: number) {
    if (!Number.isInteger(spec.inputSize) || spec.inputSize < 1) throw new RangeError(`inputSize must be a positive integer, got ${spec.inputSize}`);
    if (spec.layers.length === 0) throw new RangeError('a network needs at least one layer');
    this.inputDropout = spec.inputDropout ?? 0;
    checkRate(this.inputDropout, 'input');
    let inSize = spec.inputSize;
    this.layers = spec.layers.map((layerSpec, l) => {
      if (!Number.isInteger(layerSpec.units) || layerSpec.units < 1) throw new RangeError(`layer ${l}: units must be a positive integer, got ${layerSpec.units}`);
      checkRate(layerSpec.dropout ?? 0, `layer ${l}`);
      const layer = new DenseLayer(inSize, layerSpec.units, layerSpec);
      inSize = layerSpec.units;
      return layer;
    });
    this.initialise();
  }

  get outputSize(): number {
    return this.layers[this.layers.length - 1].outSize;
  }

  /** Number of trainable parameters. */
  get parameterCount(): number {
    let count = 0;
    for (const layer of this.layers) count += layer.weights.length + layer.bias.length + (layer.batchNorm ? 2 * layer.outSize : 0);
    return count;
  }

  /**
   * Weights ~ U(−bound, bound) with variance 2/fan_in (He) for ReLU, 1/fan_in (LeCun) for SELU and
   * linear, 1/fan_in scaled for tanh/sigmoid (Glorot-like uniform on fan_in + fan_out); biases 0.
   */
  initialise(): void {
    this.layers.forEach((layer, l) => {
      const rng = new Rng(this.seed, INIT_STREAM, l);
      const fanIn = layer.inSize;
      const fanOut = layer.outSize;
      let variance: number;
      switch (layer.spec.activation) {
        case 'relu': variance = 2 / fanIn; break;
        case 'tanh': case 'sigmoid': variance = 2 / (fanIn + fanOut); break;
        default: variance = 1 / fanIn;
      }
      const bound = Math.sqrt(3 * variance);
      for (let i = 0; i < layer.weights.length; i++) layer.weights[i] = (2 * rng.nextDouble() - 1) * bound;
      layer.bias.fill(0);
    });
  }

  /**
   * Forward pass over `rows` examples (x is rows × inputSize). Returns the output buffer
   * (rows × outputSize, valid until the next forward).
   */
  forward(x: Float32Array, rows: number, mode: PassMode): Float32Array {
    if (x.length < rows * this.spec.inputSize) throw new RangeError(`input holds ${x.length} values, need ${rows}×${this.spec.inputSize}`);
    let input = x;
    if (mode.dropout && this.inputDropout > 0) {
      const count = rows * this.spec.inputSize;
      if (this.droppedInput.length < count) {
        this.droppedInput = new Float32Array(count);
        this.inputKeepBits = new Uint32Array((count + 31) >>> 5);
      }
      fillKeepBits(mode, 0, this.seed, 1 - this.inputDropout, count, this.inputKeepBits);
      applyKeepBits(x, this.inputKeepBits, invertedScale(this.inputDropout), count, this.droppedInput);
      input = this.droppedInput;
    }
    this.lastInput = input;
    this.lastRows = rows;
    for (let l = 0; l < this.layers.length; l++) {
      const layer = this.layers[l];
      layer.ensureRows(rows);
      gemm(false, false, rows, layer.outSize, layer.inSize, input, layer.weights, layer.z);
      let bias: Float32Array | null = layer.bias;
      if (layer.batchNorm) {
        addBias(layer.z, layer.bias, rows, layer.outSize);
        layer.batchNorm.forward(layer.z, rows, mode.batchStats);
        bias = null;
      }
      const count = rows * layer.outSize;
      layer.masked = mode.dropout && layer.dropout > 0;
      if (layer.masked) {
        fillKeepBits(mode, l + 1, this.seed, 1 - layer.dropout, count, layer.keepBits);
      }
      biasActivationDropout(
        layer.z, bias, rows, layer.outSize, layer.activationCode,
        layer.masked ? layer.keepBits : null, layer.masked ? invertedScale(layer.dropout) : 1, layer.a, layer.h,
      );
      input = layer.h;
    }
    return this.layers[this.layers.length - 1].h;
  }

  /** Backward pass from dL/d(output) (rows × outputSize) of the last forward; fills every gradient. */
  backward(dOutput: Float32Array): void {
    const rows = this.lastRows;
    let dH = dOutput;
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const layer = this.layers[l];
      const count = rows * layer.outSize;
      activationDropoutBackward(
        dH, layer.a, layer.masked ? layer.keepBits : null, layer.masked ? invertedScale(layer.dropout) : 1,
        layer.activationCode, count, layer.dz,
      );
      if (layer.batchNorm) layer.batchNorm.backward(layer.dz, rows);
      columnSums(layer.dz, rows, layer.outSize, layer.gradBias);
      const input = l > 0 ? this.layers[l - 1].h : this.lastInput;
      gemm(true, false, layer.inSize, layer.outSize, rows, input, layer.dz, layer.gradWeights);
      if (l > 0) {
        const below = this.layers[l - 1];
        if (this.dInput.length < rows * below.outSize) this.dInput = new Float32Array(rows * below.outSize);
        gemm(false, true, rows, below.outSize, layer.outSize, layer.dz, layer.weights, this.dInput);
        // Safe to reuse one buffer: the next iteration reads dH into below.dz before this is rewritten.
        dH = this.dInput;
      }
    }
  }

  /** Every parameter tensor with its gradient, in a fixed order (for optimisers and gradient checks). */
  parameters(): { name: string; value: Float32Array; grad: Float32Array; decay: boolean; layer: DenseLayer | null }[] {
    const list: { name: string; value: Float32Array; grad: Float32Array; decay: boolean; layer: DenseLayer | null }[] = [];
    this.layers.forEach((layer, l) => {
      list.push({ name: `layer${l}.weight`, value: layer.weights, grad: layer.gradWeights, decay: true, layer });
      list.push({ name: `layer${l}.bias`, value: layer.bias, grad: layer.gradBias, decay: false, layer: null });
      if (layer.batchNorm) {
        list.push({ name: `layer${l}.bn.weight`, value: layer.batchNorm.gamma, grad: layer.batchNorm.gradGamma, decay: false, layer: null });
        list.push({ name: `layer${l}.bn.bias`, value: layer.batchNorm.beta, grad: layer.batchNorm.gradBeta, decay: false, layer: null });
      }
    });
    return list;
  }
}

/** Keep bits of one dropout site: the explicit mask of `mode.masks` if given, else sampled from its stream. */
function fillKeepBits(mode: PassMode, site: number, seed: number, q: number, count: number, bits: Uint32Array): void {
  const explicit = mode.masks?.[site];
  if (!explicit) {
    sampleKeepBits(new Rng(seed, MASK_STREAM, site, mode.step), q, count, bits);
    return;
  }
  if (explicit.length < count) throw new RangeError(`mask for dropout site ${site} has ${explicit.length} entries, need ${count}`);
  bits.fill(0, 0, (count + 31) >>> 5);
  for (let i = 0; i < count; i++) if (explicit[i]) bits[i >>> 5] |= 1 << (i & 31);
}

function addBias(z: Float32Array, bias: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) z[base + c] += bias[c];
  }
}

// ─────────────── losses ───────────────

/**
 * Mean softmax cross-entropy (natural log) over `rows`; writes dL/dlogits into `grad` when given.
 * Returns the summed loss (not averaged, so chunks can be combined) and the correct count.
 */
export function softmaxCrossEntropy(
  logits: Float32Array, labels: ArrayLike<number>, rows: number, classes: number, grad: Float32Array | null, gradScale = 1 / rows,
): { lossSum: number; correct: number } {
  let lossSum = 0;
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    let max = -Infinity;
    let argmax = 0;
    for (let c = 0; c < classes; c++) {
      if (logits[base + c] > max) {
        max = logits[base + c];
        argmax = c;
      }
    }
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[base + c] - max);
    const logSum = Math.log(sum) + max;
    const label = labels[r];
    lossSum += logSum - logits[base + label];
    if (argmax === label) correct++;
    if (grad) {
      for (let c = 0; c < classes; c++) {
        const prob = Math.exp(logits[base + c] - logSum);
        grad[base + c] = (prob - (c === label ? 1 : 0)) * gradScale;
      }
    }
  }
  return { lossSum, correct };
}

/**
 * Mean squared error over all rows × outputs (PyTorch MSELoss 'mean'); the gradient is of that mean.
 * Returns Σ_rows (per-row mean squared error), so lossSum / rows is the MSELoss value.
 */
export function meanSquaredError(
  output: Float32Array, targets: ArrayLike<number>, rows: number, outputs: number, grad: Float32Array | null,
): { lossSum: number } {
  const n = rows * outputs;
  let lossSum = 0;
  for (let i = 0; i < n; i++) {
    const d = output[i] - targets[i];
    lossSum += d * d;
    if (grad) grad[i] = (2 * d) / n;
  }
  return { lossSum: lossSum / outputs };
}
