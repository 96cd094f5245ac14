// Ensembles panel (browser side): averaging k sampled sub-networks (Monte Carlo dropout) against the
// single weight-scaled network, and the uncertainty band MC dropout gives on a small regression.
import { startExperimentPage } from './common/experimentPage';
import { fmt, h, numberControl, rangeControl, setChildren } from './common/dom';
import { applyTheme, lineChart, type Chart, type LineDataset, type Point } from './common/charts';
import { readThemeColors, withAlpha } from './common/theme';
import { parseHiddenSizesText } from '../extension/panels/protocol/lossCurves';
import { ENSEMBLES_CODEC, ENSEMBLES_LIMITS, type EnsemblesControls, type EnsemblesView } from '../extension/panels/protocol/ensembles';

let current: EnsemblesControls;
let charts: Chart<'line', Point[]>[] = [];
let last: { result: EnsemblesView; target: HTMLElement } | undefined;

function render(result: EnsemblesView, target: HTMLElement): void {
  last = { result, target };
  for (const chart of charts) chart.destroy();
  charts = [];
  const colors = readThemeColors();
  const ws = result.weightScaling;
  const best = result.monteCarlo.at(-1);
  const mcError = h('canvas', { id: 'mc-error-chart', role: 'img', 'aria-label': 'Test error of the Monte Carlo average as k grows, against the weight-scaled network' });
  const band = h('canvas', { id: 'band-chart', role: 'img', 'aria-label': 'Regression with Monte Carlo dropout: predictive mean and a two standard deviation band' });
  setChildren(target,
    h('div', { class: 'stats', 'aria-live': 'polite' },
      h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, 'Sub-networks sampled from'), h('span', { class: 'stat-value', id: 'ensemble-count' }, `2^${result.droppableUnits} ≈ 10^${Math.floor(result.subnetworkCountLog10)}`), h('span', { class: 'stat-note' }, `${result.droppableUnits} droppable hidden units`)),
      h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, 'Weight-scaled network'), h('span', { class: 'stat-value', id: 'ws-error' }, `${fmt((1 - ws.accuracy) * 100, 2)} % error`), h('span', { class: 'stat-note' }, `loss ${fmt(ws.loss, 4)}: one pass, dropout off`)),
      best ? h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, `Average of k = ${best.k} sub-networks`), h('span', { class: 'stat-value', id: 'mc-error' }, `${fmt((1 - best.accuracy) * 100, 2)} % error`), h('span', { class: 'stat-note' }, `loss ${fmt(best.loss, 4)}: ${best.k} stochastic passes`)) : null,
      best ? h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, `Agreement with the weight-scaled network (k = ${best.k})`), h('span', { class: 'stat-value', id: 'mc-agreement' }, `${fmt(best.agreement * 100, 1)} %`), h('span', { class: 'stat-note' }, 'test digits given the same class')) : null,
    ),
    h('div', { class: 'charts' }, h('div', { class: 'chart-box' }, mcError), h('div', { class: 'chart-box' }, band)),
    h('table', { id: 'mc-table' },
      h('caption', {}, 'Test digits: Monte Carlo averages of k dropout passes vs the weight-scaled network'),
      h('thead', {}, h('tr', {}, ...['k', 'error %', 'loss', 'agreement %', 'weight-scaled error %', 'weight-scaled loss'].map((t) => h('th', { scope: 'col', class: 'num' }, t)))),
      h('tbody', {}, ...result.monteCarlo.map((m) => h('tr', { 'data-k': m.k },
        h('td', { class: 'num' }, String(m.k)), h('td', { class: 'num' }, fmt((1 - m.accuracy) * 100, 2)), h('td', { class: 'num' }, fmt(m.loss, 4)),
        h('td', { class: 'num' }, fmt(m.agreement * 100, 1)), h('td', { class: 'num' }, fmt((1 - ws.accuracy) * 100, 2)), h('td', { class: 'num' }, fmt(ws.loss, 4))))),
    ),
  );
  const ks = result.monteCarlo.map((m) => m.k);
  const mcDatasets: LineDataset[] = [
    { label: 'MC average of k passes', data: result.monteCarlo.map((m) => ({ x: m.k, y: (1 - m.accuracy) * 100 })), borderColor: colors.blue, backgroundColor: colors.blue, pointRadius: 3 },
    { label: 'weight-scaled network', data: [{ x: Math.min(...ks), y: (1 - ws.accuracy) * 100 }, { x: Math.max(...ks), y: (1 - ws.accuracy) * 100 }], borderColor: colors.orange, backgroundColor: colors.orange, borderDash: [6, 4], pointRadius: 0 },
  ];
  mcDatasets.push({ label: 'disagreement with weight-scaled %', data: result.monteCarlo.map((m) => ({ x: m.k, y: (1 - m.agreement) * 100 })), borderColor: colors.green, backgroundColor: colors.green, borderDash: [2, 3], pointRadius: 2 });
  charts.push(lineChart(mcError, { datasets: mcDatasets, xTitle: 'k (sub-networks averaged, log scale)', yTitle: '% of test digits', xType: 'logarithmic' }));

  const r = result.regression;
  const upper = r.x.map((x, i) => ({ x, y: r.mean[i] + 2 * r.std[i] }));
  const lower = r.x.map((x, i) => ({ x, y: r.mean[i] - 2 * r.std[i] }));
  const bandDatasets: LineDataset[] = [
    { label: 'mean + 2 std', data: upper, borderColor: withAlpha(colors.blue, 0.3), backgroundColor: withAlpha(colors.blue, 0.2), pointRadius: 0, borderWidth: 1, fill: '+1' },
    { label: 'mean − 2 std', data: lower, borderColor: withAlpha(colors.blue, 0.3), backgroundColor: withAlpha(colors.blue, 0.2), pointRadius: 0, borderWidth: 1 },
    { label: 'MC mean', data: r.x.map((x, i) => ({ x, y: r.mean[i] })), borderColor: colors.blue, backgroundColor: colors.blue, pointRadius: 0, borderWidth: 2 },
    { label: 'weight-scaled', data: r.x.map((x, i) => ({ x, y: r.weightScaled[i] })), borderColor: colors.orange, backgroundColor: colors.orange, pointRadius: 0, borderDash: [6, 4], borderWidth: 2 },
    { label: 'training points', data: r.trainX.map((x, i) => ({ x, y: r.trainY[i] })), borderColor: colors.foreground, backgroundColor: colors.foreground, showLine: false, pointRadius: 2 },
  ];
  charts.push(lineChart(band, { datasets: bandDatasets, xTitle: 'x', yTitle: 'y' }));
}

