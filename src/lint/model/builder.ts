// Assembles ModelGraphs from the interpreter's results: one per model class (its __init__ then its
// forward/call), per standalone nn.Sequential / keras Sequential, and per keras functional Model.
import type { LayerDefinition, LayerNode, ModelFramework, ModelGraph, ModelKind, UnusedDropout } from './graphTypes';
import type { SyntaxNode } from '../parser';
import { calleeName, resolveName, type ImportTable } from '../resolve';
import { nodeRange, nodesOfType, walk } from '../syntax';
import { SnapshotNode } from '../snapshot';
import { DROPOUT_APIS } from '../frameworks';
import {
  FLAX_MODULE_BASES, KERAS_INPUT, KERAS_LAYER_BASES, KERAS_MODEL, KERAS_MODEL_BASES, KERAS_SEQUENTIAL, layerSpec, NON_TENSOR_METHODS, TORCH_CONTAINERS,
  TORCH_MODULE_BASES,
} from './catalog';
import {
  Env, findMethod, Interp, isLexicallyIn, nameItems, type ClassInfo, type DropoutAssignment, type FileInfo, type FileTables,
} from './interpreter';
import { tensor, tensorsIn, type Def, type INode, type Val } from './values';

/** Key of the module body in FileInfo.relevant (node ids are non-negative). */
const MODULE_SCOPE = -1;
/** Variable / function names of complete models (`model`, `net`, `my_model`, `classifier2`). */
const MODEL_NAME = /(?:net|model|classifier|regressor|network|cnn|rnn)(?:v?\d+)?$/i;
/** Class names of complete models: `Net`, `LeNet`, `MyModel`, `TextCNN` — not blocks like `Prenet`. */
const MODEL_CLASS_NAME = /(?:^|[a-z\d_])(?:Net|NET|Model|Classifier|Regressor|Network|CNN|RNN)(?:V?\d+)?$|^(?:net|model)$/;
const MODEL_USE = /\.(?:fit|compile|train|eval|parameters|named_parameters|to|cuda|predict|summary|evaluate|state_dict|load_state_dict)\s*\(/;

export function buildAllModels(root: SyntaxNode, imports: ImportTable, constants: ReadonlyMap<string, number>): ModelGraph[] {
  const file = collectFile(root, imports, constants);
  const graphs: ModelGraph[] = [];
  const classUses: Array<{ cls: ClassInfo; usedClasses: readonly string[] }> = [];
  const scopeInstances: ScopeModels['instances'][] = [];

  for (const cls of file.classes.values()) {
    if (cls.role === 'none') continue;
    const built = buildClassGraph(file, cls);
    graphs.push(built.graph);
    classUses.push({ cls, usedClasses: built.usedClasses });
  }

  for (const scope of scopes(root, file)) {
    const built = buildScopeModels(file, scope);
    graphs.push(...built.graphs);
    scopeInstances.push(built.instances);
    const graphFunction = scope.type === 'function_definition' ? buildGraphFunction(file, scope) : undefined;
    if (graphFunction) graphs.push(graphFunction);
  }

  // A class is a building block when another model uses it as a layer.
  const component = new Set<string>();
  const instantiatedOutside = new Set<string>();
  for (const { usedClasses } of classUses) for (const name of usedClasses) component.add(name);
  for (const instances of scopeInstances) {
    for (const name of instances.asComponent) component.add(name);
    for (const name of instances.standalone) instantiatedOutside.add(name);
  }
  for (const graph of graphs) {
    if (graph.kind !== 'module-class' && graph.kind !== 'keras-subclass') continue;
    const cls = file.classes.get(graph.name);
    const isLayerClass = cls?.role === 'keras-layer';
    graph.isTopLevel = !isLayerClass && !component.has(graph.name) && (instantiatedOutside.has(graph.name) || MODEL_CLASS_NAME.test(graph.name));
  }
  return graphs.sort((a, b) => a.node.startIndex - b.node.startIndex);
}

// ---- file structure --------------------------------------------------------------------------

/** A class_definition as collectFile sees it: everything it needs from the class's own subtree and the imports. */
interface ClassShape {
  node: SyntaxNode;
  name: string | undefined;
  methods: Map<string, SyntaxNode>;
  role: ClassInfo['role'];
  sequentialBase: boolean;
  /** Superclasses that are bare names not resolved through the imports (candidate user bases). */
  baseNames: string[];
}

/** What collectFile reads off the file's nodes before it links the classes and marks relevance. */
interface FileFacts {
  /** Every function_definition, in pre-order. */
  functions: SyntaxNode[];
  /** Functions that are not methods, by name, in pre-order. */
  moduleFunctions: Array<[string, SyntaxNode]>;
  classes: ClassShape[];
  /** Innermost functions (undefined: the module) around calls of framework layer/model builders. */
  builderOwners: Set<SyntaxNode | undefined>;
  /** Calls of a bare name that no import binds, with their innermost function, in source order. */
  localCalls: Array<[SyntaxNode | undefined, string]>;
}

/** Named nodes of the given types in the tree, in pre-order. */
function namedNodesOf(root: SyntaxNode, types: readonly string[]): SyntaxNode[] {
  if (root instanceof SnapshotNode) {
    // The snapshot's per-type index (pre-order ids, merged back into one order).
    const found: SyntaxNode[] = [];
    for (const type of types) for (const node of nodesOfType(root, type)) found.push(node);
    return found.sort((a, b) => a.id - b.id);
  }
  const found: SyntaxNode[] = [];
  walk(root, (node) => {
    if (node.isNamed && types.includes(node.type)) found.push(node);
  });
  return found;
}

function fileFacts(root: SyntaxNode, imports: ImportTable): FileFacts {
  const facts: FileFacts = { functions: [], moduleFunctions: [], classes: [], builderOwners: new Set(), localCalls: [] };
  // Each kind in source order; the kinds go to separate lists, so they need not be merged.
  const calls = root instanceof SnapshotNode ? [...nodesOfType(root, 'call')] : namedNodesOf(root, ['call']);
  const definitions = root instanceof SnapshotNode
    ? [...nodesOfType(root, 'function_definition'), ...nodesOfType(root, 'class_definition')]
    : namedNodesOf(root, ['function_definition', 'class_definition']);
  for (const node of definitions) {
    if (node.type === 'function_definition') {
      facts.functions.push(node);
      const holder = node.parent?.type === 'decorated_definition' ? node.parent.parent : node.parent;
      if (holder?.parent?.type === 'class_definition') continue;
      const name = node.childForFieldName('name')?.text;
      if (name) facts.moduleFunctions.push([name, node]);
    } else {
      facts.classes.push(classShape(node, imports));
    }
  }
  if (calls.length) {
    for (const [call, owner] of innermostFunctions(calls, facts.functions)) {
      const callee = call.childForFieldName('function');
      const qualified = calleeName(call, imports);
      if (qualified) {
        if (buildsLayers(qualified)) facts.builderOwners.add(owner);
      } else if (callee?.type === 'identifier') {
        facts.localCalls.push([owner, callee.text]);
      }
    }
  }
  return facts;
}

function classShape(node: SyntaxNode, imports: ImportTable): ClassShape {
  const shape: ClassShape = { node, name: node.childForFieldName('name')?.text, methods: new Map(), role: 'none', sequentialBase: false, baseNames: [] };
  const body = node.childForFieldName('body');
  for (const statement of body?.namedChildren ?? []) {
    const fn = statement?.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
    if (fn?.type !== 'function_definition') continue;
    const methodName = fn.childForFieldName('name')?.text;
    if (methodName && !shape.methods.has(methodName)) shape.methods.set(methodName, fn);
  }
  for (const base of node.childForFieldName('superclasses')?.namedChildren ?? []) {
    if (!base || base.type === 'keyword_argument') continue;
    const qualified = resolveName(base, imports);
    if (qualified) {
      if (TORCH_MODULE_BASES.has(qualified) || /^torch\.nn\.(?:\w+\.)*Module$/.test(qualified) || /(?:^|\.)LightningModule$/.test(qualified)) shape.role = 'torch';
      else if (KERAS_MODEL_BASES.has(qualified)) shape.role = 'keras-model';
      else if (KERAS_LAYER_BASES.has(qualified)) shape.role = 'keras-layer';
      else if (/^torch\.nn\.[A-Z]/.test(qualified)) shape.role = 'torch';
      else if (/^keras\.layers\.[A-Z]/.test(qualified)) shape.role = 'keras-layer';
      else if (FLAX_MODULE_BASES.has(qualified)) shape.role = 'flax';
      if (qualified === 'torch.nn.Sequential') shape.sequentialBase = true;
    } else if (base.type === 'identifier') {
      shape.baseNames.push(base.text);
    }
  }
  return shape;
}

function collectFile(root: SyntaxNode, imports: ImportTable, constants: ReadonlyMap<string, number>): FileInfo {
  const file: FileInfo = { imports, constants, classes: new Map(), functions: new Map(), relevant: new Set(), allFunctions: [] };
  const facts = fileFacts(root, imports);
  const baseNames = new Map<ClassInfo, string[]>();
  file.allFunctions = facts.functions;
  for (const [name, fn] of facts.moduleFunctions) if (!file.functions.has(name)) file.functions.set(name, fn);
  for (const shape of facts.classes) {
    const name = shape.name;
    if (!name || file.classes.has(name)) continue;
    const info: ClassInfo = {
      name, node: shape.node, role: shape.role, sequentialBase: shape.sequentialBase, userBases: [], methods: shape.methods, attrs: new Map(), initialised: false,
    };
    baseNames.set(info, shape.baseNames);
    file.classes.set(name, info);
  }
  for (const [info, names] of baseNames) {
    for (const n of names) {
      const base = file.classes.get(n);
      if (base && base !== info && !imports.lookup(n)) info.userBases.push(base);
    }
  }
  // Roles inherit through user base classes.
  const resolveRole = (info: ClassInfo, depth: number): void => {
    if (depth > 10) return;
    for (const base of info.userBases) {
      resolveRole(base, depth + 1);
      if (info.role === 'none') info.role = base.role;
      info.sequentialBase ||= base.sequentialBase;
    }
  };
  for (const info of file.classes.values()) resolveRole(info, 0);
  markRelevantFunctions(file, facts);
  return file;
}

/** Framework names that build layers or models (functional ops alone never start a graph). */
function buildsLayers(qualified: string): boolean {
  return DROPOUT_APIS.has(qualified) || layerSpec(qualified) !== undefined || TORCH_CONTAINERS.has(qualified)
    || KERAS_SEQUENTIAL.has(qualified) || KERAS_MODEL.has(qualified) || KERAS_INPUT.has(qualified)
    || /^(?:torch\.nn|keras\.layers)\.[A-Z]/.test(qualified);
}

/**
 * A function (or the module body) is worth interpreting when it calls a layer/model constructor, a
 * model class of the file, or another such function. Everything else (most of a library) is
 * skipped, which keeps the analysis linear in file size.
 */
function markRelevantFunctions(file: FileInfo, facts: FileFacts): void {
  const edges: Array<[number, SyntaxNode]> = [];
  for (const owner of facts.builderOwners) file.relevant.add(owner ? owner.id : MODULE_SCOPE);
  for (const [owner, name] of facts.localCalls) {
    const role = file.classes.get(name)?.role;
    const target = file.functions.get(name);
    const builds = role !== undefined && role !== 'none';
    if (!builds && !target) continue;
    const ownerId = owner ? owner.id : MODULE_SCOPE;
    if (builds) file.relevant.add(ownerId);
    else if (target && target.id !== ownerId) edges.push([ownerId, target]);
  }
  // Callers of relevant functions are relevant (fixpoint; the call graph is small).
  for (let changed = true, rounds = 0; changed && rounds < 20; rounds++) {
    changed = false;
    for (const [caller, target] of edges) {
      if (!file.relevant.has(caller) && file.relevant.has(target.id)) {
        file.relevant.add(caller);
        changed = true;
      }
    }
  }
}

/**
 * The innermost function around each node, by one sweep over source offsets (walking parents
 * would be quadratic on deeply nested code).
 */
function innermostFunctions(nodes: readonly SyntaxNode[], functions: readonly SyntaxNode[]): Array<[SyntaxNode, SyntaxNode | undefined]> {
  const fns = [...functions].sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
  const sorted = [...nodes].sort((a, b) => a.startIndex - b.startIndex);
  const result: Array<[SyntaxNode, SyntaxNode | undefined]> = [];
  const open: SyntaxNode[] = [];
  let next = 0;
  for (const node of sorted) {
    while (next < fns.length && fns[next].startIndex <= node.startIndex) {
      while (open.length && open[open.length - 1].endIndex <= fns[next].startIndex) open.pop();
      open.push(fns[next++]);
    }
    while (open.length && open[open.length - 1].endIndex < node.endIndex) open.pop();
    result.push([node, open[open.length - 1]]);
  }
  return result;
}

/** Function scopes and the module, excluding methods of model classes (their __init__/forward are the class's). */
function scopes(root: SyntaxNode, file: FileInfo): SyntaxNode[] {
  const result: SyntaxNode[] = file.relevant.has(MODULE_SCOPE) ? [root] : [];
  const modelClassIds = new Set<number>();
  for (const cls of file.classes.values()) if (cls.role !== 'none') modelClassIds.add(cls.node.id);
  for (const fn of file.allFunctions) {
    if (!file.relevant.has(fn.id)) continue;
    let insideModel = false;
    for (let p = fn.parent; p && !insideModel; p = p.parent) insideModel = p.type === 'class_definition' && modelClassIds.has(p.id);
    if (!insideModel) result.push(fn);
  }
  return result;
}

interface ScopeModels {
  /** Standalone Sequentials and functional models built in the scope. */
  graphs: ModelGraph[];
  /** User classes the scope instantiates: as a part of another model, or on their own. */
  instances: { asComponent: readonly string[]; standalone: readonly string[] };
}

function buildScopeModels(file: FileTables, scope: SyntaxNode): ScopeModels {
  const interp = new Interp(file, undefined, scope);
  const env = new Env();
  if (scope.type === 'function_definition') interp.bindParams(scope, env, undefined, false);
  interp.execBlock(scope.type === 'module' ? scope : scope.childForFieldName('body'), env, []);
  const graphs: ModelGraph[] = [];
  const modelUses = new ModelUses(scope);
  for (const container of interp.containers) {
    if (container.usedAsComponent) continue;
    const graph = buildStandaloneSequential(file, container, scope, modelUses);
    if (graph) graphs.push(graph);
  }
  let byNode: Map<number, Def> | undefined;
  const defsByNode = () => byNode ??= firstDefByNode(interp);
  for (const model of interp.functionalModels) {
    const graph = buildFunctionalModel(interp, model.call, model.outputs, scope, defsByNode);
    if (graph) graphs.push(graph);
  }
  if (graphs.length) attachUnusedDropouts(graphs[0], interp.dropoutAssignments);
  // Read after the graphs are built: building a Sequential marks the user blocks it applies.
  const asComponent = new Set<string>();
  const standalone = new Set<string>();
  for (const def of interp.defs) {
    if (!def.userClass) continue;
    if (def.usedAsComponent) asComponent.add(def.userClass);
    else standalone.add(def.userClass);
  }
  return { graphs, instances: { asComponent: [...asComponent], standalone: [...standalone] } };
}

// ---- TF1 graph-building functions -------------------------------------------------------------

/** Names TF1 code gives the function that builds the network and returns its logits. */
const GRAPH_FUNCTION_NAME = /^(?:inference|model_fn|\w+_model_fn|build_(?:model|network|net|graph|logits)|(?:conv|neural|deep)_?net(?:work)?|multilayer_perceptron|mlp|cnn|model|network|classifier)$/i;

/**
 * `def inference(images, keep_prob): ... return logits` — TF1 builds the network by applying layer
 * functions (`tf.layers.dense`, `slim.conv2d`, `tf.nn.dropout`) to its input tensor: the function is
 * the model, its first parameter the input and its return value the output. Only module-level
 * functions named like such a builder, whose network has a TensorFlow weight layer.
 */
function buildGraphFunction(file: FileTables, fn: SyntaxNode): ModelGraph | undefined {
  const container = fn.parent?.type === 'decorated_definition' ? fn.parent.parent : fn.parent;
  if (container?.type !== 'module') return undefined;
  const nameNode = fn.childForFieldName('name') ?? undefined;
  const name = nameNode?.text;
  if (!name || !GRAPH_FUNCTION_NAME.test(name)) return undefined;
  const flow = new Interp(file, undefined, fn);
  const env = new Env();
  const params = flow.bindParams(fn, env, undefined, false);
  if (!params.length) return undefined;
  env.set(params[0], tensor([], true));
  const returns: Val[] = [];
  flow.execBlock(fn.childForFieldName('body'), env, returns);
  if (flow.aborted || returns.length === 0) return undefined;
  const defs = flow.defs.filter((d) => !d.container && d.qualifiedName && d.kind !== 'other');
  if (!defs.some((d) => d.qualifiedName!.startsWith('tensorflow.') && (d.kind === 'dense' || d.kind === 'conv'))) return undefined;
  const outputs = new Set<INode>();
  const primary = new Set<INode>();
  for (const r of returns) for (const t of tensorsIn(r)) for (const n of t.from) outputs.add(n);
  // A model_fn returns an EstimatorSpec per mode: the last one (training) often carries no
  // predictions, an earlier one (PREDICT) does — the model's output is the last return that has tensors.
  const last = [...returns].reverse().find((r) => tensorsIn(r).length > 0) ?? returns[returns.length - 1];
  const main = last?.t === 'tuple' && last.items.length ? last.items[0] : last;
  if (main) for (const t of tensorsIn(main)) for (const n of t.from) primary.add(n);
  if (primary.size === 0) return undefined;
  const graph = assemble({
    name, framework: 'keras', kind: 'graph-function', node: fn, nameNode, defs: defs.sort((a, b) => a.node.startIndex - b.node.startIndex),
    nodes: flow.nodes, outputs, primary, flowKnown: true, forwardNode: fn,
  });
  graph.isTopLevel = true;
  return graph;
}

// ---- model classes ---------------------------------------------------------------------------

interface BuiltClass {
  graph: ModelGraph;
  /** Other user classes its __init__/forward instantiate (they are building blocks of this model). */
  usedClasses: readonly string[];
}

function buildClassGraph(file: FileTables, cls: ClassInfo): BuiltClass {
  const init = new Interp(file, cls, cls.node);
  // A Flax module builds its submodules in setup() (dataclass fields replace __init__).
  const initNode = findMethod(cls, cls.role === 'flax' ? 'setup' : '__init__');
  if (cls.sequentialBase && !cls.seqChildren) cls.seqChildren = { t: 'list', items: [], inexact: false };
  if (initNode) {
    const env = new Env();
    init.bindParams(initNode, env, undefined, true);
    init.execBlock(initNode.childForFieldName('body'), env, []);
  }
  cls.initialised = true;
  const isTorch = cls.role === 'torch';
  const forwardNode = findMethod(cls, isTorch ? 'forward' : 'call') ?? findMethod(cls, '__call__');
  const flow = new Interp(file, cls, cls.node);
  const outputs = new Set<INode>();
  const primary = new Set<INode>();
  let flowKnown = false;
  if (forwardNode) {
    const env = new Env();
    const params = flow.bindParams(forwardNode, env, undefined, true);
    if (params.length) env.set(params[0], tensor([], true));
    const returns: Val[] = [];
    flow.execBlock(forwardNode.childForFieldName('body'), env, returns);
    for (const r of returns) for (const t of tensorsIn(r)) for (const n of t.from) outputs.add(n);
    const last = returns[returns.length - 1];
    const main = last?.t === 'tuple' && last.items.length ? last.items[0] : last;
    if (main) for (const t of tensorsIn(main)) for (const n of t.from) primary.add(n);
    flowKnown = !flow.aborted && returns.length > 0;
  } else if (cls.seqChildren && !cls.seqChildren.inexact) {
    const chain = new Interp(file, cls, cls.node);
    const def: Def = { kind: 'other', display: cls.name, node: cls.node, container: 'torch-sequential', children: cls.seqChildren };
    const result = chain.applyDef(def, [tensor([], true)], undefined);
    for (const t of tensorsIn(result)) for (const n of t.from) outputs.add(n);
    flow.nodes.push(...chain.nodes);
    flowKnown = !chain.aborted;
  }
  const declared = init.defs.filter((d) => !d.container && (d.qualifiedName || d.userClass));
  const functional = flow.defs.filter((d) => !d.container && (d.qualifiedName || d.userClass) && d.kind !== 'other');
  if (cls.seqChildren) nameItems(cls.seqChildren, cls.name);
  const defs = [...declared, ...functional].sort((a, b) => a.node.startIndex - b.node.startIndex);
  const nameNode = cls.node.childForFieldName('name') ?? undefined;
  const framework: ModelFramework = isTorch ? 'torch' : 'keras';
  const kind: ModelKind = isTorch ? 'module-class' : 'keras-subclass';
  const graph = assemble({
    name: cls.name, framework, kind, node: cls.node, nameNode, defs,
    nodes: flowKnown ? flow.nodes : [], outputs, primary: forwardNode ? primary : outputs, flowKnown, forwardNode: forwardNode ?? undefined,
  });
  if (forwardNode && flowKnown) attachUnusedDropouts(graph, flow.dropoutAssignments);
  const usedClasses = new Set<string>();
  for (const def of init.defs) if (def.userClass && def.userClass !== cls.name) usedClasses.add(def.userClass);
  for (const def of flow.defs) if (def.userClass && def.userClass !== cls.name) usedClasses.add(def.userClass);
  return { graph, usedClasses: [...usedClasses] };
}


// ---- standalone models -----------------------------------------------------------------------

function modelNaming(call: SyntaxNode, scope: SyntaxNode): { name: string; nameNode?: SyntaxNode; anchor: SyntaxNode } {
  let node: SyntaxNode = call;
  while (node.parent?.type === 'parenthesized_expression') node = node.parent;
  const parent = node.parent;
  if (parent?.type === 'assignment' && parent.childForFieldName('right')?.id === node.id) {
    const left = parent.childForFieldName('left');
    if (left?.type === 'identifier') return { name: left.text, nameNode: left, anchor: call };
    if (left?.type === 'attribute') return { name: left.text, nameNode: left, anchor: call };
  }
  if (parent?.type === 'return_statement' && scope.type === 'function_definition') {
    const nameNode = scope.childForFieldName('name') ?? undefined;
    return { name: nameNode?.text ?? 'model', nameNode, anchor: call };
  }
  return { name: call.childForFieldName('function')?.text.split('.').pop() ?? 'model', anchor: call };
}

function looksTopLevel(name: string, nameNode: SyntaxNode | undefined, viaReturn: boolean, modelUses: ModelUses): boolean {
  if (MODEL_NAME.test(name) || /^(?:model|net|clf)/i.test(name)) return true;
  if (viaReturn) return /(?:build|create|make|get)_?(?:model|net|network|classifier)/i.test(name);
  if (!nameNode || nameNode.type !== 'identifier') return false;
  return modelUses.precede(name);
}

/** A word character for a regex `\b` (ASCII letters, digits, underscore). */
function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

/**
 * Where a scope's text has a model method call (`.fit(`, `.eval(`, ...), found once per scope
 * instead of one regex pass over the scope per Sequential named in it (quadratic in a long script).
 */
class ModelUses {
  private dots: number[] | undefined;

  constructor(private readonly scope: SyntaxNode) {}

  /**
   * Is `name` used like a model in the scope: does `\b<name>` directly precede a model method call
   * (`new RegExp(`\\b${escaped name}${MODEL_USE.source}`)` matches its text), or is it a module-level
   * Sequential that nothing else names?
   */
  precede(name: string): boolean {
    const text = this.scope.text;
    if (!this.dots) {
      this.dots = [];
      const pattern = new RegExp(MODEL_USE.source, 'g');
      for (let m = pattern.exec(text); m; m = pattern.exec(text)) this.dots.push(m.index);
    }
    for (const dot of this.dots) {
      const start = dot - name.length;
      if (start < 0 || !text.startsWith(name, start)) continue;
      // `\b` at `start`: a word character on exactly one side.
      const before = start > 0 && isWordChar(text.charCodeAt(start - 1));
      if (before !== isWordChar(text.charCodeAt(start))) return true;
    }
    // A module-level Sequential that nothing else names (a pasted snippet, a notebook cell) is the model
    // itself, unless its name says it is a part (`block`, `features`, `encoder`...).
    return this.scope.type === 'module' && !PART_NAME.test(name) && wordOccurrences(text, name) === 1;
  }
}

const PART_NAME = /block|feature|layer|stem|trunk|body|encoder|decoder|backbone|stage|branch|part|module|head|cell|unit|embed/i;

/** How often `name` occurs in `text` as a whole word. */
function wordOccurrences(text: string, name: string): number {
  let count = 0;
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + name.length)) {
    const before = at > 0 && isWordChar(text.charCodeAt(at - 1));
    const after = at + name.length < text.length && isWordChar(text.charCodeAt(at + name.length));
    if (!before && !after) count++;
  }
  return count;
}

