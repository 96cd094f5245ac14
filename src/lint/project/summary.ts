// One module's summary for the project index: plain data computed from its text alone (so it can
// be cached by content and sent between threads), answering the questions other modules ask:
// - classes: bases, the dropout / BatchNorm layers they build or mention themselves, and the names
//   they call (submodules, helper builders) — followed across modules by the index;
// - functions and methods: which train/eval switches they make on `self`, a parameter or an
//   attribute of either (`def train_start(self): self.enc.train()`), and what they return when it
//   is a constructed model (`def build_model(cfg): return Net(cfg).to(device)`);
// - module-level variables assigned a call (`model = Net()`).
// Names are stored as written, made absolute through the module's imports where an import binds
// their head (`nn.Dropout` -> `torch.nn.Dropout`, `Block` -> `.blocks.Block`), or prefixed with
// `@` for the module's own globals (`@Block`). Relative and `@` names are resolved by the index,
// which knows where the module lives.
import { DROPOUT_APIS, DROPOUT_KEYWORD_APIS } from '../frameworks';
import { layerSpec } from '../model/catalog';
import type { SyntaxNode } from '../parser';
import { canonicalName, dottedName, evalNumber } from '../resolve';
import { callArgument, keywordArgument } from '../syntax';
import { collectModuleImports, type ModuleImports } from './imports';

export interface LayerFact {
  kind: 'dropout' | 'batchnorm';
  /** `nn.Dropout(p=0.3)`, `nn.BatchNorm2d`, `nn.LSTM(dropout=0.2)`. */
  display: string;
  line: number;
}

export type SwitchMode = 'train' | 'eval' | 'unknown';

export interface ModeEffect {
  /** What is switched, as written: `self`, `self.enc`, `model`, `model.head` (its head is a parameter). */
  target: string;
  mode: SwitchMode;
  line: number;
}

export interface ReturnedModel {
  /** The callee that built the returned value (a stored name, see the file comment). */
  built: string;
  /** `.eval()` was applied before returning. */
  eval?: boolean;
}

export interface FunctionSummary {
  name: string;
  line: number;
  params: string[];
  /** Net effect of a call on its receivers, in source order (last one per target counts). */
  effects: ModeEffect[];
  /** What it returns when that is a constructed model, one entry per `return`. */
  returns: ReturnedModel[];
  /** Dropout / BatchNorm layers built or mentioned in its body (a layer-building helper). */
  layers: LayerFact[];
  /** Names it calls or mentions that may build layers (resolved by the index). */
  uses: string[];
}

export interface ClassSummary {
  name: string;
  line: number;
  bases: string[];
  layers: LayerFact[];
  uses: string[];
  methods: Record<string, FunctionSummary>;
}

/** A call that hands a model built here to a class or function (`Trainer(net, ...)`, `fit(model)`). */
export interface ModelPassingCall {
  /** The callee (stored name). */
  callee: string;
  /** Per positional argument: the builder of the model passed there, or null. */
  args: Array<string | null>;
  /** Per keyword argument: the builder of the model passed there. */
  keywords: Record<string, string>;
}

export interface ModuleSummary {
  imports: ModuleImports;
  /** Calls passing models built in this module to other callables (constructor injection, parameters). */
  passes: ModelPassingCall[];
  classes: Record<string, ClassSummary>;
  functions: Record<string, FunctionSummary>;
  /** Module-level `name = Callee(...)` (assigned once): the stored callee. */
  variables: Record<string, string>;
  lines: number;
}

const NESTED_SCOPES = new Set(['function_definition', 'class_definition', 'lambda']);

