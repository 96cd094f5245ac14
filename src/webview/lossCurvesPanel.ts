// Loss Curves panel (browser side): controls, the streaming charts and the data table. Training
// runs in the engine worker; this page only renders epochs as they arrive.
import { post, onHostMessage, vscodeApi } from './common/vscodeApi';
import { button, fmt, h, numberControl, rangeControl, setChildren } from './common/dom';
import { applyTheme, lineChart, type Chart, type LineDataset, type Point } from './common/charts';
import { onThemeChange, readThemeColors } from './common/theme';
import {
  LOSS_CURVES_LIMITS, parseHiddenSizesText, parseLossCurvesState, parseLossCurvesToWebview,
  type LossCurvesControls, type LossCurvesState,
} from '../extension/panels/protocol/lossCurves';
import { gapRatio, generalizationGap } from '../extension/panels/lossCurvesCsv';
import type { EpochMetrics, RunName } from '../engine/protocol';

const app = document.getElementById('app') as HTMLElement;
let state: LossCurvesState = parseLossCurvesState(vscodeApi().getState());
let lossChart: Chart<'line', Point[]> | undefined;
let gapChart: Chart<'line', Point[]> | undefined;
let pendingDraw = false;

// Series order is fixed: the e2e test and the legend rely on it.
const LOSS_SERIES: { run: RunName; split: 'train' | 'test'; label: string }[] = [
  { run: 'baseline', split: 'train', label: 'train loss, no dropout' },
  { run: 'baseline', split: 'test', label: 'test loss, no dropout' },
  { run: 'dropout', split: 'train', label: 'train loss, dropout' },
  { run: 'dropout', split: 'test', label: 'test loss, dropout' },
];

function save(): void {
  vscodeApi().setState(state);
}

function sendControls(change: Partial<LossCurvesControls>): void {
  state.controls = { ...state.controls, ...change };
  save();
  post({ type: 'controls', controls: state.controls });
}

