// Name resolution: maps local names to the fully qualified framework names they were imported as,
// through aliases (`import torch.nn as nn`, `from torch.nn import Dropout as D`,
// `from tensorflow.keras import layers`), and evaluates simple numeric constants.
import type { SyntaxNode } from './parser';
import { SnapshotNode } from './snapshot';

export class ImportTable {
  /** local name -> fully qualified dotted name */
  private readonly bindings = new Map<string, string>();
  /** modules imported with `from M import *` */
  private readonly starModules: string[] = [];
  /** `resolveName` per snapshot node under this table (rules ask about the same nodes again); emptied when the table changes. */
  readonly resolvedNames = new Map<SyntaxNode, string | null>();
  /** `calleeName` per snapshot call node, likewise. */
  readonly calleeNames = new Map<SyntaxNode, string | null>();

  bind(local: string, qualified: string): void {
    this.bindings.set(local, qualified);
    this.forget();
  }

  lookup(local: string): string | undefined {
    return this.bindings.get(local);
  }

  addStar(module: string): void {
    this.starModules.push(module);
    this.forget();
  }

  private forget(): void {
    this.resolvedNames.clear();
    this.calleeNames.clear();
  }

  get stars(): readonly string[] {
    return this.starModules;
  }

  entries(): IterableIterator<[string, string]> {
    return this.bindings.entries();
  }
}

/** Dotted text of an identifier / attribute chain (`torch.nn.Dropout`), or undefined for anything else. */
export function dottedName(node: SyntaxNode | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'identifier') return node.text;
  if (node.type === 'attribute') {
    const object = dottedName(node.childForFieldName('object'));
    const attr = node.childForFieldName('attribute');
    return object && attr ? `${object}.${attr.text}` : undefined;
  }
  return undefined;
}

/** What one import statement binds, in order: `[local, qualified]`, or `[module]` for `from M import *`. */
type ImportOp = readonly [string, string] | readonly [string];

function importOps(node: SyntaxNode): readonly ImportOp[] {
  const ops: ImportOp[] = [];
  if (node.type === 'import_statement') {
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === 'dotted_name') {
        // `import torch.nn` binds `torch`.
        const head = child.namedChildren[0]?.text;
        if (head) ops.push([head, head]);
      } else if (child.type === 'aliased_import') {
        const name = child.childForFieldName('name')?.text;
        const alias = child.childForFieldName('alias')?.text;
        if (name && alias) ops.push([alias, name]);
      }
    }
  } else {
    const moduleNode = node.childForFieldName('module_name');
    const module = moduleNode?.text;
    if (module && !module.startsWith('.')) {
      for (const child of node.namedChildren) {
        if (!child || child === moduleNode || child.equals(moduleNode!)) continue;
        if (child.type === 'wildcard_import') ops.push([module]);
        else if (child.type === 'dotted_name') ops.push([child.text, `${module}.${child.text}`]);
        else if (child.type === 'aliased_import') {
          const name = child.childForFieldName('name')?.text;
          const alias = child.childForFieldName('alias')?.text;
          if (name && alias) ops.push([alias, `${module}.${name}`]);
        }
      }
    }
  }
  return ops;
}

function isImport(node: SyntaxNode): boolean {
  return node.type === 'import_statement' || node.type === 'import_from_statement';
}

/** Import statements in source order, as the walk of `collectImports` meets them (not inside strings or other imports). */
function importStatements(root: SyntaxNode): SyntaxNode[] {
  if (!(root instanceof SnapshotNode && root.id === 0)) {
    const found: SyntaxNode[] = [];
    const stack: SyntaxNode[] = [root];
    while (stack.length) {
      const node = stack.pop()!;
      if (isImport(node)) {
        found.push(node);
        continue;
      }
      for (let i = node.namedChildCount - 1; i >= 0; i--) {
        const child = node.namedChild(i);
        if (child && child.type !== 'string') stack.push(child);
      }
    }
    return found;
  }
  // A snapshot indexed its named nodes by type: merge the two lists by pre-order id.
  const plain = root.namedNodesOfType('import_statement');
  const from = root.namedNodesOfType('import_from_statement');
  const merged: SyntaxNode[] = [];
  for (let i = 0, j = 0; i < plain.length || j < from.length;) {
    const node = j >= from.length || (i < plain.length && plain[i].id < from[j].id) ? plain[i++] : from[j++];
    if (reachedByImportWalk(node, root)) merged.push(node);
  }
  return merged;
}

/** The walk never enters strings, nor the children of an import statement. */
function reachedByImportWalk(node: SyntaxNode, root: SyntaxNode): boolean {
  for (let current = node.parent; current && current !== root; current = current.parent) {
    if (current.type === 'string' || isImport(current)) return false;
  }
  return true;
}

/** Collects every import statement in the tree (module level and nested), in source order, into `table`. */
export function collectImports(root: SyntaxNode, table = new ImportTable()): ImportTable {
  const ops: ImportOp[] = [];
  for (const statement of importStatements(root)) for (const op of importOps(statement)) ops.push(op);
  // A file with no imports at all (a pasted snippet, a lone notebook cell) is read by the names it uses.
  if (ops.length === 0) ops.push(...impliedImports(root));
  for (const op of ops) {
    if (op.length === 1) table.addStar(op[0]);
    else table.bind(op[0], op[1]);
  }
  return table;
}

