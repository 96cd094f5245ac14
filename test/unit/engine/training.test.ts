// The acceptance bars of the digits experiments. These train real models on the MNIST subset, so
// they take a few seconds of CPU each.
import * as assert from 'assert';
import { runExperiment } from '../../../src/engine/experiments';
import { trainOverfittingRun } from '../../../src/engine/experiments/overfitting';
import { loadMnistSubset, splitDigits } from '../../../src/engine/data/mnist';
import { DEFAULT_CONFIGS, type EnsemblesResult, type EpochMetrics } from '../../../src/engine/protocol';
import { gaussianBlobs, sineWithGap, twoMoons } from '../../../src/engine/data/synthetic';
import { ClassifierTrainer, evaluateClassifier } from '../../../src/engine/trainer';

const overfittingDefaults = DEFAULT_CONFIGS.overfitting;

function settings(dropout: number, epochs: number, seed = 1) {
  const { hiddenSizes, trainSize, testSize, batchSize, learningRate, momentum } = overfittingDefaults;
  return { seed, epochs, dropout, inputDropout: dropout, hiddenSizes, trainSize, testSize, batchSize, learningRate, momentum };
}

describe('MNIST subset', () => {
  it('has 300 digits of each class with pixels in [0, 1], and splits disjointly and reproducibly', () => {
    const data = loadMnistSubset();
    assert.strictEqual(data.count, 3000);
    const perClass = new Array(10).fill(0);
    for (const label of data.labels) perClass[label]++;
    assert.deepStrictEqual(perClass, new Array(10).fill(300));
    let min = Infinity;
    let max = -Infinity;
    for (const v of data.images) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    assert.strictEqual(min, 0);
    assert.strictEqual(max, 1);
    const a = splitDigits(data, 100, 50, 7);
    const b = splitDigits(data, 100, 50, 7);
    assert.deepStrictEqual(a.train.labels, b.train.labels);
    assert.notDeepStrictEqual(splitDigits(data, 100, 50, 8).train.labels, a.train.labels);
    const key = (images: Float32Array, k: number) => images.subarray(k * 784, (k + 1) * 784).join(',');
    const trainImages = new Set(Array.from({ length: 100 }, (_, k) => key(a.train.images, k)));
    for (let k = 0; k < 50; k++) assert.ok(!trainImages.has(key(a.test.images, k)), `test digit ${k} is also a training digit`);
  });
});

describe('experiment: overfitting (CLI defaults)', () => {
  it('the same seed gives identical metrics', async function () {
    this.timeout(300000);
    const first = JSON.stringify(await trainOverfittingRun(settings(0.5, 3), () => undefined));
    const second = JSON.stringify(await trainOverfittingRun(settings(0.5, 3), () => undefined));
    assert.strictEqual(first, second);
  });

  it('after 50 epochs the gap without dropout is at least 3× the gap with dropout 0.5, and test loss is lower with dropout', async function () {
    this.timeout(600000);
    const streamed: EpochMetrics[] = [];
    const baseline = await trainOverfittingRun(settings(0, 50), (m) => {
      streamed.push(m);
    });
    const withDropout = await trainOverfittingRun(settings(0.5, 50), () => undefined);
    assert.deepStrictEqual(streamed, baseline, 'every epoch is streamed');
    const last = (run: EpochMetrics[]) => run[run.length - 1];
    const gapBaseline = last(baseline).testLoss - last(baseline).trainLoss;
    const gapDropout = last(withDropout).testLoss - last(withDropout).trainLoss;
    assert.ok(gapBaseline >= 3 * gapDropout, `gaps ${gapBaseline} vs ${gapDropout}`);
    assert.ok(gapBaseline > 0.3, `the baseline overfits clearly (gap ${gapBaseline})`);
    assert.ok(last(withDropout).testLoss < last(baseline).testLoss, 'test loss lower with dropout');
    assert.ok(last(baseline).trainAccuracy > 0.99, 'the baseline memorises its training digits');
    assert.ok(last(withDropout).testAccuracy >= last(baseline).testAccuracy - 0.01, 'dropout does not cost test accuracy');
  });
});

describe('experiment: ensembles', () => {
  it('2^384 sub-networks for 256 + 128 units; MC averaging of 50 passes within 1 % accuracy of weight scaling', async function () {
    this.timeout(600000);
    const fractions: number[] = [];
    const r = await runExperiment(
      { experiment: 'ensembles', epochs: 8, trainSize: 1500, testSize: 1000, ks: [1, 5, 50], regressionSamples: 20 },
      { onProgress: (p) => fractions.push(p.fraction) },
    ) as EnsemblesResult;
    assert.strictEqual(r.droppableUnits, 384);
    assert.strictEqual(BigInt(r.subnetworkCount), 2n ** 384n);
    assertCloseTo(r.subnetworkCountLog10, 115.595, 1e-3);
    assert.ok(r.weightScaling.accuracy > 0.85, `the digits model learned (${r.weightScaling.accuracy})`);
    const mc50 = r.monteCarlo.find((m) => m.k === 50)!;
    assert.ok(Math.abs(mc50.accuracy - r.weightScaling.accuracy) <= 0.01, `MC50 ${mc50.accuracy} vs weight scaling ${r.weightScaling.accuracy}`);
    const mc1 = r.monteCarlo.find((m) => m.k === 1)!;
    assert.ok(mc1.loss > mc50.loss, 'one sampled sub-network is worse than the average of 50');
    // Srivastava et al. Fig. 11: around k = 50 the MC average and weight scaling become the same
    // predictor, so their predictions agree on almost every digit, more than one sampled sub-network does.
    assert.ok(mc50.agreement >= 0.97, `MC50 agrees with weight scaling on ${mc50.agreement} of the digits`);
    assert.ok(mc1.agreement < mc50.agreement, `agreement grows with k (${mc1.agreement} < ${mc50.agreement})`);
    assert.ok(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]) && fractions[fractions.length - 1] === 1);
    assert.strictEqual(r.regression.mean.length, r.regression.x.length);
    assert.ok(r.regression.std.every((s) => s >= 0) && r.regression.std.some((s) => s > 0));
  });
});

function assertCloseTo(actual: number, expected: number, tolerance: number): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} vs ${expected}`);
}

describe('synthetic data sets', () => {
  it('two moons: a small MLP with dropout separates them; blobs and the sine gap have the promised layout', () => {
    const moons = twoMoons(400, 0.1, 1);
    assert.strictEqual(moons.labels.filter((l) => l === 1).length, 200);
    const trainer = new ClassifierTrainer({
      inputSize: 2, classes: 2, hiddenSizes: [32, 32], dropout: 0.1, inputDropout: 0, batchSize: 32,
      optimizer: { kind: 'adam', learningRate: 0.01 }, seed: 1,
    }, moons);
    for (let e = 0; e < 60; e++) trainer.runEpoch();
    assert.ok(evaluateClassifier(trainer.network, twoMoons(400, 0.1, 2)).accuracy > 0.95);
    const blobs = gaussianBlobs(300, 3, 4, 0.1, 1);
    for (let i = 0; i < blobs.count; i++) {
      const angle = (2 * Math.PI * blobs.labels[i]) / 3;
      assert.ok(Math.abs(blobs.images[i * 4] - 2 * Math.cos(angle)) < 0.6);
    }
    const sine = sineWithGap(40, 0.1, 1);
    assert.ok(sine.x.every((x) => (x >= -1 && x <= -0.2) || (x >= 0.3 && x <= 1)));
  });
});
