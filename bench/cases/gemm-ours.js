// Ours: GFLOP/s of the engine's gemm() on the matrix products of one MLP training step
// (784-256-128-10, batch 64; see MLP_GEMMS), one thread, on whichever wasm kernel this runtime takes
// (run with --experimental-wasm-relaxed-simd on Node 20 for the FMA kernel). Copies into and out of
// wasm memory and packing count: they are part of every call the trainer makes.
const { MLP_GEMMS, main, now } = require('./common');

function randomArray(length, seed) {
  let s = seed >>> 0;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

main(async (a) => {
  const engine = require(a.bundle);
  const seconds = Number(a.seconds || 2);
  const operands = MLP_GEMMS.map(([, , m, n, k], i) => ({ a: randomArray(m * k, 2 * i + 1), b: randomArray(k * n, 2 * i + 2), c: new Float32Array(m * n) }));
  const flops = MLP_GEMMS.reduce((sum, [, , m, n, k]) => sum + 2 * m * n * k, 0);
  const step = () => MLP_GEMMS.forEach(([ta, tb, m, n, k], i) => engine.gemm(ta, tb, m, n, k, operands[i].a, operands[i].b, operands[i].c));
  // Warm-up: V8 compiles wasm with its baseline tier first.
  for (const end = now() + 300; now() < end;) step();
  // Best of many short timed blocks (two steps, a few ms), so a busy machine's interruptions count
  // as little as possible.
  let best = Infinity;
  for (const end = now() + seconds * 1000; now() < end;) {
    const t0 = now();
    step();
    step();
    best = Math.min(best, (now() - t0) / 2);
  }
  return { gflops: flops / (best / 1000) / 1e9, stepMs: best, flopsPerStep: flops, kernel: engine.activeWasmKernel(), fused: engine.relaxedMaddFuses() };
});