// Names a snippet without imports uses as if imported: PyTorch's conventional aliases, or Keras'
// bare layer names (`Sequential()`, `model.add(Dropout(0.5))`).
const TORCH_ALIASES: ReadonlyArray<[string, string]> = [['nn', 'torch.nn'], ['F', 'torch.nn.functional'], ['torch', 'torch']];
const KERAS_ALIASES: ReadonlyArray<[string, string]> = [['tf', 'tensorflow'], ['keras', 'keras'], ['layers', 'keras.layers']];
const KERAS_BARE = new Set([
  'Sequential', 'Model', 'Input', 'Dense', 'Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D', 'AlphaDropout',
  'GaussianDropout', 'Activation', 'Flatten', 'Conv1D', 'Conv2D', 'Conv3D', 'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D',
  'AveragePooling2D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'BatchNormalization', 'LayerNormalization', 'Embedding',
  'LSTM', 'GRU', 'SimpleRNN', 'Bidirectional', 'Reshape', 'Concatenate', 'Add',
]);
const KERAS_TOP = new Set(['Sequential', 'Model', 'Input']);

/** Imports implied by the names of a file that has none; names the file defines itself are its own. */
function impliedImports(root: SyntaxNode): ImportOp[] {
  const used = new Set<string>();
  const heads = new Set<string>();
  const defined = new Set<string>();
  const stack: SyntaxNode[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    if (node.type === 'string' || node.type === 'comment') continue;
    if (node.type === 'identifier') used.add(node.text);
    else if (node.type === 'attribute') {
      const object = node.childForFieldName('object');
      if (object?.type === 'identifier') heads.add(object.text);
    } else if (node.type === 'class_definition' || node.type === 'function_definition') {
      const name = node.childForFieldName('name')?.text;
      if (name) defined.add(name);
    } else if (node.type === 'assignment') {
      const left = node.childForFieldName('left');
      if (left?.type === 'identifier') defined.add(left.text);
    } else if (node.type === 'parameters') {
      for (const p of node.namedChildren) {
        const name = p?.type === 'identifier' ? p : p?.childForFieldName('name') ?? p?.namedChildren.find((c) => c?.type === 'identifier');
        if (name) defined.add(name.text);
      }
    }
    for (let i = node.namedChildCount - 1; i >= 0; i--) {
      const child = node.namedChild(i);
      if (child) stack.push(child);
    }
  }
  const free = (name: string): boolean => !defined.has(name);
  const torch = TORCH_ALIASES.filter(([alias]) => heads.has(alias) && free(alias));
  if (torch.length) return torch;
  const keras: ImportOp[] = KERAS_ALIASES.filter(([alias]) => heads.has(alias) && free(alias));
  // Bare layer names only with a bare Keras model class in sight (`Sequential()`, `Model(...)`).
  if ([...KERAS_TOP].some((name) => used.has(name) && free(name))) {
    for (const name of KERAS_BARE) if (used.has(name) && free(name)) keras.push([name, name === 'Sequential' || name === 'Model' || name === 'Input' ? `keras.${name}` : `keras.layers.${name}`]);
  }
  return keras;
}

// Spellings of one framework module that mean the same thing for our purposes.
const PREFIX_CANON: ReadonlyArray<[string, string]> = [
  ['tensorflow.compat.v1.keras.', 'keras.'],
  ['tensorflow.compat.v2.keras.', 'keras.'],
  ['tensorflow.python.keras.', 'keras.'],
  ['tensorflow.keras.', 'keras.'],
  ['tf_keras.', 'keras.'],
  ['keras.src.', 'keras.'],
  ['tensorflow.compat.v1.nn.', 'tensorflow.nn.'],
  ['tensorflow.compat.v2.nn.', 'tensorflow.nn.'],
  ['torch.nn.modules.dropout.', 'torch.nn.'],
  ['torch.nn.modules.', 'torch.nn.'],
  // TF1 layers and slim (`import tensorflow.contrib.slim as slim`; the tf_slim package).
  ['tensorflow.compat.v1.layers.', 'tensorflow.layers.'],
  ['tensorflow.contrib.slim.layers.', 'tensorflow.contrib.layers.'],
  ['tensorflow.contrib.slim.', 'tensorflow.contrib.layers.'],
  ['tf_slim.layers.', 'tensorflow.contrib.layers.'],
  ['tf_slim.', 'tensorflow.contrib.layers.'],
  ['flax.linen.stochastic.', 'flax.linen.'],
];

// Keras 1/2 `keras.engine.*` (training, topology, input_layer, sequential, base_layer) -> the public names.
const KERAS_ENGINE: Readonly<Record<string, string>> = {
  Model: 'keras.Model', Sequential: 'keras.Sequential', Input: 'keras.Input', InputLayer: 'keras.layers.InputLayer', Layer: 'keras.layers.Layer',
};

