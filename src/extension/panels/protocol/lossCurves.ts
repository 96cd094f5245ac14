// Messages and state of the Loss Curves panel (both directions), with their validators.
import type { EpochMetrics, RunName } from '../../../engine/protocol';
import {
  boundedString, clampInt, clampNumber, finiteNumbers, isRecord, messageType, oneOf,
} from './validate';

export const LOSS_CURVES_VIEW_TYPE = 'dropoutLab.lossCurves';

/** What the user controls; the host maps it onto the engine's OverfittingConfig. */
export interface LossCurvesControls {
  /** Hidden-layer drop rate of the dropout run. */
  p: number;
  epochs: number;
  hiddenSizes: number[];
  trainSize: number;
  seed: number;
}

export const LOSS_CURVES_LIMITS = {
  maxRate: 0.9,
  maxEpochs: 500,
  maxHiddenLayers: 4,
  maxHiddenUnits: 2048,
  minTrainSize: 50,
  /** The shipped MNIST subset holds 3000 digits; 1000 are held out for testing. */
  maxTrainSize: 2000,
  testSize: 1000,
} as const;

export const DEFAULT_LOSS_CURVES_CONTROLS: LossCurvesControls = { p: 0.5, epochs: 50, hiddenSizes: [512, 512], trainSize: 500, seed: 1 };

export type RunStatus = 'idle' | 'running' | 'done' | 'stopped' | 'error';
export const RUN_STATUSES: readonly RunStatus[] = ['idle', 'running', 'done', 'stopped', 'error'];

export interface LossCurves {
  baseline: EpochMetrics[];
  dropout: EpochMetrics[];
}

export interface LossCurvesState {
  controls: LossCurvesControls;
  /** The controls of the run the curves came from (exports describe this run). */
  runControls?: LossCurvesControls;
  curves: LossCurves;
  status: RunStatus;
  message?: string;
}

export type LossCurvesFromWebview =
  | { type: 'ready' }
  | { type: 'start'; controls: LossCurvesControls }
  | { type: 'stop' }
  | { type: 'exportCsv' }
  | { type: 'exportPng'; dataUrl: string }
  | { type: 'controls'; controls: LossCurvesControls };

export type LossCurvesToWebview =
  | { type: 'init'; state: LossCurvesState }
  | { type: 'started'; controls: LossCurvesControls }
  | { type: 'epoch'; run: RunName; metrics: EpochMetrics }
  | { type: 'progress'; fraction: number; label: string }
  | { type: 'finished'; status: RunStatus; message?: string; retry?: boolean }
  | { type: 'exported'; kind: 'csv' | 'png'; path: string }
  | { type: 'error'; message: string };

/** PNG data URLs of a chart are a few hundred kB; refuse anything absurd. */
export const MAX_PNG_DATA_URL = 16 * 1024 * 1024;

export function parseControls(raw: unknown): LossCurvesControls {
  const d = DEFAULT_LOSS_CURVES_CONTROLS;
  if (!isRecord(raw)) return { ...d, hiddenSizes: d.hiddenSizes.slice() };
  const L = LOSS_CURVES_LIMITS;
  const hidden = (finiteNumbers(raw.hiddenSizes, L.maxHiddenLayers) ?? d.hiddenSizes).map((u) => clampInt(u, 1, L.maxHiddenUnits, 1));
  return {
    p: clampNumber(raw.p, 0, L.maxRate, d.p),
    epochs: clampInt(raw.epochs, 1, L.maxEpochs, d.epochs),
    hiddenSizes: hidden.length ? hidden : d.hiddenSizes.slice(),
    trainSize: clampInt(raw.trainSize, L.minTrainSize, L.maxTrainSize, d.trainSize),
    seed: clampInt(raw.seed, 0, 0xffffffff, d.seed),
  };
}

/** "512, 512" → [512, 512]; undefined when the text is not a list of positive integers. */
export function parseHiddenSizesText(text: string): number[] | undefined {
  const parts = text.split(/[\s,×x]+/).filter(Boolean);
  if (parts.length === 0 || parts.length > LOSS_CURVES_LIMITS.maxHiddenLayers) return undefined;
  const sizes = parts.map(Number);
  if (sizes.some((s) => !Number.isInteger(s) || s < 1 || s > LOSS_CURVES_LIMITS.maxHiddenUnits)) return undefined;
  return sizes;
}