/** Named descendants of `node` of the given types, not entering nested functions/classes. */
function ownNodes(node: SyntaxNode, types: ReadonlySet<string>, enterNested = false): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  const stack: SyntaxNode[] = [...node.namedChildren].filter((c): c is SyntaxNode => !!c).reverse();
  while (stack.length) {
    const current = stack.pop()!;
    if (types.has(current.type)) found.push(current);
    if (!enterNested && NESTED_SCOPES.has(current.type)) continue;
    for (let i = current.namedChildCount - 1; i >= 0; i--) {
      const child = current.namedChild(i);
      if (child && child.type !== 'string' && child.type !== 'comment') stack.push(child);
    }
  }
  return found;
}

class Namer {
  constructor(private readonly imports: ModuleImports, private readonly globals: ReadonlySet<string>) {}

  /** The stored form of a dotted name written in this module, or undefined for locals / unknown heads. */
  name(dotted: string): string | undefined {
    const dot = dotted.indexOf('.');
    const head = dot < 0 ? dotted : dotted.slice(0, dot);
    const rest = dot < 0 ? '' : dotted.slice(dot);
    const bound = this.imports.bindings[head];
    if (bound !== undefined) return bound.startsWith('.') ? bound + rest : canonicalName(bound + rest);
    if (this.globals.has(head)) return `@${dotted}`;
    return undefined;
  }
}

const BATCHNORM_NAME = /^torch\.nn\.(?:Lazy)?(?:BatchNorm[123]d|SyncBatchNorm)$|^keras\.layers\.BatchNormalization$/;
const TRANSFORMER_LAYERS = /^torch\.nn\.(?:Transformer|TransformerEncoderLayer|TransformerDecoderLayer)$/;

function shortDisplay(qualified: string): string {
  return qualified.replace(/^torch\.nn\./, 'nn.').replace(/^keras\.layers\./, '');
}

function rateText(rate: number | undefined): string {
  return rate === undefined ? '' : `(p=${rate})`;
}

/** Does a functional dropout call tie itself to the module's mode (`training=self.training`)? */
function followsMode(call: SyntaxNode): boolean {
  const training = callArgument(call, 'training', 2);
  return !!training && /\btraining\b/.test(training.text);
}

/**
 * The dropout / BatchNorm fact of a name mentioned in a body: called (`nn.Dropout(0.3)`) or passed
 * as a layer factory (`norm_layer=nn.BatchNorm2d`).
 */
function layerFact(qualified: string, node: SyntaxNode, call: SyntaxNode | undefined, constants: ReadonlyMap<string, number>): LayerFact | undefined {
  const line = node.startPosition.row + 1;
  const api = DROPOUT_APIS.get(qualified);
  if (api && (api.framework === 'torch' || api.framework === 'keras')) {
    if (api.style === 'functional') {
      // Only a mode-following functional dropout changes with train()/eval().
      return call && followsMode(call) ? { kind: 'dropout', display: api.display, line } : undefined;
    }
    if (!call) return { kind: 'dropout', display: api.display, line };
    const rate = evalNumber(callArgument(call, api.rateKeyword, api.ratePosition), constants);
    return rate === 0 ? undefined : { kind: 'dropout', display: `${api.display}${rateText(rate)}`, line };
  }
  if (BATCHNORM_NAME.test(qualified) || layerSpec(qualified)?.kind === 'batchnorm') return { kind: 'batchnorm', display: shortDisplay(qualified), line };
  if (call && TRANSFORMER_LAYERS.test(qualified)) {
    const rate = evalNumber(keywordArgument(call, 'dropout'), constants);
    return rate === 0 ? undefined : { kind: 'dropout', display: `${shortDisplay(qualified)}(dropout=${rate ?? 0.1})`, line };
  }
  const keyword = DROPOUT_KEYWORD_APIS.get(qualified);
  if (keyword && call) {
    const rate = evalNumber(keywordArgument(call, 'dropout'), constants);
    return rate !== undefined && rate > 0 ? { kind: 'dropout', display: `${keyword}(dropout=${rate})`, line } : undefined;
  }
  return undefined;
}

const NAME_TYPES = new Set(['call', 'attribute', 'identifier']);

