// Inverted vs Standard panel (browser side): one layer's activations, the mask the engine drew,
// and the outputs of standard and inverted dropout at training and test time, with their sums.
import { startExperimentPage } from './common/experimentPage';
import { button, fmt, h, numberControl, rangeControl, setChildren } from './common/dom';
import { INVERTED_CODEC, INVERTED_LIMITS, type InvertedControls, type InvertedView } from '../extension/panels/protocol/inverted';

let current: InvertedControls;

startExperimentPage<InvertedControls, InvertedView>({
  codec: INVERTED_CODEC,
  title: 'Inverted vs standard dropout',
  intro: [
    'Both versions drop the same units during training. Standard dropout leaves the survivors alone and multiplies by q = 1 − p at test time; ',
    'inverted dropout (what PyTorch and Keras do) divides the survivors by q during training and leaves the test-time network untouched. ',
    'Either way the expected training output equals the test output.',
  ],
  training: false,
  renderControls(controls, change) {
    current = controls;
    const activations = h('input', { type: 'text', id: 'activations', value: controls.activations.join(', '), spellcheck: 'false', 'aria-describedby': 'activations-help' });
    const help = h('span', { id: 'activations-help', class: 'note' }, `1–${INVERTED_LIMITS.maxActivations} numbers`);
    activations.addEventListener('change', () => {
      const values = activations.value.split(/[\s,;]+/).filter(Boolean).map(Number);
      const ok = values.length >= 1 && values.length <= INVERTED_LIMITS.maxActivations && values.every((v) => Number.isFinite(v) && Math.abs(v) <= INVERTED_LIMITS.maxAbsActivation);
      activations.setAttribute('aria-invalid', String(!ok));
      help.textContent = ok ? `1–${INVERTED_LIMITS.maxActivations} numbers` : `Enter 1–${INVERTED_LIMITS.maxActivations} numbers between ±${INVERTED_LIMITS.maxAbsActivation}`;
      if (ok) change((current = { ...current, activations: values }));
    });
    return h('section', { class: 'controls', 'aria-label': 'Settings' },
      rangeControl({ id: 'p', label: 'Dropout rate p', min: 0, max: INVERTED_LIMITS.maxRate, step: 0.05, value: controls.p, format: (v) => v.toFixed(2), onInput: (v) => change((current = { ...current, p: v })) }),
      h('div', { class: 'control' }, h('label', { for: 'activations' }, 'Activations x'), activations, help),
      numberControl({ id: 'seed', label: 'Seed', min: 0, max: 0xffffffff, step: 1, value: controls.seed, onChange: (v) => change((current = { ...current, seed: Math.round(v) })) }),
      button('Resample', { id: 'resample', class: 'primary', title: 'Draw a new mask from the engine' }, () => change((current = { ...current, sample: (current.sample + 1) >>> 0 }))),
    );
  },
  renderResult(result, target) {
    const q = result.keepProbability;
    const maxAbs = Math.max(1e-9, ...result.original.map(Math.abs), ...result.inverted.train.map(Math.abs));
    const bar = (v: number, dropped: boolean) => h('div', { class: 'bar-cell' },
      h('div', { class: `bar${dropped ? ' muted' : ''}${v < 0 ? ' negative' : ''}`, 'data-width': (Math.abs(v) / maxAbs).toFixed(3) }));
    const rows = result.original.map((x, i) => {
      const dropped = result.mask[i] === 0;
      return h('tr', { 'data-unit': i, 'data-kept': dropped ? 0 : 1 },
        h('th', { scope: 'row', class: 'num' }, String(i + 1)),
        h('td', { class: 'num' }, fmt(x, 4)),
        h('td', { class: 'num' }, dropped ? 'dropped' : 'kept'),
        h('td', { class: `num${dropped ? ' dropped' : ''}` }, fmt(result.standard.train[i], 4)),
        h('td', { class: 'num' }, fmt(result.standard.test[i], 4)),
        h('td', { class: `num${dropped ? ' dropped' : ''}` }, fmt(result.inverted.train[i], 4)),
        h('td', { class: 'num' }, fmt(result.inverted.test[i], 4)),
        h('td', {}, bar(result.inverted.train[i], dropped)),
      );
    });
    const s = result.sums;
    const e = result.expectedSums;
    const table = h('table', { id: 'activations-table' },
      h('caption', {}, `p = ${fmt(result.p, 2)}, q = 1 − p = ${fmt(q, 4)}; inverted scale 1/q = ${result.scale} (float32, as PyTorch computes it)`),
      h('thead', {}, h('tr', {}, ...['unit', 'original x', 'mask', 'standard, train: x·m', 'standard, test: x·q', 'inverted, train: x·m/q', 'inverted, test: x', 'inverted train output'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...rows),
      h('tfoot', {},
        h('tr', { id: 'sums-row' }, h('th', { scope: 'row' }, 'sum (this mask)'), h('td', { class: 'num' }, fmt(s.original, 4)), h('td', {}),
          h('td', { class: 'num', id: 'sum-standard-train' }, fmt(s.standardTrain, 4)), h('td', { class: 'num', id: 'sum-standard-test' }, fmt(s.standardTest, 4)),
          h('td', { class: 'num', id: 'sum-inverted-train' }, fmt(s.invertedTrain, 4)), h('td', { class: 'num', id: 'sum-inverted-test' }, fmt(s.invertedTest, 4)), h('td', {})),
        h('tr', { id: 'expected-row' }, h('th', { scope: 'row' }, 'expected sum'), h('td', {}), h('td', {}),
          h('td', { class: 'num' }, fmt(e.standardTrain, 4)), h('td', { class: 'num' }, fmt(e.standardTest, 4)),
          h('td', { class: 'num' }, fmt(e.invertedTrain, 4)), h('td', { class: 'num' }, fmt(e.invertedTest, 4)), h('td', {})),
        h('tr', { id: 'mean-row' }, h('th', { scope: 'row' }, `mean over ${result.trials.toLocaleString('en-US')} masks`), h('td', {}), h('td', {}),
          h('td', { class: 'num' }, fmt(result.meanSums.standardTrain, 4)), h('td', {}),
          h('td', { class: 'num' }, fmt(result.meanSums.invertedTrain, 4)), h('td', {}), h('td', {})),
      ),
    );
    const kept = result.mask.filter((m) => m === 1).length;
    setChildren(target,
      h('div', { class: 'stats', 'aria-live': 'polite' },
        h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, 'Units kept'), h('span', { class: 'stat-value', id: 'kept-count' }, `${kept} of ${result.mask.length}`)),
        h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, 'Standard: expected train sum = test sum'), h('span', { class: 'stat-value' }, `${fmt(e.standardTrain, 4)} = ${fmt(e.standardTest, 4)}`), h('span', { class: 'stat-note' }, 'q · Σx: test time multiplies by q')),
        h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, 'Inverted: expected train sum = test sum'), h('span', { class: 'stat-value' }, `${fmt(e.invertedTrain, 4)} = ${fmt(e.invertedTest, 4)}`), h('span', { class: 'stat-note' }, 'Σx: training divides survivors by q')),
      ),
      table,
      h('p', { class: 'note' }, 'Forgetting the test-time scaling of standard dropout makes every test output 1/q times too large; with inverted dropout there is nothing to forget at test time.'),
    );
    // Bar widths are set through the CSSOM (allowed by the CSP, unlike inline style attributes).
    for (const el of target.querySelectorAll<HTMLElement>('.bar[data-width]')) el.style.width = `${Number(el.dataset.width) * 100}%`;
  },
});