function buildStandaloneSequential(file: FileTables, container: Def, scope: SyntaxNode, modelUses: ModelUses): ModelGraph | undefined {
  if (!container.children) return undefined;
  const chain = new Interp(file, undefined, scope);
  const outputs = new Set<INode>();
  const result = chain.applyDef({ ...container, usedAsComponent: false }, [tensor([], true)], undefined);
  for (const t of tensorsIn(result)) for (const n of t.from) outputs.add(n);
  const { name, nameNode } = modelNaming(container.node, scope);
  nameItems(container.children, nameNode?.type === 'identifier' ? name : container.display, container.childNames);
  const defs = collectLeafDefs(container.children, new Set()).sort((a, b) => a.node.startIndex - b.node.startIndex);
  const framework: ModelFramework = container.container === 'keras-sequential' ? 'keras' : 'torch';
  const flowKnown = !container.children.inexact && !chain.aborted;
  const graph = assemble({
    name, framework, kind: framework === 'keras' ? 'keras-sequential' : 'sequential', node: container.node, nameNode, defs,
    nodes: chain.nodes, outputs, flowKnown,
  });
  const viaReturn = container.node.parent?.type === 'return_statement';
  // A Keras Sequential is compiled and fit as a whole; a torch Sequential is as often a block.
  graph.isTopLevel = framework === 'keras' || looksTopLevel(name, nameNode, viaReturn, modelUses);
  return graph;
}

