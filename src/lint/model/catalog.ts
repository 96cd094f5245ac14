// What each framework layer / functional op is, by canonical qualified name (see resolve.ts):
// its layer kind, activation, and where its sizes sit. Containers (Sequential, ModuleList, ...)
// are handled by the builder, not here.
import type { ActivationKind, LayerKind } from './graphTypes';

export interface LayerSpec {
  kind: LayerKind;
  activation?: ActivationKind;
  /** Positional index / keyword of the input size (torch in_features / in_channels). */
  inArg?: [number, string];
  /** Positional index / keyword of the output size (out_features / out_channels / units / filters). */
  outArg?: [number, string];
}

const spec = (kind: LayerKind, extra: Partial<LayerSpec> = {}): LayerSpec => ({ kind, ...extra });

const TORCH_ACTIVATIONS: Record<string, ActivationKind> = {
  ReLU: 'relu', ReLU6: 'relu6', LeakyReLU: 'leaky-relu', PReLU: 'prelu', RReLU: 'leaky-relu', ELU: 'elu',
  SELU: 'selu', CELU: 'celu', GELU: 'gelu', SiLU: 'silu', Mish: 'mish', Tanh: 'tanh', Sigmoid: 'sigmoid',
  Hardsigmoid: 'hard-sigmoid', Hardswish: 'hard-swish', Hardtanh: 'hard-tanh', Softmax: 'softmax',
  Softmax2d: 'softmax', LogSoftmax: 'log-softmax', Softplus: 'softplus', Softsign: 'softsign',
  Softmin: 'other', LogSigmoid: 'other', Tanhshrink: 'other', Threshold: 'other', GLU: 'other',
  Hardshrink: 'other', Softshrink: 'other',
};

const TORCH_FUNCTIONAL_ACTIVATIONS: Record<string, ActivationKind> = {
  relu: 'relu', relu_: 'relu', relu6: 'relu6', leaky_relu: 'leaky-relu', leaky_relu_: 'leaky-relu', prelu: 'prelu',
  rrelu: 'leaky-relu', elu: 'elu', elu_: 'elu', selu: 'selu', selu_: 'selu', celu: 'celu', gelu: 'gelu', silu: 'silu',
  mish: 'mish', tanh: 'tanh', sigmoid: 'sigmoid', hardsigmoid: 'hard-sigmoid', hardswish: 'hard-swish',
  hardtanh: 'hard-tanh', softmax: 'softmax', log_softmax: 'log-softmax', softplus: 'softplus', softsign: 'softsign',
  glu: 'other', logsigmoid: 'other', softmin: 'other', tanhshrink: 'other', threshold: 'other',
};

const KERAS_ACTIVATION_NAMES: Record<string, ActivationKind> = {
  relu: 'relu', relu6: 'relu6', leaky_relu: 'leaky-relu', elu: 'elu', selu: 'selu', celu: 'celu', gelu: 'gelu',
  silu: 'silu', swish: 'silu', mish: 'mish', tanh: 'tanh', sigmoid: 'sigmoid', hard_sigmoid: 'hard-sigmoid',
  hard_swish: 'hard-swish', hard_silu: 'hard-swish', softmax: 'softmax', log_softmax: 'log-softmax', softplus: 'softplus',
  softsign: 'softsign', linear: 'linear', exponential: 'other',
};

/** Activation named by a Keras `activation='relu'` string, or by `tf.nn.relu` / `keras.activations.relu`. */
export function kerasActivationName(name: string): ActivationKind | undefined {
  return KERAS_ACTIVATION_NAMES[name.toLowerCase()];
}

const TORCH_LAYERS = new Map<string, LayerSpec>();
const KERAS_LAYERS = new Map<string, LayerSpec>();

function torch(names: string[], s: LayerSpec): void {
  for (const n of names) TORCH_LAYERS.set(`torch.nn.${n}`, s);
}
function keras(names: string[], s: LayerSpec): void {
  for (const n of names) KERAS_LAYERS.set(`keras.layers.${n}`, s);
}

