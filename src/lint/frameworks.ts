// What the frameworks' dropout APIs are, keyed by canonical qualified name (see resolve.ts): which
// variant they implement, where their rate (or keep probability) sits, and how a functional form is
// switched off at inference. One table per framework, legacy spellings included; resolve.ts maps
// aliases of a module (`tf.compat.v1.layers`, `slim`, `keras.layers.core`) onto these names.

export type DropoutVariant =
  | 'standard' | 'channel' | 'alpha' | 'feature-alpha' | 'gaussian' | 'attention' | 'recurrent';

export type ApiStyle = 'module' | 'functional';

export type Framework = 'torch' | 'keras' | 'tensorflow' | 'flax';

/** How a functional dropout learns whether it is training. */
export interface TrainingSwitch {
  keyword: string;
  position?: number;
  /** What the API does when the switch is not passed: drop (`on`) or pass through (`off`). */
  whenOmitted: 'on' | 'off';
  /** Flax's `deterministic=` is the negation of training. */
  negated?: boolean;
}

export interface DropoutApi {
  framework: Framework;
  variant: DropoutVariant;
  style: ApiStyle;
  /** Keyword of the rate argument. */
  rateKeyword: string;
  /** Position of the rate when passed positionally (undefined: keyword only). */
  ratePosition?: number;
  /** `keep`: the argument is the probability of keeping a unit (TF1 `tf.contrib.layers.dropout`, `slim.dropout`); default: a drop rate. */
  rateMeaning?: 'keep';
  /** The rate when the argument is omitted (undefined: required, or 0 = off by default). */
  defaultRate?: number;
  /**
   * Functional forms: the training switch, or undefined when the op always drops (`tf.nn.dropout`,
   * `keras.random.dropout`, attention's `dropout_p`). Module forms: the switch of the layer's call.
   */
  training?: TrainingSwitch;
  /** Deprecated keyword that holds a keep probability instead of the rate (`tf.nn.dropout(keep_prob=)`). */
  legacyKeepKeyword?: string;
  /** Short display name used in messages, e.g. `nn.Dropout`. */
  display: string;
}

type Row = [name: string, api: Omit<DropoutApi, 'framework'>];

function table(framework: Framework, rows: Row[]): Array<[string, DropoutApi]> {
  return rows.map(([name, api]) => [name, { framework, ...api }]);
}

const TORCH_FLAG: TrainingSwitch = { keyword: 'training', position: 2, whenOmitted: 'on' };
const TORCH_FLAG_OFF: TrainingSwitch = { keyword: 'training', position: 2, whenOmitted: 'off' };
// `torch.dropout(input, p, train)`: `train` is required; omitting it is an error, treated as on.
const TORCH_TRAIN: TrainingSwitch = { keyword: 'train', position: 2, whenOmitted: 'on' };

