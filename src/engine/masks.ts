// Dropout variants with the reference frameworks' semantics (see dropout-semantics.md):
// defaults, which dimensions share a mask, keep when U < q, scaling and float32 rounding.
// Tensors are row-major Float32Arrays with an explicit shape; masks are 0/1 bytes (1 = keep).
import { Rng, keepThreshold, sampleKeepMask } from './rng';

const fround = Math.fround;

/** PyTorch's check: "dropout probability has to be between 0 and 1, but got p". */
export function checkDropProbability(p: number): void {
  if (!(typeof p === 'number' && p >= 0 && p <= 1)) {
    throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
  }
}

/** The inverted-dropout train-time scale as PyTorch computes it in float32: fround(1 / fround(1 − p)). */
export function invertedScale(p: number): number {
  return fround(1 / fround(1 - p));
}

/** TF's scale: 1 / (1 − rate) in double, then cast to float32 (one ulp away for some rates). */
export function tensorflowInvertedScale(rate: number): number {
  return fround(1 / (1 - rate));
}

/**
 * TensorFlow's `tf.nn.dropout(x, rate)`: keeps an element when a float32 uniform U >= rate, scales
 * by 1/(1 − rate) computed in double and cast to float32. Rate must be in [0, 1) as TF asserts;
 * `layersRateOnePassesThrough` mimics TF.js `tf.layers.dropout`, which returns the input for rate 1.
 */
export function tensorflowDropout(input: Float32Array, rng: Rng, rate: number, layersRateOnePassesThrough = false): MaskedOutput {
  if (rate === 1 && layersRateOnePassesThrough) return { output: input.slice(), mask: null };
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`rate must be a scalar tensor or a float in the range [0, 1), got ${rate}`);
  if (rate === 0) return { output: input.slice(), mask: null };
  const scale = tensorflowInvertedScale(rate);
  const threshold = fround(rate);
  const mask = new Uint8Array(input.length);
  const out = new Float32Array(input.length);
  for (let i = 0; i < input.length; i++) {
    mask[i] = rng.nextFloat() >= threshold ? 1 : 0;
    out[i] = input[i] * (mask[i] ? scale : 0);
  }
  return { output: out, mask };
}

export interface MaskedOutput {
  output: Float32Array;
  /** 1 where the element (or channel/block) was kept; null when nothing was sampled (identity). */
  mask: Uint8Array | null;
}

/**
 * Inverted dropout, PyTorch `F.dropout(input, p=0.5, training=True)`: note that `training`
 * defaults to true in the functional form. p = 0, eval mode or empty input: identity copy;
 * p = 1: zeros; otherwise out = fround(x · mask · fround(1/fround(1 − p))).
 */
export function dropout(input: Float32Array, rng: Rng, p = 0.5, training = true): MaskedOutput {
  checkDropProbability(p);
  if (p === 0 || !training || input.length === 0) return { output: input.slice(), mask: null };
  if (p === 1) return { output: new Float32Array(input.length), mask: new Uint8Array(input.length) };
  const mask = sampleKeepMask(rng, 1 - p, input.length);
  return { output: applyInvertedMask(input, mask, invertedScale(p)), mask };
}

/**
 * out[i] = fround(x[i] · (mask[i] ? scale : 0)): the float32 product PyTorch computes, including the
 * sign of zero (a dropped negative value gives −0, as `input * noise` does).
 */
export function applyInvertedMask(input: Float32Array, mask: Uint8Array, scale: number): Float32Array {
  const out = new Float32Array(input.length);
  for (let i = 0; i < input.length; i++) out[i] = input[i] * (mask[i] ? scale : 0);
  return out;
}

/** Original (non-inverted) dropout at train time: out = x · mask, no scaling. */
export function standardDropoutTrain(input: Float32Array, mask: Uint8Array): Float32Array {
  const out = new Float32Array(input.length);
  for (let i = 0; i < input.length; i++) out[i] = input[i] * mask[i];
  return out;
}

/** Original dropout at test time: every unit on, scaled by q = 1 − p (float32). */
export function standardDropoutTest(input: Float32Array, p: number): Float32Array {
  checkDropProbability(p);
  const q = fround(1 - p);
  const out = new Float32Array(input.length);
  for (let i = 0; i < input.length; i++) out[i] = input[i] * q;
  return out;
}

// ─────────────── channel ("spatial") dropout ───────────────