function render(): void {
  const c = state.controls;
  const L = LOSS_CURVES_LIMITS;
  const hiddenInput = h('input', { type: 'text', id: 'hidden-sizes', value: c.hiddenSizes.join(', '), 'aria-describedby': 'hidden-help', spellcheck: 'false' });
  const hiddenHelp = h('span', { id: 'hidden-help', class: 'note' }, `1–${L.maxHiddenLayers} widths, 1–${L.maxHiddenUnits} each`);
  hiddenInput.addEventListener('change', () => {
    const sizes = parseHiddenSizesText(hiddenInput.value);
    hiddenInput.setAttribute('aria-invalid', String(!sizes));
    hiddenHelp.textContent = sizes ? `1–${L.maxHiddenLayers} widths, 1–${L.maxHiddenUnits} each` : `Not a list of 1–${L.maxHiddenLayers} integers in 1–${L.maxHiddenUnits}; keeping ${state.controls.hiddenSizes.join(', ')}`;
    if (sizes) sendControls({ hiddenSizes: sizes });
  });

  setChildren(app,
    h('header', {}, h('h1', {}, 'Loss curves: the same network trained with and without dropout')),
    h('p', { class: 'explain' },
      'Both runs train the same MLP on the same small MNIST subset in the engine worker. Without dropout the training loss keeps falling while the test loss turns up: the network memorises. ',
      'With dropout the gap between test and training loss stays small.'),
    h('section', { class: 'controls', 'aria-label': 'Experiment settings' },
      rangeControl({ id: 'p', label: 'Dropout rate p (hidden layers)', min: 0, max: L.maxRate, step: 0.05, value: c.p, format: (v) => v.toFixed(2), onInput: (v) => sendControls({ p: v }) }),
      numberControl({ id: 'epochs', label: 'Epochs', min: 1, max: L.maxEpochs, step: 1, value: c.epochs, onChange: (v) => sendControls({ epochs: Math.round(v) }) }),
      h('div', { class: 'control' }, h('label', { for: 'hidden-sizes' }, 'Hidden sizes'), hiddenInput, hiddenHelp),
      numberControl({ id: 'train-size', label: 'Training digits', min: L.minTrainSize, max: L.maxTrainSize, step: 50, value: c.trainSize, onChange: (v) => sendControls({ trainSize: Math.round(v) }) }),
      numberControl({ id: 'seed', label: 'Seed', min: 0, max: 0xffffffff, step: 1, value: c.seed, onChange: (v) => sendControls({ seed: Math.round(v) }) }),
    ),
    h('section', { class: 'controls', 'aria-label': 'Run' },
      button('Run', { id: 'run', class: 'primary' }, start),
      button('Stop', { id: 'stop', disabled: true }, () => post({ type: 'stop' })),
      button('Export PNG', { id: 'export-png' }, exportPng),
      button('Export CSV', { id: 'export-csv' }, () => post({ type: 'exportCsv' })),
      h('progress', { id: 'progress', class: 'progress', max: 1, value: 0, 'aria-label': 'Training progress' }),
      h('span', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' }),
    ),
    h('div', { id: 'error', class: 'error', role: 'alert', hidden: true }),
    h('div', { id: 'gaps', class: 'stats', 'aria-live': 'polite' }),
    h('div', { class: 'charts' },
      h('div', { class: 'chart-box', id: 'loss-chart-box' }, h('canvas', { id: 'loss-chart', role: 'img', 'aria-label': 'Train and test loss per epoch, with and without dropout' })),
      h('div', { class: 'chart-box', id: 'gap-chart-box' }, h('canvas', { id: 'gap-chart', role: 'img', 'aria-label': 'Generalization gap (test minus train loss) per epoch' })),
    ),
    h('details', { id: 'data' }, h('summary', {}, 'Data table'), h('table', { id: 'data-table' })),
  );
  createCharts();
  redrawAll();
  updateButtons();
  setStatus(state.message ?? statusText());
}

function seriesColors(): { baseline: string; dropout: string } {
  const colors = readThemeColors();
  return { baseline: colors.red, dropout: colors.blue };
}

function createCharts(): void {
  lossChart?.destroy();
  gapChart?.destroy();
  const colors = seriesColors();
  const lossDatasets: LineDataset[] = LOSS_SERIES.map((s) => ({
    label: s.label, data: [], borderColor: colors[s.run], backgroundColor: colors[s.run],
    borderDash: s.split === 'train' ? [6, 4] : [], pointRadius: 0, borderWidth: 2,
  }));
  lossChart = lineChart(document.getElementById('loss-chart') as HTMLCanvasElement, { datasets: lossDatasets, xTitle: 'epoch', yTitle: 'cross-entropy loss', yMin: 0, xMin: 1 });
  const gapDatasets: LineDataset[] = (['baseline', 'dropout'] as const).map((run) => ({
    label: run === 'baseline' ? 'gap, no dropout' : 'gap, dropout', data: [], borderColor: colors[run], backgroundColor: colors[run], pointRadius: 0, borderWidth: 2,
  }));
  gapChart = lineChart(document.getElementById('gap-chart') as HTMLCanvasElement, { datasets: gapDatasets, xTitle: 'epoch', yTitle: 'test loss − train loss', xMin: 1 });
}

function pointsFor(run: RunName, split: 'train' | 'test'): Point[] {
  return state.curves[run].map((m) => ({ x: m.epoch, y: split === 'train' ? m.trainLoss : m.testLoss }));
}

/** Rebuilds every series from the state (after init, theme change or a restored state). */
function redrawAll(): void {
  if (!lossChart || !gapChart) return;
  LOSS_SERIES.forEach((s, i) => (lossChart!.data.datasets[i].data = pointsFor(s.run, s.split)));
  (['baseline', 'dropout'] as const).forEach((run, i) => (gapChart!.data.datasets[i].data = state.curves[run].map((m) => ({ x: m.epoch, y: generalizationGap(m) }))));
  const table = document.getElementById('data-table');
  if (table) {
    setChildren(table, h('thead', {}, h('tr', {}, ...['epoch', ...LOSS_SERIES.map((s) => s.label), 'gap, no dropout', 'gap, dropout', 'gap ratio'].map((t) => h('th', { scope: 'col' }, t)))), h('tbody', { id: 'data-rows' }));
    const epochs = Math.max(state.curves.baseline.length, state.curves.dropout.length);
    for (let e = 1; e <= epochs; e++) upsertRow(e);
  }
  scheduleDraw();
}

function upsertRow(epoch: number): void {
  const body = document.getElementById('data-rows');
  if (!body) return;
  const b = state.curves.baseline[epoch - 1];
  const d = state.curves.dropout[epoch - 1];
  const cells = [b?.trainLoss, b?.testLoss, d?.trainLoss, d?.testLoss, b && generalizationGap(b), d && generalizationGap(d), gapRatio(b, d)];
  const row = h('tr', { 'data-epoch': epoch }, h('th', { scope: 'row', class: 'num' }, String(epoch)), ...cells.map((v) => h('td', { class: 'num' }, v === undefined ? '' : fmt(v, 4))));
  const existing = body.querySelector(`tr[data-epoch="${epoch}"]`);
  if (existing) existing.replaceWith(row);
  else body.append(row);
}

/** Coalesces many epochs into one chart update per frame. */
function scheduleDraw(): void {
  if (pendingDraw) return;
  pendingDraw = true;
  requestAnimationFrame(() => {
    pendingDraw = false;
    lossChart?.update('none');
    gapChart?.update('none');
    updateGaps();
    const box = document.getElementById('loss-chart-box');
    if (box && lossChart) box.dataset.seriesLengths = lossChart.data.datasets.map((d) => d.data.length).join(',');
  });
}

function addEpoch(run: RunName, metrics: EpochMetrics): void {
  const curve = state.curves[run];
  if (metrics.epoch !== curve.length + 1) return; // out of order: ignore rather than corrupt the series
  curve.push(metrics);
  const offset = run === 'baseline' ? 0 : 2;
  lossChart?.data.datasets[offset].data.push({ x: metrics.epoch, y: metrics.trainLoss });
  lossChart?.data.datasets[offset + 1].data.push({ x: metrics.epoch, y: metrics.testLoss });
  gapChart?.data.datasets[run === 'baseline' ? 0 : 1].data.push({ x: metrics.epoch, y: generalizationGap(metrics) });
  upsertRow(metrics.epoch);
  save();
  scheduleDraw();
}

function updateGaps(): void {
  const el = document.getElementById('gaps');
  if (!el) return;
  const b = state.curves.baseline.at(-1);
  const d = state.curves.dropout.at(-1);
  const sameEpoch = b && d && b.epoch === d.epoch;
  const ratio = sameEpoch ? gapRatio(b, d) : undefined;
  setChildren(el,
    stat('Gap without dropout', 'gap-baseline', b ? `${fmt(generalizationGap(b), 3)}` : '—', b ? `after epoch ${b.epoch}, test accuracy ${fmt(b.testAccuracy * 100, 1)} %` : 'not run yet'),
    stat('Gap with dropout', 'gap-dropout', d ? `${fmt(generalizationGap(d), 3)}` : '—', d ? `after epoch ${d.epoch}, test accuracy ${fmt(d.testAccuracy * 100, 1)} %` : 'not run yet'),
    stat('Gap ratio', 'gap-ratio', ratio !== undefined ? `${fmt(ratio, 1)}×` : '—', ratio !== undefined ? 'no-dropout gap ÷ dropout gap' : 'needs both runs at the same epoch, with a positive dropout gap'),
  );
}

function stat(label: string, id: string, value: string, note: string): HTMLElement {
  return h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, label), h('span', { class: 'stat-value', id }, value), h('span', { class: 'stat-note' }, note));
}

