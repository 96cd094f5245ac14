import * as assert from 'assert';
import { biasActivationDropout, ACT_RELU } from '../../../src/engine/kernels/fused';
import { fmaF32, gemm, gemmFmaReference, gemmReference, setGemmBackend } from '../../../src/engine/kernels/gemm';
import {
  activeWasmKernel, gemmModuleBytes, gemmWasm, relaxedMaddFuses, relaxedProbeBytes, relaxedSimdAvailable, wasmKernelAvailable,
} from '../../../src/engine/kernels/gemmWasm';
import { ClassifierTrainer } from '../../../src/engine/trainer';
import { referenceForActiveKernel } from './gemmPaths';

// `npm run test:unit` runs the engine tests twice: once with DROPOUT_LAB_GEMM=simd128 (the fallback,
// plain Node 20) and once under --experimental-wasm-relaxed-simd with DROPOUT_LAB_GEMM=relaxed-fma
// (.mocharc.relaxed-simd.json). Each test below checks the kernel its run took.

/** x = m·2^e exactly, m a signed integer (float32 decoding). */
function decompose(x: number): [bigint, number] {
  const bits = new Uint32Array(new Float32Array([x]).buffer)[0];
  const sign = bits >>> 31 ? -1n : 1n;
  const exponent = (bits >>> 23) & 0xff;
  const fraction = bits & 0x7fffff;
  return exponent === 0 ? [sign * BigInt(fraction), -149] : [sign * BigInt(fraction | 0x800000), exponent - 150];
}

/** a·b + c computed exactly in integers, then rounded once to float32 (nearest, ties to even). */
function exactFma(a: number, b: number, c: number): number {
  const [ma, ea] = decompose(a);
  const [mb, eb] = decompose(b);
  const [mc, ec] = decompose(c);
  const e = Math.min(ea + eb, ec);
  const total = ma * mb * (1n << BigInt(ea + eb - e)) + mc * (1n << BigInt(ec - e));
  if (total === 0n) return 0;
  const negative = total < 0n;
  const magnitude = negative ? -total : total;
  // Least significant bit of the result: 24 significant bits, but never below 2^-149 (subnormals).
  const lsb = Math.max(e + magnitude.toString(2).length - 24, -149);
  let significand: bigint;
  if (lsb <= e) {
    significand = magnitude << BigInt(e - lsb);
  } else {
    const unit = 1n << BigInt(lsb - e);
    significand = magnitude / unit;
    const twiceRest = 2n * (magnitude - significand * unit);
    if (twiceRest > unit || (twiceRest === unit && (significand & 1n) === 1n)) significand += 1n;
  }
  const value = Math.fround(Number(significand) * 2 ** lsb); // exact, or Infinity past the float32 range
  return negative ? -value : value;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/**
 * Triples whose exact a·b + c sits just below a float32 midpoint, so close that the double sum
 * rounds onto the midpoint: a = h(1 + r·2^-23), b = 1 - r·2^-23 with h half an ulp of c, so
 * a·b = h - h·r²·2^-46 (r < 362 keeps that below half a double ulp of c).
 */
function nearTies(count: number, seed: number): Array<[number, number, number]> {
  const next = lcg(seed);
  const out: Array<[number, number, number]> = [];
  for (let i = 0; i < count; i++) {
    const exponent = Math.floor(next() * 60) - 30;
    const c = Math.fround((1 + next()) * 2 ** exponent) * (next() < 0.5 ? -1 : 1);
    const halfUlp = 2 ** (exponent - 24);
    const r = 1 + Math.floor(next() * 360);
    const sign = Math.sign(c);
    out.push([Math.fround(sign * halfUlp * (1 + r * 2 ** -23)), Math.fround(1 - r * 2 ** -23), c]);
  }
  return out;
}

/** Ordinary triples: random signs and exponents, including float32 subnormal products. */
function randomTriples(count: number, seed: number): Array<[number, number, number]> {
  const next = lcg(seed);
  const value = (span: number) => Math.fround((next() < 0.5 ? -1 : 1) * (1 + next()) * 2 ** (Math.floor(next() * span) - span / 2));
  const out: Array<[number, number, number]> = [];
  for (let i = 0; i < count; i++) out.push([value(120), value(120), value(200)]);
  return out;
}

function randomArray(length: number, seed: number): Float32Array {
  const next = lcg(seed);
  return Float32Array.from({ length }, () => next() * 2 - 1);
}

describe('engine kernels: float32 fused multiply-add reference', () => {
  it('rounds the double-rounding example once: 1 + 2^-23, where fround(a·b + c) gives 1', () => {
    const a = 1 + 2 ** -12;
    const b = (2 ** 24 - 4095) * 2 ** -48;
    assert.strictEqual(Math.fround(a), a);
    assert.strictEqual(Math.fround(b), b);
    assert.strictEqual(exactFma(a, b, 1), 1 + 2 ** -23);
    assert.strictEqual(fmaF32(a, b, 1), 1 + 2 ** -23);
    assert.strictEqual(Math.fround(a * b + 1), 1, 'the naive reference double-rounds');
  });

  it('equals exact integer arithmetic on near-midpoint and random triples', () => {
    let naiveWrong = 0;
    for (const [a, b, c] of [...nearTies(3000, 1), ...randomTriples(3000, 2)]) {
      const want = exactFma(a, b, c);
      const got = fmaF32(a, b, c);
      if (!Object.is(got, want)) assert.fail(`fmaF32(${a}, ${b}, ${c}) = ${got}, exact ${want}`);
      if (Math.fround(a * b + c) !== want) naiveWrong++;
    }
    // About half the near-midpoint cases (those where c's last bit is odd) trip the naive form.
    assert.ok(naiveWrong > 1000, `the near-midpoint cases exercise double rounding (${naiveWrong} naive misses)`);
  });

  it('gemmFmaReference is a float32 product within k roundings of the float64 one', () => {
    const [m, n, k] = [5, 7, 40];
    const a = randomArray(m * k, 3);
    const b = randomArray(k * n, 4);
    const c = new Float32Array(m * n);
    gemmFmaReference(false, false, m, n, k, a, b, c);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let exact = 0;
        let magnitude = 0;
        for (let p = 0; p < k; p++) {
          exact += a[i * k + p] * b[p * n + j];
          magnitude += Math.abs(a[i * k + p] * b[p * n + j]);
        }
        assert.ok(Math.abs(c[i * n + j] - exact) <= k * 2 ** -24 * magnitude, `(${i}, ${j})`);
      }
    }
  });
});