/** `isinstance(m, nn.BatchNorm2d)`: a type check names a layer class without building one. */
function inTypeCheck(node: SyntaxNode): boolean {
  let up = node.parent;
  if (up?.type === 'tuple') up = up.parent;
  const call = up?.type === 'argument_list' ? up.parent : undefined;
  return !!call && /^(?:isinstance|issubclass|type)$/.test(call.childForFieldName('function')?.text ?? '');
}

/** Layers and used names of a body (class or function), not entering nested definitions of functions. */
function scanBody(body: SyntaxNode, namer: Namer, constants: ReadonlyMap<string, number>, enterNested: boolean): { layers: LayerFact[]; uses: string[] } {
  const layers: LayerFact[] = [];
  const uses = new Set<string>();
  for (const node of ownNodes(body, NAME_TYPES, enterNested)) {
    if (node.type === 'call') continue;
    // Only the outermost name of an attribute chain, and not the attribute part of `x.y`.
    const parent = node.parent;
    if (parent?.type === 'attribute' && parent.childForFieldName('object')?.id === node.id) continue;
    if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === node.id) continue;
    if (parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.id === node.id) continue;
    if (inTypeCheck(node)) continue;
    const dotted = dottedName(node);
    if (!dotted) continue;
    const stored = namer.name(dotted);
    if (!stored) continue;
    const call = parent?.type === 'call' && parent.childForFieldName('function')?.id === node.id ? parent : undefined;
    const fact = stored.startsWith('.') || stored.startsWith('@') ? undefined : layerFact(stored, node, call, constants);
    if (fact) layers.push(fact);
    else if (call || stored.startsWith('@') || stored.startsWith('.')) uses.add(stored);
  }
  return { layers, uses: [...uses] };
}

/** The receiver and mode of `x.train()`, `x.eval()`, `x.train(False)`; undefined for other calls. */
export function modeSwitch(call: SyntaxNode): { receiver: string; mode: SwitchMode } | undefined {
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'attribute') return undefined;
  const method = callee.childForFieldName('attribute')?.text;
  if (method !== 'train' && method !== 'eval') return undefined;
  const receiver = dottedName(callee.childForFieldName('object'));
  if (!receiver) return undefined;
  const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is SyntaxNode => !!a && a.type !== 'comment');
  if (method === 'eval') return args.length === 0 ? { receiver, mode: 'eval' } : undefined;
  if (args.length === 0) return { receiver, mode: 'train' };
  const value = args[0]!.type === 'keyword_argument' ? args[0]!.childForFieldName('value') : args[0]!;
  if (value?.type === 'true') return { receiver, mode: 'train' };
  if (value?.type === 'false') return { receiver, mode: 'eval' };
  return { receiver, mode: 'unknown' };
}

const CONDITIONAL = new Set(['if_statement', 'for_statement', 'while_statement', 'try_statement', 'with_statement', 'conditional_expression', 'boolean_operator', 'match_statement']);

function isConditional(node: SyntaxNode, fn: SyntaxNode): boolean {
  for (let up = node.parent; up && up.id !== fn.id; up = up.parent) {
    // A `with` block always runs; everything else may not.
    if (CONDITIONAL.has(up.type) && up.type !== 'with_statement') return true;
  }
  return false;
}

function parameterNames(fn: SyntaxNode): string[] {
  const names: string[] = [];
  for (const param of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!param) continue;
    if (param.type === 'identifier') names.push(param.text);
    else {
      const name = param.childForFieldName('name') ?? param.namedChildren.find((c) => c?.type === 'identifier');
      if (name?.type === 'identifier' && param.type !== 'list_splat_pattern' && param.type !== 'dictionary_splat_pattern') names.push(name.text);
    }
  }
  return names;
}