function start(): void {
  showError('');
  post({ type: 'start', controls: state.controls });
}

function exportPng(): void {
  if (!lossChart) return;
  post({ type: 'exportPng', dataUrl: lossChart.toBase64Image('image/png', 1) });
}

function updateButtons(): void {
  const running = state.status === 'running';
  (document.getElementById('stop') as HTMLButtonElement | null)?.toggleAttribute('disabled', !running);
  const run = document.getElementById('run');
  if (run) run.textContent = state.curves.baseline.length || state.curves.dropout.length || running ? 'Restart' : 'Run';
  const progress = document.getElementById('progress') as HTMLProgressElement | null;
  if (progress && !running && state.status === 'done') progress.value = 1;
}

function statusText(): string {
  switch (state.status) {
    case 'idle': return 'Press Run to train both networks.';
    case 'running': return 'Training…';
    case 'done': return 'Done.';
    case 'stopped': return 'Stopped.';
    case 'error': return 'The run failed.';
  }
}

function setStatus(text: string): void {
  const el = document.getElementById('status');
  if (el) el.textContent = text;
  document.body.dataset.runStatus = state.status;
}

function showError(message: string, retry = false): void {
  const el = document.getElementById('error');
  if (!el) return;
  setChildren(el, message, retry ? button('Retry', { id: 'retry', class: 'primary' }, start) : null);
  el.hidden = message.length === 0;
}

onHostMessage(parseLossCurvesToWebview, (message) => {
  switch (message.type) {
    case 'init':
      state = message.state;
      save();
      render();
      return;
    case 'started':
      state = { controls: state.controls, runControls: message.controls, curves: { baseline: [], dropout: [] }, status: 'running' };
      save();
      redrawAll();
      updateButtons();
      showError('');
      setStatus('Starting the engine…');
      return;
    case 'epoch':
      addEpoch(message.run, message.metrics);
      setStatus(`${message.run === 'baseline' ? 'no-dropout' : 'dropout'} run: epoch ${message.metrics.epoch}/${state.runControls?.epochs ?? state.controls.epochs}`);
      return;
    case 'progress': {
      const progress = document.getElementById('progress') as HTMLProgressElement | null;
      if (progress) progress.value = message.fraction;
      setStatus(message.label);
      return;
    }
    case 'finished':
      state.status = message.status;
      state.message = message.message;
      save();
      updateButtons();
      setStatus(message.message && message.status !== 'error' ? message.message : statusText());
      if (message.status === 'error') showError(message.message ?? 'The run failed.', message.retry);
      return;
    case 'exported':
      setStatus(`Saved ${message.kind.toUpperCase()} to ${message.path}`);
      return;
    case 'error':
      showError(message.message);
      return;
  }
});

onThemeChange(() => {
  const colors = seriesColors();
  lossChart?.data.datasets.forEach((d, i) => {
    d.borderColor = colors[LOSS_SERIES[i].run];
    d.backgroundColor = colors[LOSS_SERIES[i].run];
  });
  gapChart?.data.datasets.forEach((d, i) => {
    const c = i === 0 ? colors.baseline : colors.dropout;
    d.borderColor = c;
    d.backgroundColor = c;
  });
  if (lossChart) applyTheme(lossChart);
  if (gapChart) applyTheme(gapChart);
});

render();
post({ type: 'ready' });
