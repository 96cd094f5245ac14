// Typed message protocol between the extension host (or any client) and the engine worker
// (dist/engineWorker.js). Every message is plain JSON-compatible data (numbers, strings, arrays,
// objects; no typed arrays, no BigInt), so it crosses worker_threads and webview postMessage as is.
//
//   client → worker: StartRequest | CancelRequest
//   worker → client: ProgressMessage* then exactly one of ResultMessage | CancelledMessage | ErrorMessage
//
// Requests are validated by `validateRequest` before anything runs; a refused request gets an
// ErrorMessage with reason 'invalid-request' and a human-readable message.

export const PROTOCOL_VERSION = 1;

/** The experiments the engine runs; each has a config type and a result type below. */
export type ExperimentName =
  | 'overfitting'
  | 'network-mask'
  | 'inverted-vs-standard'
  | 'variants'
  | 'ensembles'
  | 'variance-shift'
  | 'l2-equivalence';

export const EXPERIMENT_NAMES: readonly ExperimentName[] = [
  'overfitting', 'network-mask', 'inverted-vs-standard', 'variants', 'ensembles', 'variance-shift', 'l2-equivalence',
];

// ───────────────────────────── configs (client → worker) ─────────────────────────────
// Optional fields take the defaults in DEFAULT_CONFIGS. `seed` is an integer in [0, 2^32): the same
// config and seed always give the same result, bit for bit.

/** Train the same MLP on an MNIST subset without and with dropout; stream per-epoch metrics. */
export interface OverfittingConfig {
  experiment: 'overfitting';
  seed?: number;
  /** Training epochs per run (1..1000). */
  epochs?: number;
  /** Drop rate after every hidden layer in the 'dropout' run, in [0, 1). */
  dropout?: number;
  /**
   * Drop rate on the input pixels in the 'dropout' run, in [0, 1); defaults to `dropout` (the same
   * rate before every dense layer). The 'baseline' run uses 0.
   */
  inputDropout?: number;
  /** Hidden layer widths, input 784 and output 10 are implied. */
  hiddenSizes?: number[];
  /** Training digits (drawn class-balanced from the shipped subset). */
  trainSize?: number;
  /** Held-out test digits (disjoint from the training digits). */
  testSize?: number;
  batchSize?: number;
  learningRate?: number;
  /** SGD momentum in [0, 1). */
  momentum?: number;
  /** Which runs to train, in this order. Default both. */
  runs?: RunName[];
}

/** 'baseline' = no dropout, 'dropout' = the configured rates. */
export type RunName = 'baseline' | 'dropout';

/** Sample one dropout mask for a small layered network (the article's network diagram). */
export interface NetworkMaskConfig {
  experiment: 'network-mask';
  seed?: number;
  /** Units per layer, input first, output last (each 1..64, 2..8 layers). */
  layerSizes?: number[];
  /**
   * Drop rate per layer, same length as layerSizes, each in [0, 1); the output layer's must be 0.
   * Neuron mode drops units of layer l with rates[l]; DropConnect mode drops each connection from
   * layer l to l + 1 with rates[l].
   */
  rates?: number[];
  /** 'neuron' drops units (standard dropout); 'dropconnect' drops individual connections. */
  mode?: 'neuron' | 'dropconnect';
  /** Resample counter: sample k uses its own random stream, so a mask can be replayed. */
  sample?: number;
}

/** Original vs training vs test activations under standard and inverted dropout. */
export interface InvertedVsStandardConfig {
  experiment: 'inverted-vs-standard';
  seed?: number;
  /** Drop rate in [0, 1). */
  p?: number;
  /** Activations of one layer (1..256 values). */
  activations?: number[];
  /** Resample counter for the displayed mask. */
  sample?: number;
  /** Number of masks averaged for the empirical expected sums (1..1e6). */
  trials?: number;
}

export type VariantName = 'standard' | 'spatial' | 'dropblock' | 'alpha' | 'gaussian' | 'dropconnect';
export const VARIANT_NAMES: readonly VariantName[] = ['standard', 'spatial', 'dropblock', 'alpha', 'gaussian', 'dropconnect'];

