// Inverted vs Standard panel: controls, the result shape it renders, and their validators.
import type { InvertedVsStandardConfig, InvertedVsStandardResult } from '../../../engine/protocol';
import { clampInt, clampNumber, finiteNumbers, isRecord } from './validate';
import { num, numbers, type ExperimentCodec } from './experiment';

export const INVERTED_VIEW_TYPE = 'dropoutLab.invertedVsStandard';

export interface InvertedControls {
  p: number;
  activations: number[];
  seed: number;
  sample: number;
}

export const INVERTED_LIMITS = { maxRate: 0.9, maxActivations: 32, maxAbsActivation: 1000, trials: 10000 } as const;
export const DEFAULT_INVERTED_CONTROLS: InvertedControls = { p: 0.5, activations: [0.8, 1.2, 0.3, 2.0, 1.5, 0.6, 1.1, 0.9], seed: 1, sample: 0 };

/** The engine's result as the webview receives it: config flattened to the two numbers it shows. */
export type InvertedView = Omit<InvertedVsStandardResult, 'experiment' | 'config'> & { p: number; trials: number };

export function invertedConfig(c: InvertedControls): InvertedVsStandardConfig {
  return { experiment: 'inverted-vs-standard', p: c.p, activations: c.activations, seed: c.seed, sample: c.sample, trials: INVERTED_LIMITS.trials };
}

function parseControls(raw: unknown): InvertedControls {
  const d = DEFAULT_INVERTED_CONTROLS;
  if (!isRecord(raw)) return { ...d, activations: d.activations.slice() };
  const L = INVERTED_LIMITS;
  const activations = (finiteNumbers(raw.activations, L.maxActivations) ?? []).map((v) => clampNumber(v, -L.maxAbsActivation, L.maxAbsActivation, 0));
  return {
    p: clampNumber(raw.p, 0, L.maxRate, d.p),
    activations: activations.length ? activations : d.activations.slice(),
    seed: clampInt(raw.seed, 0, 0xffffffff, d.seed),
    sample: clampInt(raw.sample, 0, 0xffffffff, 0),
  };
}

function record<K extends string>(raw: unknown, keys: readonly K[]): Record<K, number> | undefined {
  if (!isRecord(raw)) return undefined;
  const out = {} as Record<K, number>;
  for (const key of keys) {
    const v = num(raw[key]);
    if (v === undefined) return undefined;
    out[key] = v;
  }
  return out;
}

function parseResult(raw: unknown): InvertedView | undefined {
  if (!isRecord(raw)) return undefined;
  const original = numbers(raw.original, INVERTED_LIMITS.maxActivations);
  if (!original || original.length === 0) return undefined;
  const n = original.length;
  const mask = numbers(raw.mask, n, n);
  const standard = isRecord(raw.standard) ? { train: numbers(raw.standard.train, n, n), test: numbers(raw.standard.test, n, n) } : undefined;
  const inverted = isRecord(raw.inverted) ? { train: numbers(raw.inverted.train, n, n), test: numbers(raw.inverted.test, n, n) } : undefined;
  const sums = record(raw.sums, ['original', 'standardTrain', 'standardTest', 'invertedTrain', 'invertedTest'] as const);
  const expectedSums = record(raw.expectedSums, ['standardTrain', 'standardTest', 'invertedTrain', 'invertedTest'] as const);
  const meanSums = record(raw.meanSums, ['standardTrain', 'invertedTrain'] as const);
  const p = num(raw.p);
  const keepProbability = num(raw.keepProbability);
  const scale = num(raw.scale);
  const trials = num(raw.trials);
  if (!mask || !standard?.train || !standard.test || !inverted?.train || !inverted.test || !sums || !expectedSums || !meanSums
    || p === undefined || keepProbability === undefined || scale === undefined || trials === undefined) return undefined;
  return {
    p, keepProbability, scale, mask, original,
    standard: { train: standard.train, test: standard.test },
    inverted: { train: inverted.train, test: inverted.test },
    sums, expectedSums, meanSums, trials,
  };
}

export const INVERTED_CODEC: ExperimentCodec<InvertedControls, InvertedView> = { parseControls, parseResult };
