// The model graph's data types (see ../modelGraph.ts for what they describe and the API around
// them). Kept apart from modelGraph.ts so the builder below it can name them without importing
// the module that calls it.
import type { SyntaxNode } from '../parser';
import type { DropoutVariant } from '../frameworks';
import type { Range } from '../types';

export type ModelFramework = 'torch' | 'keras';

export type ModelKind =
  /** `class Net(nn.Module)` with `__init__` attributes and `forward`. */
  | 'module-class'
  /** A standalone `nn.Sequential(...)` (not an attribute of a module class). */
  | 'sequential'
  /** `keras.Sequential([...])` or `Sequential()` followed by `model.add(...)`. */
  | 'keras-sequential'
  /** `Model(inputs, outputs)` over `layer(...)(x)` chains. */
  | 'keras-functional'
  /** `class M(keras.Model)` / `class L(keras.layers.Layer)` with `call`. */
  | 'keras-subclass'
  /** A TF1-style function that builds the network on its input tensor and returns it (`def inference(images, keep_prob)`). */
  | 'graph-function';

export type LayerKind =
  | 'dense' | 'conv' | 'pool' | 'global-pool' | 'flatten' | 'batchnorm' | 'layernorm'
  /** GroupNorm, InstanceNorm, LocalResponseNorm and other non-batch normalisations. */
  | 'norm'
  | 'activation' | 'dropout' | 'embedding' | 'recurrent' | 'attention' | 'reshape' | 'identity'
  /** Two or more tensors combined: `a + b`, `torch.cat`, keras `Add`/`Concatenate`. */
  | 'merge'
  /** Input placeholder of a Keras model (`Input(...)`, `InputLayer`). */
  | 'input'
  /** Anything else: unknown calls, user-defined blocks, padding, upsampling... */
  | 'other';

export type ActivationKind =
  | 'relu' | 'relu6' | 'leaky-relu' | 'prelu' | 'elu' | 'selu' | 'celu' | 'gelu' | 'silu' | 'mish'
  | 'tanh' | 'sigmoid' | 'hard-sigmoid' | 'hard-swish' | 'hard-tanh' | 'softmax' | 'log-softmax'
  | 'softplus' | 'softsign' | 'linear' | 'other';

export interface DropoutInfo {
  variant: DropoutVariant;
  /** The literal (or module-constant) rate, when statically known. */
  rate?: number;
  /** The argument that carries the rate (absent when the default is used). */
  rateNode?: SyntaxNode;
  /** True when no rate was passed and `rate` is the framework default. */
  defaultRate?: boolean;
  /** True when the rate comes from a parameter's default value (`def __init__(self, p=0.5)`): callers may pass another. */
  rateIsParameterDefault?: boolean;
  /** Display name of the API, e.g. `nn.Dropout`, `F.dropout`, `SpatialDropout2D`. */
  api: string;
  /** Module (`nn.Dropout(...)`) or functional (`F.dropout(x, ...)`). */
  style: 'module' | 'functional';
}

/** One construction of a layer (`nn.Linear(10, 20)`), shared by all its applications. */
export interface LayerDefinition {
  /** Unique within one ModelGraph. */
  id: number;
  kind: LayerKind;
  /** Canonical framework name (`torch.nn.Linear`, `keras.layers.Dense`); undefined for user classes and unknown calls. */
  qualifiedName?: string;
  /** Short text for messages: `nn.Linear`, `Dense`, `F.relu`, `view`, `Block`. */
  display: string;
  /** Where it lives, e.g. `self.drop1`, `self.features[3]`, `layers['fc']`, or a Keras variable. */
  name?: string;
  activation?: ActivationKind;
  dropout?: DropoutInfo;
  /** in_features / in_channels (torch) when literal. */
  inFeatures?: number;
  /** out_features / out_channels / units / filters when literal. */
  outFeatures?: number;
  /** The construction call (for functional ops: the call in forward). */
  node: SyntaxNode;
  range: Range;
  /** Name of the user-defined class this layer instantiates (kind 'other'). */
  userClass?: string;
  /** Only built on some paths (inside an `if`, or conditionally appended). */
  conditional?: boolean;
}

/** One application of a layer in the data flow (a definition applied twice gives two nodes). */
export interface LayerNode extends LayerDefinition {
  /** Position in ModelGraph.layers (data-flow order). */
  index: number;
  /** The definition this applies (same object for every application of one module). */
  definition: LayerDefinition;
  /** Where it is applied (`self.drop(x)` in forward, `Dropout(0.5)(x)`); undefined inside a Sequential. */
  callNode?: SyntaxNode;
  /** Indices of the layers whose outputs feed this one. */
  inputs: number[];
  /** Indices of the layers this one feeds (filled after construction). */
  outputs: number[];
  /** Reads the model input (the first argument of forward/call, `Input(...)`, the start of a Sequential) directly. */
  fromModelInput: boolean;
  /** The value flows to what the model returns. */
  isOutput: boolean;
}

export interface ModelGraph {
  /** Class name, variable name, or `Sequential` when anonymous. */
  name: string;
  framework: ModelFramework;
  kind: ModelKind;
  /** class_definition, the Sequential/Model call, or the assignment that names it. */
  node: SyntaxNode;
  /** The identifier naming the model (class name / variable), when there is one. */
  nameNode?: SyntaxNode;
  range: Range;
  /** Layer applications in data-flow (topological) order; for flowKnown=false, definitions in source order. */
  layers: LayerNode[];
  /** Every layer construction, in source order (an unused module is still here). */
  definitions: LayerDefinition[];
  /** Indices of layers whose value is returned / is the model output. */
  outputs: number[];
  /**
   * The main prediction: for forward/call, what the last `return` gives (its first element when it
   * returns a tuple), leaving out early returns and auxiliary values such as RNN hidden states;
   * for Sequential and functional models, the same as `outputs`.
   */
  primaryOutputs: number[];
  /** True when the data flow was followed (Sequential, forward/call analysed, functional outputs known). */
  flowKnown: boolean;
  /**
   * True when this looks like a complete model rather than a building block: it is not used as a
   * layer inside another model of the file, and (for classes) is instantiated outside model
   * definitions or named like a model. Rules about "the model's output/input" require it.
   */
  isTopLevel: boolean;
  /** For module classes: user classes (in this file) used as layers, by class name. */
  usesClasses: string[];
  /** The forward/call function analysed, when any. */
  forwardNode?: SyntaxNode;
  /** Dropout results assigned to a name that is never read while the pre-dropout value is (DRP017). */
  unusedDropouts: UnusedDropout[];
}

export interface UnusedDropout {
  /** The dropout application. */
  layer: LayerDefinition;
  /** The call `self.drop(x)` / `F.dropout(x, ...)` / `Dropout(0.5)(x)`. */
  call: SyntaxNode;
  /** The assigned name that is never read. */
  assigned: SyntaxNode;
  /** The later read of the pre-dropout variable. */
  laterUse: SyntaxNode;
}