/** Apply every dropout variant to the same feature maps from one seed. */
export interface VariantsConfig {
  experiment: 'variants';
  seed?: number;
  /** Drop rate shared by all variants, in [0, 1). Gaussian uses sigma = sqrt(p / (1 - p)). */
  p?: number;
  channels?: number;
  height?: number;
  width?: number;
  /** DropBlock block size (odd, <= min(height, width)). */
  blockSize?: number;
  /** Resample counter for the displayed masks. */
  sample?: number;
  /** Number of fresh masks used for the statistics of each variant (1..10000). */
  trials?: number;
}

/** Sub-network count, Monte Carlo averaging vs weight scaling, and MC-dropout uncertainty bands. */
export interface EnsemblesConfig {
  experiment: 'ensembles';
  seed?: number;
  /** Hidden drop rate of the digits model, in (0, 1). */
  p?: number;
  /** Hidden widths of the digits model (default 256, 128 → 2^384 sub-networks). */
  hiddenSizes?: number[];
  epochs?: number;
  trainSize?: number;
  testSize?: number;
  /** Numbers of Monte Carlo samples to report, ascending (each 1..500). */
  ks?: number[];
  /** Stochastic forward passes for the regression uncertainty band (1..1000). */
  regressionSamples?: number;
}

/** Dropout directly before BatchNorm: measured variance shift vs the closed form. */
export interface VarianceShiftConfig {
  experiment: 'variance-shift';
  seed?: number;
  /** Drop rate in [0, 1). */
  p?: number;
  /** Mean c of the unit feeding dropout. */
  mean?: number;
  /** Variance v (> 0) of the unit feeding dropout. */
  variance?: number;
  /** Samples per measurement (100..1e7). */
  samples?: number;
}

/** Linear regression trained with input dropout converges to the closed-form adaptive-L2 solution. */
export interface L2EquivalenceConfig {
  experiment: 'l2-equivalence';
  seed?: number;
  /** Drop rate on the inputs in [0, 1). */
  p?: number;
  /** Rows of the synthetic design matrix X (10..10000). */
  samples?: number;
  /** Columns of X (1..64). */
  features?: number;
  /** SGD steps with a fresh dropout mask each step (100..1e6). */
  steps?: number;
}

export type ExperimentConfig =
  | OverfittingConfig
  | NetworkMaskConfig
  | InvertedVsStandardConfig
  | VariantsConfig
  | EnsemblesConfig
  | VarianceShiftConfig
  | L2EquivalenceConfig;

/** A config with every optional field filled in. */
export type Resolved<C> = { [K in keyof C]-?: Exclude<C[K], undefined> };

export const DEFAULT_CONFIGS = {
  'overfitting': {
    experiment: 'overfitting', seed: 1, epochs: 50, dropout: 0.5, inputDropout: 0.5,
    hiddenSizes: [256, 256], trainSize: 500, testSize: 1000, batchSize: 32,
    learningRate: 0.01, momentum: 0.9, runs: ['baseline', 'dropout'],
  },
  // Seed 5's first sample keeps a few units in every layer (seed 1 happens to drop a whole layer).
  'network-mask': {
    experiment: 'network-mask', seed: 5, layerSizes: [4, 6, 6, 3], rates: [0.2, 0.5, 0.5, 0], mode: 'neuron', sample: 0,
  },
  'inverted-vs-standard': {
    experiment: 'inverted-vs-standard', seed: 1, p: 0.5,
    activations: [0.8, 1.2, 0.3, 2.0, 1.5, 0.6, 1.1, 0.9], sample: 0, trials: 10000,
  },
  'variants': {
    experiment: 'variants', seed: 1, p: 0.3, channels: 4, height: 16, width: 16, blockSize: 5, sample: 0, trials: 200,
  },
  'ensembles': {
    experiment: 'ensembles', seed: 1, p: 0.5, hiddenSizes: [256, 128], epochs: 30, trainSize: 2000, testSize: 1000,
    ks: [1, 2, 5, 10, 20, 50, 100], regressionSamples: 100,
  },
  'variance-shift': {
    experiment: 'variance-shift', seed: 1, p: 0.5, mean: 0, variance: 1, samples: 200000,
  },
  'l2-equivalence': {
    experiment: 'l2-equivalence', seed: 1, p: 0.5, samples: 200, features: 5, steps: 200000,
  },
} satisfies { [E in ExperimentName]: Resolved<Extract<ExperimentConfig, { experiment: E }>> };

