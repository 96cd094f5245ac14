// Ensembles panel: controls, result shape and validators.
import type { EnsemblesConfig } from '../../../engine/protocol';
import { boundedString, clampInt, clampNumber, finiteNumbers, isRecord } from './validate';
import { num, numbers, type ExperimentCodec } from './experiment';

export const ENSEMBLES_VIEW_TYPE = 'dropoutLab.ensembles';

export interface EnsemblesControls {
  p: number;
  epochs: number;
  hiddenSizes: number[];
  trainSize: number;
  seed: number;
}

export const ENSEMBLES_LIMITS = { minRate: 0.05, maxRate: 0.9, maxEpochs: 200, maxHiddenLayers: 4, maxHiddenUnits: 1024, minTrainSize: 100, maxTrainSize: 2000, testSize: 1000 } as const;
export const ENSEMBLE_KS = [1, 2, 5, 10, 20, 50, 100];
export const DEFAULT_ENSEMBLES_CONTROLS: EnsemblesControls = { p: 0.5, epochs: 30, hiddenSizes: [256, 128], trainSize: 2000, seed: 1 };

export interface EnsemblesView {
  p: number;
  droppableUnits: number;
  subnetworkCount: string;
  subnetworkCountLog10: number;
  weightScaling: { accuracy: number; loss: number };
  /** agreement: fraction of test digits where the k-pass average picks the weight-scaled network's class. */
  monteCarlo: { k: number; accuracy: number; loss: number; agreement: number }[];
  regression: { trainX: number[]; trainY: number[]; x: number[]; mean: number[]; std: number[]; weightScaled: number[] };
}

export function ensemblesConfig(c: EnsemblesControls): EnsemblesConfig {
  return {
    experiment: 'ensembles', p: c.p, epochs: c.epochs, hiddenSizes: c.hiddenSizes, trainSize: c.trainSize,
    testSize: ENSEMBLES_LIMITS.testSize, seed: c.seed, ks: ENSEMBLE_KS, regressionSamples: 100,
  };
}

function parseControls(raw: unknown): EnsemblesControls {
  const d = DEFAULT_ENSEMBLES_CONTROLS;
  if (!isRecord(raw)) return { ...d, hiddenSizes: d.hiddenSizes.slice() };
  const L = ENSEMBLES_LIMITS;
  const hidden = (finiteNumbers(raw.hiddenSizes, L.maxHiddenLayers) ?? d.hiddenSizes).map((u) => clampInt(u, 1, L.maxHiddenUnits, 1));
  return {
    p: clampNumber(raw.p, L.minRate, L.maxRate, d.p),
    epochs: clampInt(raw.epochs, 1, L.maxEpochs, d.epochs),
    hiddenSizes: hidden.length ? hidden : d.hiddenSizes.slice(),
    trainSize: clampInt(raw.trainSize, L.minTrainSize, L.maxTrainSize, d.trainSize),
    seed: clampInt(raw.seed, 0, 0xffffffff, d.seed),
  };
}

const MAX_POINTS = 2000;

function parseResult(raw: unknown): EnsemblesView | undefined {
  if (!isRecord(raw) || !isRecord(raw.weightScaling) || !Array.isArray(raw.monteCarlo) || !isRecord(raw.regression)) return undefined;
  const r = raw.regression;
  const trainX = numbers(r.trainX, MAX_POINTS);
  const x = numbers(r.x, MAX_POINTS);
  if (!trainX || !x) return undefined;
  const trainY = numbers(r.trainY, MAX_POINTS, trainX.length);
  const mean = numbers(r.mean, MAX_POINTS, x.length);
  const std = numbers(r.std, MAX_POINTS, x.length);
  const weightScaled = numbers(r.weightScaled, MAX_POINTS, x.length);
  const accuracy = num(raw.weightScaling.accuracy);
  const loss = num(raw.weightScaling.loss);
  const p = num(raw.p);
  const droppableUnits = num(raw.droppableUnits);
  const log10 = num(raw.subnetworkCountLog10);
  if (!trainY || !mean || !std || !weightScaled || accuracy === undefined || loss === undefined || p === undefined || droppableUnits === undefined || log10 === undefined) return undefined;
  const monteCarlo: EnsemblesView['monteCarlo'] = [];
  for (const m of raw.monteCarlo.slice(0, 20)) {
    if (!isRecord(m)) return undefined;
    const k = num(m.k);
    const a = num(m.accuracy);
    const l = num(m.loss);
    const agreement = num(m.agreement);
    if (k === undefined || a === undefined || l === undefined || agreement === undefined) return undefined;
    monteCarlo.push({ k, accuracy: a, loss: l, agreement: Math.min(1, Math.max(0, agreement)) });
  }
  const count = typeof raw.subnetworkCount === 'string' && /^[0-9]+$/.test(raw.subnetworkCount) ? boundedString(raw.subnetworkCount, 5000) : '';
  return {
    p, droppableUnits, subnetworkCount: count, subnetworkCountLog10: log10,
    weightScaling: { accuracy, loss }, monteCarlo,
    regression: { trainX, trainY, x, mean, std, weightScaled },
  };
}

export const ENSEMBLES_CODEC: ExperimentCodec<EnsemblesControls, EnsemblesView> = { parseControls, parseResult };