/**
 * Channel dropout, PyTorch `dropout1d/2d/3d` (channels-first, shape (N, C, ...spatial), mask shape
 * (N, C, 1, …)) and Keras `SpatialDropout1D/2D/3D` (channels-last: (N, ...spatial, C), noise shape
 * (N, 1, …, C)). One Bernoulli(q) per (sample, channel), shared over all spatial positions,
 * inverted scaling. Returns the per-(n, c) mask (length N·C).
 */
export function channelDropout(
  input: Float32Array, shape: readonly number[], rng: Rng, p = 0.5, training = true,
  layout: 'channels-first' | 'channels-last' = 'channels-first',
): MaskedOutput {
  checkDropProbability(p);
  if (shape.length < 2) throw new RangeError(`channel dropout needs a (N, C, ...) shape, got [${shape.join(', ')}]`);
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== input.length) throw new RangeError(`shape [${shape.join(', ')}] holds ${size} values, input has ${input.length}`);
  if (p === 0 || !training || size === 0) return { output: input.slice(), mask: null };
  const n = shape[0];
  const c = layout === 'channels-first' ? shape[1] : shape[shape.length - 1];
  const spatial = size / (n * c);
  const mask = p === 1 ? new Uint8Array(n * c) : sampleKeepMask(rng, 1 - p, n * c);
  const scale = p === 1 ? 0 : invertedScale(p);
  const out = new Float32Array(size);
  for (let s = 0; s < n; s++) {
    for (let ch = 0; ch < c; ch++) {
      if (!mask[s * c + ch]) continue;
      if (layout === 'channels-first') {
        const base = (s * c + ch) * spatial;
        for (let k = 0; k < spatial; k++) out[base + k] = input[base + k] * scale;
      } else {
        const base = s * spatial * c + ch;
        for (let k = 0; k < spatial; k++) out[base + k * c] = input[base + k * c] * scale;
      }
    }
  }
  return { output: out, mask };
}

// ─────────────── DropBlock (Ghiasi et al. 2018; torchvision ops.drop_block2d) ───────────────

/** gamma = p·H·W / (bs² · (H − bs + 1) · (W − bs + 1)): the seed probability of DropBlock. */
export function dropBlockGamma(p: number, height: number, width: number, blockSize: number): number {
  return (p * height * width) / (blockSize * blockSize * (height - blockSize + 1) * (width - blockSize + 1));
}

/**
 * Block keep mask from seeds: `seeds` (N·C·(H−bs+1)·(W−bs+1), 1 = block centre) padded by bs//2
 * and max-pooled (kernel bs, stride 1, padding bs//2) as torchvision does; mask = 1 − pooled.
 * Odd block sizes only (even ones need asymmetric padding).
 */
export function dropBlockMaskFromSeeds(
  seeds: Uint8Array, planes: number, height: number, width: number, blockSize: number,
): Uint8Array {
  if (blockSize % 2 !== 1) throw new RangeError(`DropBlock block size must be odd, got ${blockSize}`);
  if (blockSize > height || blockSize > width) throw new RangeError(`block size ${blockSize} does not fit ${height}×${width}`);
  const sh = height - blockSize + 1;
  const sw = width - blockSize + 1;
  if (seeds.length !== planes * sh * sw) throw new RangeError(`expected ${planes * sh * sw} seeds, got ${seeds.length}`);
  const mask = new Uint8Array(planes * height * width).fill(1);
  // With h = bs // 2, seed (i, j) sits at padded position (i + h, j + h); the stride-1 pool with
  // padding h gives output (y, x) the max over padded rows y − h .. y + h, so the seed zeroes the
  // block of outputs rows i .. i + bs − 1, columns j .. j + bs − 1.
  for (let plane = 0; plane < planes; plane++) {
    const seedBase = plane * sh * sw;
    const maskBase = plane * height * width;
    for (let i = 0; i < sh; i++) {
      for (let j = 0; j < sw; j++) {
        if (!seeds[seedBase + i * sw + j]) continue;
        for (let y = i; y < i + blockSize; y++) {
          mask.fill(0, maskBase + y * width + j, maskBase + y * width + j + blockSize);
        }
      }
    }
  }
  return mask;
}