export function parseEpochMetrics(raw: unknown): EpochMetrics | undefined {
  if (!isRecord(raw)) return undefined;
  const values = [raw.epoch, raw.trainLoss, raw.testLoss, raw.trainAccuracy, raw.testAccuracy];
  if (values.some((v) => typeof v !== 'number' || !Number.isFinite(v))) return undefined;
  return {
    epoch: clampInt(raw.epoch, 1, LOSS_CURVES_LIMITS.maxEpochs, 1),
    trainLoss: raw.trainLoss as number,
    testLoss: raw.testLoss as number,
    trainAccuracy: clampNumber(raw.trainAccuracy, 0, 1, 0),
    testAccuracy: clampNumber(raw.testAccuracy, 0, 1, 0),
  };
}

function parseCurve(raw: unknown): EpochMetrics[] {
  if (!Array.isArray(raw)) return [];
  const out: EpochMetrics[] = [];
  for (const item of raw.slice(0, LOSS_CURVES_LIMITS.maxEpochs)) {
    const m = parseEpochMetrics(item);
    // Epochs must arrive in order 1, 2, 3 …; a restored state that breaks this is cut there.
    if (!m || m.epoch !== out.length + 1) break;
    out.push(m);
  }
  return out;
}

export function parseLossCurvesState(raw: unknown): LossCurvesState {
  if (!isRecord(raw)) return { controls: parseControls(undefined), curves: { baseline: [], dropout: [] }, status: 'idle' };
  const curves = isRecord(raw.curves) ? raw.curves : {};
  let status = oneOf(raw.status, RUN_STATUSES, 'idle');
  // A run cannot survive a reload: its worker is gone.
  if (status === 'running') status = 'stopped';
  const state: LossCurvesState = {
    controls: parseControls(raw.controls),
    curves: { baseline: parseCurve(curves.baseline), dropout: parseCurve(curves.dropout) },
    status,
  };
  if (raw.runControls !== undefined) state.runControls = parseControls(raw.runControls);
  if (typeof raw.message === 'string') state.message = boundedString(raw.message, 1000);
  return state;
}

export function parseLossCurvesFromWebview(raw: unknown): LossCurvesFromWebview | undefined {
  const type = messageType(raw);
  const m = raw as Record<string, unknown>;
  switch (type) {
    case 'ready':
    case 'stop':
    case 'exportCsv':
      return { type };
    case 'start':
    case 'controls':
      return { type, controls: parseControls(m.controls) };
    case 'exportPng':
      if (typeof m.dataUrl !== 'string' || m.dataUrl.length > MAX_PNG_DATA_URL || !/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/.test(m.dataUrl)) return undefined;
      return { type, dataUrl: m.dataUrl };
    default:
      return undefined;
  }
}

export function parseLossCurvesToWebview(raw: unknown): LossCurvesToWebview | undefined {
  const type = messageType(raw);
  const m = raw as Record<string, unknown>;
  switch (type) {
    case 'init':
      return { type, state: parseLossCurvesState(m.state) };
    case 'started':
      return { type, controls: parseControls(m.controls) };
    case 'epoch': {
      const metrics = parseEpochMetrics(m.metrics);
      if (!metrics) return undefined;
      return { type, run: oneOf(m.run, ['baseline', 'dropout'] as const, 'baseline'), metrics };
    }
    case 'progress':
      return { type, fraction: clampNumber(m.fraction, 0, 1, 0), label: boundedString(m.label, 200) };
    case 'finished': {
      const out: LossCurvesToWebview = { type, status: oneOf(m.status, RUN_STATUSES, 'done') };
      if (typeof m.message === 'string') out.message = boundedString(m.message, 1000);
      if (m.retry === true) out.retry = true;
      return out;
    }
    case 'exported':
      return { type, kind: oneOf(m.kind, ['csv', 'png'] as const, 'csv'), path: boundedString(m.path, 1000) };
    case 'error':
      return { type, message: boundedString(m.message, 1000) };
    default:
      return undefined;
  }
}