describe('engine kernels: relaxed-SIMD FMA gemm and its fallback', () => {
  afterEach(() => setGemmBackend('auto'));

  it('takes the kernel the run asked for (DROPOUT_LAB_GEMM), relaxed-fma only where relaxed SIMD validates', () => {
    const asked = process.env.DROPOUT_LAB_GEMM;
    if (asked === 'simd128') {
      assert.strictEqual(activeWasmKernel(), 'simd128', 'the fallback is forced even where relaxed SIMD exists');
    } else if (asked === 'relaxed-fma') {
      assert.ok(relaxedSimdAvailable(), 'this run needs --experimental-wasm-relaxed-simd (Node 20) or a runtime with relaxed SIMD');
      assert.strictEqual(activeWasmKernel(), 'relaxed-fma');
    } else {
      assert.strictEqual(activeWasmKernel(), relaxedSimdAvailable() ? 'relaxed-fma' : 'simd128');
    }
    // The probe module validates exactly when the FMA gemm module does.
    assert.strictEqual(WebAssembly.validate(relaxedProbeBytes()), WebAssembly.validate(gemmModuleBytes('relaxed-fma')));
    assert.strictEqual(wasmKernelAvailable('relaxed-fma'), relaxedSimdAvailable());
  });

  it('the FMA kernel rounds the double-rounding example as the runtime says (or is unavailable and does nothing)', () => {
    const a = new Float32Array([1 + 2 ** -12]);
    const b = new Float32Array([(2 ** 24 - 4095) * 2 ** -48]);
    const c = new Float32Array([1]);
    const ran = gemmWasm(false, false, 1, 1, 1, a, b, c, true, 'relaxed-fma');
    assert.strictEqual(ran, relaxedSimdAvailable());
    if (!ran) {
      assert.strictEqual(c[0], 1, 'C untouched');
      assert.strictEqual(relaxedMaddFuses(), null);
    } else {
      // Fused: one rounding of 1 + 2^-24 + 2^-60. Unfused: fl(a·b) = 2^-24, then the tie 1 + 2^-24 → 1.
      assert.strictEqual(c[0], relaxedMaddFuses() ? 1 + 2 ** -23 : 1);
    }
  });

  it('the active kernel equals its reference bit for bit on the MLP shapes, transposes and accumulate', () => {
    const reference = referenceForActiveKernel();
    // Every transpose and accumulate on small and mid shapes; the trainer's two large products as it calls them.
    const small = [[1, 1, 1], [3, 5, 2], [5, 9, 7], [13, 30, 17], [64, 10, 128]].flatMap(([m, n, k]) =>
      [false, true].flatMap((ta) => [false, true].flatMap((tb) => [false, true].map((acc) => [m, n, k, ta, tb, acc] as const))));
    const cases = [...small, [64, 256, 784, false, false, false] as const, [784, 256, 64, true, false, false] as const];
    let seed = 700;
    setGemmBackend('wasm');
    for (const [m, n, k, ta, tb, accumulate] of cases) {
      {
        {
          const a = randomArray(m * k, seed++);
          const b = randomArray(k * n, seed++);
          const start = randomArray(m * n, seed++);
          const fast = start.slice();
          const want = start.slice();
          gemm(ta, tb, m, n, k, a, b, fast, accumulate);
          reference(ta, tb, m, n, k, a, b, want, accumulate);
          for (let i = 0; i < m * n; i++) {
            if (!Object.is(fast[i], want[i])) assert.fail(`${activeWasmKernel()} m=${m} n=${n} k=${k} ta=${ta} tb=${tb} acc=${accumulate}: element ${i} ${fast[i]} vs ${want[i]}`);
          }
        }
      }
    }
  });

  it('where it fuses, FMA results differ from the two-rounding reference in the last bits only', () => {
    const [m, n, k] = [64, 256, 784];
    const a = randomArray(m * k, 11);
    const b = randomArray(k * n, 12);
    const fast = new Float32Array(m * n);
    const twoRoundings = new Float32Array(m * n);
    setGemmBackend('wasm');
    gemm(false, false, m, n, k, a, b, fast);
    gemmReference(false, false, m, n, k, a, b, twoRoundings);
    let differing = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let magnitude = 0;
        for (let p = 0; p < k; p++) magnitude += Math.abs(a[i * k + p] * b[p * n + j]);
        // Each is within k roundings of 2^-24·Σ|a·b| of the exact sum, so of each other within twice that.
        const x = i * n + j;
        if (fast[x] !== twoRoundings[x]) differing++;
        assert.ok(Math.abs(fast[x] - twoRoundings[x]) <= 2 * k * 2 ** -24 * magnitude, `element ${x}`);
      }
    }
    const fuses = activeWasmKernel() === 'relaxed-fma' && relaxedMaddFuses();
    if (fuses) assert.ok(differing > (m * n) / 2, `fused sums differ from two-rounding ones (${differing} of ${m * n})`);
    else assert.strictEqual(differing, 0);
  });

  it('a seeded training run reproduces bit for bit on this kernel', () => {
    const count = 256;
    const images = randomArray(count * 784, 21).map((v) => Math.abs(v));
    const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
    const config = {
      inputSize: 784, classes: 10, hiddenSizes: [256, 128], activation: 'relu' as const, dropout: 0.5, inputDropout: 0,
      batchSize: 64, optimizer: { kind: 'sgd' as const, learningRate: 0.01, momentum: 0.9 }, seed: 5,
    };
    const run = () => {
      const trainer = new ClassifierTrainer(config, { count, images, labels });
      const metrics = [trainer.runEpoch(), trainer.runEpoch()];
      return { metrics, weights: Array.from(trainer.network.parameters()[0].value.subarray(0, 64)) };
    };
    const first = run();
    const second = run();
    assert.deepStrictEqual(second, first);
    assert.ok(first.metrics[1].loss < first.metrics[0].loss, 'and it trains');
  });
});

