import * as assert from 'assert';
import {
  alphaDropout, alphaDropoutParams, applyAlphaMask, applyDropBlockMask, attentionWithDropout, channelDropout,
  dropBlock2d, dropBlockGamma, dropBlockKeepSchedule, dropBlockMaskFromSeeds, dropConnectForward,
  dropConnectGaussianInference, dropConnectMeanInference, dropout, gaussianDropout, invertedScale,
  SELU_ALPHA_PRIME, standardDropoutTest, standardDropoutTrain, subnetworkCount, tensorflowDropout, tensorflowInvertedScale,
  variationalDropout, zoneout,
} from '../../../src/engine/masks';
import { Rng, sampleKeepMask } from '../../../src/engine/rng';
import { assertBinomial, assertClose, fixture, mean } from './helpers';

interface InvertedCase { p: number; scale: number; inputs: number[]; outputs: number[] }
interface AlphaCase { p: number; inputs: number[]; kept: number[]; dropped: number; a: number; b: number }
interface BlockCase { shape: [number, number, number, number]; blockSize: number; p: number; gamma: number; seeds: number[]; input: number[]; output: number[] }
interface Defaults {
  dropout: Record<string, unknown>; dropout2d: Record<string, unknown>; alpha_dropout: Record<string, unknown>;
  drop_block2d: Record<string, unknown>;
  behaviour: { p1GivesZeros: boolean; p0IsIdentity: boolean; p1_5Error: string; alphaDropoutDefaultIsIdentity: boolean };
}

describe('inverted dropout (PyTorch F.dropout)', () => {
  const cases = fixture<{ cases: InvertedCase[] }>('inverted-dropout.json').cases;

  it(`scale and float32 products match PyTorch for ${cases.length} rates`, () => {
    for (const c of cases) {
      assert.strictEqual(invertedScale(c.p), c.scale, `scale for p=${c.p}`);
      const input = new Float32Array(c.inputs);
      const out = dropout(input, new Rng(1), 0, true).output; // p = 0: identity copy
      assert.deepStrictEqual(Array.from(out), Array.from(input));
      const kept = new Float32Array(c.inputs.length);
      for (let i = 0; i < kept.length; i++) kept[i] = input[i] * invertedScale(c.p);
      assert.deepStrictEqual(Array.from(kept), c.outputs, `products for p=${c.p}`);
    }
  });

  it('every kept element of a sampled F.dropout equals the PyTorch product, dropped ones are ±0', () => {
    for (const c of cases.filter((_, i) => i % 9 === 0)) {
      const input = new Float32Array(c.inputs);
      const { output, mask } = dropout(input, new Rng(2, Math.round(c.p * 1000)), c.p);
      for (let i = 0; i < input.length; i++) assert.strictEqual(output[i], mask![i] ? c.outputs[i] : input[i] * 0); // −0 for negative x, as torch
    }
  });

  it('TF scale (double then cast) differs by one ulp at p = 0.04 and 0.45, as documented', () => {
    for (const p of [0.04, 0.45]) {
      const ours = invertedScale(p);
      const tf = tensorflowInvertedScale(p);
      assert.notStrictEqual(ours, tf);
      assert.ok(Math.abs(ours - tf) <= 2 ** -22 * ours);
    }
    assert.strictEqual(invertedScale(0.5), 2);
  });

  it('TensorFlow rule: keep when U >= rate, TF scale, rate 1 refused (TF.js layers pass it through)', () => {
    const x = new Float32Array(100000).fill(1);
    const { output, mask } = tensorflowDropout(x, new Rng(18), 0.04);
    let kept = 0;
    for (let i = 0; i < x.length; i++) {
      kept += mask![i];
      assert.strictEqual(output[i], mask![i] ? tensorflowInvertedScale(0.04) : 0);
    }
    assertBinomial(kept, 100000, 0.96, 'TF keeps');
    assert.throws(() => tensorflowDropout(x, new Rng(18), 1), /range \[0, 1\)/);
    assert.deepStrictEqual(tensorflowDropout(x, new Rng(18), 1, true).output, x);
  });

  it('defaults and edge cases as PyTorch: training=True by default, p=1 zeros, p=0 identity, bad p throws', () => {
    const d = fixture<Defaults>('functional-defaults.json');
    assert.deepStrictEqual(d.dropout, { p: 0.5, training: true, inplace: false });
    assert.strictEqual(dropout.length, 2, 'p and training are optional');
    const x = new Float32Array(10000).fill(1);
    const byDefault = dropout(x, new Rng(3));
    let zeros = 0;
    for (const v of byDefault.output) zeros += v === 0 ? 1 : 0;
    assertBinomial(zeros, 10000, d.dropout.p as number, 'zeros with default arguments');
    assert.ok(d.behaviour.p1GivesZeros && d.behaviour.p0IsIdentity);
    assert.ok(dropout(x, new Rng(3), 1).output.every((v) => v === 0));
    assert.deepStrictEqual(dropout(x, new Rng(3), 0).output, x);
    assert.deepStrictEqual(dropout(x, new Rng(3), 0.5, false).output, x);
    assert.deepStrictEqual(dropout(new Float32Array(0), new Rng(3), 0.5).output.length, 0);
    assert.throws(() => dropout(x, new Rng(3), 1.5), { message: d.behaviour.p1_5Error });
    assert.throws(() => dropout(x, new Rng(3), -0.1), /between 0 and 1/);
  });

  it('preserves the expectation and has variance x²·p/q per unit', () => {
    const rng = new Rng(4);
    const x = new Float32Array(200000).fill(1.5);
    for (const p of [0.2, 0.5, 0.8]) {
      const out = dropout(x, rng, p).output;
      const m = mean(out);
      let sq = 0;
      for (const v of out) sq += (v - m) ** 2;
      const variance = sq / out.length;
      const expectedVar = 1.5 * 1.5 * p / (1 - p);
      assert.ok(Math.abs(m - 1.5) < 5 * Math.sqrt(expectedVar / out.length), `mean for p=${p}: ${m}`);
      assertClose(variance, expectedVar, 0.03, `variance for p=${p}`);
    }
  });

  it('non-inverted dropout: train multiplies by the mask only, test scales by q', () => {
    const x = new Float32Array([1, 2, 3, 4]);
    const mask = new Uint8Array([1, 0, 1, 0]);
    assert.deepStrictEqual(Array.from(standardDropoutTrain(x, mask)), [1, 0, 3, 0]);
    assert.deepStrictEqual(Array.from(standardDropoutTest(x, 0.25)), [0.75, 1.5, 2.25, 3]);
  });
});