// ───────────────────────────── results (worker → client) ─────────────────────────────

/**
 * Metrics of one epoch. Training metrics are running averages over the epoch's mini-batches in
 * training mode (dropout on), as Keras' `loss`/`accuracy` report them; test metrics are measured
 * after the epoch in eval mode (dropout off) on the whole test set.
 */
export interface EpochMetrics {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean softmax cross-entropy (natural log) over the epoch's training mini-batches. */
  trainLoss: number;
  /** Mean softmax cross-entropy on the test digits after the epoch. */
  testLoss: number;
  /** Fraction correct in [0, 1] over the epoch's training mini-batches. */
  trainAccuracy: number;
  testAccuracy: number;
}

export interface RunCurve {
  run: RunName;
  /** Hidden-layer drop rate used in this run (0 for the baseline). */
  dropout: number;
  inputDropout: number;
  epochs: EpochMetrics[];
  /** testLoss − trainLoss after the last epoch. */
  finalGap: number;
}

export interface OverfittingResult {
  experiment: 'overfitting';
  config: Resolved<OverfittingConfig>;
  /** One entry per requested run, in request order. */
  runs: RunCurve[];
  /** baseline finalGap / dropout finalGap when both runs exist and the dropout gap is positive, else null. */
  gapRatio: number | null;
}

export interface NetworkMaskResult {
  experiment: 'network-mask';
  config: Resolved<NetworkMaskConfig>;
  /** unitMasks[l][i] = 1 if unit i of layer l is kept, 0 if dropped (all 1 in dropconnect mode). */
  unitMasks: number[][];
  /**
   * weightMasks[l] is the (layerSizes[l+1] × layerSizes[l]) connection mask, row-major [out][in]:
   * 1 = connection active. In neuron mode a connection is active iff both its units are kept.
   */
  weightMasks: number[][];
  /** Kept units per layer. */
  keptUnits: number[];
  /** Units (neuron mode) or connections (dropconnect mode) that dropout can switch off. */
  droppable: number;
  /** 2^droppable as an exact decimal string. */
  subnetworkCount: string;
  /** log10 of subnetworkCount. */
  subnetworkCountLog10: number;
}

export interface InvertedVsStandardResult {
  experiment: 'inverted-vs-standard';
  config: Resolved<InvertedVsStandardConfig>;
  /** q = 1 − p. */
  keepProbability: number;
  /** Inverted-dropout train-time scale fround(1 / fround(1 − p)), as PyTorch computes it. */
  scale: number;
  /** The mask of sample `config.sample`: 1 kept, 0 dropped. */
  mask: number[];
  original: number[];
  /** Non-inverted: train x·m, test x·q. */
  standard: { train: number[]; test: number[] };
  /** Inverted: train x·m/q (float32), test x. */
  inverted: { train: number[]; test: number[] };
  /** Sums of the arrays above for the displayed mask. */
  sums: { original: number; standardTrain: number; standardTest: number; invertedTrain: number; invertedTest: number };
  /** Exact expectations: standard train = q·Σx = standard test; inverted train = Σx = inverted test. */
  expectedSums: { standardTrain: number; standardTest: number; invertedTrain: number; invertedTest: number };
  /** Mean train-time sums over `config.trials` fresh masks. */
  meanSums: { standardTrain: number; invertedTrain: number };
}

export interface VariantStats {
  /**
   * Fraction of mask lanes kept over all trials: elements (standard, dropblock, alpha), channels
   * (spatial) or weights (dropconnect); null for gaussian, which has no 0/1 mask.
   */
  keepRate: number | null;
  /** The keep rate the variant's parameters imply (for DropBlock from gamma and the border effect); null for gaussian. */
  expectedKeepRate: number | null;
  /** Mean of the eval-mode output: the input itself, or W·x for DropConnect's channel mixing. */
  inputMean: number;
  /** Mean of the training-mode output over all trials (≈ inputMean: expectation preserved). */
  outputMean: number;
  /** Variance of the eval-mode output. */
  inputVariance: number;
  /** Variance of the training-mode output over all trials (alpha dropout keeps it ≈ inputVariance). */
  outputVariance: number;
}