describe('engine kernels: ReLU forward fast path', () => {
  it('equals the definition a = fround(max(z + bias, 0)), h = keep ? fround(a·scale) : +0', () => {
    const [rows, cols] = [37, 129];
    const count = rows * cols;
    const z = randomArray(count, 31);
    const bias = randomArray(cols, 32);
    const bits = Uint32Array.from({ length: (count + 31) >>> 5 }, (_, w) => Math.imul(w + 1, 2654435761) >>> 0);
    for (const [keepBits, scale] of [[bits, 2], [bits, 1 / 0.7], [null, 1]] as const) {
      for (const withBias of [true, false]) {
        const a = new Float32Array(count).fill(NaN);
        const h = new Float32Array(count).fill(NaN);
        biasActivationDropout(z, withBias ? bias : null, rows, cols, ACT_RELU, keepBits, scale, a, h);
        for (let i = 0; i < count; i++) {
          const v = z[i] + (withBias ? bias[i % cols] : 0);
          const wantA = Math.fround(v > 0 ? v : 0);
          const kept = !keepBits || ((keepBits[i >>> 5] >>> (i & 31)) & 1) === 1;
          const wantH = kept ? Math.fround(wantA * scale) : 0;
          if (!Object.is(a[i], wantA) || !Object.is(h[i], wantH)) assert.fail(`element ${i} (scale ${scale}, bias ${withBias}): a ${a[i]} vs ${wantA}, h ${h[i]} vs ${wantH}`);
        }
      }
    }
  });
});
