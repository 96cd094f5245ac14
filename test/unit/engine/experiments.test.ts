import * as assert from 'assert';
import { runExperiment } from '../../../src/engine/experiments';
import { dropoutClosedForm, makeRegressionProblem, solveSpd } from '../../../src/engine/experiments/l2Equivalence';
import { varianceShiftFormula } from '../../../src/engine/experiments/varianceShift';
import { expectedDropBlockKeepRate } from '../../../src/engine/experiments/variants';
import { invertedScale } from '../../../src/engine/masks';
import type {
  InvertedVsStandardResult, L2EquivalenceResult, NetworkMaskResult, VarianceShiftResult, VariantsResult,
} from '../../../src/engine/protocol';
import { assertBinomial, assertClose } from './helpers';

describe('experiment: network-mask', () => {
  it('neuron mode: connections active iff both units are kept; output never dropped; 2^16 sub-networks', async () => {
    const r = await runExperiment({ experiment: 'network-mask', seed: 3 }) as NetworkMaskResult;
    const sizes = r.config.layerSizes;
    assert.deepStrictEqual(sizes, [4, 6, 6, 3]);
    assert.deepStrictEqual(r.unitMasks[3], [1, 1, 1]);
    for (let l = 0; l + 1 < sizes.length; l++) {
      for (let o = 0; o < sizes[l + 1]; o++) {
        for (let i = 0; i < sizes[l]; i++) {
          assert.strictEqual(r.weightMasks[l][o * sizes[l] + i], r.unitMasks[l][i] & r.unitMasks[l + 1][o]);
        }
      }
    }
    assert.deepStrictEqual(r.keptUnits, r.unitMasks.map((m) => m.filter((v) => v === 1).length));
    assert.strictEqual(r.droppable, 16);
    assert.strictEqual(r.subnetworkCount, '65536');
    assertClose(r.subnetworkCountLog10, Math.log10(65536), 1e-12, 'log10');
  });

  it('resampling gives a new mask, replaying a sample gives the same one', async () => {
    const a = await runExperiment({ experiment: 'network-mask', sample: 4 }) as NetworkMaskResult;
    const b = await runExperiment({ experiment: 'network-mask', sample: 4 }) as NetworkMaskResult;
    assert.deepStrictEqual(a.unitMasks, b.unitMasks);
    const masks = new Set<string>();
    for (let s = 0; s < 20; s++) masks.add(JSON.stringify(((await runExperiment({ experiment: 'network-mask', sample: s })) as NetworkMaskResult).unitMasks));
    assert.ok(masks.size > 10, `only ${masks.size} distinct masks in 20 samples`);
  });

  it('DropConnect mode keeps every unit and drops connections at the layer rate', async () => {
    let kept = 0;
    let total = 0;
    for (let s = 0; s < 50; s++) {
      const r = await runExperiment({ experiment: 'network-mask', mode: 'dropconnect', layerSizes: [8, 8, 2], rates: [0.3, 0.3, 0], sample: s }) as NetworkMaskResult;
      assert.ok(r.unitMasks.every((m) => m.every((v) => v === 1)));
      assert.strictEqual(r.droppable, 64 + 16);
      for (const m of r.weightMasks) for (const v of m) kept += v;
      total += 80;
    }
    assertBinomial(kept, total, 0.7, 'connections kept');
  });
});

describe('experiment: inverted-vs-standard', () => {
  it('shows x·m and x·q (standard) vs x·m/q and x (inverted) with the right expected sums', async () => {
    const r = await runExperiment({ experiment: 'inverted-vs-standard', p: 0.3, activations: [1, 2, 3, 4], trials: 20000 }) as InvertedVsStandardResult;
    const q = 0.7;
    const scale = invertedScale(0.3);
    assert.strictEqual(r.scale, scale);
    r.original.forEach((x, i) => {
      assert.strictEqual(r.standard.train[i], x * r.mask[i]);
      assert.strictEqual(r.standard.test[i], Math.fround(x * Math.fround(q)));
      assert.strictEqual(r.inverted.train[i], r.mask[i] ? Math.fround(x * scale) : 0);
      assert.strictEqual(r.inverted.test[i], x);
    });
    assert.deepStrictEqual(r.expectedSums, { standardTrain: 7, standardTest: 7, invertedTrain: 10, invertedTest: 10 });
    // Σ x m has variance q(1 − q)Σx² = 0.21 · 30 = 6.3 per trial.
    const sd = Math.sqrt(6.3 / 20000);
    assert.ok(Math.abs(r.meanSums.standardTrain - 7) < 5 * sd, `standard mean sum ${r.meanSums.standardTrain}`);
    assert.ok(Math.abs(r.meanSums.invertedTrain - 10) < (5 * sd) / q, `inverted mean sum ${r.meanSums.invertedTrain}`);
  });
});

