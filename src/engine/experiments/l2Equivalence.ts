// 'l2-equivalence' (Srivastava et al. §9.1): linear regression trained with inverted input dropout
// minimises E‖y − (R∘X/q) w‖² = ‖y − Xw‖² + ((1 − q)/q) wᵀ diag(XᵀX) w, whose minimiser is
// w* = (XᵀX + ((1 − q)/q) diag(XᵀX))⁻¹ Xᵀy. Gradient descent with a fresh mask every step and a
// constant step size, with the iterates averaged after a burn-in (Polyak–Ruppert), converges to it:
// the expected update is linear in w, so the average is unbiased and its noise shrinks as 1/√steps.
import type { L2EquivalenceConfig, L2EquivalenceResult, Resolved } from '../protocol';
import { Rng, sampleKeepBits } from '../rng';
import { checkpoint, type RunOptions } from './common';

const DATA_STREAM = 0x50;
const MASK_STREAM = 0x51;
const CURVE_POINTS = 50;

export interface RegressionProblem {
  rows: number;
  features: number;
  /** rows × features, row-major. */
  x: Float64Array;
  y: Float64Array;
}

/** Features with different scales (so the implied penalty differs per feature), y = Xw + noise. */
export function makeRegressionProblem(rows: number, features: number, seed: number): RegressionProblem {
  const rng = new Rng(seed, DATA_STREAM);
  const scales = Array.from({ length: features }, (_, j) => 0.5 + (1.5 * j) / Math.max(1, features - 1));
  const trueW = Array.from({ length: features }, () => rng.nextGaussian());
  const x = new Float64Array(rows * features);
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let target = 0;
    for (let j = 0; j < features; j++) {
      const v = scales[j] * rng.nextGaussian();
      x[r * features + j] = v;
      target += v * trueW[j];
    }
    y[r] = target + 0.5 * rng.nextGaussian();
  }
  return { rows, features, x, y };
}

/** Solves A w = b for a symmetric positive-definite A (Cholesky), A given row-major d × d. */
export function solveSpd(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j];
      for (let k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k];
      if (i === j) {
        if (!(s > 0)) throw new RangeError('matrix is not positive definite');
        l[i * d + i] = Math.sqrt(s);
      } else {
        l[i * d + j] = s / l[j * d + j];
      }
    }
  }
  const z = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * d + k] * z[k];
    z[i] = s / l[i * d + i];
  }
  const w = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < d; k++) s -= l[k * d + i] * w[k];
    w[i] = s / l[i * d + i];
  }
  return w;
}

/** XᵀX and Xᵀy. */
function normalEquations(problem: RegressionProblem): { xtx: Float64Array; xty: Float64Array } {
  const { rows, features: d, x, y } = problem;
  const xtx = new Float64Array(d * d);
  const xty = new Float64Array(d);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < d; i++) {
      const xi = x[r * d + i];
      xty[i] += xi * y[r];
      for (let j = 0; j < d; j++) xtx[i * d + j] += xi * x[r * d + j];
    }
  }
  return { xtx, xty };
}

/** w* for keep probability q (q = 1: ordinary least squares). */
export function dropoutClosedForm(problem: RegressionProblem, q: number): { w: Float64Array; penalty: Float64Array } {
  const d = problem.features;
  const { xtx, xty } = normalEquations(problem);
  const penalty = new Float64Array(d);
  const a = xtx.slice();
  for (let j = 0; j < d; j++) {
    penalty[j] = ((1 - q) / q) * xtx[j * d + j];
    a[j * d + j] += penalty[j];
  }
  return { w: solveSpd(a, xty, d), penalty };
}

function relativeDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] * b[i];
  }
  return Math.sqrt(num / den);
}

export async function runL2Equivalence(config: Resolved<L2EquivalenceConfig>, options: RunOptions = {}): Promise<L2EquivalenceResult> {
  const { p, samples: rows, features: d, steps, seed } = config;
  const q = 1 - p;
  const problem = makeRegressionProblem(rows, d, seed);
  const closed = dropoutClosedForm(problem, q);
  const ols = dropoutClosedForm(problem, 1);

  // Full-batch gradient of (1/n)‖y − X̃w‖² with a fresh mask per step. Its expected Hessian
  // (2/n)(XᵀX + ((1 − q)/q) diag(XᵀX)) has eigenvalues below its trace (2/n)·Σx²/q: stepping with the
  // inverse of that bound is stable for any data scale.
  const { x, y } = problem;
  let squares = 0;
  for (let i = 0; i < rows * d; i++) squares += x[i] * x[i];
  const eta0 = (rows * q) / (2 * squares);
  const rng = new Rng(seed, MASK_STREAM);
  const count = rows * d;
  const words = new Uint32Array((count + 31) >>> 5);
  const w = new Float64Array(d);
  const averaged = new Float64Array(d);
  const grad = new Float64Array(d);
  const residual = new Float64Array(rows);
  const averageFrom = Math.floor(steps / 10);
  const curve: { step: number; relativeError: number }[] = [];
  const curveEvery = Math.max(1, Math.floor(steps / CURVE_POINTS));
  const inv = 1 / q;
  for (let t = 0; t < steps; t++) {
    if (p > 0) sampleKeepBits(rng, q, count, words);
    grad.fill(0);
    for (let r = 0; r < rows; r++) {
      let pred = 0;
      for (let j = 0; j < d; j++) {
        const i = r * d + j;
        if (p === 0 || ((words[i >>> 5] >>> (i & 31)) & 1)) pred += x[i] * inv * w[j];
      }
      residual[r] = pred - y[r];
    }
    for (let r = 0; r < rows; r++) {
      const e = residual[r];
      for (let j = 0; j < d; j++) {
        const i = r * d + j;
        if (p === 0 || ((words[i >>> 5] >>> (i & 31)) & 1)) grad[j] += x[i] * inv * e;
      }
    }
    for (let j = 0; j < d; j++) w[j] -= eta0 * (2 / rows) * grad[j];
    if (t >= averageFrom) {
      const k = t - averageFrom + 1;
      for (let j = 0; j < d; j++) averaged[j] += (w[j] - averaged[j]) / k;
    }
    if ((t + 1) % curveEvery === 0 || t + 1 === steps) {
      const current = t >= averageFrom ? averaged : w;
      curve.push({ step: t + 1, relativeError: relativeDistance(current, closed.w) });
      options.onProgress?.({ fraction: (t + 1) / steps, label: `step ${t + 1}/${steps}` });
      await checkpoint('l2-equivalence', options);
    }
  }
  return {
    experiment: 'l2-equivalence',
    config,
    keepProbability: q,
    closedForm: Array.from(closed.w),
    leastSquares: Array.from(ols.w),
    trained: Array.from(averaged),
    relativeError: relativeDistance(averaged, closed.w),
    penalty: Array.from(closed.penalty),
    curve,
  };
}
