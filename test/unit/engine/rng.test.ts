import * as assert from 'assert';
import { Rng, bitsToBytes, deriveSeed, keepThreshold, sampleKeepBits, splitmix32 } from '../../../src/engine/rng';
import { assertBinomial } from './helpers';

describe('engine rng', () => {
  it('xoshiro128** matches the known answers from state [1, 2, 3, 4]', () => {
    const rng = Rng.fromState([1, 2, 3, 4]);
    const got = Array.from({ length: 6 }, () => rng.nextU32());
    assert.deepStrictEqual(got, [11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('splitmix32 steps by the golden ratio and finalises (hand-computed first output for seed 0)', () => {
    // state = 0x9e3779b9; z ^= z>>>16 → 0x9e37e78e; ·0x21f0aaad; ^>>>15; ·0x735a2d97; ^>>>15
    let z = 0x9e3779b9;
    z = (z ^ (z >>> 16)) >>> 0;
    z = Math.imul(z, 0x21f0aaad) >>> 0;
    z = (z ^ (z >>> 15)) >>> 0;
    z = Math.imul(z, 0x735a2d97) >>> 0;
    z = (z ^ (z >>> 15)) >>> 0;
    assert.strictEqual(splitmix32(0)(), z);
  });

  it('same seed and stream ids replay the same sequence; different ids differ', () => {
    const a = new Rng(7, 2, 5);
    const b = new Rng(7, 2, 5);
    const c = new Rng(7, 2, 6);
    const seqA = Array.from({ length: 8 }, () => a.nextU32());
    assert.deepStrictEqual(Array.from({ length: 8 }, () => b.nextU32()), seqA);
    assert.notDeepStrictEqual(Array.from({ length: 8 }, () => c.nextU32()), seqA);
    assert.notStrictEqual(deriveSeed(1, [0, 1]), deriveSeed(1, [1, 0]));
  });

  it('uniform floats lie in [0, 1) with mean 1/2 and the right variance', () => {
    const rng = new Rng(11);
    const n = 200000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.nextFloat();
      assert.ok(u >= 0 && u < 1);
      sum += u;
      sq += u * u;
    }
    const m = sum / n;
    assert.ok(Math.abs(m - 0.5) < 5 * Math.sqrt(1 / 12 / n));
    assert.ok(Math.abs(sq / n - m * m - 1 / 12) < 0.002);
  });

  it('Gaussian samples have mean 0 and variance 1', () => {
    const rng = new Rng(12);
    const n = 200000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const g = rng.nextGaussian();
      sum += g;
      sq += g * g;
    }
    assert.ok(Math.abs(sum / n) < 5 / Math.sqrt(n));
    assert.ok(Math.abs(sq / n - 1) < 5 * Math.sqrt(2 / n));
  });

  it('keep bits: exactly 32 digits of q, keep rates within binomial bounds for many q', () => {
    assert.deepStrictEqual(keepThreshold(0.5), { qBits: 0x80000000, lowestBit: 31 });
    assert.deepStrictEqual(keepThreshold(0.75), { qBits: 0xc0000000, lowestBit: 30 });
    const rng = new Rng(13);
    const n = 100003; // not a multiple of 32: the tail word must be masked
    const words = new Uint32Array((n + 31) >>> 5);
    for (const q of [0.5, 0.9, 0.8, 0.3, 0.05, 0.999, 1 / 3]) {
      sampleKeepBits(rng, q, n, words);
      const mask = bitsToBytes(words, n);
      let kept = 0;
      for (const m of mask) kept += m;
      assertBinomial(kept, n, q, `q=${q}`);
      // No bit beyond the last lane is set.
      assert.strictEqual(words[words.length - 1] >>> (n & 31), 0);
    }
  });

  it('keep bits are independent across lanes (pairs of neighbours) and positions', () => {
    const rng = new Rng(14);
    const n = 320000;
    const q = 0.3;
    const words = sampleKeepBits(rng, q, n, new Uint32Array(n / 32));
    const mask = bitsToBytes(words, n);
    let both = 0;
    for (let i = 0; i + 1 < n; i += 2) both += mask[i] & mask[i + 1];
    assertBinomial(both, n / 2, q * q, 'neighbouring lanes both kept');
    for (const lane of [0, 7, 31]) {
      let kept = 0;
      for (let i = lane; i < n; i += 32) kept += mask[i];
      assertBinomial(kept, n / 32, q, `lane ${lane}`);
    }
  });

  it('permutation is a permutation and nextInt is unbiased over a small range', () => {
    const rng = new Rng(15);
    const p = rng.permutation(1000);
    assert.deepStrictEqual(Array.from(p).sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60000; i++) counts[rng.nextInt(6)]++;
    for (const c of counts) assertBinomial(c, 60000, 1 / 6, 'die face');
  });
});
