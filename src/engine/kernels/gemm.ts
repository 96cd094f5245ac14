// Dense float32 matrix multiply used by the trainer. Row-major, no leading dimensions:
//   C (m×n) = op(A) (m×k) · op(B) (k×n)  [+ C when accumulate]
// op(X) is X or Xᵀ. Large products run on a WebAssembly SIMD kernel (gemmWasm.ts) when the
// runtime can compile one, otherwise on the register-tiled TypeScript kernel `gemmTiled`; tiny ones on
// the plain reference `gemmReference`. The TypeScript kernels and the 'simd128' wasm kernel round
// every product to float32 and add in the same order, so they give bitwise-equal results (see
// gemmWasm.ts for the Inf/NaN-times-zero caveat). The 'relaxed-fma' wasm kernel, taken where the
// runtime has relaxed SIMD, fuses each multiply-add on FMA hardware: it equals `gemmFmaReference`.
//
// Notes for the trainer (from profiling `npm run bench` → engine.ours, batch 64, 784-256-128-10):
// with the SIMD kernel the matmuls are about a third of a training step. The rest: Optimizer.step
// (~30%: a memory-bound pass over all 235k parameters; drop the `wd * value[i]` term when weight
// decay is 0), biasActivationDropout + activationDropoutBackward (~20%: the per-element activation
// switch and a mask branch that mispredicts half the time at p = 0.5 — hoist the switch out of the
// loop per activation), and copying A/B into wasm memory here (~6%).
import { gemmWasm } from './gemmWasm';

/** 'typescript' = the tiled TS kernel, 'reference' = the plain loop. */
export type GemmBackend = 'auto' | 'typescript' | 'reference' | 'wasm';

let backend: GemmBackend = 'auto';

/** Forces a backend (tests, benchmarks). 'wasm' still falls back to TypeScript when wasm is unavailable. */
export function setGemmBackend(next: GemmBackend): void {
  backend = next;
}

export function getGemmBackend(): GemmBackend {
  return backend;
}

/** Below this many multiply-adds the call overhead of the wasm path outweighs its speed. */
const WASM_MIN_WORK = 4096;

export function gemm(
  transA: boolean, transB: boolean,
  m: number, n: number, k: number,
  a: Float32Array, b: Float32Array, c: Float32Array,
  accumulate = false,
): void {
  if (!(m >= 0 && n >= 0 && k >= 0) || a.length < m * k || b.length < k * n || c.length < m * n) {
    throw new RangeError(`gemm: arrays too short for m=${m} n=${n} k=${k} (a ${a.length}, b ${b.length}, c ${c.length})`);
  }
  if (m === 0 || n === 0) return;
  if (backend === 'reference') {
    gemmReference(transA, transB, m, n, k, a, b, c, accumulate);
    return;
  }
  const large = m * n * k >= WASM_MIN_WORK;
  if (backend !== 'typescript' && (backend === 'wasm' || large)
    && gemmWasm(transA, transB, m, n, k, a, b, c, accumulate)) return;
  if (large || backend === 'typescript') gemmTiled(transA, transB, m, n, k, a, b, c, accumulate);
  else gemmReference(transA, transB, m, n, k, a, b, c, accumulate);
}

/**
 * Register-tiled TypeScript kernel (the fallback when wasm cannot be compiled, e.g. under a CSP
 * without 'wasm-unsafe-eval'): 4×4 tiles of C in local variables, A and B read through strides so
 * transposes cost nothing. Each accumulator is rounded to float32 after every add, as a store into
 * the Float32Array would, so the results equal `gemmReference` bit for bit.
 */
export function gemmTiled(
  transA: boolean, transB: boolean,
  m: number, n: number, k: number,
  a: Float32Array, b: Float32Array, c: Float32Array,
  accumulate = false,
): void {
  const fr = Math.fround;
  const aRs = transA ? 1 : k;
  const aCs = transA ? m : 1;
  const bRs = transB ? 1 : n;
  const bCs = transB ? k : 1;
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    for (let j = 0; j < n4; j += 4) {
      const r0 = i * n + j;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const r3 = r2 + n;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      if (accumulate) {
        c00 = c[r0]; c01 = c[r0 + 1]; c02 = c[r0 + 2]; c03 = c[r0 + 3];
        c10 = c[r1]; c11 = c[r1 + 1]; c12 = c[r1 + 2]; c13 = c[r1 + 3];
        c20 = c[r2]; c21 = c[r2 + 1]; c22 = c[r2 + 2]; c23 = c[r2 + 3];
        c30 = c[r3]; c31 = c[r3 + 1]; c32 = c[r3 + 2]; c33 = c[r3 + 3];
      }
      let ai = i * aRs;
      let bj = j * bCs;
      for (let p = 0; p < k; p++, ai += aCs, bj += bRs) {
        const a0 = a[ai], a1 = a[ai + aRs], a2 = a[ai + 2 * aRs], a3 = a[ai + 3 * aRs];
        const b0 = b[bj], b1 = b[bj + bCs], b2 = b[bj + 2 * bCs], b3 = b[bj + 3 * bCs];
        c00 = fr(c00 + fr(a0 * b0)); c01 = fr(c01 + fr(a0 * b1)); c02 = fr(c02 + fr(a0 * b2)); c03 = fr(c03 + fr(a0 * b3));
        c10 = fr(c10 + fr(a1 * b0)); c11 = fr(c11 + fr(a1 * b1)); c12 = fr(c12 + fr(a1 * b2)); c13 = fr(c13 + fr(a1 * b3));
        c20 = fr(c20 + fr(a2 * b0)); c21 = fr(c21 + fr(a2 * b1)); c22 = fr(c22 + fr(a2 * b2)); c23 = fr(c23 + fr(a2 * b3));
        c30 = fr(c30 + fr(a3 * b0)); c31 = fr(c31 + fr(a3 * b1)); c32 = fr(c32 + fr(a3 * b2)); c33 = fr(c33 + fr(a3 * b3));
      }
      c[r0] = c00; c[r0 + 1] = c01; c[r0 + 2] = c02; c[r0 + 3] = c03;
      c[r1] = c10; c[r1 + 1] = c11; c[r1 + 2] = c12; c[r1 + 3] = c13;
      c[r2] = c20; c[r2 + 1] = c21; c[r2 + 2] = c22; c[r2 + 3] = c23;
      c[r3] = c30; c[r3 + 1] = c31; c[r3 + 2] = c32; c[r3 + 3] = c33;
    }
  }
  // Edges (rows past m4 or columns past n4): one element at a time, same order.
  for (let i = 0; i < m; i++) {
    for (let j = i < m4 ? n4 : 0; j < n; j++) {
      let acc = accumulate ? c[i * n + j] : 0;
      for (let p = 0; p < k; p++) acc = fr(acc + fr(a[i * aRs + p * aCs] * b[p * bRs + j * bCs]));
      c[i * n + j] = acc;
    }
  }
}