const WRAPPERS = /^(?:torch\.nn\.(?:DataParallel|parallel\.DistributedDataParallel|parallel\.DataParallel)|torch\.nn\.parallel\.DistributedDataParallel|torch\.compile|copy\.deepcopy|copy\.copy)$/;
/** Methods that return the module itself: the mode and layers carry over. */
const SELF_RETURNING = new Set(['to', 'cuda', 'cpu', 'float', 'double', 'half', 'bfloat16', 'train', 'eval', 'requires_grad_', 'share_memory', 'type', 'apply']);

/** The model-building callee behind an expression: `Net(...)`, `Net(...).to(d).eval()`, `nn.DataParallel(Net())`. */
export function builtValue(value: SyntaxNode | null | undefined, namer: { name(dotted: string): string | undefined }, assigned: (name: string) => SyntaxNode | undefined, depth = 0): ReturnedModel | undefined {
  if (!value || depth > 8) return undefined;
  if (value.type === 'parenthesized_expression') return builtValue(value.namedChildren[0], namer, assigned, depth + 1);
  if (value.type === 'identifier') {
    const source = assigned(value.text);
    return source ? builtValue(source, namer, assigned, depth + 1) : undefined;
  }
  if (value.type !== 'call') return undefined;
  const callee = value.childForFieldName('function');
  if (callee?.type === 'attribute') {
    const method = callee.childForFieldName('attribute')?.text ?? '';
    const object = callee.childForFieldName('object');
    if (SELF_RETURNING.has(method) && object && (object.type === 'call' || object.type === 'identifier' || object.type === 'parenthesized_expression')) {
      const inner = builtValue(object, namer, assigned, depth + 1);
      if (!inner) return undefined;
      if (method === 'eval' || (method === 'train' && /False/.test(value.childForFieldName('arguments')?.text ?? ''))) return { ...inner, eval: true };
      if (method === 'train') return { built: inner.built };
      return inner;
    }
  }
  const dotted = dottedName(callee);
  if (!dotted) return undefined;
  const stored = namer.name(dotted);
  if (!stored) return undefined;
  if (WRAPPERS.test(stored)) {
    const first = value.childForFieldName('arguments')?.namedChildren.find((a) => a && a.type !== 'keyword_argument' && a.type !== 'comment');
    return builtValue(first, namer, assigned, depth + 1);
  }
  return { built: stored };
}

function functionSummary(fn: SyntaxNode, namer: Namer, constants: ReadonlyMap<string, number>): FunctionSummary {
  const name = fn.childForFieldName('name')?.text ?? '';
  const params = parameterNames(fn);
  const body = fn.childForFieldName('body');
  const effects: ModeEffect[] = [];
  const returns: ReturnedModel[] = [];
  if (!body) return { name, line: fn.startPosition.row + 1, params, effects, returns, layers: [], uses: [] };
  const paramSet = new Set(params);
  // The last plain assignment of each local name, for `model = Net(); return model`.
  const assignments = new Map<string, SyntaxNode>();
  for (const node of ownNodes(body, new Set(['assignment', 'call', 'return_statement']))) {
    if (node.type === 'assignment') {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      if (left?.type === 'identifier' && right) assignments.set(left.text, right);
    } else if (node.type === 'call') {
      const switched = modeSwitch(node);
      if (!switched) continue;
      const head = switched.receiver.split('.')[0]!;
      if (!paramSet.has(head)) continue;
      effects.push({ target: switched.receiver, mode: isConditional(node, fn) ? 'unknown' : switched.mode, line: node.startPosition.row + 1 });
    }
  }
  for (const ret of ownNodes(body, new Set(['return_statement']))) {
    const value = ret.namedChildren[0];
    const built = builtValue(value, namer, (n) => (paramSet.has(n) ? undefined : assignments.get(n)));
    if (built) returns.push(built);
  }
  const scanned = scanBody(body, namer, constants, false);
  return { name, line: fn.startPosition.row + 1, params, effects: netEffects(effects), returns, layers: scanned.layers, uses: scanned.uses };
}

