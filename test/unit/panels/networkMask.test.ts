import * as assert from 'assert';
import { drawnIndices, sampleNetworkMask, sampleTeam } from '../../../src/extension/panels/networkMask';
import { defaultSettings, type NetworkSettings } from '../../../src/extension/panels/protocol/network';
import { DEFAULT_NETWORK, type NetworkModelSpec } from '../../../src/extension/panels/types';

const MNIST_MLP: NetworkModelSpec = {
  name: 'mlp',
  layers: [{ label: 'in', units: 784 }, { label: 'fc1', units: 256 }, { label: 'fc2', units: 128 }, { label: 'out', units: 10 }],
};

function settings(model: NetworkModelSpec, change: Partial<NetworkSettings> = {}): NetworkSettings {
  return { ...defaultSettings(model), ...change };
}

function keptUnits(view: ReturnType<typeof sampleNetworkMask>): string {
  return view.layers.map((l) => l.drawnMask.join('')).join('|');
}

describe('network panel masks (engine generator)', () => {
  it('never drops the input or output layer, whatever rates arrive', () => {
    const view = sampleNetworkMask(DEFAULT_NETWORK, settings(DEFAULT_NETWORK, { rates: [0.9, 0.9, 0.9, 0.9] }));
    assert.strictEqual(view.layers[0].kept, 4);
    assert.strictEqual(view.layers[3].kept, 2);
    assert.strictEqual(view.layers[0].rate, 0);
    assert.strictEqual(view.layers[3].rate, 0);
  });

  it('keeps every unit at rate 0 and counts 2^0 sub-networks', () => {
    const view = sampleNetworkMask(DEFAULT_NETWORK, settings(DEFAULT_NETWORK, { rates: [0, 0, 0, 0] }));
    assert.strictEqual(view.activeUnits, 4 + 6 + 6 + 2);
    assert.strictEqual(view.activeConnections, 4 * 6 + 6 * 6 + 6 * 2);
    assert.strictEqual(view.droppable, 0);
    assert.strictEqual(view.subnetworks.exact, '1');
  });

  it('replays a mask for the same (seed, sample) and draws a new one on resample', () => {
    const s = settings(DEFAULT_NETWORK);
    const first = sampleNetworkMask(DEFAULT_NETWORK, s);
    assert.strictEqual(keptUnits(sampleNetworkMask(DEFAULT_NETWORK, s)), keptUnits(first));
    const distinct = new Set([0, 1, 2, 3, 4].map((sample) => keptUnits(sampleNetworkMask(DEFAULT_NETWORK, { ...s, sample }))));
    assert.ok(distinct.size >= 4, `resampling should change the mask, got ${distinct.size} distinct of 5`);
  });

  it('in neuron mode a connection is active iff both its units are kept', () => {
    const view = sampleNetworkMask(DEFAULT_NETWORK, settings(DEFAULT_NETWORK, { sample: 7 }));
    view.connections.forEach((c, l) => {
      assert.strictEqual(c.active, view.layers[l].kept * view.layers[l + 1].kept);
      const from = view.layers[l].drawnMask;
      const to = view.layers[l + 1].drawnMask;
      to.forEach((b, j) => from.forEach((a, i) => assert.strictEqual(c.drawnMask[j * from.length + i], a & b)));
    });
    assert.strictEqual(view.droppable, 12);
    assert.strictEqual(view.subnetworks.exact, '4096');
  });

  it('keeps about 1 - p of a large layer (binomial, 5 standard deviations)', () => {
    const model: NetworkModelSpec = { name: 'wide', layers: [{ label: 'in', units: 10 }, { label: 'h', units: 8192 }, { label: 'out', units: 1 }] };
    for (const p of [0.2, 0.5, 0.8]) {
      const kept = sampleNetworkMask(model, settings(model, { rates: [0, p, 0] })).layers[1].kept;
      const mean = 8192 * (1 - p);
      const sd = Math.sqrt(8192 * p * (1 - p));
      assert.ok(Math.abs(kept - mean) < 5 * sd, `p=${p}: kept ${kept}, expected ${mean} ± ${5 * sd}`);
    }
  });

  it('counts 2^384 sub-networks for a 784-256-128-10 MLP and draws a summary of each layer', () => {
    const view = sampleNetworkMask(MNIST_MLP, settings(MNIST_MLP, { rates: [0, 0.5, 0.5, 0] }));
    assert.strictEqual(view.droppable, 384);
    assert.strictEqual(view.subnetworks.power10, 115);
    assert.deepStrictEqual(view.layers[0].drawn, drawnIndices(784));
    assert.strictEqual(view.layers[0].drawn.length, 10);
    assert.deepStrictEqual(view.layers[0].drawn.slice(-2), [782, 783]);
    assert.strictEqual(view.totalUnits, 784 + 256 + 128 + 10);
  });

  it('DropConnect keeps every unit and drops about p of the weights read from dropped layers', () => {
    const view = sampleNetworkMask(MNIST_MLP, settings(MNIST_MLP, { rates: [0, 0.5, 0.5, 0], mode: 'dropconnect' }));
    assert.strictEqual(view.mode, 'dropconnect');
    assert.strictEqual(view.activeUnits, view.totalUnits);
    // Weights leaving the input (rate 0) stay; those leaving fc1 and fc2 are masked at 0.5.
    assert.strictEqual(view.connections[0].active, 784 * 256);
    for (const l of [1, 2]) {
      const c = view.connections[l];
      const sd = Math.sqrt(c.total * 0.25);
      assert.ok(Math.abs(c.active - c.total / 2) < 5 * sd, `layer ${l}: ${c.active} of ${c.total}`);
    }
    assert.strictEqual(view.droppable, 256 * 128 + 128 * 10);
  });

  it('refuses DropConnect on a model with more weights than it can sample, falling back to neurons', () => {
    const huge: NetworkModelSpec = { name: 'huge', layers: [{ label: 'a', units: 8192 }, { label: 'b', units: 8192 }, { label: 'c', units: 8192 }] };
    const view = sampleNetworkMask(huge, settings(huge, { mode: 'dropconnect' }));
    assert.strictEqual(view.mode, 'neuron');
    assert.match(view.dropConnectUnavailable ?? '', /DropConnect needs a mask over all 134,217,728 weights/);
  });

  it('benches players at the team rate, everyone plays at rate 0', () => {
    const s = settings(DEFAULT_NETWORK);
    assert.strictEqual(sampleTeam({ ...s, teamRate: 0 }).playing.join(''), '11111111111');
    let benched = 0;
    for (let sample = 0; sample < 200; sample++) benched += sampleTeam({ ...s, teamRate: 0.3, teamSample: sample }).playing.filter((p) => p === 0).length;
    const mean = 200 * 11 * 0.3;
    assert.ok(Math.abs(benched - mean) < 5 * Math.sqrt(200 * 11 * 0.21), `benched ${benched} of ${200 * 11}`);
  });
});
