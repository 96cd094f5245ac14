// Every rule, in id order. Each lives in its own file named after its id.
import type { Rule } from '../linter';
import { invalidDropoutRate } from './DRP010';

export const ALL_RULES: readonly Rule[] = [
  invalidDropoutRate,
];