const TORCH = table('torch', [
  ['torch.nn.Dropout', { variant: 'standard', style: 'module', rateKeyword: 'p', ratePosition: 0, defaultRate: 0.5, display: 'nn.Dropout' }],
  ['torch.nn.Dropout1d', { variant: 'channel', style: 'module', rateKeyword: 'p', ratePosition: 0, defaultRate: 0.5, display: 'nn.Dropout1d' }],
  ['torch.nn.Dropout2d', { variant: 'channel', style: 'module', rateKeyword: 'p', ratePosition: 0, defaultRate: 0.5, display: 'nn.Dropout2d' }],
  ['torch.nn.Dropout3d', { variant: 'channel', style: 'module', rateKeyword: 'p', ratePosition: 0, defaultRate: 0.5, display: 'nn.Dropout3d' }],
  ['torch.nn.AlphaDropout', { variant: 'alpha', style: 'module', rateKeyword: 'p', ratePosition: 0, defaultRate: 0.5, display: 'nn.AlphaDropout' }],
  ['torch.nn.FeatureAlphaDropout', { variant: 'feature-alpha', style: 'module', rateKeyword: 'p', ratePosition: 0, defaultRate: 0.5, display: 'nn.FeatureAlphaDropout' }],
  ['torch.nn.functional.dropout', { variant: 'standard', style: 'functional', rateKeyword: 'p', ratePosition: 1, defaultRate: 0.5, training: TORCH_FLAG, display: 'F.dropout' }],
  ['torch.nn.functional.dropout1d', { variant: 'channel', style: 'functional', rateKeyword: 'p', ratePosition: 1, defaultRate: 0.5, training: TORCH_FLAG, display: 'F.dropout1d' }],
  ['torch.nn.functional.dropout2d', { variant: 'channel', style: 'functional', rateKeyword: 'p', ratePosition: 1, defaultRate: 0.5, training: TORCH_FLAG, display: 'F.dropout2d' }],
  ['torch.nn.functional.dropout3d', { variant: 'channel', style: 'functional', rateKeyword: 'p', ratePosition: 1, defaultRate: 0.5, training: TORCH_FLAG, display: 'F.dropout3d' }],
  ['torch.nn.functional.feature_dropout', { variant: 'channel', style: 'functional', rateKeyword: 'p', ratePosition: 1, defaultRate: 0.5, training: TORCH_FLAG, display: 'F.feature_dropout' }],
  // The alpha forms default to training=False: without the flag they never drop.
  ['torch.nn.functional.alpha_dropout', { variant: 'alpha', style: 'functional', rateKeyword: 'p', ratePosition: 1, defaultRate: 0.5, training: TORCH_FLAG_OFF, display: 'F.alpha_dropout' }],
  ['torch.nn.functional.feature_alpha_dropout', { variant: 'feature-alpha', style: 'functional', rateKeyword: 'p', ratePosition: 1, defaultRate: 0.5, training: TORCH_FLAG_OFF, display: 'F.feature_alpha_dropout' }],
  ['torch.dropout', { variant: 'standard', style: 'functional', rateKeyword: 'p', ratePosition: 1, training: TORCH_TRAIN, display: 'torch.dropout' }],
  ['torch.dropout_', { variant: 'standard', style: 'functional', rateKeyword: 'p', ratePosition: 1, training: TORCH_TRAIN, display: 'torch.dropout_' }],
  ['torch.feature_dropout', { variant: 'channel', style: 'functional', rateKeyword: 'p', ratePosition: 1, training: TORCH_TRAIN, display: 'torch.feature_dropout' }],
  ['torch.feature_dropout_', { variant: 'channel', style: 'functional', rateKeyword: 'p', ratePosition: 1, training: TORCH_TRAIN, display: 'torch.feature_dropout_' }],
  ['torch.alpha_dropout', { variant: 'alpha', style: 'functional', rateKeyword: 'p', ratePosition: 1, training: TORCH_TRAIN, display: 'torch.alpha_dropout' }],
  ['torch.alpha_dropout_', { variant: 'alpha', style: 'functional', rateKeyword: 'p', ratePosition: 1, training: TORCH_TRAIN, display: 'torch.alpha_dropout_' }],
  ['torch.feature_alpha_dropout', { variant: 'feature-alpha', style: 'functional', rateKeyword: 'p', ratePosition: 1, training: TORCH_TRAIN, display: 'torch.feature_alpha_dropout' }],
  ['torch.feature_alpha_dropout_', { variant: 'feature-alpha', style: 'functional', rateKeyword: 'p', ratePosition: 1, training: TORCH_TRAIN, display: 'torch.feature_alpha_dropout_' }],
  // Drops whenever dropout_p > 0 (default 0.0), whatever the module's mode.
  ['torch.nn.functional.scaled_dot_product_attention', { variant: 'attention', style: 'functional', rateKeyword: 'dropout_p', ratePosition: 4, defaultRate: 0, display: 'F.scaled_dot_product_attention' }],
]);

