// The one-experiment panels: which engine experiment each runs and how its result becomes the view.
import type { ExperimentPanelSpec } from './experimentPanel';
import { INVERTED_CODEC, INVERTED_VIEW_TYPE, invertedConfig, type InvertedControls, type InvertedView } from './protocol/inverted';
import { VARIANTS_CODEC, VARIANTS_VIEW_TYPE, variantsConfig, type VariantsControls, type VariantsView } from './protocol/variants';
import { ENSEMBLES_CODEC, ENSEMBLES_VIEW_TYPE, ensemblesConfig, type EnsemblesControls, type EnsemblesView } from './protocol/ensembles';
import {
  L2_CODEC, L2_VIEW_TYPE, VARIANCE_SHIFT_CODEC, VARIANCE_SHIFT_VIEW_TYPE, l2Config, varianceShiftConfig,
  type L2Controls, type L2View, type VarianceShiftControls, type VarianceShiftView,
} from './protocol/varianceShift';

export const INVERTED_SPEC: ExperimentPanelSpec<'inverted-vs-standard', InvertedControls, InvertedView> = {
  viewType: INVERTED_VIEW_TYPE, title: 'Dropout Lab: Inverted vs Standard', script: 'invertedVsStandardPanel.js',
  experiment: 'inverted-vs-standard', codec: INVERTED_CODEC, training: false, toConfig: invertedConfig,
  toView: (r) => ({
    p: r.config.p, keepProbability: r.keepProbability, scale: r.scale, mask: r.mask, original: r.original,
    standard: r.standard, inverted: r.inverted, sums: r.sums, expectedSums: r.expectedSums, meanSums: r.meanSums, trials: r.config.trials,
  }),
};

export const VARIANTS_SPEC: ExperimentPanelSpec<'variants', VariantsControls, VariantsView> = {
  viewType: VARIANTS_VIEW_TYPE, title: 'Dropout Lab: Variants', script: 'variantsPanel.js',
  experiment: 'variants', codec: VARIANTS_CODEC, training: false, toConfig: variantsConfig,
  toView: (r) => ({
    p: r.config.p, channels: r.config.channels, height: r.config.height, width: r.config.width, blockSize: r.config.blockSize,
    dropBlockGamma: r.dropBlockGamma, input: r.input,
    variants: r.variants.map((v) => ({ name: v.name, label: v.label, description: v.description, values: v.values, mask: v.mask,
      // JSON has no NaN; "not defined" (Gaussian has no 0/1 mask) travels as null and is shown as such.
      stats: { ...v.stats, keepRate: v.stats.keepRate ?? NaN, expectedKeepRate: v.stats.expectedKeepRate ?? NaN },
    })),
  }),
};

export const ENSEMBLES_SPEC: ExperimentPanelSpec<'ensembles', EnsemblesControls, EnsemblesView> = {
  viewType: ENSEMBLES_VIEW_TYPE, title: 'Dropout Lab: Ensembles', script: 'ensemblesPanel.js',
  experiment: 'ensembles', codec: ENSEMBLES_CODEC, training: true, toConfig: ensemblesConfig,
  toView: (r) => ({
    p: r.config.p, droppableUnits: r.droppableUnits, subnetworkCount: r.subnetworkCount, subnetworkCountLog10: r.subnetworkCountLog10,
    weightScaling: r.weightScaling, monteCarlo: r.monteCarlo, regression: r.regression,
  }),
};

export const VARIANCE_SHIFT_SPEC: ExperimentPanelSpec<'variance-shift', VarianceShiftControls, VarianceShiftView> = {
  viewType: VARIANCE_SHIFT_VIEW_TYPE, title: 'Dropout Lab: Variance Shift', script: 'varianceShiftPanel.js',
  experiment: 'variance-shift', codec: VARIANCE_SHIFT_CODEC, training: false, toConfig: varianceShiftConfig,
  toView: (r) => ({
    p: r.config.p, mean: r.config.mean, variance: r.config.variance, keepProbability: r.keepProbability,
    formula: r.formula, measured: r.measured, batchNorm: r.batchNorm,
  }),
};

export const L2_SPEC: ExperimentPanelSpec<'l2-equivalence', L2Controls, L2View> = {
  viewType: L2_VIEW_TYPE, title: 'Dropout Lab: Dropout as L2', script: 'l2EquivalencePanel.js',
  experiment: 'l2-equivalence', codec: L2_CODEC, training: false, toConfig: l2Config,
  toView: (r) => ({
    p: r.config.p, keepProbability: r.keepProbability, closedForm: r.closedForm, leastSquares: r.leastSquares,
    trained: r.trained, relativeError: r.relativeError, penalty: r.penalty, curve: r.curve,
  }),
};