const fmaScratch = new Float64Array(1);
const fmaScratchWords = new Uint32Array(fmaScratch.buffer);
/** Index of the low 32 bits of a double in fmaScratchWords (platform byte order). */
const LOW = new Uint8Array(new Float64Array([1]).buffer)[0] === 0 ? 0 : 1;

/**
 * float32 fused multiply-add: a·b + c rounded once to float32 (a, b, c float32 values), as
 * f32x4.relaxed_madd computes it on FMA hardware.
 *
 * Why not just Math.fround(a * b + c): the double product of two floats is exact (24 + 24 bits), but
 * the double sum then rounds a second time, and rounding twice can land on a float32 tie that the
 * exact value does not sit on. Example: a = 1 + 2^-12, b = (2^24 - 4095)·2^-48, c = 1 give the exact
 * 1 + 2^-24 + 2^-60 (rounds up to 1 + 2^-23); the double sum is 1 + 2^-24, a tie that rounds to 1.
 * Fix (Boldo & Melquiond's round-to-odd): compute the double sum's exact error with TwoSum; when it
 * is non-zero and the sum's last bit is even, step one double ulp towards the exact value. Rounding
 * to odd at 53 bits then to nearest at 24 (≤ 53 - 2) equals rounding the exact value once.
 */
export function fmaF32(a: number, b: number, c: number): number {
  const product = a * b; // exact
  const sum = product + c;
  if (!Number.isFinite(sum)) return Math.fround(sum);
  // TwoSum (Knuth): sum + error = product + c exactly.
  const bVirtual = sum - product;
  const error = (product - (sum - bVirtual)) + (c - bVirtual);
  if (error === 0) return Math.fround(sum);
  fmaScratch[0] = sum;
  const low = fmaScratchWords[LOW];
  if ((low & 1) === 0) {
    // sum ≠ 0 here (a double sum that rounds to 0 is exact). +1 on the bits moves away from 0; an
    // even low word never carries, and -1 borrows from the high word only when the low word is 0.
    if ((sum > 0) === (error > 0)) fmaScratchWords[LOW] = low + 1;
    else if (low !== 0) fmaScratchWords[LOW] = low - 1;
    else { fmaScratchWords[LOW] = 0xffffffff; fmaScratchWords[1 - LOW] -= 1; }
  }
  return Math.fround(fmaScratch[0]);
}

/**
 * The reference for the 'relaxed-fma' kernel where it fuses: c ← fmaF32(a, b, c) for p = 0 … k-1 in
 * order, from 0 or from C (accumulate). Slow; for tests.
 */
export function gemmFmaReference(
  transA: boolean, transB: boolean,
  m: number, n: number, k: number,
  a: Float32Array, b: Float32Array, c: Float32Array,
  accumulate = false,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = accumulate ? c[i * n + j] : 0;
      for (let p = 0; p < k; p++) {
        acc = fmaF32(transA ? a[p * m + i] : a[i * k + p], transB ? b[j * k + p] : b[p * n + j], acc);
      }
      c[i * n + j] = acc;
    }
  }
}

/**
 * The plain TypeScript path and the reference for the fast kernels. `Math.fround` on each product
 * makes it float32 arithmetic (round the product, then round the sum), exactly what f32x4.mul and
 * f32x4.add do; without it the product would stay exact in float64 and results could differ in
 * the last bit.
 */
export function gemmReference(
  transA: boolean, transB: boolean,
  m: number, n: number, k: number,
  a: Float32Array, b: Float32Array, c: Float32Array,
  accumulate = false,
): void {
  if (!accumulate) c.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    const cRow = i * n;
    for (let p = 0; p < k; p++) {
      const aip = transA ? a[p * m + i] : a[i * k + p];
      // Dropout zeroes half the activations: skipping them halves the work of the backward pass.
      if (aip === 0) continue;
      if (transB) {
        for (let j = 0; j < n; j++) c[cRow + j] += Math.fround(aip * b[j * k + p]);
      } else {
        const bRow = p * n;
        for (let j = 0; j < n; j++) c[cRow + j] += Math.fround(aip * b[bRow + j]);
      }
    }
  }
}
