// Variance Shift and Dropout-as-L2 panels: controls, result shapes and validators.
import type { L2EquivalenceConfig, L2EquivalenceResult, VarianceShiftConfig } from '../../../engine/protocol';
import { clampInt, clampNumber, isRecord } from './validate';
import { num, numbers, type ExperimentCodec } from './experiment';

export const VARIANCE_SHIFT_VIEW_TYPE = 'dropoutLab.varianceShift';
export const L2_VIEW_TYPE = 'dropoutLab.l2Equivalence';

// ───────────── variance shift ─────────────

export interface VarianceShiftControls { p: number; mean: number; variance: number; seed: number }
export const DEFAULT_VARIANCE_SHIFT_CONTROLS: VarianceShiftControls = { p: 0.5, mean: 0, variance: 1, seed: 1 };

export interface VarianceTriple { trainVariance: number; testVariance: number; ratio: number }
export interface VarianceShiftView {
  p: number;
  mean: number;
  variance: number;
  keepProbability: number;
  formula: VarianceTriple;
  measured: VarianceTriple;
  batchNorm: { runningVariance: number; testOutputVariance: number };
}

export function varianceShiftConfig(c: VarianceShiftControls): VarianceShiftConfig {
  return { experiment: 'variance-shift', p: c.p, mean: c.mean, variance: c.variance, seed: c.seed, samples: 200000 };
}

function triple(raw: unknown): VarianceTriple | undefined {
  if (!isRecord(raw)) return undefined;
  const t = num(raw.trainVariance);
  const v = num(raw.testVariance);
  const r = num(raw.ratio);
  return t === undefined || v === undefined || r === undefined ? undefined : { trainVariance: t, testVariance: v, ratio: r };
}

export const VARIANCE_SHIFT_CODEC: ExperimentCodec<VarianceShiftControls, VarianceShiftView> = {
  parseControls(raw) {
    const d = DEFAULT_VARIANCE_SHIFT_CONTROLS;
    if (!isRecord(raw)) return { ...d };
    return {
      p: clampNumber(raw.p, 0, 0.9, d.p),
      mean: clampNumber(raw.mean, -10, 10, d.mean),
      variance: clampNumber(raw.variance, 0.01, 100, d.variance),
      seed: clampInt(raw.seed, 0, 0xffffffff, d.seed),
    };
  },
  parseResult(raw) {
    if (!isRecord(raw) || !isRecord(raw.batchNorm)) return undefined;
    const formula = triple(raw.formula);
    const measured = triple(raw.measured);
    const values = [raw.p, raw.mean, raw.variance, raw.keepProbability, raw.batchNorm.runningVariance, raw.batchNorm.testOutputVariance].map(num);
    if (!formula || !measured || values.some((v) => v === undefined)) return undefined;
    const [p, mean, variance, keepProbability, runningVariance, testOutputVariance] = values as number[];
    return { p, mean, variance, keepProbability, formula, measured, batchNorm: { runningVariance, testOutputVariance } };
  },
};

// ───────────── dropout as L2 ─────────────

export interface L2Controls { p: number; features: number; samples: number; seed: number }
export const DEFAULT_L2_CONTROLS: L2Controls = { p: 0.5, features: 5, samples: 200, seed: 1 };

/** The engine's result as the webview receives it. */
export type L2View = Omit<L2EquivalenceResult, 'experiment' | 'config'> & { p: number };

export function l2Config(c: L2Controls): L2EquivalenceConfig {
  return { experiment: 'l2-equivalence', p: c.p, features: c.features, samples: c.samples, seed: c.seed, steps: 200000 };
}

export const L2_CODEC: ExperimentCodec<L2Controls, L2View> = {
  parseControls(raw) {
    const d = DEFAULT_L2_CONTROLS;
    if (!isRecord(raw)) return { ...d };
    return {
      p: clampNumber(raw.p, 0, 0.9, d.p),
      features: clampInt(raw.features, 1, 16, d.features),
      samples: clampInt(raw.samples, 20, 2000, d.samples),
      seed: clampInt(raw.seed, 0, 0xffffffff, d.seed),
    };
  },
  parseResult(raw) {
    if (!isRecord(raw) || !Array.isArray(raw.curve)) return undefined;
    const closedForm = numbers(raw.closedForm, 64);
    if (!closedForm) return undefined;
    const n = closedForm.length;
    const leastSquares = numbers(raw.leastSquares, 64, n);
    const trained = numbers(raw.trained, 64, n);
    const penalty = numbers(raw.penalty, 64, n);
    const p = num(raw.p);
    const keepProbability = num(raw.keepProbability);
    const relativeError = num(raw.relativeError);
    if (!leastSquares || !trained || !penalty || p === undefined || keepProbability === undefined || relativeError === undefined) return undefined;
    const curve: L2View['curve'] = [];
    for (const point of raw.curve.slice(0, 2000)) {
      if (!isRecord(point)) return undefined;
      const step = num(point.step);
      const error = num(point.relativeError);
      if (step === undefined || error === undefined) return undefined;
      curve.push({ step, relativeError: error });
    }
    return { p, keepProbability, closedForm, leastSquares, trained, relativeError, penalty, curve };
  },
};
