// Network panel (browser side): draws the layers, sends the user's intent (rates, mode, resample)
// to the host and renders the mask the host samples with the engine. Nothing here computes dropout.
import { post, onHostMessage, vscodeApi } from './common/vscodeApi';
import { button, h, rangeControl, setChildren, setRangeValue, svg } from './common/dom';
import {
  parseNetworkState, parseNetworkToWebview, TEAM_SIZE,
  type NetworkMaskView, type NetworkSettings, type NetworkState, type TeamView,
} from '../extension/panels/protocol/network';
import { formatScientific } from '../extension/panels/subnetworks';
import { NETWORK_LIMITS } from '../extension/panels/types';

const app = document.getElementById('app') as HTMLElement;
let state: NetworkState | undefined;
let lastMask: NetworkMaskView | undefined;
let lastTeam: TeamView | undefined;

const pct = (v: number) => `${Math.round(v * 100)} %`;
const rateText = (v: number) => v.toFixed(2);

function saveAndSample(): void {
  if (!state) return;
  vscodeApi().setState(state);
  post({ type: 'sample', settings: state.settings });
}

function updateSettings(change: Partial<NetworkSettings>): void {
  if (!state) return;
  state = { ...state, settings: { ...state.settings, ...change } };
  saveAndSample();
}

function hiddenLayerIndices(): number[] {
  if (!state) return [];
  return state.model.layers.map((_, i) => i).slice(1, -1);
}

function setAllHiddenRates(rate: number): void {
  if (!state) return;
  const hidden = new Set(hiddenLayerIndices());
  const rates = state.settings.rates.map((r, i) => (hidden.has(i) ? rate : 0));
  for (const i of hidden) setRangeValue(`rate-layer-${i}`, rate, rateText);
  setRangeValue('rate-all', rate, rateText);
  updateSettings({ rates });
}

function renderShell(): void {
  if (!state) return;
  const s = state.settings;
  const hidden = hiddenLayerIndices();
  const firstHiddenRate = hidden.length ? s.rates[hidden[0]] : 0;

  const viewSwitch = h('div', { class: 'segmented', role: 'group', 'aria-label': 'View' },
    button('Network', { id: 'view-network', 'aria-pressed': String(s.view === 'network') }, () => switchView('network')),
    button('Team rotation', { id: 'view-team', 'aria-pressed': String(s.view === 'team') }, () => switchView('team')),
  );

  const modeGroup = h('fieldset', { class: 'control-group' },
    h('legend', {}, 'What dropout removes'),
    radio('mode', 'mode-neuron', 'neuron', 'Neurons (standard dropout)', s.mode === 'neuron'),
    radio('mode', 'mode-dropconnect', 'dropconnect', 'Connections (DropConnect)', s.mode === 'dropconnect'),
  );
  modeGroup.addEventListener('change', (event) => {
    const target = event.target as HTMLInputElement;
    if (target.name === 'mode') updateSettings({ mode: target.value === 'dropconnect' ? 'dropconnect' : 'neuron' });
  });

  const perLayer = h('fieldset', { class: 'control-group' }, h('legend', {}, 'Per-layer rates (input and output are never dropped)'),
    ...hidden.map((i) => rangeControl({
      id: `rate-layer-${i}`, label: `${state!.model.layers[i].label} (${state!.model.layers[i].units} units)`,
      min: 0, max: NETWORK_LIMITS.maxRate, step: 0.05, value: s.rates[i], format: rateText,
      onInput: (v) => {
        const rates = state!.settings.rates.slice();
        rates[i] = v;
        updateSettings({ rates });
      },
    })));

  const networkControls = h('section', { id: 'network-controls', class: 'controls', 'aria-label': 'Network controls', hidden: s.view !== 'network' },
    rangeControl({ id: 'rate-all', label: 'Dropout rate p (all hidden layers)', min: 0, max: NETWORK_LIMITS.maxRate, step: 0.05, value: firstHiddenRate, format: rateText, onInput: setAllHiddenRates }),
    h('div', { class: 'control presets', role: 'group', 'aria-label': 'Common rates' },
      button('p = 0.2', { id: 'preset-0-2', title: 'A common rate for inputs and light regularisation' }, () => setAllHiddenRates(0.2)),
      button('p = 0.5', { id: 'preset-0-5', title: 'The classic rate for hidden layers (Srivastava et al.)' }, () => setAllHiddenRates(0.5)),
    ),
    button('Resample', { id: 'resample', class: 'primary', title: 'Draw a new mask from the engine' }, () => updateSettings({ sample: (state!.settings.sample + 1) >>> 0 })),
    modeGroup,
    perLayer,
  );

  const teamControls = h('section', { id: 'team-controls', class: 'controls', 'aria-label': 'Team rotation controls', hidden: s.view !== 'team' },
    rangeControl({ id: 'team-rate', label: 'Players benched each practice', min: 0, max: NETWORK_LIMITS.maxRate, step: 0.05, value: s.teamRate, format: pct, onInput: (v) => updateSettings({ teamRate: v }) }),
    button('Next practice', { id: 'next-practice', class: 'primary' }, () => updateSettings({ teamSample: (state!.settings.teamSample + 1) >>> 0 })),
  );

  setChildren(app,
    h('header', {}, h('h1', {}, state.model.name), viewSwitch),
    h('div', { id: 'error', class: 'error', role: 'alert', hidden: true }),
    networkControls,
    teamControls,
    h('section', { id: 'network-view', 'aria-label': 'Network drawing', hidden: s.view !== 'network' },
      h('div', { id: 'stats', class: 'stats', 'aria-live': 'polite' }),
      h('div', { id: 'drawing', class: 'drawing' }),
    ),
    h('section', { id: 'team-view', 'aria-label': 'Team rotation', hidden: s.view !== 'team' },
      h('p', { class: 'explain' },
        'Dropout is like a coach who benches random players at every practice: nobody can rely on one particular teammate, ',
        'so every player learns to be useful with many different line-ups. On match day everyone plays (test time, no dropout).'),
      h('div', { id: 'team-stats', class: 'stats', 'aria-live': 'polite' }),
      h('div', { id: 'team', class: 'team' }),
    ),
  );
  if (lastMask) renderMask(lastMask);
  if (lastTeam) renderTeam(lastTeam);
}