/** One effect per target: the last one, or `unknown` when a target is switched both ways. */
function netEffects(effects: readonly ModeEffect[]): ModeEffect[] {
  const byTarget = new Map<string, ModeEffect>();
  for (const effect of effects) {
    const before = byTarget.get(effect.target);
    byTarget.set(effect.target, before && before.mode === 'unknown' ? before : effect);
  }
  return [...byTarget.values()];
}

/** Adds the effects of `self.helper()` calls inside a class's methods (same class, followed transitively). */
function closeOverSelfCalls(cls: SyntaxNode, methods: Record<string, FunctionSummary>, methodNodes: Map<string, SyntaxNode>): void {
  const selfCalls = new Map<string, Array<{ callee: string; line: number; conditional: boolean }>>();
  for (const [name, fn] of methodNodes) {
    const self = methods[name]?.params[0];
    if (!self) continue;
    const calls: Array<{ callee: string; line: number; conditional: boolean }> = [];
    for (const call of ownNodes(fn.childForFieldName('body') ?? fn, new Set(['call']))) {
      const callee = call.childForFieldName('function');
      if (callee?.type !== 'attribute' || callee.childForFieldName('object')?.text !== self) continue;
      const method = callee.childForFieldName('attribute')?.text;
      if (method && method !== name && methodNodes.has(method)) calls.push({ callee: method, line: call.startPosition.row + 1, conditional: isConditional(call, fn) });
    }
    selfCalls.set(name, calls);
  }
  const done = new Set<string>();
  const visit = (name: string, stack: Set<string>): ModeEffect[] => {
    const summary = methods[name]!;
    if (done.has(name) || stack.has(name)) return summary.effects;
    stack.add(name);
    const self = summary.params[0]!;
    const merged: ModeEffect[] = [];
    // Callee effects first (they run where the call is; the method's own switches are ordered by line).
    const own = [...summary.effects];
    for (const call of selfCalls.get(name) ?? []) {
      const calleeSummary = methods[call.callee]!;
      const calleeSelf = calleeSummary.params[0];
      if (!calleeSelf) continue;
      for (const effect of visit(call.callee, stack)) {
        const [head, ...rest] = effect.target.split('.');
        if (head !== calleeSelf) continue;
        merged.push({ target: [self, ...rest].join('.'), mode: call.conditional ? 'unknown' : effect.mode, line: call.line });
      }
    }
    merged.push(...own);
    merged.sort((a, b) => a.line - b.line);
    summary.effects = netEffects(merged);
    stack.delete(name);
    done.add(name);
    return summary.effects;
  };
  for (const name of methodNodes.keys()) if (methods[name]) visit(name, new Set());
  void cls;
}

function definitionOf(statement: SyntaxNode): SyntaxNode | undefined {
  if (statement.type === 'decorated_definition') return statement.childForFieldName('definition') ?? undefined;
  return statement;
}

/** Top-level definitions, also inside module-level `if`/`try` blocks (`if TYPE_CHECKING:`, `try: import x`). */
function topLevelStatements(root: SyntaxNode): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  const visit = (container: SyntaxNode, depth: number) => {
    for (const child of container.namedChildren) {
      if (!child) continue;
      if (depth < 3 && (child.type === 'if_statement' || child.type === 'try_statement' || child.type === 'else_clause' || child.type === 'elif_clause'
        || child.type === 'except_clause' || child.type === 'finally_clause' || child.type === 'block')) {
        visit(child, depth + 1);
      } else found.push(child);
    }
  };
  visit(root, 0);
  return found;
}

function moduleConstants(statements: readonly SyntaxNode[]): Map<string, number> {
  const values = new Map<string, number>();
  const counts = new Map<string, number>();
  for (const statement of statements) {
    const assignment = statement.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
    if (assignment?.type !== 'assignment') continue;
    const left = assignment.childForFieldName('left');
    if (left?.type !== 'identifier') continue;
    counts.set(left.text, (counts.get(left.text) ?? 0) + 1);
    const value = evalNumber(assignment.childForFieldName('right'), values);
    if (value !== undefined) values.set(left.text, value);
  }
  for (const [name, count] of counts) if (count !== 1) values.delete(name);
  return values;
}

