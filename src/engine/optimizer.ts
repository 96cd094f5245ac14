// Optimisers with PyTorch's update rules: SGD with momentum (buf = μ·buf + g; w −= lr·buf) and Adam
// (bias-corrected moments). L2 weight decay is added to the gradient of weights (not biases or
// BatchNorm parameters); max-norm clips each unit's incoming weight vector after the step.
import type { Network } from './network';

export interface OptimizerConfig {
  kind: 'sgd' | 'adam';
  learningRate: number;
  /** SGD momentum μ in [0, 1). */
  momentum?: number;
  /** L2 coefficient λ: g += λ·w for weights. */
  weightDecay?: number;
  /** Max-norm constraint c on each unit's incoming weights (Srivastava et al. use c = 2); 0 = off. */
  maxNorm?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export class Optimizer {
  private readonly state: Float32Array[][];
  private stepCount = 0;

  constructor(private readonly network: Network, readonly config: OptimizerConfig) {
    if (!(config.learningRate > 0)) throw new RangeError(`learning rate must be positive, got ${config.learningRate}`);
    const momentum = config.momentum ?? 0;
    if (!(momentum >= 0 && momentum < 1)) throw new RangeError(`momentum must be in [0, 1), got ${momentum}`);
    const slots = config.kind === 'adam' ? 2 : 1;
    this.state = network.parameters().map((p) => Array.from({ length: slots }, () => new Float32Array(p.value.length)));
  }

  /** Applies one update from the gradients the last backward pass left in the network. */
  step(): void {
    const { learningRate: lr, weightDecay = 0, maxNorm = 0 } = this.config;
    this.stepCount++;
    const params = this.network.parameters();
    for (let k = 0; k < params.length; k++) {
      const { value, grad, decay } = params[k];
      const wd = decay ? weightDecay : 0;
      if (this.config.kind === 'sgd') {
        const buf = this.state[k][0];
        const mu = this.config.momentum ?? 0;
        const n = value.length;
        // The common no-decay case gets its own loop: this update touches every parameter each step.
        // m is rounded to float32 exactly as the stored momentum buffer is.
        if (wd === 0) {
          for (let i = 0; i < n; i++) {
            const m = Math.fround(mu * buf[i] + grad[i]);
            buf[i] = m;
            value[i] -= lr * m;
          }
        } else {
          for (let i = 0; i < n; i++) {
            const m = Math.fround(mu * buf[i] + (grad[i] + wd * value[i]));
            buf[i] = m;
            value[i] -= lr * m;
          }
        }
      } else {
        const m = this.state[k][0];
        const v = this.state[k][1];
        const b1 = this.config.beta1 ?? 0.9;
        const b2 = this.config.beta2 ?? 0.999;
        const eps = this.config.epsilon ?? 1e-8;
        const c1 = 1 - b1 ** this.stepCount;
        const c2 = 1 - b2 ** this.stepCount;
        for (let i = 0; i < value.length; i++) {
          const g = grad[i] + wd * value[i];
          m[i] = b1 * m[i] + (1 - b1) * g;
          v[i] = b2 * v[i] + (1 - b2) * g * g;
          value[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
        }
      }
    }
    if (maxNorm > 0) {
      for (const { layer } of params) if (layer) clipColumns(layer.weights, layer.inSize, layer.outSize, maxNorm);
    }
  }
}

/** Scales every column j of the (rows × cols) matrix whose L2 norm exceeds c down to norm c. */
export function clipColumns(w: Float32Array, rows: number, cols: number, c: number): void {
  for (let j = 0; j < cols; j++) {
    let sq = 0;
    for (let i = 0; i < rows; i++) sq += w[i * cols + j] * w[i * cols + j];
    const norm = Math.sqrt(sq);
    if (norm > c) {
      const s = c / norm;
      for (let i = 0; i < rows; i++) w[i * cols + j] *= s;
    }
  }
}
