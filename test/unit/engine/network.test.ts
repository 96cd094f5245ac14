import * as assert from 'assert';
import {
  EVAL_MODE, MC_MODE, Network, TRAIN_MODE, meanSquaredError, softmaxCrossEntropy, type Activation, type NetworkSpec, type PassMode,
} from '../../../src/engine/network';
import { Optimizer, clipColumns } from '../../../src/engine/optimizer';
import { Rng } from '../../../src/engine/rng';
import { assertClose, fixture } from './helpers';

interface GradientFixture {
  rows: number; sizes: number[]; rates: { input: number; layer0: number; layer1: number };
  x: number[]; labels: number[]; weights: number[][]; biases: number[][]; gamma: number[]; beta: number[];
  inputMask: number[]; masks: number[][];
  crossEntropy: { loss: number; gradWeights: number[][]; gradBiases: number[][]; gradGamma: number[]; gradBeta: number[]; runningMean: number[]; runningVar: number[] };
  mseEval: { targets: number[]; loss: number; gradWeights: number[][]; gradBiases: number[][] };
}

function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rel = 1e-4, abs = 1e-6): void {
  assert.strictEqual(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const tol = abs + rel * Math.abs(expected[i]);
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

describe('network gradients against PyTorch (float64 autograd)', () => {
  const f = fixture<GradientFixture>('network-gradients.json');
  const build = () => {
    const net = new Network({
      inputSize: f.sizes[0],
      inputDropout: f.rates.input,
      layers: [
        { units: f.sizes[1], activation: 'tanh', dropout: f.rates.layer0, batchNorm: true },
        { units: f.sizes[2], activation: 'selu', dropout: f.rates.layer1 },
        { units: f.sizes[3], activation: 'sigmoid' },
        { units: f.sizes[4], activation: 'linear' },
      ],
      loss: 'softmax-cross-entropy',
    }, 1);
    net.layers.forEach((layer, l) => {
      layer.weights.set(f.weights[l]);
      layer.bias.set(f.biases[l]);
    });
    net.layers[0].batchNorm!.gamma.set(f.gamma);
    net.layers[0].batchNorm!.beta.set(f.beta);
    return net;
  };
  const x = new Float32Array(f.x);

  it('eval mode (BN running statistics, no dropout) with MSE: loss and every gradient', () => {
    const net = build();
    const out = net.forward(x, f.rows, EVAL_MODE);
    const grad = new Float32Array(out.length);
    const { lossSum } = meanSquaredError(out, f.mseEval.targets, f.rows, f.sizes[4], grad);
    assertClose(lossSum / f.rows, f.mseEval.loss, 1e-5, 'mse loss');
    net.backward(grad);
    net.layers.forEach((layer, l) => {
      assertAllClose(layer.gradWeights, f.mseEval.gradWeights[l], `mse dW${l}`);
      assertAllClose(layer.gradBias, f.mseEval.gradBiases[l], `mse db${l}`);
    });
  });

  it('training mode with fixed dropout masks, BatchNorm batch statistics and cross-entropy', () => {
    const net = build();
    const mode: PassMode = { ...TRAIN_MODE(0), masks: [Uint8Array.from(f.inputMask), Uint8Array.from(f.masks[0]), Uint8Array.from(f.masks[1])] };
    const out = net.forward(x, f.rows, mode);
    const grad = new Float32Array(out.length);
    const { lossSum } = softmaxCrossEntropy(out, f.labels, f.rows, f.sizes[4], grad);
    assertClose(lossSum / f.rows, f.crossEntropy.loss, 1e-5, 'cross-entropy loss');
    net.backward(grad);
    net.layers.forEach((layer, l) => {
      assertAllClose(layer.gradWeights, f.crossEntropy.gradWeights[l], `ce dW${l}`);
      assertAllClose(layer.gradBias, f.crossEntropy.gradBiases[l], `ce db${l}`, 1e-4, 1e-6);
    });
    const bn = net.layers[0].batchNorm!;
    assertAllClose(bn.gradGamma, f.crossEntropy.gradGamma, 'dgamma');
    assertAllClose(bn.gradBeta, f.crossEntropy.gradBeta, 'dbeta');
    assertAllClose(bn.runningMean, f.crossEntropy.runningMean, 'running mean', 1e-5);
    assertAllClose(bn.runningVar, f.crossEntropy.runningVar, 'running var', 1e-5);
  });
});

/** Central finite differences of the mean loss w.r.t. sampled entries of every parameter tensor. */
function finiteDifferenceCheck(spec: NetworkSpec, rows: number, mode: PassMode, seed: number, h = 1e-2): void {
  const net = new Network(spec, seed);
  const rng = new Rng(seed, 99);
  const x = new Float32Array(rows * spec.inputSize);
  rng.fillGaussian(x);
  const outputs = spec.layers[spec.layers.length - 1].units;
  const labels = Array.from({ length: rows }, () => rng.nextInt(outputs));
  const targets = Array.from({ length: rows * outputs }, () => rng.nextGaussian());
  const loss = (grad: Float32Array | null): number => {
    const out = net.forward(x, rows, mode);
    return spec.loss === 'mse'
      ? meanSquaredError(out, targets, rows, outputs, grad).lossSum / rows
      : softmaxCrossEntropy(out, labels, rows, outputs, grad).lossSum / rows;
  };
  const grad = new Float32Array(rows * outputs);
  loss(grad);
  net.backward(grad);
  const analytic = net.parameters().map((p) => ({ name: p.name, value: p.value, grad: p.grad.slice() }));
  for (const { name, value, grad: g } of analytic) {
    const picks = value.length <= 12 ? Array.from(value.keys()) : Array.from({ length: 12 }, () => rng.nextInt(value.length));
    for (const i of picks) {
      const original = value[i];
      value[i] = original + h;
      const up = value[i];
      const lossUp = loss(null);
      value[i] = original - h;
      const down = value[i];
      const lossDown = loss(null);
      value[i] = original;
      const numeric = (lossUp - lossDown) / (up - down);
      assert.ok(Math.abs(numeric - g[i]) <= 2e-3 + 2e-2 * Math.abs(numeric), `${name}[${i}]: analytic ${g[i]} vs numeric ${numeric}`);
    }
  }
}

describe('network gradients against finite differences', () => {
  const smooth: Activation[] = ['tanh', 'sigmoid', 'selu', 'linear'];
  for (const activation of smooth) {
    it(`${activation} layers with input and hidden dropout (mask replayed by step), cross-entropy`, () => {
      finiteDifferenceCheck({
        inputSize: 6, inputDropout: 0.2,
        layers: [{ units: 8, activation, dropout: 0.5 }, { units: 7, activation, dropout: 0.3 }, { units: 4, activation: 'linear' }],
        loss: 'softmax-cross-entropy',
      }, 5, TRAIN_MODE(3), 21);
    });
  }

  it('ReLU layers with dropout (small step away from kinks), MSE', () => {
    finiteDifferenceCheck({
      inputSize: 5,
      layers: [{ units: 9, activation: 'relu', dropout: 0.5 }, { units: 3, activation: 'linear' }],
      loss: 'mse',
    }, 4, TRAIN_MODE(1), 22, 1e-3);
  });

  it('BatchNorm in training mode (batch statistics) and in eval mode (running statistics)', () => {
    const spec: NetworkSpec = {
      inputSize: 4,
      layers: [{ units: 6, activation: 'tanh', batchNorm: true, dropout: 0.25 }, { units: 5, activation: 'sigmoid', batchNorm: true }, { units: 3, activation: 'linear' }],
      loss: 'softmax-cross-entropy',
    };
    finiteDifferenceCheck(spec, 8, TRAIN_MODE(2), 23);
    finiteDifferenceCheck(spec, 8, { ...EVAL_MODE }, 24);
    finiteDifferenceCheck(spec, 8, MC_MODE(5), 25);
  });
});

describe('modes, masks and replay', () => {
  const spec: NetworkSpec = {
    inputSize: 10, inputDropout: 0.2,
    layers: [{ units: 32, activation: 'relu', dropout: 0.5 }, { units: 3, activation: 'linear' }],
    loss: 'softmax-cross-entropy',
  };
  const x = new Float32Array(40).map((_, i) => Math.sin(i));

  it('eval mode is deterministic and equals the train-mode average in expectation (linear path)', () => {
    const net = new Network({ ...spec, layers: [{ units: 32, activation: 'linear', dropout: 0.5 }, { units: 3, activation: 'linear' }] }, 5);
    const evalOut = net.forward(x, 4, EVAL_MODE).slice();
    assert.deepStrictEqual(net.forward(x, 4, EVAL_MODE).slice(), evalOut);
    const avg = new Float64Array(evalOut.length);
    const trials = 4000;
    for (let t = 0; t < trials; t++) {
      const out = net.forward(x, 4, TRAIN_MODE(t));
      for (let i = 0; i < avg.length; i++) avg[i] += out[i] / trials;
    }
    for (let i = 0; i < avg.length; i++) assert.ok(Math.abs(avg[i] - evalOut[i]) < 0.05 + 0.05 * Math.abs(evalOut[i]), `output ${i}: ${avg[i]} vs ${evalOut[i]}`);
  });

  it('the same step replays the same masks; another step samples new ones', () => {
    const net = new Network(spec, 6);
    const a = net.forward(x, 4, TRAIN_MODE(7)).slice();
    const b = net.forward(x, 4, TRAIN_MODE(7)).slice();
    const c = net.forward(x, 4, TRAIN_MODE(8)).slice();
    assert.deepStrictEqual(a, b);
    assert.notDeepStrictEqual(a, c);
  });

  it('rejects invalid rates and sizes with clear messages', () => {
    assert.throws(() => new Network({ ...spec, inputDropout: 1 }, 1), /input: dropout rate must be in \[0, 1\)/);
    assert.throws(() => new Network({ ...spec, layers: [{ units: 0, activation: 'relu' }] }, 1), /units must be a positive integer/);
    assert.throws(() => new Network({ ...spec, layers: [] }, 1), /at least one layer/);
  });
});

describe('optimisers against torch.optim', () => {
  interface OptimFixture { initial: number[]; target: number[]; sgd: number[][]; adam: number[][] }
  const f = fixture<OptimFixture>('optimizers.json');
  const scales = [1, 2, 3, 4, 5, 6];

  for (const kind of ['sgd', 'adam'] as const) {
    it(`${kind} with weight decay follows PyTorch's update rule for 3 steps`, () => {
      const net = new Network({ inputSize: 6, layers: [{ units: 1, activation: 'linear' }], loss: 'mse' }, 1);
      const w = net.layers[0].weights;
      w.set(f.initial);
      const opt = kind === 'sgd'
        ? new Optimizer(net, { kind, learningRate: 0.05, momentum: 0.9, weightDecay: 0.01 })
        : new Optimizer(net, { kind, learningRate: 0.1, weightDecay: 0.01 });
      for (let step = 0; step < 3; step++) {
        for (let i = 0; i < 6; i++) net.layers[0].gradWeights[i] = 2 * scales[i] * (w[i] - f.target[i]);
        net.layers[0].gradBias[0] = 0;
        opt.step();
        assertAllClose(w, f[kind][step], `${kind} step ${step + 1}`, 1e-5, 1e-6);
      }
      assert.strictEqual(net.layers[0].bias[0], 0, 'biases get no weight decay');
    });
  }

  it('max-norm clips each unit\'s incoming weights to norm c (hand-computed)', () => {
    // 2 inputs × 2 units, column 0 = (3, 4) has norm 5 → (1.2, 1.6) for c = 2; column 1 = (1, 1) stays.
    const w = new Float32Array([3, 1, 4, 1]);
    clipColumns(w, 2, 2, 2);
    assertAllClose(w, [1.2, 1, 1.6, 1], 'clipped', 1e-6);
  });
});
