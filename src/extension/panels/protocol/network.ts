// Messages and state of the Network panel (both directions), with their validators.
import { NETWORK_LIMITS, DEFAULT_NETWORK, type NetworkModelSpec } from '../types';
import type { SubnetworkCount } from '../subnetworks';
import {
  bitArray, bool, boundedString, clampInt, clampNumber, isRecord, messageType, numberArray, oneOf,
} from './validate';

export const NETWORK_VIEW_TYPE = 'dropoutLab.network';

/** 'neuron' = standard dropout (units), 'dropconnect' = individual connections. */
export type NetworkMode = 'neuron' | 'dropconnect';
export const NETWORK_MODES: readonly NetworkMode[] = ['neuron', 'dropconnect'];
export type NetworkView = 'network' | 'team';

export interface NetworkSettings {
  /** One rate per layer; input and output are forced to 0. */
  rates: number[];
  mode: NetworkMode;
  seed: number;
  /** Resample counter: the same (seed, sample) always gives the same mask. */
  sample: number;
  view: NetworkView;
  /** Team rotation: fraction of players benched each practice. */
  teamRate: number;
  teamSample: number;
}

export interface NetworkState {
  model: NetworkModelSpec;
  settings: NetworkSettings;
}

export const TEAM_SIZE = 11;
export const DEFAULT_TEAM_RATE = 0.3;
export const MAX_SEED = 0xffffffff;

export interface LayerMaskView {
  label: string;
  units: number;
  rate: number;
  /** Units kept in this sample (exact, over the whole layer). */
  kept: number;
  /** Indices of the units drawn (large layers are summarised: first few and last). */
  drawn: number[];
  /** Keep bit of each drawn unit. */
  drawnMask: number[];
}

export interface ConnectionMaskView {
  total: number;
  active: number;
  /** Row-major [drawn out][drawn in] keep bits of the drawn connections. */
  drawnMask: number[];
}

export interface NetworkMaskView {
  sample: number;
  mode: NetworkMode;
  layers: LayerMaskView[];
  connections: ConnectionMaskView[];
  activeUnits: number;
  totalUnits: number;
  activeConnections: number;
  totalConnections: number;
  /** Units (neuron mode) or connections (DropConnect) dropout can switch off. */
  droppable: number;
  subnetworks: SubnetworkCount;
  /** Why DropConnect is unavailable for this model (too many connections), if it is. */
  dropConnectUnavailable?: string;
}

export interface TeamView {
  sample: number;
  rate: number;
  /** 1 = plays this practice, 0 = benched. */
  playing: number[];
}

export type NetworkFromWebview =
  | { type: 'ready' }
  | { type: 'sample'; settings: NetworkSettings };

export type NetworkToWebview =
  | { type: 'init'; state: NetworkState }
  | { type: 'mask'; view: NetworkMaskView; team: TeamView }
  | { type: 'error'; message: string };

// ───────────── validation ─────────────

export function defaultSettings(model: NetworkModelSpec): NetworkSettings {
  return {
    rates: model.layers.map((layer, i) => (i === 0 || i === model.layers.length - 1 ? 0 : clampNumber(layer.dropoutRate, 0, NETWORK_LIMITS.maxRate, 0.5))),
    mode: 'neuron',
    seed: 1,
    sample: 0,
    view: 'network',
    teamRate: DEFAULT_TEAM_RATE,
    teamSample: 0,
  };
}

/** A model from code or restored state, clamped to the panel's limits; undefined if unusable. */
export function parseModelSpec(raw: unknown): NetworkModelSpec | undefined {
  if (!isRecord(raw) || !Array.isArray(raw.layers)) return undefined;
  const layers = [];
  for (const layer of raw.layers.slice(0, NETWORK_LIMITS.maxLayers)) {
    if (!isRecord(layer)) return undefined;
    const units = clampInt(layer.units, 1, NETWORK_LIMITS.maxUnitsPerLayer, NaN);
    if (Number.isNaN(units)) return undefined;
    const spec: { label: string; units: number; dropoutRate?: number } = { label: boundedString(layer.label, 60) || `layer ${layers.length + 1}`, units };
    if (layer.dropoutRate !== undefined) spec.dropoutRate = clampNumber(layer.dropoutRate, 0, NETWORK_LIMITS.maxRate, 0);
    layers.push(spec);
  }
  if (layers.length < NETWORK_LIMITS.minLayers) return undefined;
  return { name: boundedString(raw.name, 120) || 'Model', layers };
}

export function parseSettings(raw: unknown, model: NetworkModelSpec): NetworkSettings {
  const defaults = defaultSettings(model);
  if (!isRecord(raw)) return defaults;
  const last = model.layers.length - 1;
  const rates = numberArray(raw.rates, model.layers.length, 0, NETWORK_LIMITS.maxRate) ?? defaults.rates;
  return {
    rates: model.layers.map((_, i) => (i === 0 || i === last ? 0 : rates[i] ?? defaults.rates[i])),
    mode: oneOf(raw.mode, NETWORK_MODES, defaults.mode),
    seed: clampInt(raw.seed, 0, MAX_SEED, defaults.seed),
    sample: clampInt(raw.sample, 0, MAX_SEED, 0),
    view: oneOf(raw.view, ['network', 'team'] as const, 'network'),
    teamRate: clampNumber(raw.teamRate, 0, NETWORK_LIMITS.maxRate, DEFAULT_TEAM_RATE),
    teamSample: clampInt(raw.teamSample, 0, MAX_SEED, 0),
  };
}

