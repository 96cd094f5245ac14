// Variants panel (browser side): the same input feature maps under six dropout variants from one
// seed, each with its mask and measured statistics, and a table of when to use which.
import { startExperimentPage } from './common/experimentPage';
import { button, fmt, h, numberControl, rangeControl, setChildren } from './common/dom';
import { drawHeatmaps } from './common/heatmap';
import { VARIANTS_CODEC, type VariantsControls, type VariantsView, type VariantView } from '../extension/panels/protocol/variants';

let current: VariantsControls;
let lastResult: { result: VariantsView; target: HTMLElement } | undefined;

const GUIDE: { name: string; drops: string; where: string; granularity: string; when: string }[] = [
  { name: 'Standard (Dropout)', drops: 'single activations, zeroed; survivors × 1/(1−p)', where: 'after dense / hidden layers', granularity: 'element', when: 'fully connected layers; the default (p 0.5 hidden, 0.2 input)' },
  { name: 'Spatial (Dropout2d, SpatialDropout2D)', drops: 'whole channels (feature maps)', where: 'between convolution blocks', granularity: 'channel, shared over all positions', when: 'conv nets: neighbouring pixels are correlated, so element-wise dropout barely regularises' },
  { name: 'DropBlock', drops: 'contiguous block_size × block_size squares', where: 'later conv stages (ResNet stages 3–4)', granularity: 'spatial block', when: 'conv nets that need stronger regularisation; ramp keep_prob 1 → 0.9' },
  { name: 'Alpha dropout', drops: "activations set to SELU's negative saturation α′, then affine-corrected", where: 'self-normalising (SELU) networks', granularity: 'element', when: 'only with SELU + LeCun-normal init: keeps mean 0 and variance 1' },
  { name: 'Gaussian dropout', drops: 'nothing: multiplies by N(1, p/(1−p)) noise', where: 'like standard dropout', granularity: 'element', when: 'same expectation and variance as dropout, without hard zeros' },
  { name: 'DropConnect', drops: 'individual weights, not activations', where: 'inside a dense / 1×1 layer', granularity: 'connection', when: 'a finer-grained alternative for fully connected layers; costlier' },
];