describe('channel (spatial) dropout', () => {
  it('PyTorch layout: one mask per (sample, channel), shared over positions, default training=True', () => {
    const d = fixture<Defaults>('functional-defaults.json');
    assert.deepStrictEqual(d.dropout2d, { p: 0.5, training: true, inplace: false });
    const shape = [8, 16, 3, 5];
    const x = new Float32Array(8 * 16 * 15).fill(1);
    const { output, mask } = channelDropout(x, shape, new Rng(5));
    assert.strictEqual(mask!.length, 8 * 16);
    for (let plane = 0; plane < 8 * 16; plane++) {
      for (let k = 0; k < 15; k++) assert.strictEqual(output[plane * 15 + k], mask![plane] ? 2 : 0);
    }
  });

  it('dropout1d/2d/3d share one value per (sample, channel) plane, like PyTorch (fixture)', () => {
    interface ChannelCase { function: string; shape: number[]; p: number; planeValues: number[][] }
    const cases = fixture<{ cases: ChannelCase[] }>('channel-dropout.json').cases;
    for (const c of cases) {
      const scale = invertedScale(c.p);
      // The reference: every plane holds a single value, 0 or the float32 inverted scale.
      for (const values of c.planeValues) assert.ok(values.length === 1 && (values[0] === 0 || values[0] === scale), `${c.function}: ${values}`);
      const size = c.shape.reduce((a, b) => a * b, 1);
      const { output, mask } = channelDropout(new Float32Array(size).fill(1), c.shape, new Rng(17), c.p);
      const planes = c.shape[0] * c.shape[1];
      assert.strictEqual(mask!.length, planes, c.function);
      const planeSize = size / planes;
      for (let k = 0; k < planes; k++) {
        const values = new Set(output.subarray(k * planeSize, (k + 1) * planeSize));
        assert.deepStrictEqual([...values], [mask![k] ? scale : 0], `${c.function} plane ${k}`);
      }
    }
  });

  it('Keras channels-last layout: noise shape (N, 1, 1, C)', () => {
    const shape = [2, 3, 4, 6]; // N, H, W, C
    const x = new Float32Array(2 * 3 * 4 * 6).map((_, i) => i + 1);
    const { output, mask } = channelDropout(x, shape, new Rng(6), 0.5, true, 'channels-last');
    for (let n = 0; n < 2; n++) {
      for (let pos = 0; pos < 12; pos++) {
        for (let c = 0; c < 6; c++) {
          const i = (n * 12 + pos) * 6 + c;
          assert.strictEqual(output[i], mask![n * 6 + c] ? x[i] * 2 : 0);
        }
      }
    }
  });

  it('keep rate of channels within binomial bounds', () => {
    const x = new Float32Array(400 * 50 * 4).fill(1);
    const { mask } = channelDropout(x, [400, 50, 4], new Rng(7), 0.3);
    let kept = 0;
    for (const m of mask!) kept += m;
    assertBinomial(kept, 20000, 0.7, 'channels kept');
  });
});

