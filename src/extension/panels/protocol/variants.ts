// Variants panel: controls, result shape and validators.
import { VARIANT_NAMES, type VariantName, type VariantsConfig } from '../../../engine/protocol';
import { boundedString, clampInt, clampNumber, isRecord, oneOf } from './validate';
import { num, numbers, numOrNaN, type ExperimentCodec } from './experiment';

export const VARIANTS_VIEW_TYPE = 'dropoutLab.variants';

export interface VariantsControls {
  p: number;
  blockSize: number;
  seed: number;
  sample: number;
}

export const VARIANTS_SHAPE = { channels: 4, height: 16, width: 16, trials: 200 } as const;
export const DEFAULT_VARIANTS_CONTROLS: VariantsControls = { p: 0.3, blockSize: 5, seed: 1, sample: 0 };

export interface VariantView {
  name: VariantName;
  label: string;
  description: string;
  values: number[];
  mask: number[];
  stats: { keepRate: number; expectedKeepRate: number; inputMean: number; outputMean: number; inputVariance: number; outputVariance: number };
}

export interface VariantsView {
  p: number;
  channels: number;
  height: number;
  width: number;
  blockSize: number;
  dropBlockGamma: number;
  input: number[];
  variants: VariantView[];
}

export function variantsConfig(c: VariantsControls): VariantsConfig {
  return { experiment: 'variants', p: c.p, blockSize: c.blockSize, seed: c.seed, sample: c.sample, ...VARIANTS_SHAPE };
}

function parseControls(raw: unknown): VariantsControls {
  const d = DEFAULT_VARIANTS_CONTROLS;
  if (!isRecord(raw)) return { ...d };
  let blockSize = clampInt(raw.blockSize, 1, 15, d.blockSize);
  if (blockSize % 2 === 0) blockSize -= 1; // DropBlock needs odd sizes
  return {
    p: clampNumber(raw.p, 0, 0.9, d.p),
    blockSize,
    seed: clampInt(raw.seed, 0, 0xffffffff, d.seed),
    sample: clampInt(raw.sample, 0, 0xffffffff, 0),
  };
}

const MAX_CELLS = 16 * 64 * 64;

function parseResult(raw: unknown): VariantsView | undefined {
  if (!isRecord(raw) || !Array.isArray(raw.variants)) return undefined;
  const channels = clampInt(raw.channels, 1, 16, 0);
  const height = clampInt(raw.height, 1, 64, 0);
  const width = clampInt(raw.width, 1, 64, 0);
  const cells = channels * height * width;
  const input = numbers(raw.input, MAX_CELLS, cells);
  const p = num(raw.p);
  const blockSize = num(raw.blockSize);
  if (!cells || !input || p === undefined || blockSize === undefined) return undefined;
  const variants: VariantView[] = [];
  for (const v of raw.variants.slice(0, VARIANT_NAMES.length)) {
    if (!isRecord(v) || !isRecord(v.stats)) return undefined;
    const values = numbers(v.values, MAX_CELLS, cells);
    const name = oneOf(v.name, VARIANT_NAMES, 'standard');
    const mask = numbers(v.mask, MAX_CELLS, name === 'dropconnect' ? channels * channels : cells);
    if (!values || !mask) return undefined;
    variants.push({
      name,
      label: boundedString(v.label, 80),
      description: boundedString(v.description, 400),
      values,
      mask,
      stats: {
        keepRate: numOrNaN(v.stats.keepRate),
        expectedKeepRate: numOrNaN(v.stats.expectedKeepRate),
        inputMean: numOrNaN(v.stats.inputMean),
        outputMean: numOrNaN(v.stats.outputMean),
        inputVariance: numOrNaN(v.stats.inputVariance),
        outputVariance: numOrNaN(v.stats.outputVariance),
      },
    });
  }
  return { p, channels, height, width, blockSize, dropBlockGamma: numOrNaN(raw.dropBlockGamma), input, variants };
}

export const VARIANTS_CODEC: ExperimentCodec<VariantsControls, VariantsView> = { parseControls, parseResult };
