// Public surface of the engine (pure TypeScript, no `vscode`): the worker protocol and its types,
// `runExperiment` (what the worker, the CLI and tests call), and the building blocks below it.
export * from './protocol';
export { runExperiment, CancelledError, type Progress, type RunOptions } from './experiments';
export { Rng, deriveSeed, keepThreshold, sampleKeepBits, sampleKeepMask, bitsToBytes } from './rng';
export * from './masks';
export {
  Network, BatchNorm1d, DenseLayer, EVAL_MODE, MC_MODE, TRAIN_MODE, softmaxCrossEntropy, meanSquaredError,
  type Activation, type DenseSpec, type LossKind, type NetworkSpec, type PassMode,
} from './network';
export { Optimizer, clipColumns, type OptimizerConfig } from './optimizer';
export { ClassifierTrainer, evaluateClassifier, type ClassifierConfig, type LabelledSet } from './trainer';
export { loadMnistSubset, splitDigits, type DigitSet } from './data/mnist';
export { varianceShiftFormula } from './experiments/varianceShift';
export { dropoutClosedForm, makeRegressionProblem } from './experiments/l2Equivalence';
export { invertedDropoutInto } from './fastDropout';
export { philox4x32, philoxKeep, philoxKeepMask, philoxUniform } from './philox';
export { twoMoons, gaussianBlobs, sineWithGap } from './data/synthetic';