export interface VariantOutput {
  name: VariantName;
  /** Short display name, e.g. "DropBlock (7×7)". */
  label: string;
  /** One-line explanation of what is dropped and how it is rescaled. */
  description: string;
  /** Output feature maps, channels × height × width, row-major. */
  values: number[];
  /**
   * The noise that produced `values`: for standard/spatial/dropblock/alpha a 0/1 keep mask over
   * channels × height × width; for gaussian the multiplicative factors; for dropconnect the
   * channels × channels keep mask of the 1×1 channel-mixing weights.
   */
  mask: number[];
  stats: VariantStats;
}

export interface VariantsResult {
  experiment: 'variants';
  config: Resolved<VariantsConfig>;
  /** The input feature maps, channels × height × width (approximately zero mean, unit variance). */
  input: number[];
  /** DropBlock seed probability gamma for this config. */
  dropBlockGamma: number;
  variants: VariantOutput[];
}

export interface EnsemblesResult {
  experiment: 'ensembles';
  config: Resolved<EnsemblesConfig>;
  /** Hidden units that dropout can switch off. */
  droppableUnits: number;
  /** 2^droppableUnits as an exact decimal string (2^384 for 256 + 128). */
  subnetworkCount: string;
  subnetworkCountLog10: number;
  /** Test metrics of the weight-scaled (eval-mode) network. */
  weightScaling: { accuracy: number; loss: number };
  /**
   * Test metrics when averaging the softmax of k stochastic passes, for each k in config.ks;
   * `agreement` is the fraction of test digits where that average picks the same class as the
   * weight-scaled network.
   */
  monteCarlo: { k: number; accuracy: number; loss: number; agreement: number }[];
  /**
   * MC-dropout regression on y = sin(3x) + noise with a gap in x (a 1-64-64-1 ReLU network with
   * dropout 0.2, Adam): predictive mean ± std over `regressionSamples` passes on the grid `x`.
   */
  regression: {
    trainX: number[];
    trainY: number[];
    x: number[];
    mean: number[];
    std: number[];
    /** Deterministic (weight-scaled) prediction on `x`. */
    weightScaled: number[];
  };
}

export interface VarianceShiftResult {
  experiment: 'variance-shift';
  config: Resolved<VarianceShiftConfig>;
  keepProbability: number;
  /** Var_train = (1/q)(c² + v) − c², Var_test = v, ratio = Var_test / Var_train. */
  formula: { trainVariance: number; testVariance: number; ratio: number };
  measured: { trainVariance: number; testVariance: number; ratio: number };
  /**
   * A BatchNorm1d (momentum 0.1) trained on dropout outputs, then evaluated: its running variance
   * and the variance of its normalised test-time outputs (≈ ratio instead of 1).
   */
  batchNorm: { runningVariance: number; testOutputVariance: number };
}

export interface L2EquivalenceResult {
  experiment: 'l2-equivalence';
  config: Resolved<L2EquivalenceConfig>;
  keepProbability: number;
  /** Closed form w* = (XᵀX + ((1 − q)/q) diag(XᵀX))⁻¹ Xᵀy. */
  closedForm: number[];
  /** Ordinary least squares (no dropout) for comparison. */
  leastSquares: number[];
  /** Weights learned by SGD with inverted input dropout (Polyak-averaged iterates). */
  trained: number[];
  /** ||trained − closedForm|| / ||closedForm||. */
  relativeError: number;
  /** The equivalent per-feature L2 penalty ((1 − q)/q) · (XᵀX)_jj. */
  penalty: number[];
  /** Relative error along training. */
  curve: { step: number; relativeError: number }[];
}

export type ExperimentResult =
  | OverfittingResult
  | NetworkMaskResult
  | InvertedVsStandardResult
  | VariantsResult
  | EnsemblesResult
  | VarianceShiftResult
  | L2EquivalenceResult;