function render(result: VariantsView, target: HTMLElement): void {
  lastResult = { result, target };
  const { channels, height, width } = result;
  const scale = Math.max(1e-9, ...result.input.map(Math.abs));
  const input = h('canvas', { class: 'maps', role: 'img', 'aria-label': `Input: ${channels} feature maps of ${height}×${width}` });
  drawHeatmaps(input, result.input, { height, width, maps: channels, scale });
  const figures = result.variants.map((v) => variantFigure(v, result, scale));
  setChildren(target,
    h('h2', {}, 'Input feature maps'),
    h('figure', { class: 'variant' }, input, h('figcaption', { class: 'desc' }, `${channels} channels × ${height} × ${width}, from seed ${current?.seed ?? ''}`)),
    h('h2', {}, `Outputs with p = ${fmt(result.p, 2)} (one seed, sample ${current?.sample ?? 0})`),
    h('div', { class: 'variants-grid', id: 'variants-grid' }, ...figures),
    h('h2', {}, 'Which variant when'),
    h('table', { id: 'variants-guide' },
      h('thead', {}, h('tr', {}, ...['variant', 'what it drops', 'where', 'granularity', 'when to use it'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...GUIDE.map((g) => h('tr', {}, h('th', { scope: 'row' }, g.name), h('td', {}, g.drops), h('td', {}, g.where), h('td', {}, g.granularity), h('td', {}, g.when))))),
  );
}

function variantFigure(v: VariantView, result: VariantsView, scale: number): HTMLElement {
  const { channels, height, width } = result;
  const output = h('canvas', { role: 'img', 'aria-label': `${v.label} output` });
  drawHeatmaps(output, v.values, { height, width, maps: channels, scale: scale * 2, isDropped: (_value, i) => v.name !== 'gaussian' && v.name !== 'dropconnect' && v.mask[i] === 0 });
  const mask = h('canvas', { role: 'img', 'aria-label': `${v.label} mask` });
  if (v.name === 'dropconnect') {
    drawHeatmaps(mask, v.mask, { height: channels, width: channels, maps: 1, scale: 1, cell: 12, isDropped: (value) => value === 0 });
  } else if (v.name === 'gaussian') {
    drawHeatmaps(mask, v.mask.map((f) => f - 1), { height, width, maps: channels, scale: 1 });
  } else {
    drawHeatmaps(mask, v.mask, { height, width, maps: channels, scale: 1, isDropped: (value) => value === 0 });
  }
  const s = v.stats;
  const keep = Number.isNaN(s.keepRate) ? 'no hard zeros' : `kept ${fmt(s.keepRate * 100, 1)} % (designed ${fmt(s.expectedKeepRate * 100, 1)} %)`;
  const dropped = v.name === 'dropconnect' || v.name === 'gaussian' ? undefined : v.mask.filter((m) => m === 0).length;
  return h('figure', { class: 'variant', 'data-variant': v.name, 'data-dropped': dropped ?? '', 'data-mask-signature': maskSignature(v.mask) },
    h('figcaption', {}, h('strong', {}, v.label)),
    output,
    h('div', { class: 'desc' }, v.name === 'dropconnect' ? 'weight mask (out × in channels):' : v.name === 'gaussian' ? 'multiplicative noise − 1:' : 'mask (grey = dropped):'),
    mask,
    h('div', { class: 'desc' }, v.description),
    h('div', { class: 'desc' }, `${keep}; mean ${fmt(s.inputMean, 3)} → ${fmt(s.outputMean, 3)}, variance ${fmt(s.inputVariance, 3)} → ${fmt(s.outputVariance, 3)}`),
  );
}

/** A short fingerprint of a mask (which entries are which), so a new mask is recognisable. */
function maskSignature(mask: number[]): string {
  let hash = 2166136261;
  for (const value of mask) hash = Math.imul(hash ^ Math.round(value * 1000), 16777619) >>> 0;
  return hash.toString(16);
}

startExperimentPage<VariantsControls, VariantsView>({
  codec: VARIANTS_CODEC,
  title: 'Dropout variants on the same feature maps',
  intro: [
    'The engine applies six kinds of dropout to the same input with the same seed. Element-wise dropout leaves neighbouring, correlated pixels to fill the gaps; ',
    'spatial dropout and DropBlock remove whole channels or regions, which is what makes them work on convolutional features.',
  ],
  training: false,
  renderControls(controls, change) {
    current = controls;
    return h('section', { class: 'controls', 'aria-label': 'Settings' },
      rangeControl({ id: 'p', label: 'Drop rate p (all variants)', min: 0, max: 0.9, step: 0.05, value: controls.p, format: (v) => v.toFixed(2), onInput: (v) => change((current = { ...current, p: v })) }),
      numberControl({ id: 'block-size', label: 'DropBlock block size (odd)', min: 1, max: 15, step: 2, value: controls.blockSize, onChange: (v) => change((current = { ...current, blockSize: Math.round(v) % 2 ? Math.round(v) : Math.round(v) - 1 })) }),
      numberControl({ id: 'seed', label: 'Seed', min: 0, max: 0xffffffff, step: 1, value: controls.seed, onChange: (v) => change((current = { ...current, seed: Math.round(v) })) }),
      button('Resample', { id: 'resample', class: 'primary', title: 'New masks from the engine, same input' }, () => change((current = { ...current, sample: (current.sample + 1) >>> 0 }))),
    );
  },
  renderResult(result, target, controls) {
    current = controls;
    render(result, target);
  },
  onThemeChange() {
    if (lastResult) render(lastResult.result, lastResult.target);
  },
});