describe('DropBlock (torchvision drop_block2d)', () => {
  const cases = fixture<{ cases: BlockCase[] }>('drop-block.json').cases;

  it('gamma matches the value torchvision passes to bernoulli_', () => {
    for (const c of cases) {
      const [, , h, w] = c.shape;
      assertClose(dropBlockGamma(c.p, h, w, c.blockSize), c.gamma, 1e-14, `gamma ${JSON.stringify(c.shape)}`);
    }
  });

  it('block masks from the same seeds and the global normalisation reproduce torchvision bit for bit', () => {
    for (const c of cases) {
      const [n, ch, h, w] = c.shape;
      const mask = dropBlockMaskFromSeeds(Uint8Array.from(c.seeds), n * ch, h, w, c.blockSize);
      const out = applyDropBlockMask(new Float32Array(c.input), mask);
      assert.deepStrictEqual(Array.from(out), c.output, `output for ${JSON.stringify(c.shape)} bs=${c.blockSize}`);
    }
  });

  it('a single seed zeroes exactly one bs×bs block (hand-checked position)', () => {
    const seeds = new Uint8Array(5 * 5); // H = W = 7, bs = 3 → 5×5 seed grid
    seeds[1 * 5 + 2] = 1;
    const mask = dropBlockMaskFromSeeds(seeds, 1, 7, 7, 3);
    const dropped: string[] = [];
    for (let y = 0; y < 7; y++) for (let x = 0; x < 7; x++) if (!mask[y * 7 + x]) dropped.push(`${y},${x}`);
    assert.deepStrictEqual(dropped, ['1,2', '1,3', '1,4', '2,2', '2,3', '2,4', '3,2', '3,3', '3,4']);
  });

  it('drops about p of the units on average and keeps E[out] = x via the global normalisation', () => {
    const rng = new Rng(8);
    const shape: [number, number, number, number] = [4, 8, 24, 24];
    const x = new Float32Array(4 * 8 * 24 * 24).fill(1);
    let droppedFraction = 0;
    let outMean = 0;
    const trials = 40;
    for (let t = 0; t < trials; t++) {
      const { output, mask } = dropBlock2d(x, shape, rng, 0.1, 5);
      droppedFraction += 1 - mean(mask!);
      outMean += mean(output);
    }
    // Overlapping blocks make the dropped fraction a little below p (1 − e^{−p} for Poisson seeds).
    assert.ok(Math.abs(droppedFraction / trials - (1 - Math.exp(-0.1))) < 0.01, `dropped ${droppedFraction / trials}`);
    assertClose(outMean / trials, 1, 1e-5, 'normalised mean');
  });

  it('odd block sizes only; linear keep-probability schedule from 1 to 0.9', () => {
    assert.throws(() => dropBlockMaskFromSeeds(new Uint8Array(9), 1, 4, 4, 2), /odd/);
    assert.strictEqual(dropBlockKeepSchedule(0, 100), 1);
    assertClose(dropBlockKeepSchedule(50, 100), 0.95, 1e-12, 'half way');
    assertClose(dropBlockKeepSchedule(100, 100), 0.9, 1e-12, 'end');
    assertClose(dropBlockKeepSchedule(500, 100), 0.9, 1e-12, 'after the end');
  });
});