/** Maps an experiment name to its result type. */
export type ResultOf<E extends ExperimentName> = Extract<ExperimentResult, { experiment: E }>;

// ───────────────────────────── messages ─────────────────────────────

/** Start an experiment. `id` is chosen by the client and echoed in every reply. */
export interface StartRequest {
  type: 'start';
  id: string;
  config: ExperimentConfig;
}

/** Cancel a running experiment; the worker answers with CancelledMessage (or nothing if already done). */
export interface CancelRequest {
  type: 'cancel';
  id: string;
}

export type EngineRequest = StartRequest | CancelRequest;

export interface ProgressMessage {
  type: 'progress';
  id: string;
  experiment: ExperimentName;
  /** Overall completion in [0, 1]. */
  fraction: number;
  /** Human-readable stage, e.g. "dropout run: epoch 12/50". */
  label: string;
  /** Set by training experiments after each epoch (overfitting streams its curves through this). */
  epoch?: { run: RunName; metrics: EpochMetrics };
}

export interface ResultMessage {
  type: 'result';
  id: string;
  experiment: ExperimentName;
  result: ExperimentResult;
  /** Wall-clock milliseconds the experiment took (informational only). */
  elapsedMs: number;
}

export interface CancelledMessage {
  type: 'cancelled';
  id: string;
}

export interface ErrorMessage {
  type: 'error';
  /** Empty string when the request was too malformed to carry an id. */
  id: string;
  /** 'invalid-request': refused before running; 'failed': the experiment threw. */
  reason: 'invalid-request' | 'failed';
  message: string;
}

export type EngineResponse = ProgressMessage | ResultMessage | CancelledMessage | ErrorMessage;

// ───────────────────────────── validation ─────────────────────────────

/** Limits that keep a request from exhausting memory or time in the extension host's worker. */
export const LIMITS = {
  maxLayerSize: 4096,
  maxHiddenLayers: 6,
  /** Trainable parameters of a digits model (weights + biases). */
  maxParameters: 4_000_000,
  /** Rough memory budget for one experiment (weights, optimiser state, activations). */
  maxBytes: 512 * 1024 * 1024,
  maxEpochs: 1000,
  maxBatchSize: 4096,
  /** Digits available in the shipped MNIST subset (train + test must fit). */
  maxDigits: 3000,
} as const;

export type ValidationResult =
  | { ok: true; request: EngineRequest }
  | { ok: false; id: string; message: string };

type Checker = (value: unknown, name: string) => string | null;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function integerIn(min: number, max: number): Checker {
  return (v, name) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? null : `${name} must be an integer in [${min}, ${max}], got ${show(v)}`;
}

function numberIn(min: number, max: number, maxExclusive = false, minExclusive = false): Checker {
  return (v, name) => {
    const ok = typeof v === 'number' && Number.isFinite(v) &&
      (minExclusive ? v > min : v >= min) && (maxExclusive ? v < max : v <= max);
    return ok ? null : `${name} must be a number in ${minExclusive ? '(' : '['}${min}, ${max}${maxExclusive ? ')' : ']'}, got ${show(v)}`;
  };
}

/** A drop rate: [0, 1). Rate 1 would drop everything (and divide by zero in inverted scaling). */
const rate: Checker = numberIn(0, 1, true);

function integerList(minLength: number, maxLength: number, min: number, max: number): Checker {
  return (v, name) => {
    if (!Array.isArray(v) || v.length < minLength || v.length > maxLength) {
      return `${name} must be a list of ${minLength}..${maxLength} integers, got ${show(v)}`;
    }
    for (let i = 0; i < v.length; i++) {
      const problem = integerIn(min, max)(v[i], `${name}[${i}]`);
      if (problem) return problem;
    }
    return null;
  };
}

function numberList(minLength: number, maxLength: number, element: Checker): Checker {
  return (v, name) => {
    if (!Array.isArray(v) || v.length < minLength || v.length > maxLength) {
      return `${name} must be a list of ${minLength}..${maxLength} numbers, got ${show(v)}`;
    }
    for (let i = 0; i < v.length; i++) {
      const problem = element(v[i], `${name}[${i}]`);
      if (problem) return problem;
    }
    return null;
  };
}