/** Samples DropBlock seeds Bernoulli(gamma) over N·C valid-centre grids (1 = seed). */
export function sampleDropBlockSeeds(
  rng: Rng, planes: number, height: number, width: number, blockSize: number, gamma: number,
): Uint8Array {
  const count = planes * (height - blockSize + 1) * (width - blockSize + 1);
  if (gamma <= 0) return new Uint8Array(count);
  if (gamma >= 1) return new Uint8Array(count).fill(1);
  return sampleKeepMask(rng, gamma, count);
}

/**
 * torchvision's global normalisation `x * mask * (mask.numel() / (eps + mask.sum()))` in float32.
 * `int / tensor` is evaluated by PyTorch as reciprocal(tensor) · int, hence the two roundings.
 */
export function applyDropBlockMask(input: Float32Array, mask: Uint8Array, eps = 1e-6): Float32Array {
  let kept = 0;
  for (let i = 0; i < mask.length; i++) kept += mask[i];
  const scale = fround(fround(1 / fround(eps + kept)) * mask.length);
  const out = new Float32Array(input.length);
  for (let i = 0; i < input.length; i++) out[i] = input[i] * (mask[i] ? scale : 0);
  return out;
}

/**
 * `torchvision.ops.drop_block2d(input, p, block_size, inplace=False, eps=1e-6, training=True)` on an
 * (N, C, H, W) tensor.
 */
export function dropBlock2d(
  input: Float32Array, shape: readonly [number, number, number, number], rng: Rng,
  p: number, blockSize: number, training = true, eps = 1e-6,
): MaskedOutput {
  checkDropProbability(p);
  const [n, c, h, w] = shape;
  if (n * c * h * w !== input.length) throw new RangeError(`shape [${shape.join(', ')}] does not match ${input.length} values`);
  if (!training || p === 0) return { output: input.slice(), mask: null };
  const gamma = dropBlockGamma(p, h, w, blockSize);
  const seeds = sampleDropBlockSeeds(rng, n * c, h, w, blockSize, gamma);
  const mask = dropBlockMaskFromSeeds(seeds, n * c, h, w, blockSize);
  return { output: applyDropBlockMask(input, mask, eps), mask };
}

/** The paper's schedule: keep probability ramped linearly from 1 to `finalKeep` over training. */
export function dropBlockKeepSchedule(step: number, totalSteps: number, finalKeep = 0.9): number {
  if (totalSteps <= 0) return finalKeep;
  const t = Math.min(1, Math.max(0, step / totalSteps));
  return 1 - t * (1 - finalKeep);
}

// ─────────────── alpha dropout (Klambauer et al. 2017) ───────────────

export const SELU_ALPHA = 1.6732632423543772848170429916717;
export const SELU_LAMBDA = 1.0507009873554804934193349852946;
/** alpha' = −lambda · alpha: the SELU's negative saturation value. */
export const SELU_ALPHA_PRIME = -SELU_LAMBDA * SELU_ALPHA;

/** a = (q + alpha'² q (1 − q))^(−1/2), b = −a (1 − q) alpha' for drop rate p. */
export function alphaDropoutParams(p: number): { a: number; b: number; alphaPrime: number } {
  const q = 1 - p;
  const a = 1 / Math.sqrt(q + SELU_ALPHA_PRIME * SELU_ALPHA_PRIME * q * (1 - q));
  return { a, b: -a * (1 - q) * SELU_ALPHA_PRIME, alphaPrime: SELU_ALPHA_PRIME };
}

/**
 * `F.alpha_dropout(input, p=0.5, training=False)` — training defaults to FALSE here, unlike
 * F.dropout. out = a·(x·m + alpha'·(1 − m)) + b, rounded as PyTorch's float32 kernel does:
 * kept fround(fround(x·A) + fround(−alpha'·a·p)), dropped fround(−fround(−alpha'·a) + fround(−alpha'·a·p)).
 */
export function alphaDropout(input: Float32Array, rng: Rng, p = 0.5, training = false): MaskedOutput {
  checkDropProbability(p);
  if (p === 0 || !training || input.length === 0) return { output: input.slice(), mask: null };
  if (p === 1) return { output: new Float32Array(input.length), mask: new Uint8Array(input.length) };
  const mask = sampleKeepMask(rng, 1 - p, input.length);
  return { output: applyAlphaMask(input, mask, p), mask };
}

