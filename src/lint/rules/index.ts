// Generated from the rule table (src/lint/ruleTable.ts) by `npm run generate`; do not edit.
// Every rule, in id order. Each lives in its own file named after its id and exports
// the camel-cased rule name.
import type { Rule } from '../rule';
import { dropoutOnOutputLayer } from './DRP001';
import { inferenceWithoutEval } from './DRP002';
import { trainingAfterEvalWithoutTrain } from './DRP003';
import { functionalDropoutIgnoresMode } from './DRP004';
import { dropoutModuleCreatedInForward } from './DRP005';
import { dropoutBeforeBatchnorm } from './DRP006';
import { heavyDropoutWithBatchnorm } from './DRP007';
import { elementwiseDropoutOnConvMaps } from './DRP008';
import { unscaledManualDropout } from './DRP009';
import { invalidDropoutRate } from './DRP010';
import { keepProbRateConfusion } from './DRP011';
import { rnnDropoutSingleLayer } from './DRP012';
import { alphaDropoutActivationMismatch } from './DRP013';
import { heavyInputDropout } from './DRP014';
import { uniformDropoutRate } from './DRP015';
import { dropoutForcedOnAtInference } from './DRP016';
import { unusedDropoutOutput } from './DRP017';
import { manualDropoutWithoutTrainingGuard } from './DRP018';
import { flaxDropoutWithoutDeterministic } from './DRP019';
import { flaxApplyWithoutDropoutRng } from './DRP020';

export const ALL_RULES: readonly Rule[] = [
  dropoutOnOutputLayer,
  inferenceWithoutEval,
  trainingAfterEvalWithoutTrain,
  functionalDropoutIgnoresMode,
  dropoutModuleCreatedInForward,
  dropoutBeforeBatchnorm,
  heavyDropoutWithBatchnorm,
  elementwiseDropoutOnConvMaps,
  unscaledManualDropout,
  invalidDropoutRate,
  keepProbRateConfusion,
  rnnDropoutSingleLayer,
  alphaDropoutActivationMismatch,
  heavyInputDropout,
  uniformDropoutRate,
  dropoutForcedOnAtInference,
  unusedDropoutOutput,
  manualDropoutWithoutTrainingGuard,
  flaxDropoutWithoutDeterministic,
  flaxApplyWithoutDropoutRng,
];