torch(['Linear', 'LazyLinear', 'Bilinear'], spec('dense', { inArg: [0, 'in_features'], outArg: [1, 'out_features'] }));
TORCH_LAYERS.set('torch.nn.LazyLinear', spec('dense', { outArg: [0, 'out_features'] }));
torch(['Conv1d', 'Conv2d', 'Conv3d', 'ConvTranspose1d', 'ConvTranspose2d', 'ConvTranspose3d'],
  spec('conv', { inArg: [0, 'in_channels'], outArg: [1, 'out_channels'] }));
torch(['LazyConv1d', 'LazyConv2d', 'LazyConv3d', 'LazyConvTranspose1d', 'LazyConvTranspose2d', 'LazyConvTranspose3d'],
  spec('conv', { outArg: [0, 'out_channels'] }));
torch(['MaxPool1d', 'MaxPool2d', 'MaxPool3d', 'AvgPool1d', 'AvgPool2d', 'AvgPool3d', 'LPPool1d', 'LPPool2d',
  'FractionalMaxPool2d', 'FractionalMaxPool3d', 'MaxUnpool1d', 'MaxUnpool2d', 'MaxUnpool3d'], spec('pool'));
// Adaptive pools are global only when their output size is 1 (decided by the builder).
torch(['AdaptiveAvgPool1d', 'AdaptiveAvgPool2d', 'AdaptiveAvgPool3d', 'AdaptiveMaxPool1d', 'AdaptiveMaxPool2d', 'AdaptiveMaxPool3d'], spec('pool'));
torch(['Flatten'], spec('flatten'));
torch(['Unflatten', 'PixelShuffle', 'PixelUnshuffle', 'ChannelShuffle'], spec('reshape'));
torch(['BatchNorm1d', 'BatchNorm2d', 'BatchNorm3d', 'LazyBatchNorm1d', 'LazyBatchNorm2d', 'LazyBatchNorm3d', 'SyncBatchNorm'],
  spec('batchnorm', { inArg: [0, 'num_features'], outArg: [0, 'num_features'] }));
torch(['LayerNorm', 'RMSNorm'], spec('layernorm'));
torch(['GroupNorm', 'InstanceNorm1d', 'InstanceNorm2d', 'InstanceNorm3d', 'LazyInstanceNorm1d', 'LazyInstanceNorm2d',
  'LazyInstanceNorm3d', 'LocalResponseNorm', 'CrossMapLRN2d'], spec('norm'));
torch(['Embedding', 'EmbeddingBag'], spec('embedding', { inArg: [0, 'num_embeddings'], outArg: [1, 'embedding_dim'] }));
torch(['LSTM', 'GRU', 'RNN'], spec('recurrent', { inArg: [0, 'input_size'], outArg: [1, 'hidden_size'] }));
torch(['LSTMCell', 'GRUCell', 'RNNCell'], spec('recurrent', { inArg: [0, 'input_size'], outArg: [1, 'hidden_size'] }));
torch(['MultiheadAttention', 'Transformer', 'TransformerEncoder', 'TransformerDecoder', 'TransformerEncoderLayer',
  'TransformerDecoderLayer'], spec('attention'));
torch(['Identity'], spec('identity'));
for (const [name, activation] of Object.entries(TORCH_ACTIVATIONS)) TORCH_LAYERS.set(`torch.nn.${name}`, spec('activation', { activation }));

keras(['Dense'], spec('dense', { outArg: [0, 'units'] }));
keras(['EinsumDense'], spec('dense'));
keras(['Conv1D', 'Conv2D', 'Conv3D', 'Conv1DTranspose', 'Conv2DTranspose', 'Conv3DTranspose', 'SeparableConv1D',
  'SeparableConv2D', 'Convolution1D', 'Convolution2D', 'Convolution3D', 'SeparableConvolution2D',
  'Conv2DTranspose', 'Deconvolution2D'], spec('conv', { outArg: [0, 'filters'] }));
keras(['DepthwiseConv1D', 'DepthwiseConv2D'], spec('conv'));
keras(['MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D',
  'MaxPool1D', 'MaxPool2D', 'MaxPool3D', 'AvgPool1D', 'AvgPool2D', 'AvgPool3D'], spec('pool'));
