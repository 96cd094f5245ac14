import * as assert from 'assert';
import {
  parseLossCurvesFromWebview, parseLossCurvesState, parseLossCurvesToWebview, parseHiddenSizesText, LOSS_CURVES_LIMITS,
} from '../../../src/extension/panels/protocol/lossCurves';
import { parseNetworkFromWebview, parseNetworkState, parseNetworkToWebview, parseModelSpec } from '../../../src/extension/panels/protocol/network';
import { parseExperimentFromWebview, parseExperimentState, parseExperimentToWebview } from '../../../src/extension/panels/protocol/experiment';
import { INVERTED_CODEC } from '../../../src/extension/panels/protocol/inverted';
import { VARIANTS_CODEC } from '../../../src/extension/panels/protocol/variants';
import { DEFAULT_NETWORK } from '../../../src/extension/panels/types';

const epoch = (n: number, trainLoss = 1 / n, testLoss = 2 / n) => ({ epoch: n, trainLoss, testLoss, trainAccuracy: 0.5, testAccuracy: 0.4 });

describe('panel messages: webview → host', () => {
  it('ignores unknown, malformed and oversized message types', () => {
    for (const raw of [null, 42, 'start', [], {}, { type: 'eval' }, { type: 'start'.repeat(20) }, { type: { toString: () => 'start' } }]) {
      assert.strictEqual(parseLossCurvesFromWebview(raw), undefined, JSON.stringify(raw));
      assert.strictEqual(parseNetworkFromWebview(raw, DEFAULT_NETWORK), undefined);
      assert.strictEqual(parseExperimentFromWebview(INVERTED_CODEC, raw), undefined);
    }
  });

  it('clamps training controls into the panel limits', () => {
    const m = parseLossCurvesFromWebview({ type: 'start', controls: { p: 1.5, epochs: 1e9, hiddenSizes: [1e6, -3, 'x', 64, 64, 64, 64], trainSize: 5, seed: -1 } });
    assert.deepStrictEqual(m, {
      type: 'start',
      controls: { p: 0.9, epochs: LOSS_CURVES_LIMITS.maxEpochs, hiddenSizes: [2048, 1, 64, 64], trainSize: LOSS_CURVES_LIMITS.minTrainSize, seed: 0 },
    });
  });

  it('accepts only a bounded base64 PNG data URL for export', () => {
    assert.ok(parseLossCurvesFromWebview({ type: 'exportPng', dataUrl: 'data:image/png;base64,iVBORw0KGgo=' }));
    assert.strictEqual(parseLossCurvesFromWebview({ type: 'exportPng', dataUrl: 'data:text/html;base64,PHNjcmlwdD4=' }), undefined);
    assert.strictEqual(parseLossCurvesFromWebview({ type: 'exportPng', dataUrl: 'file:///etc/passwd' }), undefined);
    assert.strictEqual(parseLossCurvesFromWebview({ type: 'exportPng', dataUrl: `data:image/png;base64,${'A'.repeat(17 * 1024 * 1024)}` }), undefined);
  });

  it('forces input and output rates of the network to 0 and clamps the rest', () => {
    const m = parseNetworkFromWebview({ type: 'sample', settings: { rates: [0.5, 2, -1, 0.7], mode: 'magic', seed: 2 ** 40, sample: 3.4, view: 'team', teamRate: 'lots' } }, DEFAULT_NETWORK);
    assert.ok(m && m.type === 'sample');
    assert.deepStrictEqual(m.settings.rates, [0, 0.9, 0, 0]);
    assert.strictEqual(m.settings.mode, 'neuron');
    assert.strictEqual(m.settings.seed, 0xffffffff);
    assert.strictEqual(m.settings.sample, 3);
    assert.strictEqual(m.settings.view, 'team');
    assert.strictEqual(m.settings.teamRate, 0.3);
  });

  it('bounds user model specs (labels, layer count, units) and refuses unusable ones', () => {
    const spec = parseModelSpec({ name: 'n'.repeat(500), layers: Array.from({ length: 40 }, (_, i) => ({ label: `L${i}`.padEnd(300, '!'), units: i === 1 ? 1e9 : 3 })) });
    assert.ok(spec);
    assert.strictEqual(spec.name.length, 120);
    assert.strictEqual(spec.layers.length, 12);
    assert.strictEqual(spec.layers[1].units, 8192);
    assert.strictEqual(spec.layers[0].label.length, 60);
    assert.strictEqual(parseModelSpec({ name: 'x', layers: [{ label: 'only', units: 3 }] }), undefined);
    assert.strictEqual(parseModelSpec({ name: 'x', layers: [{ label: 'a', units: 'many' }, { label: 'b', units: 2 }] }), undefined);
  });
});