export function applyAlphaMask(input: Float32Array, mask: Uint8Array, p: number): Float32Array {
  const alpha = -SELU_ALPHA_PRIME;
  const { a } = alphaDropoutParams(p);
  const scaleA = fround(a);
  const keptShift = fround(alpha * a * p);
  const droppedValue = fround(-fround(alpha * a) + keptShift);
  const out = new Float32Array(input.length);
  for (let i = 0; i < input.length; i++) out[i] = mask[i] ? fround(input[i] * scaleA) + keptShift : droppedValue;
  return out;
}

export function selu(x: number): number {
  return x > 0 ? SELU_LAMBDA * x : SELU_LAMBDA * SELU_ALPHA * (Math.exp(x) - 1);
}

// ─────────────── Gaussian dropout ───────────────

/** Keras `GaussianDropout(rate)`: x · N(1, sigma²), sigma = sqrt(rate / (1 − rate)). Returns the factors. */
export function gaussianDropout(input: Float32Array, rng: Rng, rate: number, training = true): { output: Float32Array; factors: Float32Array | null } {
  checkDropProbability(rate);
  if (rate === 1) throw new RangeError('Gaussian dropout needs rate < 1 (sigma would be infinite)');
  if (!training || rate === 0) return { output: input.slice(), factors: null };
  const sigma = Math.sqrt(rate / (1 - rate));
  const factors = new Float32Array(input.length);
  const out = new Float32Array(input.length);
  for (let i = 0; i < input.length; i++) {
    factors[i] = 1 + sigma * rng.nextGaussian();
    out[i] = input[i] * factors[i];
  }
  return { output: out, factors };
}

// ─────────────── DropConnect (Wan et al. 2013) ───────────────

/**
 * One DropConnect training pass for a single example: r = (M ∘ W) v + (m ∘ bias), with a fresh
 * Bernoulli(q) mask M over the (out × in) weights and m over the biases (no rescaling: the paper's
 * inference multiplies by q instead). Returns the pre-activation and the weight mask.
 */
export function dropConnectForward(
  weights: Float32Array, bias: Float32Array | null, input: Float32Array, outSize: number, rng: Rng, p: number,
): { preActivation: Float64Array; weightMask: Uint8Array; biasMask: Uint8Array | null } {
  checkDropProbability(p);
  const inSize = input.length;
  if (weights.length !== outSize * inSize) throw new RangeError(`weights must be ${outSize}×${inSize}`);
  const q = 1 - p;
  const weightMask = sampleKeepMask(rng, q, weights.length);
  const biasMask = bias ? sampleKeepMask(rng, q, outSize) : null;
  const pre = new Float64Array(outSize);
  for (let o = 0; o < outSize; o++) {
    let sum = bias && biasMask![o] ? bias[o] : 0;
    for (let i = 0; i < inSize; i++) if (weightMask[o * inSize + i]) sum += weights[o * inSize + i] * input[i];
    pre[o] = sum;
  }
  return { preActivation: pre, weightMask, biasMask };
}

/** Simple DropConnect inference: a(q W v + q b). */
export function dropConnectMeanInference(
  weights: Float32Array, bias: Float32Array | null, input: Float32Array, outSize: number, p: number, activation: (x: number) => number,
): Float64Array {
  const q = 1 - p;
  const inSize = input.length;
  const out = new Float64Array(outSize);
  for (let o = 0; o < outSize; o++) {
    let sum = bias ? bias[o] : 0;
    for (let i = 0; i < inSize; i++) sum += weights[o * inSize + i] * input[i];
    out[o] = activation(q * sum);
  }
  return out;
}

/**
 * The paper's inference: u ~ N(q(Wv + b), q(1 − q)((W∘W)(v∘v) + b∘b)), averaging a(u) over Z samples
 * (moment matching of the sum of masked terms).
 */
export function dropConnectGaussianInference(
  weights: Float32Array, bias: Float32Array | null, input: Float32Array, outSize: number, p: number,
  activation: (x: number) => number, samples: number, rng: Rng,
): Float64Array {
  const q = 1 - p;
  const inSize = input.length;
  const out = new Float64Array(outSize);
  for (let o = 0; o < outSize; o++) {
    let mean = bias ? bias[o] : 0;
    let second = bias ? bias[o] * bias[o] : 0;
    for (let i = 0; i < inSize; i++) {
      const t = weights[o * inSize + i] * input[i];
      mean += t;
      second += t * t;
    }
    const mu = q * mean;
    const sd = Math.sqrt(q * (1 - q) * second);
    let acc = 0;
    for (let z = 0; z < samples; z++) acc += activation(mu + sd * rng.nextGaussian());
    out[o] = acc / samples;
  }
  return out;
}

