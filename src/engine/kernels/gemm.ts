// Dense float32 matrix multiply used by the trainer. Row-major, no leading dimensions:
//   C (m×n) = op(A) (m×k) · op(B) (k×n)  [+ C when accumulate]
// op(X) is X or Xᵀ. Large products run on the WebAssembly SIMD kernel (gemmWasm.ts) when the
// runtime can compile it; otherwise, and for tiny products, on the plain TypeScript reference below.
// Both round every product to float32 and add in the same order, so they give bitwise-equal results
// (see gemmWasm.ts for the Inf/NaN-times-zero caveat).
import { gemmWasm } from './gemmWasm';

export type GemmBackend = 'auto' | 'typescript' | 'wasm';

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
  if (backend !== 'typescript' && (backend === 'wasm' || m * n * k >= WASM_MIN_WORK)
    && gemmWasm(transA, transB, m, n, k, a, b, c, accumulate)) return;
  gemmReference(transA, transB, m, n, k, a, b, c, accumulate);
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