keras(['GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalAveragePooling3D', 'GlobalMaxPooling1D',
  'GlobalMaxPooling2D', 'GlobalMaxPooling3D', 'GlobalAvgPool1D', 'GlobalAvgPool2D', 'GlobalAvgPool3D',
  'GlobalMaxPool1D', 'GlobalMaxPool2D', 'GlobalMaxPool3D'], spec('global-pool'));
keras(['Flatten'], spec('flatten'));
keras(['Reshape', 'Permute', 'RepeatVector', 'Cropping1D', 'Cropping2D', 'Cropping3D'], spec('reshape'));
keras(['BatchNormalization'], spec('batchnorm'));
keras(['LayerNormalization', 'RMSNormalization', 'UnitNormalization'], spec('layernorm'));
keras(['GroupNormalization', 'Normalization'], spec('norm'));
keras(['Embedding'], spec('embedding', { outArg: [1, 'output_dim'] }));
keras(['LSTM', 'GRU', 'SimpleRNN', 'Bidirectional', 'ConvLSTM1D', 'ConvLSTM2D', 'ConvLSTM3D', 'RNN', 'CuDNNLSTM', 'CuDNNGRU'],
  spec('recurrent', { outArg: [0, 'units'] }));
keras(['MultiHeadAttention', 'Attention', 'AdditiveAttention', 'GroupQueryAttention'], spec('attention'));
keras(['Add', 'Concatenate', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Subtract', 'Dot'], spec('merge'));
keras(['InputLayer'], spec('input'));
keras(['Identity'], spec('identity'));
keras(['ReLU'], spec('activation', { activation: 'relu' }));
keras(['LeakyReLU'], spec('activation', { activation: 'leaky-relu' }));
keras(['PReLU'], spec('activation', { activation: 'prelu' }));
keras(['ELU'], spec('activation', { activation: 'elu' }));
keras(['Softmax'], spec('activation', { activation: 'softmax' }));
keras(['ThresholdedReLU'], spec('activation', { activation: 'other' }));
// keras.layers.Activation('relu') is resolved by the builder from its argument.
keras(['Activation'], spec('activation', { activation: 'other' }));

// Flax linen (`import flax.linen as nn`): modules are built, then called (`nn.Dense(10)(x)`), like Keras layers.
const FLAX_LAYERS = new Map<string, LayerSpec>();
function flax(names: string[], s: LayerSpec): void {
  for (const n of names) FLAX_LAYERS.set(`flax.linen.${n}`, s);
}
flax(['Dense', 'DenseGeneral'], spec('dense', { outArg: [0, 'features'] }));
flax(['Einsum'], spec('dense'));
flax(['Conv', 'ConvTranspose', 'ConvLocal'], spec('conv', { outArg: [0, 'features'] }));
flax(['BatchNorm'], spec('batchnorm'));
flax(['LayerNorm', 'RMSNorm'], spec('layernorm'));
flax(['GroupNorm', 'InstanceNorm'], spec('norm'));
flax(['Embed'], spec('embedding', { outArg: [1, 'features'] }));
flax(['LSTMCell', 'GRUCell', 'OptimizedLSTMCell', 'SimpleCell', 'RNN', 'Bidirectional'], spec('recurrent'));
flax(['MultiHeadDotProductAttention', 'MultiHeadAttention', 'SelfAttention'], spec('attention'));

/** Module-style layer constructors (`nn.Linear`, `layers.Dense`, linen `nn.Dense`); dropout and containers excluded. */
export function layerSpec(qualified: string): LayerSpec | undefined {
  return TORCH_LAYERS.get(qualified) ?? KERAS_LAYERS.get(qualified) ?? FLAX_LAYERS.get(qualified);
}

export const TORCH_CONTAINERS = new Set(['torch.nn.Sequential', 'torch.nn.ModuleList', 'torch.nn.ModuleDict']);
export const KERAS_SEQUENTIAL = new Set(['keras.Sequential', 'keras.models.Sequential']);
export const KERAS_MODEL = new Set(['keras.Model', 'keras.models.Model']);
export const KERAS_INPUT = new Set(['keras.Input', 'keras.layers.Input']);
/**
 * What a TF1 `model_fn` returns to its Estimator (`tf.estimator.EstimatorSpec(mode, predictions=...,
 * loss=...)`): the model's outputs are its predictions (keyword or second positional argument).
 */
export const ESTIMATOR_SPECS = new Set([
  'tensorflow.estimator.EstimatorSpec', 'tensorflow.compat.v1.estimator.EstimatorSpec',
  'tensorflow.estimator.tpu.TPUEstimatorSpec', 'tensorflow.compat.v1.estimator.tpu.TPUEstimatorSpec',
  'tensorflow.contrib.tpu.TPUEstimatorSpec', 'tensorflow.contrib.learn.ModelFnOps',
]);

/**
 * TensorFlow weight ops without a bias of their own: TF1 code adds it next (`tf.matmul(h, w) + b`,
 * `tf.add(tf.nn.conv2d(x, w, ...), b)`), and that sum is still the layer's output.
 */
export const TF_BIASLESS_WEIGHT_OPS = new Set([
  'tensorflow.matmul', 'tensorflow.nn.conv1d', 'tensorflow.nn.conv2d', 'tensorflow.nn.conv3d', 'tensorflow.nn.conv2d_transpose', 'tensorflow.nn.depthwise_conv2d',
]);
export const TF_ADD = new Set(['tensorflow.add', 'tensorflow.math.add']);

export const TORCH_MODULE_BASES = new Set(['torch.nn.Module', 'torch.nn.Sequential']);
export const KERAS_MODEL_BASES = new Set(['keras.Model', 'keras.models.Model', 'keras.Sequential', 'keras.models.Sequential']);
export const KERAS_LAYER_BASES = new Set(['keras.layers.Layer', 'keras.Layer', 'keras.engine.base_layer.Layer']);
export const FLAX_MODULE_BASES = new Set(['flax.linen.Module', 'flax.linen.module.Module']);

/** What a functional op does to a tensor (`F.relu`, `torch.flatten`, `F.linear`...). */
export interface OpSpec {
  kind: LayerKind;
  activation?: ActivationKind;
  /** Index of the tensor argument (default 0); 'list' when it takes a list of tensors (`torch.cat`). */
  tensorArg?: number | 'list';
}

const TORCH_OPS = new Map<string, OpSpec>();
for (const [name, activation] of Object.entries(TORCH_FUNCTIONAL_ACTIVATIONS)) {
  TORCH_OPS.set(`torch.nn.functional.${name}`, { kind: 'activation', activation });
}
for (const name of ['relu', 'relu_', 'sigmoid', 'tanh', 'softmax', 'log_softmax', 'selu', 'celu', 'rrelu', 'prelu']) {
  TORCH_OPS.set(`torch.${name}`, { kind: 'activation', activation: TORCH_FUNCTIONAL_ACTIVATIONS[name] ?? 'other' });
}
TORCH_OPS.set('torch.special.expit', { kind: 'activation', activation: 'sigmoid' });
for (const name of ['flatten']) TORCH_OPS.set(`torch.${name}`, { kind: 'flatten' });
for (const name of ['reshape', 'transpose', 'permute', 'squeeze', 'unsqueeze', 'movedim', 'swapaxes', 'narrow', 'select']) {
  TORCH_OPS.set(`torch.${name}`, { kind: 'reshape' });
}
for (const name of ['cat', 'concat', 'concatenate', 'stack', 'hstack', 'vstack']) TORCH_OPS.set(`torch.${name}`, { kind: 'merge', tensorArg: 'list' });
for (const name of ['add', 'mul', 'matmul', 'bmm', 'mm', 'einsum', 'sub', 'div']) TORCH_OPS.set(`torch.${name}`, { kind: 'merge' });
TORCH_OPS.set('torch.nn.functional.linear', { kind: 'dense' });
TORCH_OPS.set('torch.nn.functional.bilinear', { kind: 'dense' });
for (const name of ['conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d']) {
  TORCH_OPS.set(`torch.nn.functional.${name}`, { kind: 'conv' });
  TORCH_OPS.set(`torch.${name}`, { kind: 'conv' });
}
for (const name of ['max_pool1d', 'max_pool2d', 'max_pool3d', 'avg_pool1d', 'avg_pool2d', 'avg_pool3d', 'lp_pool1d', 'lp_pool2d',
  'max_pool1d_with_indices', 'max_pool2d_with_indices', 'fractional_max_pool2d']) {
  TORCH_OPS.set(`torch.nn.functional.${name}`, { kind: 'pool' });
}
for (const name of ['adaptive_avg_pool1d', 'adaptive_avg_pool2d', 'adaptive_avg_pool3d', 'adaptive_max_pool1d', 'adaptive_max_pool2d', 'adaptive_max_pool3d']) {
  TORCH_OPS.set(`torch.nn.functional.${name}`, { kind: 'pool' });
}
TORCH_OPS.set('torch.nn.functional.batch_norm', { kind: 'batchnorm' });
TORCH_OPS.set('torch.batch_norm', { kind: 'batchnorm' });
TORCH_OPS.set('torch.nn.functional.layer_norm', { kind: 'layernorm' });
TORCH_OPS.set('torch.nn.functional.rms_norm', { kind: 'layernorm' });
TORCH_OPS.set('torch.nn.functional.group_norm', { kind: 'norm' });
TORCH_OPS.set('torch.nn.functional.instance_norm', { kind: 'norm' });
TORCH_OPS.set('torch.nn.functional.local_response_norm', { kind: 'norm' });
TORCH_OPS.set('torch.nn.functional.normalize', { kind: 'norm' });
TORCH_OPS.set('torch.nn.functional.embedding', { kind: 'embedding', tensorArg: 0 });
TORCH_OPS.set('torch.nn.functional.pad', { kind: 'other' });
TORCH_OPS.set('torch.nn.functional.interpolate', { kind: 'other' });

const KERAS_OPS = new Map<string, OpSpec>();
for (const [name, activation] of Object.entries(KERAS_ACTIVATION_NAMES)) {
  KERAS_OPS.set(`tensorflow.nn.${name}`, { kind: 'activation', activation });
  KERAS_OPS.set(`keras.activations.${name}`, { kind: 'activation', activation });
  KERAS_OPS.set(`keras.ops.${name}`, { kind: 'activation', activation });
}
for (const name of ['reshape', 'transpose', 'squeeze', 'expand_dims']) {
  KERAS_OPS.set(`tensorflow.${name}`, { kind: 'reshape' });
  KERAS_OPS.set(`keras.ops.${name}`, { kind: 'reshape' });
}
for (const name of ['concat', 'stack', 'add_n']) KERAS_OPS.set(`tensorflow.${name}`, { kind: 'merge', tensorArg: 'list' });
for (const name of ['concatenate', 'stack']) KERAS_OPS.set(`keras.ops.${name}`, { kind: 'merge', tensorArg: 'list' });
for (const name of ['concatenate', 'add', 'multiply', 'average', 'maximum', 'minimum', 'subtract']) {
  KERAS_OPS.set(`keras.layers.${name}`, { kind: 'merge', tensorArg: 'list' });
}
KERAS_OPS.set('tensorflow.nn.batch_normalization', { kind: 'batchnorm' });
// TF1 graph building: layers are functions of the tensor (`tf.layers.dense(x, 128)`, `slim.conv2d(x, 32, 3)`).
for (const prefix of ['tensorflow.layers.', 'tensorflow.contrib.layers.']) {
  for (const name of ['dense', 'fully_connected']) KERAS_OPS.set(`${prefix}${name}`, { kind: 'dense' });
  for (const name of ['conv1d', 'conv2d', 'conv3d', 'conv2d_transpose', 'conv3d_transpose', 'separable_conv2d', 'convolution2d']) KERAS_OPS.set(`${prefix}${name}`, { kind: 'conv' });
  for (const name of ['max_pooling1d', 'max_pooling2d', 'max_pooling3d', 'average_pooling1d', 'average_pooling2d', 'average_pooling3d', 'max_pool2d', 'avg_pool2d']) KERAS_OPS.set(`${prefix}${name}`, { kind: 'pool' });
  KERAS_OPS.set(`${prefix}flatten`, { kind: 'flatten' });
  KERAS_OPS.set(`${prefix}batch_normalization`, { kind: 'batchnorm' });
  KERAS_OPS.set(`${prefix}batch_norm`, { kind: 'batchnorm' });
  KERAS_OPS.set(`${prefix}layer_norm`, { kind: 'layernorm' });
}
for (const name of ['conv1d', 'conv2d', 'conv3d', 'conv2d_transpose', 'depthwise_conv2d']) KERAS_OPS.set(`tensorflow.nn.${name}`, { kind: 'conv' });
for (const name of ['max_pool', 'avg_pool', 'max_pool2d', 'avg_pool2d']) KERAS_OPS.set(`tensorflow.nn.${name}`, { kind: 'pool' });
KERAS_OPS.set('tensorflow.nn.xw_plus_b', { kind: 'dense' });
KERAS_OPS.set('tensorflow.matmul', { kind: 'dense' });
KERAS_OPS.set('tensorflow.nn.bias_add', { kind: 'identity' });
KERAS_OPS.set('tensorflow.reduce_mean', { kind: 'other' });

const FLAX_OPS = new Map<string, OpSpec>();
for (const [name, activation] of Object.entries(KERAS_ACTIVATION_NAMES)) {
  FLAX_OPS.set(`flax.linen.${name}`, { kind: 'activation', activation });
  FLAX_OPS.set(`jax.nn.${name}`, { kind: 'activation', activation });
}
for (const name of ['max_pool', 'avg_pool', 'pool']) FLAX_OPS.set(`flax.linen.${name}`, { kind: 'pool' });
for (const name of ['reshape', 'transpose', 'squeeze', 'expand_dims']) FLAX_OPS.set(`jax.numpy.${name}`, { kind: 'reshape' });
for (const name of ['concatenate', 'stack']) FLAX_OPS.set(`jax.numpy.${name}`, { kind: 'merge', tensorArg: 'list' });
FLAX_OPS.set('jax.numpy.mean', { kind: 'other' });

/** A functional op applied to a tensor. */
export function opSpec(qualified: string): OpSpec | undefined {
  return TORCH_OPS.get(qualified) ?? KERAS_OPS.get(qualified) ?? FLAX_OPS.get(qualified);
}

/** Tensor methods: `x.view(...)`, `x.relu()`, `x.flatten(1)`; undefined when the result is not a tensor of the same data (size, shape...). */
const TENSOR_METHODS = new Map<string, OpSpec>([
  ['view', { kind: 'reshape' }], ['reshape', { kind: 'reshape' }], ['permute', { kind: 'reshape' }],
  ['transpose', { kind: 'reshape' }], ['squeeze', { kind: 'reshape' }], ['unsqueeze', { kind: 'reshape' }],
  ['contiguous', { kind: 'identity' }], ['flatten', { kind: 'flatten' }], ['t', { kind: 'reshape' }],
  ['movedim', { kind: 'reshape' }], ['view_as', { kind: 'reshape' }], ['reshape_as', { kind: 'reshape' }],
  ['expand', { kind: 'reshape' }], ['expand_as', { kind: 'reshape' }], ['swapaxes', { kind: 'reshape' }],
  ['to', { kind: 'identity' }], ['float', { kind: 'identity' }], ['half', { kind: 'identity' }], ['double', { kind: 'identity' }],
  ['type', { kind: 'identity' }], ['type_as', { kind: 'identity' }], ['cuda', { kind: 'identity' }], ['cpu', { kind: 'identity' }],
  ['clone', { kind: 'identity' }], ['detach', { kind: 'identity' }],
  ['relu', { kind: 'activation', activation: 'relu' }], ['relu_', { kind: 'activation', activation: 'relu' }],
  ['sigmoid', { kind: 'activation', activation: 'sigmoid' }], ['tanh', { kind: 'activation', activation: 'tanh' }],
  ['softmax', { kind: 'activation', activation: 'softmax' }], ['log_softmax', { kind: 'activation', activation: 'log-softmax' }],
  ['sigmoid_', { kind: 'activation', activation: 'sigmoid' }], ['tanh_', { kind: 'activation', activation: 'tanh' }],
]);

export function tensorMethodSpec(method: string): OpSpec | undefined {
  return TENSOR_METHODS.get(method);
}

/** Tensor methods whose result is metadata, not data (`x.size(0)`, `x.dim()`). */
export const NON_TENSOR_METHODS = new Set(['size', 'dim', 'numel', 'item', 'tolist', 'numpy', 'get_shape', 'ndimension', 'nelement', 'stride', 'data_ptr', 'is_contiguous']);
