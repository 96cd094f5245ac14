// Ours: sample a p = 0.5 keep bitset with the engine's generator and apply it (inverted scaling)
// to 10 M float32 values.
const { main, now } = require('./common');

main(async (a) => {
  const engine = require(a.bundle);
  const n = Number(a.elements);
  const reps = Number(a.reps);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = (i % 1000) / 1000 + 0.001;
  const words = new Uint32Array((n + 31) >>> 5);
  const out = new Float32Array(n);
  const p = 0.5;
  const times = [];
  let kept = 0;
  for (let r = 0; r < reps + 1; r++) {
    const t0 = now();
    engine.sampleKeepBits(new engine.Rng(42, 2, 1, r), 1 - p, n, words);
    engine.applyKeepBits(x, words, 1 / (1 - p), n, out);
    if (r > 0) times.push(now() - t0); // the first repetition warms up
    if (r === reps) for (let i = 0; i < n; i++) if (out[i] !== 0) kept++;
  }
  return { elementsPerSec: n / (Math.min(...times) / 1000), keptFraction: kept / n };
});
