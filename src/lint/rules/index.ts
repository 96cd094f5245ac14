// Every rule, in id order. Each lives in its own file named after its id.
import type { Rule } from '../linter';
import { functionalDropoutIgnoresMode } from './DRP004';
import { dropoutModuleCreatedInForward } from './DRP005';
import { unscaledManualDropout } from './DRP009';
import { invalidDropoutRate } from './DRP010';
import { keepProbRateConfusion } from './DRP011';
import { rnnDropoutSingleLayer } from './DRP012';

export const ALL_RULES: readonly Rule[] = [
  functionalDropoutIgnoresMode,
  dropoutModuleCreatedInForward,
  unscaledManualDropout,
  invalidDropoutRate,
  keepProbRateConfusion,
  rnnDropoutSingleLayer,
];
