// Loaded by .mocharc.relaxed-simd.json: the engine tests run a second time on the relaxed-SIMD FMA
// gemm kernel (Node 20 needs --experimental-wasm-relaxed-simd, which that config passes).
// gemmFma.test.ts fails the run if the kernel is not available.
process.env.DROPOUT_LAB_GEMM = 'relaxed-fma';
