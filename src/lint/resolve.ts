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
  /** Set on tables shared between lints (see `collectImports`): caches rely on them never changing. */
  private sealed = false;

  bind(local: string, qualified: string): void {
    this.checkWritable();
    this.bindings.set(local, qualified);
  }

  lookup(local: string): string | undefined {
    return this.bindings.get(local);
  }

  addStar(module: string): void {
    this.checkWritable();
    this.starModules.push(module);
  }

  seal(): this {
    this.sealed = true;
    return this;
  }

  private checkWritable(): void {
    if (this.sealed) throw new Error('ImportTable: a table shared between lints is read-only');
  }

  get stars(): readonly string[] {
    return this.starModules;
  }

  entries(): IterableIterator<[string, string]> {
    return this.bindings.entries();
  }
}

let lastImportsKey = '';

/**
 * The import table's content as a string, to tell across lints whether the imports changed (a
 * lint may get a new table): memoized analyses compare it before reusing a result. Computed
 * afresh on each call (a table a caller fills itself can still change), so take it once per lint.
 */
export function importsContentKey(imports: ImportTable): string {
  const parts: string[] = [];
  for (const [local, qualified] of imports.entries()) parts.push(`${local}=${qualified}`);
  parts.push(`*${imports.stars.join(',')}`);
  let key = parts.join('\n');
  // The same string object lint after lint keeps the per-unit comparisons cheap.
  if (key === lastImportsKey) key = lastImportsKey;
  lastImportsKey = key;
  return key;
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

/** Per import statement node: its bindings depend on its own subtree only, so adopted statements keep them. */
const importOpsCache = new WeakMap<SyntaxNode, readonly ImportOp[]>();

function importOps(node: SyntaxNode): readonly ImportOp[] {
  const cached = importOpsCache.get(node);
  if (cached) return cached;
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
  importOpsCache.set(node, ops);
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

/** Recent import tables by content: the same bindings give the same table object across lints. */
const internedTables = new Map<string, ImportTable>();
const INTERNED_LIMIT = 32;

function intern<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let value = cache.get(key);
  if (value !== undefined) {
    // Most recently used last, so the oldest is evicted first.
    cache.delete(key);
  } else {
    value = make();
    if (cache.size >= INTERNED_LIMIT) cache.delete(cache.keys().next().value as string);
  }
  cache.set(key, value);
  return value;
}

/**
 * Collects every import statement in the tree (module level and nested), in source order. Without
 * `table`, a file whose imports bind exactly what an earlier lint's did gets that lint's table
 * object back (it is shared: do not modify it), so caches keyed by the table (`calleeName`, the
 * rules' per-unit memos) stay valid across edits that leave the imports alone.
 */
export function collectImports(root: SyntaxNode, table?: ImportTable): ImportTable {
  const ops: ImportOp[] = [];
  for (const statement of importStatements(root)) for (const op of importOps(statement)) ops.push(op);
  // A file with no imports at all (a pasted snippet, a lone notebook cell) is read by the names it uses.
  if (ops.length === 0) ops.push(...impliedImports(root));
  const fill = (target: ImportTable): ImportTable => {
    for (const op of ops) {
      if (op.length === 1) target.addStar(op[0]);
      else target.bind(op[0], op[1]);
    }
    return target;
  };
  if (table) return fill(table);
  return intern(internedTables, JSON.stringify(ops), () => fill(new ImportTable()).seal());
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
  const cache = node instanceof SnapshotNode ? resolvedNames.for(imports) : undefined;
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

/**
 * Resolved names per import table, per node. An incremental snapshot keeps statement nodes across
 * edits, and tables are shared between lints with the same imports: an edited import gives a
 * different table, so it never leaves a stale name behind.
 */
class NameCaches {
  private readonly byTable = new WeakMap<ImportTable, WeakMap<SyntaxNode, string | null>>();
  // The table of the current lint, without the outer lookup (every call of a lint asks for it).
  private lastTable: ImportTable | undefined;
  private lastCache: WeakMap<SyntaxNode, string | null> | undefined;

  for(imports: ImportTable): WeakMap<SyntaxNode, string | null> {
    if (imports === this.lastTable) return this.lastCache!;
    let cache = this.byTable.get(imports);
    if (!cache) this.byTable.set(imports, cache = new WeakMap());
    this.lastTable = imports;
    this.lastCache = cache;
    return cache;
  }
}

const resolvedNames = new NameCaches();
const calleeNames = new NameCaches();

/** `resolveName` of a call's callee, cached per call node (rules share the nodes of `nodesOfType`). */
export function calleeName(call: SyntaxNode, imports: ImportTable): string | undefined {
  const cache = calleeNames.for(imports);
  const cached = cache.get(call);
  if (cached !== undefined) return cached ?? undefined;
  const resolved = resolveName(call.childForFieldName('function'), imports);
  cache.set(call, resolved ?? null);
  return resolved;
}

/** Numeric value of a literal expression: `0.5`, `-0.1`, `1e-1`, `(0.2)`, `1 - 0.8`, or a module constant. */
export function evalNumber(node: SyntaxNode | null | undefined, constants?: ReadonlyMap<string, number>, depth = 0): number | undefined {
  if (!node || depth > 20) return undefined;
  switch (node.type) {
    case 'integer':
    case 'float': {
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

/** Recent constant tables by content, like `internedTables`. */
const internedConstants = new Map<string, ReadonlyMap<string, number>>();

/**
 * Module-level `NAME = <number>` assignments that are assigned exactly once, so using them as a
 * literal rate is sound. Equal contents give the same (shared, read-only) map object across lints.
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
  // Names are identifiers; `-0` is kept apart from `0` (String(-0) is "0").
  let key = '';
  for (const [name, value] of values) key += `${name}=${Object.is(value, -0) ? '-0' : String(value)}\n`;
  return intern(internedConstants, key, () => values);
}
