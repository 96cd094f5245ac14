// Variance Shift panel (browser side): dropout placed right before BatchNorm makes BN learn the
// training-time variance, which is wrong at test time; measured numbers next to the closed form.
import { startExperimentPage } from './common/experimentPage';
import { fmt, h, numberControl, rangeControl, setChildren } from './common/dom';
import { VARIANCE_SHIFT_CODEC, type VarianceShiftControls, type VarianceShiftView } from '../extension/panels/protocol/varianceShift';

let current: VarianceShiftControls;

startExperimentPage<VarianceShiftControls, VarianceShiftView>({
  codec: VARIANCE_SHIFT_CODEC,
  title: 'Variance shift: dropout feeding BatchNorm',
  intro: [
    'With inverted dropout a unit of mean c and variance v has variance (1/q)(c² + v) − c² while training but v at test time. ',
    'A BatchNorm right after the dropout learns the training variance, so at test time its outputs are scaled wrong (Li et al., CVPR 2019). Put dropout after the BatchNorm, or after the last one.',
  ],
  training: false,
  renderControls(controls, change) {
    current = controls;
    const update = (next: Partial<VarianceShiftControls>) => change((current = { ...current, ...next }));
    return h('section', { class: 'controls', 'aria-label': 'Settings' },
      rangeControl({ id: 'p', label: 'Dropout rate p', min: 0, max: 0.9, step: 0.05, value: controls.p, format: (v) => v.toFixed(2), onInput: (v) => update({ p: v }) }),
      numberControl({ id: 'mean', label: 'Unit mean c', min: -10, max: 10, step: 0.5, value: controls.mean, onChange: (v) => update({ mean: v }) }),
      numberControl({ id: 'variance', label: 'Unit variance v', min: 0.01, max: 100, step: 0.5, value: controls.variance, onChange: (v) => update({ variance: v }) }),
      numberControl({ id: 'seed', label: 'Seed', min: 0, max: 0xffffffff, step: 1, value: controls.seed, onChange: (v) => update({ seed: Math.round(v) }) }),
    );
  },
  renderResult(r, target) {
    const row = (label: string, formula: number, measured: number, id: string) => h('tr', { id },
      h('th', { scope: 'row' }, label), h('td', { class: 'num' }, fmt(formula, 4)), h('td', { class: 'num' }, fmt(measured, 4)));
    setChildren(target,
      h('div', { class: 'stats', 'aria-live': 'polite' },
        h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, 'Test / train variance'), h('span', { class: 'stat-value', id: 'shift-ratio' }, fmt(r.measured.ratio, 3)), h('span', { class: 'stat-note' }, `formula ${fmt(r.formula.ratio, 3)} (= q = ${fmt(r.keepProbability, 3)} when c = 0)`)),
        h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, 'BatchNorm output variance at test time'), h('span', { class: 'stat-value' }, fmt(r.batchNorm.testOutputVariance, 3)), h('span', { class: 'stat-note' }, `should be 1; running variance learned ${fmt(r.batchNorm.runningVariance, 3)}`)),
      ),
      h('table', { id: 'variance-table' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, ''), h('th', { scope: 'col', class: 'num' }, 'closed form'), h('th', { scope: 'col', class: 'num' }, 'measured by the engine'))),
        h('tbody', {},
          row('variance while training', r.formula.trainVariance, r.measured.trainVariance, 'train-variance'),
          row('variance at test time', r.formula.testVariance, r.measured.testVariance, 'test-variance'),
          row('ratio test / train', r.formula.ratio, r.measured.ratio, 'ratio'))),
    );
  },
});
