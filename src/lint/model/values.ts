// Abstract values of the model-graph interpreter: what a Python expression evaluates to, as far
// as layer construction and data flow are concerned.
import type { SyntaxNode } from '../parser';
import type { ActivationKind, DropoutInfo, LayerKind } from './graphTypes';

/** A layer construction (`nn.Linear(10, 20)`, `Dense(64)`, or a functional op at its call). */
export interface Def {
  kind: LayerKind;
  qualifiedName?: string;
  display: string;
  name?: string;
  activation?: ActivationKind;
  dropout?: DropoutInfo;
  inFeatures?: number;
  outFeatures?: number;
  node: SyntaxNode;
  userClass?: string;
  conditional?: boolean;
  framework?: 'torch' | 'keras';
  /** Containers (nn.Sequential, keras Sequential): applying one applies its children in order. */
  container?: 'torch-sequential' | 'keras-sequential';
  children?: ListVal;
  /** Named children of an OrderedDict-built Sequential (`self.block.fc`). */
  childNames?: Map<string, Val>;
  /** Put inside another container, assigned to a model attribute, or applied inside another graph. */
  usedAsComponent?: boolean;
  /** Function whose body created it (for standalone models). */
  scope?: SyntaxNode;
}

/** One application of a Def in a data flow. */
export interface INode {
  def: Def;
  call?: SyntaxNode;
  preds: INode[];
  fromInput: boolean;
  seq: number;
}

export interface TensorVal { t: 'tensor'; from: Set<INode>; input: boolean }
export interface LayerVal { t: 'layer'; def: Def }
export interface ListVal {
  t: 'list';
  items: Val[];
  /** Order not statically known (items appended in alternative branches, unknown splats). */
  inexact: boolean;
  /** Built by a comprehension: the items repeat an unknown number of times. */
  repeated?: boolean;
}
export interface DictVal {
  t: 'dict';
  entries: Map<string, Val>;
  /** Keys set conditionally or under non-literal names: the order/content is not statically known. */
  inexact?: boolean;
}
export interface TupleVal { t: 'tuple'; items: Val[] }
export interface AltVal { t: 'alt'; options: Val[] }
export interface NumVal { t: 'num'; value: number; fromDefault?: boolean }
export interface StrVal { t: 'str'; value: string }
export interface SelfVal { t: 'self' }
export interface FuncVal { t: 'func'; node: SyntaxNode; boundSelf?: boolean }
export interface ClassVal { t: 'class'; name: string }
export interface SuperVal { t: 'super' }
export interface UnknownVal { t: 'unknown' }

export type Val = TensorVal | LayerVal | ListVal | DictVal | TupleVal | AltVal | NumVal | StrVal | SelfVal | FuncVal
  | ClassVal | SuperVal | UnknownVal;

export const UNKNOWN: UnknownVal = { t: 'unknown' };

export function tensor(from: Iterable<INode>, input = false): TensorVal {
  return { t: 'tensor', from: new Set(from), input };
}

/** Every tensor reachable in a value (tuples, lists, alternatives). */
export function tensorsIn(value: Val, out: TensorVal[] = [], depth = 0): TensorVal[] {
  if (depth > 6) return out;
  switch (value.t) {
    case 'tensor': out.push(value); break;
    case 'tuple': case 'list': for (const item of value.items) tensorsIn(item, out, depth + 1); break;
    case 'alt': for (const option of value.options) tensorsIn(option, out, depth + 1); break;
    case 'dict': for (const item of value.entries.values()) tensorsIn(item, out, depth + 1); break;
    default: break;
  }
  return out;
}

/** Union of tensors into one value (undefined when there is none). */
export function mergeTensors(values: TensorVal[]): TensorVal | undefined {
  if (!values.length) return undefined;
  if (values.length === 1) return values[0];
  const from = new Set<INode>();
  let input = false;
  for (const v of values) {
    for (const n of v.from) from.add(n);
    input ||= v.input;
  }
  return { t: 'tensor', from, input };
}

/** Join of two values reaching the same point along different paths. */
export function join(a: Val | undefined, b: Val | undefined): Val {
  if (!a) return b ?? UNKNOWN;
  if (!b || a === b) return a;
  // A number on one path only is not the value: `cfg.p if cfg.training else 0.0` is not known to be 0.
  if (a.t === 'unknown') return b.t === 'num' ? UNKNOWN : b;
  if (b.t === 'unknown') return a.t === 'num' ? UNKNOWN : a;
  if (a.t === 'tensor' && b.t === 'tensor') return mergeTensors([a, b])!;
  if (a.t === 'num' && b.t === 'num' && a.value === b.value) return a;
  if (a.t === 'layer' && b.t === 'layer' && a.def === b.def) return a;
  const options: Val[] = [];
  for (const v of [a, b]) {
    if (v.t === 'alt') options.push(...v.options);
    else options.push(v);
  }
  return { t: 'alt', options: options.slice(0, 8) };
}