describe('panel state restored after a reload', () => {
  it('falls back to defaults for garbage and keeps valid parts', () => {
    assert.deepStrictEqual(parseNetworkState('garbage').model, DEFAULT_NETWORK);
    const restored = parseNetworkState({ model: { name: 'mine', layers: [{ label: 'in', units: 3 }, { label: 'out', units: 2 }] }, settings: { sample: 9 } });
    assert.strictEqual(restored.model.name, 'mine');
    assert.strictEqual(restored.settings.sample, 9);
  });

  it('turns a run interrupted by the reload into "stopped" and cuts curves at the first bad epoch', () => {
    const state = parseLossCurvesState({
      status: 'running',
      controls: { p: 0.2 },
      curves: { baseline: [epoch(1), epoch(2), { ...epoch(3), testLoss: 'NaN' }, epoch(4)], dropout: [epoch(2)] },
    });
    assert.strictEqual(state.status, 'stopped');
    assert.strictEqual(state.controls.p, 0.2);
    assert.deepStrictEqual(state.curves.baseline.map((m) => m.epoch), [1, 2]);
    assert.deepStrictEqual(state.curves.dropout, [], 'epochs must start at 1 and be consecutive');
  });

  it('drops a restored experiment result that does not have the promised shape', () => {
    const bad = parseExperimentState(INVERTED_CODEC, { controls: { p: 0.3 }, result: { original: [1, 2], mask: [1] } });
    assert.strictEqual(bad.result, undefined);
    assert.strictEqual(bad.controls.p, 0.3);
  });
});

describe('panel messages: host → webview', () => {
  it('rejects epochs with non-finite losses and unknown messages', () => {
    assert.strictEqual(parseLossCurvesToWebview({ type: 'epoch', run: 'baseline', metrics: { ...epoch(1), trainLoss: Infinity } }), undefined);
    assert.deepStrictEqual(parseLossCurvesToWebview({ type: 'epoch', run: 'dropout', metrics: epoch(1) }), { type: 'epoch', run: 'dropout', metrics: epoch(1) });
    assert.strictEqual(parseLossCurvesToWebview({ type: 'html', html: '<script>' }), undefined);
  });

  it('bounds error text and validates network mask views', () => {
    const err = parseNetworkToWebview({ type: 'error', message: 'x'.repeat(5000) });
    assert.ok(err && err.type === 'error' && err.message.length === 1000);
    assert.strictEqual(parseNetworkToWebview({ type: 'mask', view: { layers: 'no' }, team: {} }), undefined);
  });

  it('checks variant results channel by channel (mask and values sized to the maps)', () => {
    const cells = 1 * 2 * 2;
    const variant = { name: 'standard', label: 'Dropout', description: 'd', values: [1, 0, 1, 0], mask: [1, 0, 1, 0], stats: { keepRate: 0.5, expectedKeepRate: 0.5, inputMean: 0, outputMean: 0, inputVariance: 1, outputVariance: 2 } };
    const result = { p: 0.5, channels: 1, height: 2, width: 2, blockSize: 1, dropBlockGamma: 0.5, input: new Array(cells).fill(1), variants: [variant] };
    const ok = parseExperimentToWebview(VARIANTS_CODEC, { type: 'result', controls: {}, result });
    assert.ok(ok && ok.type === 'result');
    const gaussian = { ...variant, name: 'gaussian', stats: { ...variant.stats, keepRate: null, expectedKeepRate: null } };
    const withNull = parseExperimentToWebview(VARIANTS_CODEC, { type: 'result', controls: {}, result: { ...result, variants: [gaussian] } });
    assert.ok(withNull && withNull.type === 'result' && Number.isNaN(withNull.result.variants[0].stats.keepRate));
    const short = parseExperimentToWebview(VARIANTS_CODEC, { type: 'result', controls: {}, result: { ...result, variants: [{ ...variant, values: [1] }] } });
    assert.strictEqual(short, undefined);
  });

  it('parses hidden-size text the way the panel documents it', () => {
    assert.deepStrictEqual(parseHiddenSizesText('512, 512'), [512, 512]);
    assert.deepStrictEqual(parseHiddenSizesText('256x128'), [256, 128]);
    assert.strictEqual(parseHiddenSizesText('512, -1'), undefined);
    assert.strictEqual(parseHiddenSizesText(''), undefined);
    assert.strictEqual(parseHiddenSizesText('1 2 3 4 5'), undefined);
  });
});