describe('experiment: variants', () => {
  it('keep rates within binomial bounds, expectations preserved, alpha keeps variance 1', async () => {
    const trials = 200;
    const r = await runExperiment({ experiment: 'variants', p: 0.3, trials }) as VariantsResult;
    const { channels: C, height: H, width: W } = r.config;
    const byName = Object.fromEntries(r.variants.map((v) => [v.name, v]));
    assert.deepStrictEqual(Object.keys(byName), ['standard', 'spatial', 'dropblock', 'alpha', 'gaussian', 'dropconnect']);
    const n = C * H * W;
    assertBinomial(Math.round(byName.standard.stats.keepRate! * trials * n), trials * n, 0.7, 'standard');
    assertBinomial(Math.round(byName.spatial.stats.keepRate! * trials * C), trials * C, 0.7, 'spatial channels');
    assertBinomial(Math.round(byName.alpha.stats.keepRate! * trials * n), trials * n, 0.7, 'alpha');
    assertBinomial(Math.round(byName.dropconnect.stats.keepRate! * trials * C * C), trials * C * C, 0.7, 'dropconnect weights');
    assert.strictEqual(byName.gaussian.stats.keepRate, null);
    // DropBlock's keep rate follows from gamma and the number of seeds covering each unit.
    assertClose(r.dropBlockGamma, (0.3 * 16 * 16) / (25 * 12 * 12), 1e-12, 'gamma');
    assertClose(byName.dropblock.stats.keepRate!, byName.dropblock.stats.expectedKeepRate!, 0.03, 'dropblock keep rate');
    for (const v of r.variants) {
      // The input is standardised: a preserved expectation means an output mean near the eval mean.
      assert.ok(Math.abs(v.stats.outputMean - v.stats.inputMean) < 0.03, `${v.name}: mean ${v.stats.outputMean} vs ${v.stats.inputMean}`);
      assert.strictEqual(v.values.length, n);
    }
    assertClose(byName.alpha.stats.outputVariance, 1, 0.03, 'alpha variance');
    assertClose(byName.gaussian.stats.outputVariance, 1 + 0.3 / 0.7, 0.05, 'gaussian variance = E[x²](1 + σ²)');
    // Spatial masks are constant over each channel.
    const spatialMask = byName.spatial.mask;
    for (let c = 0; c < C; c++) assert.ok(spatialMask.slice(c * H * W, (c + 1) * H * W).every((m) => m === spatialMask[c * H * W]));
  });

  it('expected DropBlock keep rate: hand-computed for a 3×3 map with 1×1 blocks is 1 − gamma', () => {
    assertClose(expectedDropBlockKeepRate(0.2, 3, 3, 1), 0.8, 1e-12, 'bs = 1');
    // 3×3 map, bs = 3: a single seed position covers every unit.
    assertClose(expectedDropBlockKeepRate(0.4, 3, 3, 3), 0.6, 1e-12, 'bs = 3');
  });
});

describe('experiment: variance-shift', () => {
  it('measured train/test variances match (1/q)(c² + v) − c² and v; BN normalises test outputs to the ratio', async () => {
    for (const [p, c, v] of [[0.5, 0, 1], [0.2, 1, 2], [0.5, 2, 0.5]]) {
      const r = await runExperiment({ experiment: 'variance-shift', p, mean: c, variance: v, samples: 400000 }) as VarianceShiftResult;
      const f = varianceShiftFormula(p, c, v);
      assertClose(r.measured.trainVariance, f.trainVariance, 0.02, `train variance p=${p} c=${c} v=${v}`);
      assertClose(r.measured.testVariance, v, 0.02, 'test variance');
      assertClose(r.batchNorm.runningVariance, f.trainVariance, 0.1, 'BN running variance');
      assertClose(r.batchNorm.testOutputVariance, f.ratio, 0.1, 'BN test output variance');
    }
    // c = 0: the ratio is exactly q.
    assert.strictEqual(varianceShiftFormula(0.5, 0, 1).ratio, 0.5);
    assertClose(varianceShiftFormula(0.2, 1, 2).trainVariance, 3 / 0.8 - 1, 1e-12, 'hand formula');
  });
});

describe('experiment: l2-equivalence', () => {
  it('closed form solves the normal equations of the dropout-penalised objective (hand case and random case)', () => {
    // One feature x = (1, 2), y = (1, 1), q = 1/2: w* = Xᵀy / (XᵀX + XᵀX) = 3 / 10.
    const w = dropoutClosedForm({ rows: 2, features: 1, x: Float64Array.from([1, 2]), y: Float64Array.from([1, 1]) }, 0.5).w;
    assertClose(w[0], 0.3, 1e-12, 'hand w*');
    const problem = makeRegressionProblem(50, 4, 9);
    const q = 0.6;
    const { w: ws } = dropoutClosedForm(problem, q);
    // Gradient of ‖y − Xw‖² + ((1 − q)/q) Σ_j (XᵀX)_jj w_j² at w*, computed directly from the rows.
    for (let j = 0; j < 4; j++) {
      let g = 0;
      let diag = 0;
      for (let r = 0; r < 50; r++) {
        let pred = 0;
        for (let k = 0; k < 4; k++) pred += problem.x[r * 4 + k] * ws[k];
        g += 2 * problem.x[r * 4 + j] * (pred - problem.y[r]);
        diag += problem.x[r * 4 + j] ** 2;
      }
      g += 2 * ((1 - q) / q) * diag * ws[j];
      assert.ok(Math.abs(g) < 1e-9, `gradient ${j}: ${g}`);
    }
    const solved = solveSpd(Float64Array.from([4, 2, 2, 3]), Float64Array.from([2, 1]), 2);
    assertClose(solved[0], 0.5, 1e-12, 'spd x');
    assertClose(solved[1], 0, 0, 'spd y', 1e-12);
  });

  it('SGD with inverted input dropout converges to w* within 1e-3 relative (and not to least squares)', async function () {
    this.timeout(300000);
    const r = await runExperiment({ experiment: 'l2-equivalence', p: 0.5, steps: 100000 }) as L2EquivalenceResult;
    assert.ok(r.relativeError < 1e-3, `relative error ${r.relativeError}`);
    let far = 0;
    let norm = 0;
    r.leastSquares.forEach((v, j) => {
      far += (v - r.closedForm[j]) ** 2;
      norm += r.closedForm[j] ** 2;
    });
    assert.ok(Math.sqrt(far / norm) > 0.1, 'dropout shrinks the solution away from least squares');
    assert.strictEqual(r.curve[r.curve.length - 1].relativeError, r.relativeError);
  });
});