/** Restored or incoming state: the model first (falls back to the default network), then settings. */
export function parseNetworkState(raw: unknown): NetworkState {
  const model = (isRecord(raw) && parseModelSpec(raw.model)) || DEFAULT_NETWORK;
  return { model, settings: parseSettings(isRecord(raw) ? raw.settings : undefined, model) };
}

/** Webview → host. The model is the host's; settings are clamped against it. */
export function parseNetworkFromWebview(raw: unknown, model: NetworkModelSpec): NetworkFromWebview | undefined {
  switch (messageType(raw)) {
    case 'ready':
      return { type: 'ready' };
    case 'sample':
      return { type: 'sample', settings: parseSettings((raw as { settings?: unknown }).settings, model) };
    default:
      return undefined;
  }
}

const MAX_DRAWN = 64;

function parseLayerView(raw: unknown): LayerMaskView | undefined {
  if (!isRecord(raw)) return undefined;
  const units = clampInt(raw.units, 1, NETWORK_LIMITS.maxUnitsPerLayer, 1);
  const drawn = numberArray(raw.drawn, MAX_DRAWN, 0, units - 1) ?? [];
  const drawnMask = bitArray(raw.drawnMask, drawn.length) ?? [];
  if (drawnMask.length !== drawn.length) return undefined;
  return {
    label: boundedString(raw.label, 60),
    units,
    rate: clampNumber(raw.rate, 0, 1, 0),
    kept: clampInt(raw.kept, 0, units, 0),
    drawn: drawn.map(Math.round),
    drawnMask,
  };
}

function parseSubnetworks(raw: unknown): SubnetworkCount | undefined {
  if (!isRecord(raw)) return undefined;
  const count: SubnetworkCount = {
    exponent: clampInt(raw.exponent, 0, Number.MAX_SAFE_INTEGER, 0),
    mantissa: clampNumber(raw.mantissa, 1, 10, 1),
    power10: clampInt(raw.power10, 0, Number.MAX_SAFE_INTEGER, 0),
    digits: clampInt(raw.digits, 1, Number.MAX_SAFE_INTEGER, 1),
    moreThanAtoms: bool(raw.moreThanAtoms, false),
  };
  if (typeof raw.exact === 'string' && /^[0-9]{1,1000}$/.test(raw.exact)) count.exact = raw.exact;
  return count;
}

/** Host → webview, checked in the browser before anything is drawn. */
export function parseNetworkToWebview(raw: unknown): NetworkToWebview | undefined {
  switch (messageType(raw)) {
    case 'init':
      return { type: 'init', state: parseNetworkState((raw as { state?: unknown }).state) };
    case 'error':
      return { type: 'error', message: boundedString((raw as { message?: unknown }).message, 1000) };
    case 'mask': {
      const { view, team } = raw as { view?: unknown; team?: unknown };
      if (!isRecord(view) || !isRecord(team) || !Array.isArray(view.layers) || !Array.isArray(view.connections)) return undefined;
      const layers = view.layers.slice(0, NETWORK_LIMITS.maxLayers).map(parseLayerView);
      if (layers.some((l) => l === undefined)) return undefined;
      const connections: ConnectionMaskView[] = view.connections.slice(0, NETWORK_LIMITS.maxLayers).map((c) => ({
        total: clampInt(isRecord(c) ? c.total : 0, 0, Number.MAX_SAFE_INTEGER, 0),
        active: clampInt(isRecord(c) ? c.active : 0, 0, Number.MAX_SAFE_INTEGER, 0),
        drawnMask: bitArray(isRecord(c) ? c.drawnMask : undefined, MAX_DRAWN * MAX_DRAWN) ?? [],
      }));
      const subnetworks = parseSubnetworks(view.subnetworks);
      if (!subnetworks) return undefined;
      const big = Number.MAX_SAFE_INTEGER;
      const parsed: NetworkMaskView = {
        sample: clampInt(view.sample, 0, MAX_SEED, 0),
        mode: oneOf(view.mode, NETWORK_MODES, 'neuron'),
        layers: layers as LayerMaskView[],
        connections,
        activeUnits: clampInt(view.activeUnits, 0, big, 0),
        totalUnits: clampInt(view.totalUnits, 0, big, 0),
        activeConnections: clampInt(view.activeConnections, 0, big, 0),
        totalConnections: clampInt(view.totalConnections, 0, big, 0),
        droppable: clampInt(view.droppable, 0, big, 0),
        subnetworks,
      };
      if (typeof view.dropConnectUnavailable === 'string') parsed.dropConnectUnavailable = boundedString(view.dropConnectUnavailable, 300);
      return {
        type: 'mask',
        view: parsed,
        team: {
          sample: clampInt(team.sample, 0, MAX_SEED, 0),
          rate: clampNumber(team.rate, 0, 1, DEFAULT_TEAM_RATE),
          playing: bitArray(team.playing, TEAM_SIZE) ?? [],
        },
      };
    }
    default:
      return undefined;
  }
}