/** What a module's top level binds: its imports, and the names its definitions and assignments bind. */
export interface ModuleBindings {
  imports: ModuleImports;
  statements: SyntaxNode[];
  /** Names bound by top-level classes, functions and assignments (they win over imports). */
  globals: Set<string>;
  /** Names of the classes defined at the top level. */
  classes: Set<string>;
  definitions: SyntaxNode[];
  variableCounts: Map<string, number>;
  variableValues: Map<string, SyntaxNode>;
}

/** The top-level bindings of a module: a small part of its summary, enough to tell where a name comes from. */
export function moduleBindings(root: SyntaxNode): ModuleBindings {
  const imports = collectModuleImports(root);
  const statements = topLevelStatements(root);
  const globals = new Set<string>();
  const classes = new Set<string>();
  const definitions: SyntaxNode[] = [];
  const variableCounts = new Map<string, number>();
  const variableValues = new Map<string, SyntaxNode>();
  for (const statement of statements) {
    const definition = definitionOf(statement);
    if (definition && (definition.type === 'class_definition' || definition.type === 'function_definition')) {
      const name = definition.childForFieldName('name')?.text;
      if (name) {
        globals.add(name);
        if (definition.type === 'class_definition') classes.add(name);
        definitions.push(definition);
      }
    } else if (statement.type === 'expression_statement') {
      const assignment = statement.namedChildren[0];
      const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : undefined;
      const right = assignment?.childForFieldName('right');
      if (left?.type === 'identifier' && right) {
        globals.add(left.text);
        variableCounts.set(left.text, (variableCounts.get(left.text) ?? 0) + 1);
        variableValues.set(left.text, right);
      }
    }
  }
  return { imports, statements, globals, classes, definitions, variableCounts, variableValues };
}

/**
 * Summarises a parsed module. With `only`, just the classes, functions and variables of those
 * names, and no model-passing calls: what a question about one name of the linted file needs.
 */
export function summarizeModule(root: SyntaxNode, only?: ReadonlySet<string>, bindings: ModuleBindings = moduleBindings(root)): ModuleSummary {
  const { imports, statements, globals, definitions, variableCounts, variableValues } = bindings;
  // Python binds what is defined here over what an import bound (the later statement wins; close enough).
  const namer = new Namer(imports, globals);
  const constants = moduleConstants(statements);
  const classes: Record<string, ClassSummary> = Object.create(null) as Record<string, ClassSummary>;
  const functions: Record<string, FunctionSummary> = Object.create(null) as Record<string, FunctionSummary>;
  for (const definition of definitions) {
    const name = definition.childForFieldName('name')!.text;
    if (only && !only.has(name)) continue;
    if (definition.type === 'function_definition') {
      functions[name] = functionSummary(definition, namer, constants);
      continue;
    }
    const bases: string[] = [];
    for (const base of definition.childForFieldName('superclasses')?.namedChildren ?? []) {
      if (!base || base.type === 'keyword_argument') continue;
      const dotted = dottedName(base);
      const stored = dotted ? namer.name(dotted) : undefined;
      if (stored) bases.push(stored);
    }
    const body = definition.childForFieldName('body');
    const methods: Record<string, FunctionSummary> = Object.create(null) as Record<string, FunctionSummary>;
    const methodNodes = new Map<string, SyntaxNode>();
    for (const statement of body?.namedChildren ?? []) {
      const method = statement ? definitionOf(statement) : undefined;
      if (method?.type !== 'function_definition') continue;
      const methodName = method.childForFieldName('name')?.text;
      if (!methodName) continue;
      methods[methodName] = functionSummary(method, namer, constants);
      methodNodes.set(methodName, method);
    }
    closeOverSelfCalls(definition, methods, methodNodes);
    const scanned = body ? scanBody(body, namer, constants, true) : { layers: [], uses: [] };
    classes[name] = { name, line: definition.startPosition.row + 1, bases, layers: scanned.layers, uses: scanned.uses.filter((u) => u !== `@${name}`), methods };
  }
  const variables: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of variableValues) {
    if (variableCounts.get(name) !== 1 || (only && !only.has(name))) continue;
    const built = builtValue(value, namer, (n) => variableValues.get(n));
    if (built) variables[name] = built.built;
  }
  return { imports, passes: only ? [] : modelPassingCalls(root, namer, variableValues), classes, functions, variables, lines: root.endPosition.row + 1 };
}

