import * as assert from 'assert';
import { createEngineWorkerCore } from '../../../src/engine/workerCore';
import {
  DEFAULT_CONFIGS, EXPERIMENT_NAMES, resolveConfig, validateRequest, type EngineResponse, type ExperimentConfig,
} from '../../../src/engine/protocol';

function refused(config: unknown): string {
  const v = validateRequest({ type: 'start', id: 'x', config });
  assert.ok(!v.ok, `expected ${JSON.stringify(config)} to be refused`);
  return v.message;
}

describe('engine protocol validation', () => {
  it('fills every default and keeps explicit values', () => {
    for (const name of EXPERIMENT_NAMES) {
      assert.deepStrictEqual(resolveConfig({ experiment: name } as ExperimentConfig), DEFAULT_CONFIGS[name]);
    }
    const r = resolveConfig({ experiment: 'overfitting', dropout: 0.3, epochs: 5 });
    assert.strictEqual(r.dropout, 0.3);
    assert.strictEqual(r.inputDropout, 0.3, 'input dropout follows the hidden rate unless given');
    assert.strictEqual(resolveConfig({ experiment: 'overfitting', dropout: 0.3, inputDropout: 0.1 }).inputDropout, 0.1);
    assert.strictEqual(r.epochs, 5);
  });

  it('refuses rates outside [0, 1) with a message naming the field', () => {
    assert.match(refused({ experiment: 'overfitting', dropout: 1 }), /dropout must be a number in \[0, 1\), got 1/);
    assert.match(refused({ experiment: 'overfitting', dropout: -0.1 }), /dropout/);
    assert.match(refused({ experiment: 'inverted-vs-standard', p: 1.5 }), /p must be/);
    assert.match(refused({ experiment: 'variance-shift', p: Number.NaN }), /p must be/);
    assert.match(refused({ experiment: 'network-mask', rates: [0.5, 0.5, 0.5, 0.2] }), /output layer is never dropped/);
  });

  it('refuses empty or absurd layer sizes and configs over the memory cap', () => {
    assert.match(refused({ experiment: 'overfitting', hiddenSizes: [] }), /hiddenSizes must be a list of 1\.\.6 integers/);
    assert.match(refused({ experiment: 'overfitting', hiddenSizes: [0] }), /hiddenSizes\[0\]/);
    assert.match(refused({ experiment: 'overfitting', hiddenSizes: [1e9] }), /hiddenSizes\[0\]/);
    assert.match(refused({ experiment: 'overfitting', hiddenSizes: [4096, 4096] }), /parameters, more than the limit/);
    assert.match(refused({ experiment: 'ensembles', trainSize: 2500, testSize: 1000 }), /at most 3000/);
    assert.match(refused({ experiment: 'network-mask', layerSizes: [4, 2], rates: [0.5, 0, 0] }), /one entry per layer/);
    assert.match(refused({ experiment: 'variants', blockSize: 4 }), /must be odd/);
    assert.match(refused({ experiment: 'variants', blockSize: 9, height: 5 }), /does not fit/);
  });

  it('refuses malformed requests: unknown experiment, unknown field, wrong types, missing id', () => {
    assert.match(refused({ experiment: 'mystery' }), /unknown experiment "mystery"/);
    assert.match(refused({ experiment: 'overfitting', epoch: 3 }), /unknown field 'epoch'/);
    assert.match(refused({ experiment: 'overfitting', epochs: '3' }), /epochs must be an integer/);
    assert.match(refused(null), /config must be an object/);
    const noId = validateRequest({ type: 'start', config: { experiment: 'overfitting' } });
    assert.ok(!noId.ok && /id must be a non-empty string/.test(noId.message));
    const badType = validateRequest({ type: 'go', id: 'a' });
    assert.ok(!badType.ok && /unknown request type/.test(badType.message));
    assert.ok(!validateRequest('start').ok);
  });
});

describe('engine worker core', () => {
  function collect() {
    const messages: EngineResponse[] = [];
    const core = createEngineWorkerCore((m) => messages.push(m));
    return { messages, core };
  }

  it('answers a valid request with progress then one result', async () => {
    const { messages, core } = collect();
    await core.handle({ type: 'start', id: 'r1', config: { experiment: 'network-mask' } });
    assert.deepStrictEqual(messages.map((m) => m.type), ['progress', 'result']);
    const result = messages[1];
    assert.ok(result.type === 'result' && result.id === 'r1' && result.experiment === 'network-mask');
  });

  it('refuses invalid requests with an invalid-request error carrying the id', async () => {
    const { messages, core } = collect();
    await core.handle({ type: 'start', id: 'r2', config: { experiment: 'overfitting', dropout: 2 } });
    assert.strictEqual(messages.length, 1);
    const error = messages[0];
    assert.ok(error.type === 'error' && error.id === 'r2' && error.reason === 'invalid-request');
    assert.match(error.message, /dropout must be a number in \[0, 1\)/);
  });

  it('cancels a running experiment at its next epoch and answers cancelled', async function () {
    this.timeout(120000);
    const { messages, core } = collect();
    const done = core.handle({ type: 'start', id: 'r3', config: { experiment: 'overfitting', epochs: 1000, hiddenSizes: [16], trainSize: 50, testSize: 50 } });
    assert.ok(core.running.has('r3'));
    // Cancel as soon as the first epoch has been reported.
    while (!messages.some((m) => m.type === 'progress')) await new Promise((resolve) => setImmediate(resolve));
    await core.handle({ type: 'cancel', id: 'r3' });
    await done;
    const last = messages[messages.length - 1];
    assert.deepStrictEqual(last, { type: 'cancelled', id: 'r3' });
    assert.ok(messages.filter((m) => m.type === 'progress').length < 1000);
    assert.ok(!core.running.has('r3'));
  });

  it('refuses a second experiment with an id that is still running', async () => {
    const { messages, core } = collect();
    const first = core.handle({ type: 'start', id: 'dup', config: { experiment: 'l2-equivalence', steps: 1000 } });
    await core.handle({ type: 'start', id: 'dup', config: { experiment: 'network-mask' } });
    await first;
    const errors = messages.filter((m) => m.type === 'error');
    assert.strictEqual(errors.length, 1);
    assert.match((errors[0] as { message: string }).message, /already running/);
    assert.strictEqual(messages[messages.length - 1].type, 'result');
  });
});