function collectLeafDefs(value: Val, seen: Set<Def>, depth = 0): Def[] {
  const out: Def[] = [];
  if (depth > 20) return out;
  if (value.t === 'layer') {
    if (seen.has(value.def)) return out;
    seen.add(value.def);
    if (value.def.children) out.push(...collectLeafDefs(value.def.children, seen, depth + 1));
    else out.push(value.def);
  } else if (value.t === 'list' || value.t === 'tuple') {
    for (const item of value.items) out.push(...collectLeafDefs(item, seen, depth + 1));
  } else if (value.t === 'alt') {
    for (const option of value.options) out.push(...collectLeafDefs(option, seen, depth + 1));
  } else if (value.t === 'dict') {
    for (const item of value.entries.values()) out.push(...collectLeafDefs(item, seen, depth + 1));
  }
  return out;
}

/** The first def of an interpretation built at each node id (found once, for every functional model of the scope). */
function firstDefByNode(interp: Interp): Map<number, Def> {
  const byNode = new Map<number, Def>();
  for (const def of interp.defs) if (!byNode.has(def.node.id)) byNode.set(def.node.id, def);
  return byNode;
}

function buildFunctionalModel(interp: Interp, call: SyntaxNode, outputsVal: Val, scope: SyntaxNode, defsByNode: () => Map<number, Def>): ModelGraph | undefined {
  const outputs = new Set<INode>();
  for (const t of tensorsIn(outputsVal)) for (const n of t.from) outputs.add(n);
  if (!outputs.size) return undefined;
  // The model is what its outputs depend on.
  const members = new Set<INode>();
  const stack = [...outputs];
  while (stack.length) {
    const n = stack.pop()!;
    if (members.has(n)) continue;
    members.add(n);
    stack.push(...n.preds);
  }
  // The members in interpretation order (a node's seq is its index in interp.nodes), without a pass over all nodes.
  const nodes = [...members].filter((n) => interp.nodes[n.seq] === n).sort((a, b) => a.seq - b.seq);
  const { name, nameNode } = modelNaming(call, scope);
  const defs = [...new Set(nodes.map((n) => n.def))].filter((d) => d.qualifiedName || d.userClass).sort((a, b) => a.node.startIndex - b.node.startIndex);
  const graph = assemble({ name, framework: 'keras', kind: 'keras-functional', node: call, nameNode, defs, nodes, outputs, flowKnown: true });
  const modelDef = defsByNode().get(call.id);
  graph.isTopLevel = !modelDef?.usedAsComponent;
  return graph;
}

