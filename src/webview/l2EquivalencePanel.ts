// Dropout as L2 panel (browser side): linear regression trained with input dropout converges to
// ridge regression with a per-feature penalty ((1 − q)/q)·(XᵀX)_jj — the closed form is shown next
// to the engine's trained weights and plain least squares.
import { startExperimentPage } from './common/experimentPage';
import { fmt, h, numberControl, rangeControl, setChildren } from './common/dom';
import { applyTheme, lineChart, type Chart, type Point } from './common/charts';
import { readThemeColors } from './common/theme';
import { L2_CODEC, type L2Controls, type L2View } from '../extension/panels/protocol/varianceShift';

let current: L2Controls;
let chart: Chart<'line', Point[]> | undefined;

startExperimentPage<L2Controls, L2View>({
  codec: L2_CODEC,
  title: 'Dropout as adaptive L2 regularisation',
  intro: [
    'For linear regression, dropout on the inputs is equivalent in expectation to an L2 penalty that is larger for features with larger XᵀX (Srivastava et al. 2014, §9.1): ',
    'w* = (XᵀX + ((1 − q)/q) diag(XᵀX))⁻¹ Xᵀy. The engine trains with a fresh dropout mask every step and lands on that w*, not on least squares.',
  ],
  training: false,
  renderControls(controls, change) {
    current = controls;
    const update = (next: Partial<L2Controls>) => change((current = { ...current, ...next }));
    return h('section', { class: 'controls', 'aria-label': 'Settings' },
      rangeControl({ id: 'p', label: 'Input dropout rate p', min: 0, max: 0.9, step: 0.05, value: controls.p, format: (v) => v.toFixed(2), onInput: (v) => update({ p: v }) }),
      numberControl({ id: 'features', label: 'Features', min: 1, max: 16, step: 1, value: controls.features, onChange: (v) => update({ features: Math.round(v) }) }),
      numberControl({ id: 'samples', label: 'Rows of X', min: 20, max: 2000, step: 20, value: controls.samples, onChange: (v) => update({ samples: Math.round(v) }) }),
      numberControl({ id: 'seed', label: 'Seed', min: 0, max: 0xffffffff, step: 1, value: controls.seed, onChange: (v) => update({ seed: Math.round(v) }) }),
    );
  },
  renderResult(r, target) {
    chart?.destroy();
    const canvas = h('canvas', { id: 'l2-curve', role: 'img', 'aria-label': 'Relative distance of the trained weights from the closed form, along training' });
    setChildren(target,
      h('div', { class: 'stats', 'aria-live': 'polite' },
        h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, 'Trained vs closed form'), h('span', { class: 'stat-value', id: 'l2-error' }, `${fmt(r.relativeError * 100, 2)} %`), h('span', { class: 'stat-note' }, '‖w_trained − w*‖ / ‖w*‖')),
      ),
      h('table', { id: 'l2-table' },
        h('thead', {}, h('tr', {}, ...['feature', 'least squares', 'dropout closed form w*', 'trained with dropout', 'equivalent L2 penalty'].map((t) => h('th', { scope: 'col', class: 'num' }, t)))),
        h('tbody', {}, ...r.closedForm.map((w, j) => h('tr', {},
          h('td', { class: 'num' }, String(j + 1)), h('td', { class: 'num' }, fmt(r.leastSquares[j], 4)), h('td', { class: 'num' }, fmt(w, 4)),
          h('td', { class: 'num' }, fmt(r.trained[j], 4)), h('td', { class: 'num' }, fmt(r.penalty[j], 4)))))),
      h('div', { class: 'chart-box' }, canvas),
    );
    const colors = readThemeColors();
    chart = lineChart(canvas, {
      datasets: [{ label: 'relative error vs closed form', data: r.curve.map((c) => ({ x: c.step, y: c.relativeError })), borderColor: colors.blue, backgroundColor: colors.blue, pointRadius: 0, borderWidth: 2 }],
      xTitle: 'SGD step', yTitle: 'relative error', yMin: 0,
    });
  },
  onThemeChange() {
    if (!chart) return;
    const colors = readThemeColors();
    chart.data.datasets[0].borderColor = colors.blue;
    chart.data.datasets[0].backgroundColor = colors.blue;
    applyTheme(chart);
  },
});