describe('alpha dropout (F.alpha_dropout)', () => {
  const cases = fixture<{ cases: AlphaCase[] }>('alpha-dropout.json').cases;

  it('a and b match the check values of the semantics notes and the values PyTorch applies', () => {
    const p05 = alphaDropoutParams(0.05);
    assertClose(p05.a, 0.954844, 0, 'a(0.05)', 5e-7);
    assertClose(p05.b, 0.083936, 0, 'b(0.05)', 5e-7);
    const p10 = alphaDropoutParams(0.1);
    assertClose(p10.a, 0.921285, 0, 'a(0.1)', 5e-7);
    assertClose(p10.b, 0.161971, 0, 'b(0.1)', 5e-7);
    assert.strictEqual(SELU_ALPHA_PRIME, -1.7580993408473766);
    for (const c of cases) {
      const { a, b } = alphaDropoutParams(c.p);
      assertClose(a, c.a, 1e-6, `a(${c.p})`);
      assertClose(b, c.b, 1e-6, `b(${c.p})`);
    }
  });

  it('kept and dropped outputs equal PyTorch float32 values exactly', () => {
    for (const c of cases) {
      const x = new Float32Array(c.inputs);
      const kept = applyAlphaMask(x, new Uint8Array(x.length).fill(1), c.p);
      const dropped = applyAlphaMask(x, new Uint8Array(x.length), c.p);
      assert.deepStrictEqual(Array.from(kept), c.kept, `kept p=${c.p}`);
      assert.ok(Array.from(dropped).every((v) => v === c.dropped), `dropped p=${c.p}`);
    }
  });

  it('defaults to training=False (identity) and keeps mean 0 / variance 1 for standard normal input', () => {
    const d = fixture<Defaults>('functional-defaults.json');
    assert.deepStrictEqual(d.alpha_dropout, { p: 0.5, training: false, inplace: false });
    assert.ok(d.behaviour.alphaDropoutDefaultIsIdentity);
    const rng = new Rng(9);
    const x = new Float32Array(400000);
    rng.fillGaussian(x);
    assert.deepStrictEqual(alphaDropout(x, rng).output, x);
    const { output } = alphaDropout(x, rng, 0.2, true);
    const m = mean(output);
    let sq = 0;
    for (const v of output) sq += (v - m) ** 2;
    assert.ok(Math.abs(m) < 0.01, `mean ${m}`);
    assertClose(sq / output.length, 1, 0.01, 'variance');
  });
});