// Keras 2/3 and tf.keras (all spellings canonicalized to `keras.`): layers take `training` in their
// call, which fit/evaluate/predict set; the backend ops have no flag.
const KERAS = table('keras', [
  ['keras.layers.Dropout', { variant: 'standard', style: 'module', rateKeyword: 'rate', ratePosition: 0, display: 'Dropout' }],
  ['keras.layers.SpatialDropout1D', { variant: 'channel', style: 'module', rateKeyword: 'rate', ratePosition: 0, display: 'SpatialDropout1D' }],
  ['keras.layers.SpatialDropout2D', { variant: 'channel', style: 'module', rateKeyword: 'rate', ratePosition: 0, display: 'SpatialDropout2D' }],
  ['keras.layers.SpatialDropout3D', { variant: 'channel', style: 'module', rateKeyword: 'rate', ratePosition: 0, display: 'SpatialDropout3D' }],
  ['keras.layers.AlphaDropout', { variant: 'alpha', style: 'module', rateKeyword: 'rate', ratePosition: 0, display: 'AlphaDropout' }],
  ['keras.layers.GaussianDropout', { variant: 'gaussian', style: 'module', rateKeyword: 'rate', ratePosition: 0, display: 'GaussianDropout' }],
  // Keras 3's backend op and the Keras 2 backend function (argument `level`): no training flag.
  ['keras.random.dropout', { variant: 'standard', style: 'functional', rateKeyword: 'rate', ratePosition: 1, display: 'keras.random.dropout' }],
  ['keras.backend.dropout', { variant: 'standard', style: 'functional', rateKeyword: 'level', ratePosition: 1, display: 'keras.backend.dropout' }],
]);

// TensorFlow outside Keras: tf.nn (TF2 rate; TF1's positional keep_prob is judged by DRP011),
// TF1 tf.layers (training defaults to False!) and tf.contrib.layers / slim (keep probability).
const TENSORFLOW = table('tensorflow', [
  ['tensorflow.nn.dropout', { variant: 'standard', style: 'functional', rateKeyword: 'rate', ratePosition: 1, legacyKeepKeyword: 'keep_prob', display: 'tf.nn.dropout' }],
  ['tensorflow.layers.dropout', { variant: 'standard', style: 'functional', rateKeyword: 'rate', ratePosition: 1, defaultRate: 0.5, training: { keyword: 'training', position: 4, whenOmitted: 'off' }, display: 'tf.layers.dropout' }],
  // The TF1 layer's call is `(inputs, training=False)`.
  ['tensorflow.layers.Dropout', { variant: 'standard', style: 'module', rateKeyword: 'rate', ratePosition: 0, defaultRate: 0.5, training: { keyword: 'training', position: 1, whenOmitted: 'off' }, display: 'tf.layers.Dropout' }],
  ['tensorflow.contrib.layers.dropout', { variant: 'standard', style: 'functional', rateKeyword: 'keep_prob', ratePosition: 1, rateMeaning: 'keep', defaultRate: 0.5, training: { keyword: 'is_training', position: 3, whenOmitted: 'on' }, display: 'tf.contrib.layers.dropout' }],
]);

// Flax linen: `Dropout(rate, broadcast_dims=(), deterministic=None)`, called as `(x, deterministic=None)`;
// the call's value wins over the attribute, and one of them must be given.
const FLAX = table('flax', [
  ['flax.linen.Dropout', { variant: 'standard', style: 'module', rateKeyword: 'rate', ratePosition: 0, training: { keyword: 'deterministic', position: 1, whenOmitted: 'off', negated: true }, display: 'nn.Dropout' }],
]);

export const DROPOUT_APIS: ReadonlyMap<string, DropoutApi> = new Map<string, DropoutApi>([...TORCH, ...KERAS, ...TENSORFLOW, ...FLAX]);

/** Modules whose `dropout=` keyword is a rate too (recurrent and attention layers). */
export const DROPOUT_KEYWORD_APIS: ReadonlyMap<string, string> = new Map([
  ['torch.nn.LSTM', 'nn.LSTM'],
  ['torch.nn.GRU', 'nn.GRU'],
  ['torch.nn.RNN', 'nn.RNN'],
  ['torch.nn.MultiheadAttention', 'nn.MultiheadAttention'],
  ['torch.nn.Transformer', 'nn.Transformer'],
  ['torch.nn.TransformerEncoderLayer', 'nn.TransformerEncoderLayer'],
  ['torch.nn.TransformerDecoderLayer', 'nn.TransformerDecoderLayer'],
  ['keras.layers.LSTM', 'LSTM'],
  ['keras.layers.GRU', 'GRU'],
  ['keras.layers.SimpleRNN', 'SimpleRNN'],
  ['keras.layers.MultiHeadAttention', 'MultiHeadAttention'],
]);

/** Keyword arguments of keras recurrent layers that are rates as well. */
export const RECURRENT_RATE_KEYWORDS = ['dropout', 'recurrent_dropout'] as const;
