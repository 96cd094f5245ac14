// Dense float32 matrix multiply used by the trainer. Row-major, no leading dimensions:
//   C (m×n) = op(A) (m×k) · op(B) (k×n)  [+ C when accumulate]
// op(X) is X or Xᵀ. This plain TypeScript path is the reference; faster kernels (e.g. wasm SIMD)
// must give the same results up to documented float32 rounding.
export function gemm(
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
      if (aip === 0) continue;
      if (transB) {
        for (let j = 0; j < n; j++) c[cRow + j] += aip * b[j * k + p];
      } else {
        const bRow = p * n;
        for (let j = 0; j < n; j++) c[cRow + j] += aip * b[bRow + j];
      }
    }
  }
}