export function canonicalName(qualified: string): string {
  let name = qualified;
  for (const [from, to] of PREFIX_CANON) {
    if (name.startsWith(from)) {
      name = to + name.slice(from.length);
      break;
    }
  }
  // keras.layers.core.Dropout / keras.layers.regularization.dropout.Dropout -> keras.layers.Dropout
  const layers = /^keras\.layers\.(?:[a-z_]+\.)+([A-Z]\w*)$/.exec(name);
  if (layers) name = `keras.layers.${layers[1]}`;
  const engine = /^keras\.engine\.(?:[a-z_]+\.)*([A-Z]\w*)$/.exec(name);
  if (engine && KERAS_ENGINE[engine[1]]) name = KERAS_ENGINE[engine[1]];
  return name;
}

/**
 * Fully qualified, canonical name of a callee such as `nn.Dropout` or `layers.Dropout`, or
 * undefined when its head is not an imported name (a local class called `Dropout` stays local).
 */
export function resolveName(node: SyntaxNode | null | undefined, imports: ImportTable): string | undefined {
  if (!node || (node.type !== 'identifier' && node.type !== 'attribute')) return undefined;
  const cache = node instanceof SnapshotNode ? imports.resolvedNames : undefined;
  const cached = cache?.get(node);
  if (cached !== undefined) return cached ?? undefined;
  const resolved = resolveUncached(node, imports);
  cache?.set(node, resolved ?? null);
  return resolved;
}

function resolveUncached(node: SyntaxNode, imports: ImportTable): string | undefined {
  const dotted = dottedName(node);
  if (!dotted) return undefined;
  const dot = dotted.indexOf('.');
  const head = dot < 0 ? dotted : dotted.slice(0, dot);
  const rest = dot < 0 ? '' : dotted.slice(dot);
  const bound = imports.lookup(head);
  if (bound) return canonicalName(bound + rest);
  return undefined;
}

/** `resolveName` of a call's callee, cached per snapshot call node (rules share the nodes of `nodesOfType`). */
export function calleeName(call: SyntaxNode, imports: ImportTable): string | undefined {
  const cache = call instanceof SnapshotNode ? imports.calleeNames : undefined;
  const cached = cache?.get(call);
  if (cached !== undefined) return cached ?? undefined;
  const resolved = resolveName(call.childForFieldName('function'), imports);
  cache?.set(call, resolved ?? null);
  return resolved;
}

/** Numeric value of a literal expression: `0.5`, `-0.1`, `1e-1`, `(0.2)`, `1 - 0.8`, or a module constant. */
const PLAIN_DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

export function evalNumber(node: SyntaxNode | null | undefined, constants?: ReadonlyMap<string, number>, depth = 0): number | undefined {
  if (!node || depth > 20) return undefined;
  switch (node.type) {
    case 'integer':
    case 'float': {
      // Most literals are plain digits: read without making cleaned-up copies of the text.
      if (PLAIN_DECIMAL.test(node.text)) {
        const plain = Number(node.text);
        return Number.isFinite(plain) ? plain : undefined;
      }
      const text = node.text.replace(/_/g, '').toLowerCase();
      if (/[jl]$/.test(text)) return undefined;
      const value = node.type === 'integer' && /^0[box]/.test(text) ? Number(text) : Number.parseFloat(text);
      return Number.isFinite(value) ? value : undefined;
    }
    case 'parenthesized_expression':
      return evalNumber(node.namedChildren[0], constants, depth + 1);
    case 'unary_operator': {
      const value = evalNumber(node.childForFieldName('argument'), constants, depth + 1);
      const op = node.childForFieldName('operator')?.text;
      if (value === undefined) return undefined;
      return op === '-' ? -value : op === '+' ? value : undefined;
    }
    case 'binary_operator': {
      const left = evalNumber(node.childForFieldName('left'), constants, depth + 1);
      const right = evalNumber(node.childForFieldName('right'), constants, depth + 1);
      const op = node.childForFieldName('operator')?.text;
      if (left === undefined || right === undefined) return undefined;
      switch (op) {
        case '+': return left + right;
        case '-': return left - right;
        case '*': return left * right;
        case '/': return right === 0 ? undefined : left / right;
        default: return undefined;
      }
    }
    case 'identifier':
      return constants?.get(node.text);
    default:
      return undefined;
  }
}

/**
 * Module-level `NAME = <number>` assignments that are assigned exactly once, so using them as a
 * literal rate is sound.
 */
export function collectModuleConstants(root: SyntaxNode): ReadonlyMap<string, number> {
  const counts = new Map<string, number>();
  const values = new Map<string, number>();
  for (const statement of root.namedChildren) {
    if (!statement || statement.type !== 'expression_statement') continue;
    const assignment = statement.namedChildren[0];
    if (!assignment || assignment.type !== 'assignment') continue;
    const left = assignment.childForFieldName('left');
    if (left?.type !== 'identifier') continue;
    counts.set(left.text, (counts.get(left.text) ?? 0) + 1);
    const value = evalNumber(assignment.childForFieldName('right'), values);
    if (value !== undefined) values.set(left.text, value);
  }
  for (const [name, count] of counts) if (count !== 1) values.delete(name);
  return values;
}
