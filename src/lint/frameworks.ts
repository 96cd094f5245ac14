// What the frameworks' dropout APIs are, keyed by canonical qualified name (see resolve.ts):
// which variant they implement, and where their rate argument sits.

export type DropoutVariant =
  | 'standard' | 'channel' | 'alpha' | 'feature-alpha' | 'gaussian' | 'attention' | 'recurrent';

export type ApiStyle = 'module' | 'functional';

export interface DropoutApi {
  framework: 'torch' | 'keras' | 'tensorflow';
  variant: DropoutVariant;
  style: ApiStyle;
  /** Keyword of the drop-rate argument. */
  rateKeyword: string;
  /** Position of the rate when passed positionally (undefined: keyword only). */
  ratePosition?: number;
  /** Short display name used in messages, e.g. `nn.Dropout`. */
  display: string;
}

function entry(framework: DropoutApi['framework'], variant: DropoutVariant, style: ApiStyle, rateKeyword: string, ratePosition: number | undefined, display: string): DropoutApi {
  return { framework, variant, style, rateKeyword, ratePosition, display };
}

export const DROPOUT_APIS: ReadonlyMap<string, DropoutApi> = new Map<string, DropoutApi>([
  ['torch.nn.Dropout', entry('torch', 'standard', 'module', 'p', 0, 'nn.Dropout')],
  ['torch.nn.Dropout1d', entry('torch', 'channel', 'module', 'p', 0, 'nn.Dropout1d')],
  ['torch.nn.Dropout2d', entry('torch', 'channel', 'module', 'p', 0, 'nn.Dropout2d')],
  ['torch.nn.Dropout3d', entry('torch', 'channel', 'module', 'p', 0, 'nn.Dropout3d')],
  ['torch.nn.AlphaDropout', entry('torch', 'alpha', 'module', 'p', 0, 'nn.AlphaDropout')],
  ['torch.nn.FeatureAlphaDropout', entry('torch', 'feature-alpha', 'module', 'p', 0, 'nn.FeatureAlphaDropout')],
  ['torch.nn.functional.dropout', entry('torch', 'standard', 'functional', 'p', 1, 'F.dropout')],
  ['torch.nn.functional.dropout1d', entry('torch', 'channel', 'functional', 'p', 1, 'F.dropout1d')],
  ['torch.nn.functional.dropout2d', entry('torch', 'channel', 'functional', 'p', 1, 'F.dropout2d')],
  ['torch.nn.functional.dropout3d', entry('torch', 'channel', 'functional', 'p', 1, 'F.dropout3d')],
  ['torch.nn.functional.alpha_dropout', entry('torch', 'alpha', 'functional', 'p', 1, 'F.alpha_dropout')],
  ['torch.nn.functional.feature_alpha_dropout', entry('torch', 'feature-alpha', 'functional', 'p', 1, 'F.feature_alpha_dropout')],
  ['torch.dropout', entry('torch', 'standard', 'functional', 'p', 1, 'torch.dropout')],
  ['torch.nn.functional.scaled_dot_product_attention', entry('torch', 'attention', 'functional', 'dropout_p', 4, 'F.scaled_dot_product_attention')],
  ['keras.layers.Dropout', entry('keras', 'standard', 'module', 'rate', 0, 'Dropout')],
  ['keras.layers.SpatialDropout1D', entry('keras', 'channel', 'module', 'rate', 0, 'SpatialDropout1D')],
  ['keras.layers.SpatialDropout2D', entry('keras', 'channel', 'module', 'rate', 0, 'SpatialDropout2D')],
  ['keras.layers.SpatialDropout3D', entry('keras', 'channel', 'module', 'rate', 0, 'SpatialDropout3D')],
  ['keras.layers.AlphaDropout', entry('keras', 'alpha', 'module', 'rate', 0, 'AlphaDropout')],
  ['keras.layers.GaussianDropout', entry('keras', 'gaussian', 'module', 'rate', 0, 'GaussianDropout')],
  ['tensorflow.nn.dropout', entry('tensorflow', 'standard', 'functional', 'rate', 1, 'tf.nn.dropout')],
]);

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