// ---- assembly --------------------------------------------------------------------------------

interface AssembleInput {
  name: string;
  framework: ModelFramework;
  kind: ModelKind;
  node: SyntaxNode;
  nameNode?: SyntaxNode;
  defs: Def[];
  nodes: INode[];
  outputs: Set<INode>;
  /** Defaults to `outputs`. */
  primary?: Set<INode>;
  flowKnown: boolean;
  forwardNode?: SyntaxNode;
}

function assemble(input: AssembleInput): ModelGraph {
  const definitions = new Map<Def, LayerDefinition>();
  const toDefinition = (def: Def): LayerDefinition => {
    let d = definitions.get(def);
    if (!d) {
      d = {
        id: definitions.size, kind: def.kind, qualifiedName: def.qualifiedName, display: def.display, name: def.name,
        activation: def.activation, dropout: def.dropout, inFeatures: def.inFeatures, outFeatures: def.outFeatures,
        node: def.node, range: nodeRange(def.node), userClass: def.userClass, conditional: def.conditional,
      };
      definitions.set(def, d);
    }
    return d;
  };
  for (const def of input.defs) toDefinition(def);
  const index = new Map<INode, number>();
  const ordered = [...input.nodes].sort((a, b) => a.seq - b.seq);
  ordered.forEach((n, i) => index.set(n, i));
  const layers: LayerNode[] = ordered.map((n, i) => {
    const d = toDefinition(n.def);
    const inputs: number[] = [];
    for (const p of n.preds) {
      const at = index.get(p);
      if (at !== undefined) inputs.push(at);
    }
    // The definition's fields written out (an object spread here cost more than the rest of assemble).
    return {
      id: d.id, kind: d.kind, qualifiedName: d.qualifiedName, display: d.display, name: d.name, activation: d.activation, dropout: d.dropout,
      inFeatures: d.inFeatures, outFeatures: d.outFeatures, node: d.node, range: d.range, userClass: d.userClass, conditional: d.conditional,
      index: i, definition: d, callNode: n.call, inputs, outputs: [], fromModelInput: n.fromInput, isOutput: input.outputs.has(n),
    };
  });
  for (const layer of layers) for (const i of layer.inputs) layers[i].outputs.push(layer.index);
  const listed = input.defs.map(toDefinition);
  const seen = new Set(listed);
  for (const layer of layers) {
    if (!seen.has(layer.definition) && (layer.qualifiedName || layer.userClass)) {
      seen.add(layer.definition);
      listed.push(layer.definition);
    }
  }
  listed.sort((a, b) => a.node.startIndex - b.node.startIndex);
  const usesClasses = [...new Set(listed.map((d) => d.userClass).filter((c): c is string => !!c))];
  return {
    name: input.name, framework: input.framework, kind: input.kind, node: input.node, nameNode: input.nameNode,
    range: nodeRange(input.node), layers, definitions: listed,
    outputs: layers.filter((l) => l.isOutput).map((l) => l.index),
    primaryOutputs: ordered.filter((n) => (input.primary ?? input.outputs).has(n)).map((n) => index.get(n)!),
    flowKnown: input.flowKnown, isTopLevel: false, usesClasses, forwardNode: input.forwardNode, unusedDropouts: [],
  };
}