/** The innermost function around a node, or undefined at module level. */
function enclosingFunction(node: SyntaxNode): SyntaxNode | undefined {
  for (let up = node.parent; up; up = up.parent) if (up.type === 'function_definition') return up;
  return undefined;
}

function localAssignments(fn: SyntaxNode): Map<string, SyntaxNode> {
  const found = new Map<string, SyntaxNode>();
  for (const node of ownNodes(fn.childForFieldName('body') ?? fn, new Set(['assignment']))) {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (left?.type === 'identifier' && right) found.set(left.text, right);
  }
  return found;
}

/** Names switched with `.train()` / `.eval()` in a scope's own code (or the module's top level). */
function switchedReceivers(scope: SyntaxNode): Set<string> {
  const names = new Set<string>();
  for (const call of ownNodes(scope.type === 'function_definition' ? scope.childForFieldName('body') ?? scope : scope, new Set(['call']))) {
    const switched = modeSwitch(call);
    if (switched) names.add(switched.receiver.split('.')[0]!);
  }
  return names;
}

function modelPassingCalls(root: SyntaxNode, namer: Namer, moduleValues: ReadonlyMap<string, SyntaxNode>): ModelPassingCall[] {
  const passes: ModelPassingCall[] = [];
  const scopes = new Map<number, Map<string, SyntaxNode>>();
  const switchedNames = new Map<number, Set<string>>();
  for (const call of ownNodes(root, new Set(['call']), true)) {
    const dotted = dottedName(call.childForFieldName('function'));
    const callee = dotted ? namer.name(dotted) : undefined;
    if (!callee) continue;
    const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is SyntaxNode => !!a && a.type !== 'comment');
    if (!args.some((a) => a.type === 'identifier' || a.type === 'call' || a.type === 'keyword_argument')) continue;
    const fn = enclosingFunction(call);
    let locals = fn ? scopes.get(fn.id) : undefined;
    if (fn && !locals) scopes.set(fn.id, locals = localAssignments(fn));
    const assigned = (name: string) => locals?.get(name) ?? (fn ? undefined : moduleValues.get(name));
    // Only models passed in the mode they were built in (train): not one the code switched itself.
    const scopeKey = fn?.id ?? -1;
    let switched = switchedNames.get(scopeKey);
    if (!switched) switchedNames.set(scopeKey, switched = switchedReceivers(fn ?? root));
    const fresh = (arg: SyntaxNode | null | undefined) => {
      if (!arg || (arg.type === 'identifier' && switched!.has(arg.text))) return undefined;
      const built = builtValue(arg, namer, assigned);
      return built && !built.eval ? built : undefined;
    };
    const positional: Array<string | null> = [];
    const keywords: Record<string, string> = Object.create(null) as Record<string, string>;
    let any = false;
    for (const arg of args) {
      if (arg.type === 'keyword_argument') {
        const built = fresh(arg.childForFieldName('value'));
        const name = arg.childForFieldName('name')?.text;
        if (built && name) {
          keywords[name] = built.built;
          any = true;
        }
      } else if (arg.type !== 'list_splat' && arg.type !== 'dictionary_splat') {
        const built = fresh(arg);
        positional.push(built?.built ?? null);
        any ||= !!built;
      }
    }
    if (any) passes.push({ callee, args: positional, keywords });
  }
  return passes;
}