function radio(name: string, id: string, value: string, label: string, checked: boolean): HTMLElement {
  return h('div', { class: 'radio' }, h('input', { type: 'radio', name, id, value, checked }), h('label', { for: id }, label));
}

function switchView(view: 'network' | 'team'): void {
  if (!state) return;
  updateSettings({ view });
  for (const [id, on] of [['network-controls', view === 'network'], ['network-view', view === 'network'], ['team-controls', view === 'team'], ['team-view', view === 'team']] as const) {
    const el = document.getElementById(id);
    if (el) el.hidden = !on;
  }
  document.getElementById('view-network')?.setAttribute('aria-pressed', String(view === 'network'));
  document.getElementById('view-team')?.setAttribute('aria-pressed', String(view === 'team'));
}

function renderMask(view: NetworkMaskView): void {
  lastMask = view;
  const stats = document.getElementById('stats');
  const drawing = document.getElementById('drawing');
  if (!stats || !drawing) return;
  const hiddenLayers = view.layers.slice(1, -1);
  const hiddenKept = hiddenLayers.reduce((a, l) => a + l.kept, 0);
  const hiddenTotal = hiddenLayers.reduce((a, l) => a + l.units, 0);
  const count = view.subnetworks;
  const countText = count.exact && count.digits <= 30 ? withThousands(count.exact) : `≈ ${formatScientific(count, 3)}`;
  const atoms = !count.moreThanAtoms
    ? 'fewer sub-networks than atoms'
    : count.power10 > 80 ? `about 10^${count.power10 - 80} times more sub-networks than atoms` : 'more sub-networks than atoms';
  const droppableWhat = view.mode === 'neuron' ? 'droppable units' : 'droppable connections';
  setChildren(stats,
    h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, 'Active units'),
      h('span', { id: 'active-units', class: 'stat-value', 'data-active': view.activeUnits, 'data-total': view.totalUnits }, `${view.activeUnits} of ${view.totalUnits}`),
      h('span', { class: 'stat-note' }, `hidden: ${hiddenKept} of ${hiddenTotal}`)),
    h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, 'Active connections'),
      h('span', { id: 'active-connections', class: 'stat-value' }, `${view.activeConnections.toLocaleString('en-US')} of ${view.totalConnections.toLocaleString('en-US')}`)),
    h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, 'Possible sub-networks'),
      h('span', { id: 'subnetworks', class: 'stat-value', 'data-exponent': count.exponent }, `2^${count.exponent.toLocaleString('en-US')} ${countText.startsWith('≈') ? '' : '= '}${countText}`),
      h('span', { class: 'stat-note' }, `${count.exponent.toLocaleString('en-US')} ${droppableWhat}; atoms in the observable universe ≈ 10^80: ${atoms}`)),
  );
  if (count.exact && count.digits > 40) {
    stats.append(h('details', { class: 'exact-count' }, h('summary', {}, `All ${count.digits} digits of 2^${count.exponent}`), h('code', {}, count.exact)));
  }
  if (view.dropConnectUnavailable) stats.append(h('p', { class: 'note' }, view.dropConnectUnavailable));
  drawing.replaceChildren(drawNetwork(view));
}

function withThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function drawNetwork(view: NetworkMaskView): SVGSVGElement {
  const columnGap = 150;
  const rowGap = 34;
  const maxDrawn = Math.max(...view.layers.map((l) => l.drawn.length + (l.drawn.length < l.units ? 1 : 0)));
  const width = 60 + columnGap * (view.layers.length - 1) + 60;
  const height = 40 + rowGap * maxDrawn + 40;
  const radius = 11;
  // Position of each drawn unit; a summarised layer gets a gap row before its last units.
  const positions = view.layers.map((layer, l) => {
    const rows = layer.drawn.length + (layer.drawn.length < layer.units ? 1 : 0);
    const top = 30 + (height - 70 - rowGap * (rows - 1)) / 2;
    const gapAt = layer.drawn.length < layer.units ? layer.drawn.length - 2 : -1;
    return layer.drawn.map((_, k) => ({ x: 60 + columnGap * l, y: top + rowGap * (k >= gapAt && gapAt >= 0 ? k + 1 : k) }));
  });
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': `Network with ${view.activeUnits} of ${view.totalUnits} units active` });
  const lines = svg('g', { class: 'connections' });
  view.connections.forEach((c, l) => {
    const from = positions[l];
    const to = positions[l + 1];
    to.forEach((b, j) => from.forEach((a, i) => {
      const kept = c.drawnMask[j * from.length + i] === 1;
      lines.append(svg('line', { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: kept ? 'link active' : 'link dropped' }));
    }));
  });
  root.append(lines);
  view.layers.forEach((layer, l) => {
    const g = svg('g', { class: 'layer', 'data-layer': l });
    layer.drawn.forEach((unit, k) => {
      const { x, y } = positions[l][k];
      const kept = layer.drawnMask[k] === 1;
      const circle = svg('circle', { cx: x, cy: y, r: radius, class: kept ? 'unit active' : 'unit dropped', 'data-unit': `${l}:${unit}`, 'data-kept': kept ? 1 : 0 },
        svg('title', {}, `${layer.label} unit ${unit + 1}: ${kept ? 'active' : 'dropped'}`));
      g.append(circle);
      if (!kept) {
        g.append(svg('line', { x1: x - 6, y1: y - 6, x2: x + 6, y2: y + 6, class: 'cross' }), svg('line', { x1: x - 6, y1: y + 6, x2: x + 6, y2: y - 6, class: 'cross' }));
      }
    });
    if (layer.drawn.length < layer.units) {
      const gapRow = positions[l][layer.drawn.length - 2];
      g.append(svg('text', { x: gapRow.x, y: gapRow.y - rowGap / 2 + 5, class: 'gap-label', 'text-anchor': 'middle' }, `⋮ ${layer.units - layer.drawn.length} more`));
    }
    const labelY = height - 22;
    g.append(
      svg('text', { x: 60 + columnGap * l, y: labelY, class: 'layer-label', 'text-anchor': 'middle' }, layer.label),
      svg('text', { x: 60 + columnGap * l, y: labelY + 15, class: 'layer-count', 'text-anchor': 'middle', 'data-layer-count': l },
        l === 0 || l === view.layers.length - 1 ? `${layer.units} (never dropped)` : `${layer.kept}/${layer.units} · p=${layer.rate.toFixed(2)}`),
    );
    root.append(g);
  });
  return root;
}

function renderTeam(team: TeamView): void {
  lastTeam = team;
  const stats = document.getElementById('team-stats');
  const pitch = document.getElementById('team');
  if (!stats || !pitch) return;
  const playing = team.playing.filter((p) => p === 1).length;
  setChildren(stats, h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, `Practice ${team.sample + 1}`),
    h('span', { id: 'team-count', class: 'stat-value', 'data-playing': playing }, `${playing} of ${TEAM_SIZE} players on the field`),
    h('span', { class: 'stat-note' }, `each player sits out with probability ${Math.round(team.rate * 100)} %`)));
  const field = h('ul', { class: 'players field', 'aria-label': 'On the field' });
  const bench = h('ul', { class: 'players bench', 'aria-label': 'On the bench' });
  team.playing.forEach((on, i) => {
    (on ? field : bench).append(h('li', { class: on ? 'player playing' : 'player benched', 'data-player': i + 1 }, h('span', { class: 'shirt' }, String(i + 1)), on ? 'plays' : 'benched'));
  });
  setChildren(pitch, h('h2', {}, 'Field'), field, h('h2', {}, 'Bench'), bench.childElementCount ? bench : h('p', { class: 'note' }, 'Nobody benched this time.'));
}

function showError(message: string): void {
  const el = document.getElementById('error');
  if (!el) return;
  el.textContent = message;
  el.hidden = message.length === 0;
}

onHostMessage(parseNetworkToWebview, (message) => {
  switch (message.type) {
    case 'init':
      state = message.state;
      lastMask = undefined;
      renderShell();
      saveAndSample();
      return;
    case 'mask':
      showError('');
      renderMask(message.view);
      renderTeam(message.team);
      return;
    case 'error':
      showError(message.message);
      return;
  }
});

// Draw what we had before a reload right away; the host's `init` then confirms or replaces it.
const saved = vscodeApi().getState();
if (saved) {
  state = parseNetworkState(saved);
  renderShell();
}
post({ type: 'ready' });