describe('Gaussian dropout, DropConnect, recurrent and attention dropout', () => {
  it('Gaussian dropout multiplies by N(1, p/(1−p))', () => {
    const rng = new Rng(10);
    const x = new Float32Array(200000).fill(2);
    const { output, factors } = gaussianDropout(x, rng, 0.2);
    const m = mean(factors!);
    let sq = 0;
    for (const f of factors!) sq += (f - m) ** 2;
    assert.ok(Math.abs(m - 1) < 5 * Math.sqrt(0.25 / 200000));
    assertClose(sq / factors!.length, 0.25, 0.02, 'factor variance');
    assertClose(mean(output), 2, 0.005, 'output mean');
  });

  it('DropConnect masks weights and biases with keep q; mean inference = a(q(Wv + b))', () => {
    const rng = new Rng(11);
    const out = 50;
    const inp = 40;
    const w = new Float32Array(out * inp).map((_, i) => Math.sin(i));
    const bias = new Float32Array(out).map((_, i) => 0.1 * Math.cos(i));
    const v = new Float32Array(inp).map((_, i) => 0.5 + 0.01 * i);
    let kept = 0;
    const avg = new Float64Array(out);
    const trials = 400;
    for (let t = 0; t < trials; t++) {
      const r = dropConnectForward(w, bias, v, out, rng, 0.4);
      for (const m of r.weightMask) kept += m;
      for (let o = 0; o < out; o++) avg[o] += r.preActivation[o] / trials;
    }
    assertBinomial(kept, trials * out * inp, 0.6, 'connections kept');
    const identity = (z: number) => z;
    const meanInf = dropConnectMeanInference(w, bias, v, out, 0.4, identity);
    for (let o = 0; o < out; o++) assert.ok(Math.abs(avg[o] - meanInf[o]) < 0.25, `unit ${o}: ${avg[o]} vs ${meanInf[o]}`);
    // With a linear activation the moment-matched Gaussian average equals the mean inference.
    const gaussian = dropConnectGaussianInference(w, bias, v, out, 0.4, identity, 4000, rng);
    for (let o = 0; o < out; o++) assert.ok(Math.abs(gaussian[o] - meanInf[o]) < 0.1);
  });

  it('variational dropout reuses one mask at every time step', () => {
    const big = variationalDropout(new Rng(16), 100, 200, 0.3);
    let kept = 0;
    for (const m of big.mask) kept += m;
    assertBinomial(kept, 20000, 0.7, 'variational mask');
    const vd = variationalDropout(new Rng(12), 4, 16, 0.5);
    const stepA = vd.apply(new Float32Array(64).fill(1));
    const stepB = vd.apply(new Float32Array(64).fill(3));
    for (let i = 0; i < 64; i++) {
      assert.strictEqual(stepA[i], vd.mask[i] ? 2 : 0);
      assert.strictEqual(stepB[i], vd.mask[i] ? 6 : 0);
    }
  });

  it('zoneout keeps the previous state with probability z and uses the expectation at test time', () => {
    const prev = new Float32Array(100000).fill(1);
    const cand = new Float32Array(100000).fill(5);
    const { state, keepPrevious } = zoneout(prev, cand, 0.3, true, new Rng(13));
    let kept = 0;
    for (let i = 0; i < state.length; i++) {
      kept += keepPrevious![i];
      assert.strictEqual(state[i], keepPrevious![i] ? 1 : 5);
    }
    assertBinomial(kept, 100000, 0.3, 'previous state kept');
    assertClose(zoneout(prev, cand, 0.3, false, new Rng(13)).state[0], 0.3 + 0.7 * 5, 1e-6, 'eval');
  });

  it('attention: dropout acts on the softmax weights (rows sum to 1 without dropout, to 1 in expectation with it)', () => {
    const rng = new Rng(14);
    const tq = 3;
    const tk = 5;
    const d = 4;
    const q = new Float32Array(tq * d).map((_, i) => Math.sin(i));
    const k = new Float32Array(tk * d).map((_, i) => Math.cos(i));
    const v = new Float32Array(tk).fill(1); // dv = 1: the output is the row sum of the weights
    const plain = attentionWithDropout(q, k, v, tq, tk, d, 1, rng, 0.5, false);
    for (let i = 0; i < tq; i++) assertClose(plain.output[i], 1, 1e-6, `row ${i}`);
    let total = 0;
    const trials = 20000;
    for (let t = 0; t < trials; t++) total += attentionWithDropout(q, k, v, tq, tk, d, 1, rng, 0.5, true).output[0];
    assertClose(total / trials, 1, 0.02, 'expected row sum with dropout');
  });

  it('sub-network count is exact with BigInt: 2^384 for 256 + 128 units', () => {
    const count = subnetworkCount(384);
    assert.strictEqual(count, 2n ** 384n);
    assert.strictEqual(count.toString(),
      '39402006196394479212279040100143613805079739270465446667948293404245721771497210611414266254884915640806627990306816');
    assert.strictEqual(count.toString().length, 116); // ≈ 3.9 × 10^115
  });

  it('keep masks from sampleKeepMask are 0/1 with the requested rate', () => {
    const m = sampleKeepMask(new Rng(15), 0.25, 50000);
    let kept = 0;
    for (const v of m) {
      assert.ok(v === 0 || v === 1);
      kept += v;
    }
    assertBinomial(kept, 50000, 0.25, 'kept');
  });
});
