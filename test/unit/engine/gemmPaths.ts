// Which reference a gemm result must equal bit for bit, given the wasm kernel this process took.
import { gemmFmaReference, gemmReference } from '../../../src/engine/kernels/gemm';
import { activeWasmKernel, relaxedMaddFuses } from '../../../src/engine/kernels/gemmWasm';

export type GemmFn = typeof gemmReference;

/** relaxed-fma on FMA hardware rounds once per multiply-add; everything else rounds product and sum. */
export function referenceForActiveKernel(): GemmFn {
  return activeWasmKernel() === 'relaxed-fma' && relaxedMaddFuses() ? gemmFmaReference : gemmReference;
}