// ---- unused dropout results (DRP017) ---------------------------------------------------------

function attachUnusedDropouts(graph: ModelGraph, assignments: DropoutAssignment[]): void {
  for (const a of assignments) {
    if (a.assigned.text.startsWith('_')) continue;
    const fn = enclosingFunction(a.call);
    if (!fn) continue;
    let read = false;
    let laterUse: SyntaxNode | undefined;
    const stack: SyntaxNode[] = [fn];
    while (stack.length && !read) {
      const node = stack.pop()!;
      if (node.type === 'identifier' && isRead(node)) {
        if (node.text === a.assigned.text) read = true;
        else if (node.text === a.inputName && node.startIndex >= a.assigned.parent!.endIndex && (!laterUse || node.startIndex < laterUse.startIndex) && isDataUse(node)) laterUse = node;
      }
      for (let i = node.namedChildCount - 1; i >= 0; i--) {
        const child = node.namedChild(i);
        // Nested functions and lambdas count too: a closure reading the result uses it.
        if (child) stack.push(child);
      }
    }
    if (read || !laterUse) continue;
    const layer = graph.definitions.find((d) => d.node.id === a.node.def.node.id);
    graph.unusedDropouts.push({
      layer: layer ?? { id: -1, kind: 'dropout', display: a.node.def.display, dropout: a.node.def.dropout, node: a.node.def.node, range: nodeRange(a.node.def.node), name: a.node.def.name },
      call: a.call, assigned: a.assigned, laterUse,
    } satisfies UnusedDropout);
  }
}

