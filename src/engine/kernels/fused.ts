// Fused element-wise kernels of the trainer: bias + activation + inverted dropout forward, and the
// matching backward. Plain TypeScript reference; a faster implementation must give identical
// float32 results. Keep masks are bitsets (bit i of word i >>> 5 = element i, 1 = kept).
import { applyKeepBitsWasm } from './maskWasm';

/** Below this many elements the copy into wasm memory is not worth it. */
const SIMD_MASK_MIN = 1024;

// Activations are coded as numbers so the inner loops stay monomorphic:
export const ACT_LINEAR = 0;
export const ACT_RELU = 1;
export const ACT_SELU = 2;
export const ACT_TANH = 3;
export const ACT_SIGMOID = 4;

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_LAMBDA = 1.0507009873554804934193349852946;
const SELU_LAMBDA_ALPHA = SELU_LAMBDA * SELU_ALPHA;

/**
 * For a (rows × cols) row-major z: a = act(z + bias) (bias per column, may be null), and
 * h = a · keep · scale when keepBits is given, else h = a (h may alias a only when keepBits is null).
 */
export function biasActivationDropout(
  z: Float32Array, bias: Float32Array | null, rows: number, cols: number, activation: number,
  keepBits: Uint32Array | null, scale: number, a: Float32Array, h: Float32Array,
): void {
  if (activation === ACT_RELU && h !== a) {
    reluThenDropout(z, bias, rows, cols, keepBits, scale, a, h);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const i = base + c;
      const v = bias ? z[i] + bias[c] : z[i];
      let y: number;
      switch (activation) {
        case ACT_RELU: y = v > 0 ? v : 0; break;
        case ACT_SELU: y = v > 0 ? SELU_LAMBDA * v : SELU_LAMBDA_ALPHA * (Math.exp(v) - 1); break;
        case ACT_TANH: y = Math.tanh(v); break;
        case ACT_SIGMOID: y = 1 / (1 + Math.exp(-v)); break;
        default: y = v;
      }
      a[i] = y;
      if (keepBits) h[i] = (keepBits[i >>> 5] >>> (i & 31)) & 1 ? a[i] * scale : 0;
      else if (h !== a) h[i] = a[i];
    }
  }
}

/**
 * The ReLU case of biasActivationDropout with the same float32 results: the activation loop has no
 * per-element switch, and the mask goes through applyKeepBits (SIMD, no branch that mispredicts
 * half the time at p = 0.5), which rounds a·scale to float32 as the generic loop's store does.
 */
function reluThenDropout(
  z: Float32Array, bias: Float32Array | null, rows: number, cols: number,
  keepBits: Uint32Array | null, scale: number, a: Float32Array, h: Float32Array,
): void {
  const count = rows * cols;
  if (bias) {
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      for (let c = 0; c < cols; c++) {
        const v = z[base + c] + bias[c];
        a[base + c] = v > 0 ? v : 0;
      }
    }
  } else {
    for (let i = 0; i < count; i++) {
      const v = z[i];
      a[i] = v > 0 ? v : 0;
    }
  }
  if (keepBits) applyKeepBits(a, keepBits, scale, count, h);
  else h.set(a.subarray(0, count));
}

/**
 * dZ = dH · keep · scale · act'(a), with act' computed from the activation output a:
 * ReLU 1[a > 0], SELU λ (a > 0) or a + λα, tanh 1 − a², sigmoid a(1 − a).
 */
export function activationDropoutBackward(
  dH: Float32Array, a: Float32Array, keepBits: Uint32Array | null, scale: number, activation: number,
  count: number, dZ: Float32Array,
): void {
  for (let i = 0; i < count; i++) {
    if (keepBits && !((keepBits[i >>> 5] >>> (i & 31)) & 1)) {
      dZ[i] = 0;
      continue;
    }
    const g = keepBits ? dH[i] * scale : dH[i];
    const y = a[i];
    let d: number;
    switch (activation) {
      case ACT_RELU: d = y > 0 ? 1 : 0; break;
      case ACT_SELU: d = y > 0 ? SELU_LAMBDA : y + SELU_LAMBDA_ALPHA; break;
      case ACT_TANH: d = 1 - y * y; break;
      case ACT_SIGMOID: d = y * (1 - y); break;
      default: d = 1;
    }
    dZ[i] = g * d;
  }
}

/** out[i] = keep(i) ? x[i] · scale : 0 for i < count. */
export function applyKeepBits(x: Float32Array, keepBits: Uint32Array, scale: number, count: number, out: Float32Array): void {
  // Whole words go through the SIMD kernel (maskWasm.ts) when wasm is available; the loop handles
  // the rest and is the fallback. The kernel multiplies in float32, which equals this loop's
  // double multiply-then-round only when `scale` is a float32 value (p = 0.5 → 2, 0.75 → 4, ...).
  const done = count >= SIMD_MASK_MIN && Math.fround(scale) === scale ? applyKeepBitsWasm(x, keepBits, scale, count, out) : 0;
  const full = count >>> 5;
  for (let w = done >>> 5; w < full; w++) {
    const bits = keepBits[w];
    const base = w << 5;
    for (let j = 0; j < 32; j++) out[base + j] = (bits >>> j) & 1 ? x[base + j] * scale : 0;
  }
  for (let i = full << 5; i < count; i++) out[i] = (keepBits[i >>> 5] >>> (i & 31)) & 1 ? x[i] * scale : 0;
}

/** colSums[c] = Σ_r m[r, c] for a (rows × cols) row-major matrix (bias gradients). */
export function columnSums(m: Float32Array, rows: number, cols: number, colSums: Float32Array): void {
  colSums.fill(0, 0, cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) colSums[c] += m[base + c];
  }
}