function oneOf(values: readonly string[]): Checker {
  return (v, name) => (typeof v === 'string' && values.includes(v) ? null : `${name} must be one of ${values.join(', ')}, got ${show(v)}`);
}

function show(v: unknown): string {
  const text = JSON.stringify(v);
  if (text === undefined) return String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const seed = integerIn(0, 0xffffffff);
const finite = numberIn(-1e6, 1e6);

const FIELD_CHECKS: { [E in ExperimentName]: Record<string, Checker> } = {
  'overfitting': {
    seed, epochs: integerIn(1, LIMITS.maxEpochs), dropout: rate, inputDropout: rate,
    hiddenSizes: integerList(1, LIMITS.maxHiddenLayers, 1, LIMITS.maxLayerSize),
    trainSize: integerIn(10, LIMITS.maxDigits), testSize: integerIn(10, LIMITS.maxDigits),
    batchSize: integerIn(1, LIMITS.maxBatchSize), learningRate: numberIn(0, 10, false, true), momentum: rate,
    runs: (v, name) => {
      if (!Array.isArray(v) || v.length < 1 || v.length > 2) return `${name} must list 'baseline' and/or 'dropout'`;
      for (const r of v) if (r !== 'baseline' && r !== 'dropout') return `${name} entries must be 'baseline' or 'dropout', got ${show(r)}`;
      return new Set(v).size === v.length ? null : `${name} must not repeat a run`;
    },
  },
  'network-mask': {
    seed, layerSizes: integerList(2, 8, 1, 64), rates: numberList(2, 8, rate),
    mode: oneOf(['neuron', 'dropconnect']), sample: integerIn(0, 0xffffffff),
  },
  'inverted-vs-standard': {
    seed, p: rate, activations: numberList(1, 256, finite), sample: integerIn(0, 0xffffffff), trials: integerIn(1, 1_000_000),
  },
  'variants': {
    seed, p: rate, channels: integerIn(1, 16), height: integerIn(1, 64), width: integerIn(1, 64),
    blockSize: integerIn(1, 63), sample: integerIn(0, 0xffffffff), trials: integerIn(1, 10000),
  },
  'ensembles': {
    seed, p: numberIn(0, 1, true, true), hiddenSizes: integerList(1, LIMITS.maxHiddenLayers, 1, LIMITS.maxLayerSize),
    epochs: integerIn(1, LIMITS.maxEpochs), trainSize: integerIn(10, LIMITS.maxDigits), testSize: integerIn(10, LIMITS.maxDigits),
    ks: integerList(1, 20, 1, 500), regressionSamples: integerIn(1, 1000),
  },
  'variance-shift': {
    seed, p: rate, mean: finite, variance: numberIn(0, 1e6, false, true), samples: integerIn(100, 10_000_000),
  },
  'l2-equivalence': {
    seed, p: rate, samples: integerIn(10, 10000), features: integerIn(1, 64), steps: integerIn(100, 1_000_000),
  },
};

/** Cross-field checks that need the resolved config. Returns a message or null. */
function crossChecks(config: Resolved<ExperimentConfig>): string | null {
  switch (config.experiment) {
    case 'overfitting':
    case 'ensembles': {
      if (config.trainSize + config.testSize > LIMITS.maxDigits) {
        return `trainSize + testSize must be at most ${LIMITS.maxDigits} (the shipped MNIST subset), got ${config.trainSize + config.testSize}`;
      }
      const sizes = [784, ...config.hiddenSizes, 10];
      let parameters = 0;
      let widest = 0;
      for (let l = 0; l + 1 < sizes.length; l++) parameters += sizes[l] * sizes[l + 1] + sizes[l + 1];
      for (const s of sizes) widest = Math.max(widest, s);
      if (parameters > LIMITS.maxParameters) {
        return `the network has ${parameters} parameters, more than the limit of ${LIMITS.maxParameters}`;
      }
      const batch = config.experiment === 'overfitting' ? config.batchSize : 64;
      const evalRows = Math.max(config.trainSize, config.testSize);
      // weights, gradients, momentum (x2 for Adam), activations of a batch and of the evaluation set.
      const bytes = 4 * (4 * parameters + 4 * batch * sizes.reduce((a, b) => a + b, 0) + 2 * evalRows * widest);
      if (bytes > LIMITS.maxBytes) return `the experiment would need about ${Math.round(bytes / 2 ** 20)} MiB, more than ${LIMITS.maxBytes / 2 ** 20} MiB`;
      if (config.experiment === 'ensembles') {
        for (let i = 1; i < config.ks.length; i++) if (config.ks[i] <= config.ks[i - 1]) return 'ks must be strictly ascending';
      }
      return null;
    }
    case 'network-mask': {
      if (config.rates.length !== config.layerSizes.length) {
        return `rates must have one entry per layer (${config.layerSizes.length}), got ${config.rates.length}`;
      }
      if (config.rates[config.rates.length - 1] !== 0) return 'the output layer is never dropped: its rate must be 0';
      return null;
    }
    case 'variants':
      if (config.blockSize % 2 === 0) return `blockSize must be odd (even sizes need asymmetric padding), got ${config.blockSize}`;
      if (config.blockSize > Math.min(config.height, config.width)) {
        return `blockSize ${config.blockSize} does not fit in a ${config.height}×${config.width} map`;
      }
      return null;
    default:
      return null;
  }
}

/** Fills defaults into a config, checking every field. Throws ConfigError with a clear message. */
export function resolveConfig<E extends ExperimentName>(
  config: Extract<ExperimentConfig, { experiment: E }>,
): Resolved<Extract<ExperimentConfig, { experiment: E }>> {
  if (!isObject(config)) throw new ConfigError(`config must be an object, got ${show(config)}`);
  const name = config.experiment;
  if (typeof name !== 'string' || !(EXPERIMENT_NAMES as readonly string[]).includes(name)) {
    throw new ConfigError(`unknown experiment ${show(name)}; expected one of ${EXPERIMENT_NAMES.join(', ')}`);
  }
  const checks = FIELD_CHECKS[name];
  const defaults = DEFAULT_CONFIGS[name] as Record<string, unknown>;
  const resolved: Record<string, unknown> = { experiment: name };
  for (const key of Object.keys(config)) {
    if (key !== 'experiment' && !(key in checks)) throw new ConfigError(`unknown field '${key}' for experiment '${name}'`);
  }
  for (const [key, check] of Object.entries(checks)) {
    const value = (config as Record<string, unknown>)[key];
    if (value === undefined) {
      // The overfitting demo drops its input with the hidden rate unless told otherwise.
      const fallback = name === 'overfitting' && key === 'inputDropout' && resolved.dropout !== undefined ? resolved.dropout : defaults[key];
      resolved[key] = Array.isArray(fallback) ? fallback.slice() : fallback;
      continue;
    }
    const problem = check(value, key);
    if (problem) throw new ConfigError(problem);
    resolved[key] = Array.isArray(value) ? value.slice() : value;
  }
  const problem = crossChecks(resolved as Resolved<ExperimentConfig>);
  if (problem) throw new ConfigError(problem);
  return resolved as Resolved<Extract<ExperimentConfig, { experiment: E }>>;
}

/** A request the engine refuses to run; `message` is meant for the user. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Checks an incoming message's shape and config; never throws. */
export function validateRequest(message: unknown): ValidationResult {
  if (!isObject(message)) return { ok: false, id: '', message: `request must be an object, got ${show(message)}` };
  const id = typeof message.id === 'string' ? message.id : '';
  if (typeof message.id !== 'string' || message.id.length === 0 || message.id.length > 200) {
    return { ok: false, id, message: 'request id must be a non-empty string of at most 200 characters' };
  }
  if (message.type === 'cancel') return { ok: true, request: { type: 'cancel', id } };
  if (message.type !== 'start') return { ok: false, id, message: `unknown request type ${show(message.type)}; expected 'start' or 'cancel'` };
  try {
    const config = resolveConfig(message.config as ExperimentConfig);
    return { ok: true, request: { type: 'start', id, config } };
  } catch (error) {
    return { ok: false, id, message: error instanceof Error ? error.message : String(error) };
  }
}