// ─────────────── recurrent networks ───────────────

/**
 * Variational dropout (Gal & Ghahramani 2016): one inverted-dropout mask per sequence, reused at
 * every time step. Returns a function applying that fixed mask to each step's (batch × size) values.
 */
export function variationalDropout(rng: Rng, batch: number, size: number, p: number): { mask: Uint8Array; apply(step: Float32Array): Float32Array } {
  checkDropProbability(p);
  const mask = p === 0 ? new Uint8Array(batch * size).fill(1) : p === 1 ? new Uint8Array(batch * size) : sampleKeepMask(rng, 1 - p, batch * size);
  const scale = p === 1 ? 0 : invertedScale(p);
  return {
    mask,
    apply(step: Float32Array): Float32Array {
      if (step.length !== mask.length) throw new RangeError(`step has ${step.length} values, mask ${mask.length}`);
      return applyInvertedMask(step, mask, scale);
    },
  };
}

/**
 * Zoneout (Krueger et al. 2017): train h_t = d ∘ h_{t−1} + (1 − d) ∘ h~_t with d ~ Bernoulli(z)
 * (d = 1 keeps the previous state); eval uses the expectation z·h_{t−1} + (1 − z)·h~_t.
 */
export function zoneout(previous: Float32Array, candidate: Float32Array, z: number, training: boolean, rng: Rng): { state: Float32Array; keepPrevious: Uint8Array | null } {
  checkDropProbability(z);
  if (previous.length !== candidate.length) throw new RangeError('zoneout needs states of equal size');
  const state = new Float32Array(previous.length);
  if (!training) {
    for (let i = 0; i < state.length; i++) state[i] = z * previous[i] + (1 - z) * candidate[i];
    return { state, keepPrevious: null };
  }
  const keepPrevious = z === 0 ? new Uint8Array(state.length) : z === 1 ? new Uint8Array(state.length).fill(1) : sampleKeepMask(rng, z, state.length);
  for (let i = 0; i < state.length; i++) state[i] = keepPrevious[i] ? previous[i] : candidate[i];
  return { state, keepPrevious };
}

// ─────────────── attention ───────────────

/**
 * Scaled dot-product attention with dropout on the attention weights, as nn.MultiheadAttention:
 * softmax(Q Kᵀ / sqrt(d)), then inverted dropout on those weights, then × V.
 * Q: (tq × d), K: (tk × d), V: (tk × dv). Returns the output (tq × dv) and the dropped weights.
 */
export function attentionWithDropout(
  query: Float32Array, key: Float32Array, value: Float32Array, tq: number, tk: number, d: number, dv: number,
  rng: Rng, p: number, training: boolean,
): { output: Float32Array; weights: Float32Array } {
  checkDropProbability(p);
  const weights = new Float32Array(tq * tk);
  const invSqrtD = 1 / Math.sqrt(d);
  for (let i = 0; i < tq; i++) {
    let max = -Infinity;
    for (let j = 0; j < tk; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += query[i * d + k] * key[j * d + k];
      weights[i * tk + j] = s * invSqrtD;
      if (weights[i * tk + j] > max) max = weights[i * tk + j];
    }
    let total = 0;
    for (let j = 0; j < tk; j++) total += (weights[i * tk + j] = Math.exp(weights[i * tk + j] - max));
    for (let j = 0; j < tk; j++) weights[i * tk + j] /= total;
  }
  const dropped = training && p > 0 ? dropout(weights, rng, p, true).output : weights;
  const output = new Float32Array(tq * dv);
  for (let i = 0; i < tq; i++) {
    for (let j = 0; j < tk; j++) {
      const wij = dropped[i * tk + j];
      if (wij === 0) continue;
      for (let k = 0; k < dv; k++) output[i * dv + k] += wij * value[j * dv + k];
    }
  }
  return { output, weights: dropped };
}

/** Exact number of sub-networks 2^n as a BigInt (n droppable units). */
export function subnetworkCount(droppable: number): bigint {
  if (!Number.isInteger(droppable) || droppable < 0) throw new RangeError(`unit count must be a non-negative integer, got ${droppable}`);
  return 1n << BigInt(droppable);
}

/** log10(2^n) = n · log10(2). */
export function subnetworkCountLog10(droppable: number): number {
  return droppable * Math.LOG10E * Math.LN2;
}

export { keepThreshold };