function enclosingFunction(node: SyntaxNode): SyntaxNode | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition') return p.childForFieldName('body') ?? undefined;
    if (p.type === 'module') return p;
  }
  return undefined;
}

/** A read that feeds the value onward (a call argument, a method call on it, arithmetic, a return), not `x.shape`. */
function isDataUse(id: SyntaxNode): boolean {
  const parent = id.parent;
  if (!parent) return false;
  switch (parent.type) {
    case 'argument_list': case 'return_statement': case 'binary_operator': case 'expression_list': case 'keyword_argument':
      return true;
    case 'attribute': {
      const method = parent.childForFieldName('attribute')?.text ?? '';
      return parent.childForFieldName('object')?.id === id.id && parent.parent?.type === 'call' && !NON_TENSOR_METHODS.has(method);
    }
    default:
      return false;
  }
}

/** An identifier that reads a variable (not an assignment target, attribute name, keyword or parameter). */
function isRead(id: SyntaxNode): boolean {
  const parent = id.parent;
  if (!parent) return false;
  if (parent.type === 'attribute' && parent.childForFieldName('attribute')?.id === id.id) return false;
  if (parent.type === 'keyword_argument' && parent.childForFieldName('name')?.id === id.id) return false;
  if (parent.type === 'parameters' || parent.type.endsWith('_parameter') || parent.type === 'dotted_name') return false;
  let node = id;
  let up = parent;
  while (up && (up.type === 'pattern_list' || up.type === 'tuple_pattern' || up.type === 'list_pattern' || up.type === 'list_splat_pattern')) {
    node = up;
    up = up.parent!;
  }
  if (up && (up.type === 'assignment' || up.type === 'for_statement' || up.type === 'for_in_clause') && up.childForFieldName('left')?.id === node.id) return false;
  if (up?.type === 'as_pattern_target') return false;
  return true;
}

export { isLexicallyIn };