startExperimentPage<EnsemblesControls, EnsemblesView>({
  codec: ENSEMBLES_CODEC,
  title: 'Dropout as an ensemble of sub-networks',
  intro: [
    'Every dropout mask picks one of 2^n sub-networks that share weights. At test time the weight-scaled network (dropout off) approximates the average of all of them in one pass; ',
    'Monte Carlo dropout averages k sampled sub-networks instead, and their spread is an estimate of the model’s uncertainty (Gal & Ghahramani 2016).',
  ],
  training: true,
  renderControls(controls, change) {
    current = controls;
    const L = ENSEMBLES_LIMITS;
    // A training panel runs on Run; changes are kept (and persisted) until then.
    const update = (next: Partial<EnsemblesControls>) => change((current = { ...current, ...next }));
    const hidden = h('input', { type: 'text', id: 'hidden-sizes', value: controls.hiddenSizes.join(', '), spellcheck: 'false' });
    hidden.addEventListener('change', () => {
      const sizes = parseHiddenSizesText(hidden.value);
      hidden.setAttribute('aria-invalid', String(!sizes || sizes.some((s) => s > L.maxHiddenUnits)));
      if (sizes && sizes.every((s) => s <= L.maxHiddenUnits)) update({ hiddenSizes: sizes });
    });
    return h('section', { class: 'controls', 'aria-label': 'Settings' },
      rangeControl({ id: 'p', label: 'Dropout rate p (hidden layers)', min: L.minRate, max: L.maxRate, step: 0.05, value: controls.p, format: (v) => v.toFixed(2), onInput: (v) => update({ p: v }) }),
      numberControl({ id: 'epochs', label: 'Epochs', min: 1, max: L.maxEpochs, step: 1, value: controls.epochs, onChange: (v) => update({ epochs: Math.round(v) }) }),
      h('div', { class: 'control' }, h('label', { for: 'hidden-sizes' }, 'Hidden sizes'), hidden),
      numberControl({ id: 'train-size', label: 'Training digits', min: L.minTrainSize, max: L.maxTrainSize, step: 100, value: controls.trainSize, onChange: (v) => update({ trainSize: Math.round(v) }) }),
      numberControl({ id: 'seed', label: 'Seed', min: 0, max: 0xffffffff, step: 1, value: controls.seed, onChange: (v) => update({ seed: Math.round(v) }) }),
    );
  },
  renderResult(result, target) {
    render(result, target);
  },
  onThemeChange() {
    if (last) render(last.result, last.target);
    for (const chart of charts) applyTheme(chart);
  },
});
