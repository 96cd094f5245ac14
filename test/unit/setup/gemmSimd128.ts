// Loaded by `npm run test:unit` (mocha --require) before any test: the main unit run uses the
// 128-bit SIMD gemm kernel (the fallback) even on a runtime that has relaxed SIMD.
process.env.DROPOUT_LAB_GEMM = 'simd128';
