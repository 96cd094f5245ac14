// Mode-flow analysis: which train/eval mode each model is in at each call, for PyTorch code.
//
// Every function (and the module's top-level code, which for a notebook is every cell in order) is
// interpreted once over its statements with a tiny abstract state: for each receiver key
// (`model`, `self.net`, `args.model` ...) the set of modes it may be in — TRAIN, EVAL, UNKNOWN
// (something we cannot follow changed it) or ENTRY (whatever it was when the function was
// entered). `x.eval()`, `x.train()`, `x.train(False)`, `x = Net()` (modules start in training
// mode), `x = AutoModel.from_pretrained(...)` (returned in eval mode), aliases and wrappers
// (`.to(device)`, `nn.DataParallel(x)`, `copy.deepcopy(x)`) update it; branches join; loops run
// twice so a mode set late in an epoch reaches the top of the next one. Calls into functions of
// the same file apply that function's summary (its exit state, with ENTRY standing for "unchanged"),
// mapped through parameters, `self.` attributes and globals — so `evaluate(model)` that calls
// `model.eval()` inside counts, and ENTRY at a model call is resolved later through the call sites.
// `requires_grad_(False)` does not change the mode (freezing is not eval). Results are cached
// per tree. The analysis is linear in the file size (loops are bounded to two passes, nesting
// beyond four loops is run once).
import type { SyntaxNode } from './parser';
import { TreeData } from './snapshot';
import type { ModeEffect, ModelFacts, ProjectView } from './project';
import { calleeName, dottedName, resolveName, type ImportTable } from './resolve';
import { keywordArgument, nodesOfType, positionalArguments, walk } from './syntax';
import {
  callsWithin, classDerivesFrom, forEachCallWithin, startsAnyCall, classesByName, classMethods, decoratorsOf, hasMethodCallBetween, isTorchModuleBase, methodClass, parametersOf,
  type Parameter,
} from './flow/pySyntax';

export const TRAIN = 1;
export const EVAL = 2;
export const UNKNOWN = 4;
export const ENTRY = 8;

/** Where an eval() may have come from: `site` is in the current scope, `origin` is the eval() call itself. */
export interface EvalSite {
  site: SyntaxNode;
  origin: SyntaxNode;
}

export interface Mode {
  bits: number;
  evals: readonly EvalSite[];
}

type State = Map<string, Mode>;

export interface Scope {
  /** function_definition, or the module. */
  node: SyntaxNode;
  name: string;
  cls?: SyntaxNode;
  params: Parameter[];
  /** Names assigned in this scope (not parameters). */
  locals: Set<string>;
  /** Names declared `global` here. */
  globals: Set<string>;
  /** Nested function definitions by name. */
  nested: Map<string, SyntaxNode>;
  exit?: State;
  modelCalls: ModelCall[];
  callSites: CallSite[];
  /** `key = Constructor(...)` origins seen in this scope. */
  origins: Map<string, SyntaxNode>;
  analyzed: boolean;
  inProgress: boolean;
}

export interface ModelCall {
  /** The call `model(x)` / `self.net(x)` / `model.forward(x)`. */
  call: SyntaxNode;
  /** Receiver key, e.g. `model`, `self.net`. */
  key: string;
  mode: Mode;
  scope: Scope;
  /** Set when the model is not called but traced (`torch.jit.trace(model, x)`): its mode is baked into the trace. */
  tracedBy?: string;
}

export interface CallSite {
  call: SyntaxNode;
  caller: Scope;
  callee: Scope;
  /** The caller's state right before the call. */
  state: State;
  /** Called as `self.m(...)` / `obj.m(...)`: the first parameter is bound to the receiver. */
  boundSelf: boolean;
}

export interface ResolvedMode {
  /** The scope where the mode was finally known (the model call's scope, or a caller's). */
  scope: Scope;
  /** The receiver key in that scope. */
  key: string;
  /** The node in that scope standing for the model call (the call itself, or the call site leading to it). */
  anchor: SyntaxNode;
  mode: Mode;
  /** True when ENTRY could not be resolved (no caller in the file). */
  unresolved: boolean;
}

/** The flow of one tree. */
export interface ModeFlow {
  scopes: Scope[];
  module: Scope;
  scopeOf(fn: SyntaxNode): Scope | undefined;
  /** The scopes of a class's methods. */
  methodScopes(cls: SyntaxNode): readonly Scope[];
  /** The mode of a model call, resolved through the call sites of its function (one entry per path). */
  resolve(call: ModelCall): ResolvedMode[];
}

interface FlowSource {
  readonly root: SyntaxNode;
  readonly imports: ImportTable;
  readonly project?: ProjectView;
}

const flowOfTree = new TreeData<ModeFlow>();

export function getModeFlow(context: FlowSource): ModeFlow {
  return flowOfTree.get(context.root, () => new Analyzer(context.root, context.imports, context.project).run());
}

/** Receiver keys of the `.eval()` / `.train()` calls among `calls`. */
function switchedKeys(calls: Iterable<SyntaxNode>, into: { add(key: string): unknown }): void {
  for (const call of calls) {
    const callee = call.childForFieldName('function');
    if (callee?.type !== 'attribute') continue;
    const method = callee.childForFieldName('attribute')?.text;
    if (method !== 'eval' && method !== 'train') continue;
    const key = receiverKey(callee.childForFieldName('object'));
    if (key) into.add(key);
  }
}

// ---- mode values ----------------------------------------------------------------------------

const ENTRY_MODE: Mode = { bits: ENTRY, evals: [] };
/** Shared: a mode's eval sites are never changed in place (joins and compositions make new lists). */
const UNKNOWN_MODE: Mode = Object.freeze({ bits: UNKNOWN, evals: Object.freeze([]) });
const MAX_EVAL_SITES = 4;

function joinModes(a: Mode, b: Mode): Mode {
  if (a === b) return a;
  const evals = a.evals.slice();
  for (const e of b.evals) {
    if (evals.length >= MAX_EVAL_SITES) break;
    if (!evals.some((x) => x.origin.id === e.origin.id && x.site.id === e.site.id)) evals.push(e);
  }
  return { bits: a.bits | b.bits, evals };
}

export function lookupMode(state: ReadonlyMap<string, Mode>, key: string): Mode {
  let current = key;
  for (;;) {
    const mode = state.get(current);
    if (mode) return mode;
    const dot = current.lastIndexOf('.');
    if (dot < 0) return ENTRY_MODE;
    current = current.slice(0, dot);
  }
}

function setMode(state: State, key: string, mode: Mode): void {
  const prefix = `${key}.`;
  for (const existing of [...state.keys()]) if (existing.startsWith(prefix)) state.delete(existing);
  state.set(key, mode);
}

/**
 * A copy of a state. `new Map(state)` would go through the iterator protocol (an entry array and
 * a result object per key); states are copied at every branch, loop pass and call site.
 */
/** The state of a call site that is not recorded (never read). */
const NO_STATE: State = new Map();

function copyState(state: State): State {
  const copy: State = new Map();
  state.forEach((mode, key) => copy.set(key, mode));
  return copy;
}

function joinStates(a: State | null, b: State | null): State | null {
  if (!a) return b ? copyState(b) : null;
  if (!b) return copyState(a);
  const result: State = new Map();
  for (const key of a.keys()) result.set(key, joinModes(lookupMode(a, key), lookupMode(b, key)));
  for (const key of b.keys()) if (!a.has(key)) result.set(key, joinModes(lookupMode(a, key), lookupMode(b, key)));
  return result;
}

function sameState(a: State | null, b: State | null): boolean {
  if (!a || !b) return a === b;
  if (a.size !== b.size) return false;
  for (const [key, mode] of a) {
    const other = b.get(key);
    if (!other || other.bits !== mode.bits || other.evals.length !== mode.evals.length) return false;
  }
  return true;
}

/**
 * `if phase == 'train': model.train() else: model.eval()`: the branches choose the mode on purpose,
 * and the code after them is guarded by the same condition — which a path-insensitive join cannot
 * see. A key set to TRAIN in one branch and to EVAL in another becomes UNKNOWN.
 */
function markModeSelection(result: State, entry: State, branches: ReadonlyArray<State | null>): void {
  for (const key of result.keys()) {
    const before = lookupMode(entry, key);
    let trains = false;
    let evals = false;
    for (const branch of branches) {
      if (!branch) continue;
      const mode = lookupMode(branch, key);
      if (mode === before) continue;
      if (mode.bits === TRAIN) trains = true;
      if (mode.bits === EVAL) evals = true;
    }
    if (trains && evals) result.set(key, UNKNOWN_MODE);
  }
}

/** Composes a callee's exit mode with the caller's mode before the call. */
function compose(effect: Mode, before: Mode, site: SyntaxNode): Mode {
  const evals: EvalSite[] = effect.evals.map((e) => ({ site, origin: e.origin }));
  let bits = effect.bits & ~ENTRY;
  if (effect.bits & ENTRY) {
    bits |= before.bits;
    for (const e of before.evals) if (evals.length < MAX_EVAL_SITES) evals.push(e);
  }
  return { bits, evals };
}

/**
 * A predicate over names, remembered per name: the same few hundred names (`self.fc1`, `F.relu`,
 * `model`) are asked about for every call of a file. Bounded, for a long-running server.
 */
function byName(test: (name: string) => boolean): (name: string) => boolean {
  const known = new Map<string, boolean>();
  return (name) => {
    let answer = known.get(name);
    if (answer === undefined) {
      if (known.size >= 4096) known.clear();
      answer = test(name);
      known.set(name, answer);
    }
    return answer;
  };
}

// ---- receiver keys --------------------------------------------------------------------------

/** Calls that return their receiver (same module object, same mode). */
const SELF_RETURNING = new Set(['to', 'cuda', 'cpu', 'float', 'half', 'double', 'bfloat16', 'type', 'requires_grad_', 'share_memory', 'to_empty', 'zero_grad']);

/** The receiver key of an expression: `model`, `self.net`, `model.to(dev)` -> `model`; `model.module` -> `model`. */
export function receiverKey(node: SyntaxNode | null | undefined): string | undefined {
  let current = node;
  while (current) {
    if (current.type === 'parenthesized_expression') {
      current = current.namedChildren[0];
      continue;
    }
    if (current.type === 'call') {
      const callee = current.childForFieldName('function');
      if (callee?.type === 'attribute' && SELF_RETURNING.has(callee.childForFieldName('attribute')?.text ?? '')) {
        current = callee.childForFieldName('object');
        continue;
      }
      return undefined;
    }
    break;
  }
  const dotted = dottedName(current);
  if (!dotted) return undefined;
  return dotted.endsWith('.module') ? dotted.slice(0, -'.module'.length) : dotted;
}

const MODEL_LIKE = /(?:^|_)(?:model|net|network|classifier|encoder|decoder|backbone|cnn|rnn|lstm|mlp|generator|discriminator|predictor|regressor|policy|critic|actor|student|teacher|module)s?\d*$|(?:model|net)\d*$/i;

/** Is the last segment of a key named like a model (`model`, `self.net`, `cnn_model`, `netG`)? */
export const isModelLikeName: (key: string) => boolean = byName((key) => {
  const last = key.split('.').pop() ?? key;
  return MODEL_LIKE.test(last) || /^net[A-Z]/.test(last);
});

function rootOf(key: string): string {
  const dot = key.indexOf('.');
  return dot < 0 ? key : key.slice(0, dot);
}

// ---- names that mean "evaluation" -----------------------------------------------------------

const EVAL_WORDS = new Set(['eval', 'evaluate', 'evaluation', 'validate', 'validation', 'val', 'valid', 'predict', 'prediction', 'predictions', 'infer', 'inference']);

/**
 * Does a function name say it evaluates (`evaluate`, `validate_epoch`, `run_inference`, `predict`,
 * `test`)? `test_*` alone is a unit test (pytest), not an evaluation, unless it is `test_epoch`-like.
 */
export const isEvaluationName: (name: string) => boolean = byName((name) => {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/_+/).filter(Boolean);
  if (words.length === 0) return false;
  if (words[0] === 'test' && words.length > 1) return words.includes('epoch') || words.includes('loop');
  return words.some((w) => EVAL_WORDS.has(w)) || words.at(-1) === 'test';
});

/** Loader-like names for evaluation data: `val_loader`, `test_dl`, `eval_dataloader`, `validloader`. */
export const isEvaluationLoaderName: (text: string) => boolean = byName((text) => {
  const last = text.split('.').pop() ?? text;
  const words = last.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return /(?:^|_)(?:val|valid|validation|test|eval|evaluation|dev|holdout)_?(?:loader|dataloader|data_loader|dl|iter|iterator|batches|generator|gen|ds|dataset|set|data)s?$/.test(words)
    || /^(?:val|valid|test|eval|dev)(?:loader|dataloader|dl|iter|set|data)s?$/.test(words);
});

// ---- the analyzer ---------------------------------------------------------------------------

const MAX_LOOP_DEPTH_FOR_TWO_PASSES = 4;

class Analyzer {
  private readonly scopes: Scope[] = [];
  private readonly byNode = new Map<number, Scope>();
  /** The scopes of each class's methods (by class node id), in the order of `scopes`. */
  private readonly scopesByClass = new Map<number, Scope[]>();
  readonly moduleFunctions = new Map<string, SyntaxNode>();
  readonly classes: ReadonlyMap<string, SyntaxNode>;
  private readonly torchClasses = new Map<string, boolean>();
  private readonly callSitesByCallee = new Map<Scope, CallSite[]>();
  private readonly methodsByClass = new Map<number, Map<string, SyntaxNode>>();
  /** Names assigned by module-level statements. */
  readonly moduleNames = new Set<string>();
  /** Receivers of `.eval()` / `.train()` anywhere in the file: the keys worth tracking through assignments. */
  readonly switched = new Set<string>();
  private module!: Scope;

  constructor(private readonly root: SyntaxNode, private readonly imports: ImportTable, readonly project?: ProjectView) {
    this.classes = classesByName(root);
    for (const statement of root.namedChildren) {
      const assignment = statement?.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
      const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : undefined;
      if (left?.type === 'identifier') this.moduleNames.add(left.text);
    }
    switchedKeys(nodesOfType(root, 'call'), this.switched);
  }

  run(): ModeFlow {
    this.module = this.makeScope(this.root);
    for (const fn of nodesOfType(this.root, 'function_definition')) {
      const scope = this.makeScope(fn);
      const parent = fn.parent?.type === 'decorated_definition' ? fn.parent.parent : fn.parent;
      if (parent?.type === 'module') this.moduleFunctions.set(scope.name, fn);
      else if (parent?.type === 'block' && parent.parent?.type === 'function_definition') {
        this.scopeOf(parent.parent)?.nested.set(scope.name, fn);
      }
    }
    this.analyze(this.module);
    for (const scope of this.scopes) this.analyze(scope);
    return {
      scopes: this.scopes,
      module: this.module,
      scopeOf: (fn) => this.scopeOf(fn),
      methodScopes: (cls) => this.scopesByClass.get(cls.id) ?? [],
      resolve: (call) => this.resolve(call),
    };
  }

  scopeOf(fn: SyntaxNode): Scope | undefined {
    return this.byNode.get(fn.id);
  }

  private makeScope(node: SyntaxNode): Scope {
    const isModule = node.type === 'module';
    const scope: Scope = {
      node,
      name: isModule ? '<module>' : node.childForFieldName('name')?.text ?? '<function>',
      cls: isModule ? undefined : methodClass(node),
      params: isModule ? [] : parametersOf(node),
      locals: new Set(),
      globals: new Set(),
      nested: new Map(),
      modelCalls: [],
      callSites: [],
      origins: new Map(),
      analyzed: false,
      inProgress: false,
    };
    if (!isModule) this.scopes.push(scope);
    if (scope.cls) {
      const methods = this.scopesByClass.get(scope.cls.id);
      if (methods) methods.push(scope);
      else this.scopesByClass.set(scope.cls.id, [scope]);
    }
    this.byNode.set(node.id, scope);
    return scope;
  }

  private analyze(scope: Scope): void {
    if (scope.analyzed || scope.inProgress) return;
    scope.inProgress = true;
    const body = scope.node.type === 'module' ? scope.node : scope.node.childForFieldName('body');
    const run = new ScopeRun(this, scope);
    const end = body ? run.block(body, new Map(), true, 0) : new Map();
    scope.exit = joinStates(run.returned, end) ?? new Map();
    scope.inProgress = false;
    scope.analyzed = true;
  }

  /** The summary (exit state) of a function, analysing it first; undefined while it is being analysed (recursion). */
  summary(scope: Scope): State | undefined {
    this.analyze(scope);
    return scope.analyzed ? scope.exit : undefined;
  }

  /** How many call sites and model calls have been recorded, to undo a loop pass's recordings. */
  recordingMark(scope: Scope): { sites: number; modelCalls: number } {
    return { sites: this.siteLog.length, modelCalls: scope.modelCalls.length };
  }

  rollBack(scope: Scope, mark: { sites: number; modelCalls: number }): void {
    while (this.siteLog.length > mark.sites) {
      const site = this.siteLog.pop()!;
      site.caller.callSites.pop();
      this.callSitesByCallee.get(site.callee)!.pop();
    }
    scope.modelCalls.length = mark.modelCalls;
  }

  private readonly siteLog: CallSite[] = [];

  addCallSite(site: CallSite): void {
    this.siteLog.push(site);
    site.caller.callSites.push(site);
    const list = this.callSitesByCallee.get(site.callee);
    if (list) list.push(site);
    else this.callSitesByCallee.set(site.callee, [site]);
  }

  /** The in-file function a call targets: `f(...)` (lexically), `self.m(...)` in a method. */
  calledFunction(call: SyntaxNode, from: Scope): { scope: Scope; boundSelf: boolean } | undefined {
    const callee = call.childForFieldName('function');
    if (!callee) return undefined;
    if (callee.type === 'identifier') {
      const name = callee.text;
      if (this.imports.lookup(name)) return undefined;
      for (let scope: Scope | undefined = from; scope; scope = this.enclosingScope(scope)) {
        const nested = scope.nested.get(name);
        if (nested) return { scope: this.scopeOf(nested)!, boundSelf: false };
        if (scope.locals.has(name) && scope !== from) return undefined;
      }
      const fn = this.moduleFunctions.get(name);
      return fn ? { scope: this.scopeOf(fn)!, boundSelf: false } : undefined;
    }
    if (callee.type === 'attribute' && from.cls) {
      const object = callee.childForFieldName('object');
      const selfParam = from.params[0]?.name;
      if (object?.type === 'identifier' && object.text === selfParam) {
        const method = this.findMethod(from.cls, callee.childForFieldName('attribute')?.text ?? '');
        return method ? { scope: this.scopeOf(method)!, boundSelf: true } : undefined;
      }
    }
    return undefined;
  }

  private findMethod(cls: SyntaxNode, name: string, seen?: Set<number>): SyntaxNode | undefined {
    if (seen?.has(cls.id)) return undefined;
    let methods = this.methodsByClass.get(cls.id);
    if (!methods) this.methodsByClass.set(cls.id, methods = classMethods(cls));
    const own = methods.get(name);
    if (own) return own;
    // Only a search through the file's own base classes needs to remember the classes it has seen
    // (inheritance cycles); most bases (`nn.Module`) are imported.
    for (const base of cls.childForFieldName('superclasses')?.namedChildren ?? []) {
      if (!base) continue;
      const local = this.classes.get(dottedName(base) ?? '');
      if (!local) continue;
      seen ??= new Set<number>();
      seen.add(cls.id);
      const found = this.findMethod(local, name, seen);
      if (found) return found;
    }
    return undefined;
  }

  private enclosingScope(scope: Scope): Scope | undefined {
    for (let current = scope.node.parent; current; current = current.parent) {
      if (current.type === 'function_definition') return this.scopeOf(current);
      if (current.type === 'class_definition') return undefined;
    }
    return undefined;
  }

  isTorchClass(name: string): boolean {
    let torch = this.torchClasses.get(name);
    if (torch === undefined) {
      const cls = this.classes.get(name);
      torch = !!cls && (classMethods(cls).has('forward') || classDerivesFrom(cls, this.imports, this.classes, isTorchModuleBase));
      this.torchClasses.set(name, torch);
    }
    return torch;
  }

  get rootNode(): SyntaxNode {
    return this.root;
  }

  /** The construction a module-level name was assigned (`model = Net()` at the top of a script). */
  moduleOrigin(key: string): SyntaxNode | undefined {
    return this.module?.origins.get(key);
  }

  /** The construction of `self.<attr>` in any method of the class analysed so far (`self.model = Net()` in `__init__`). */
  classOrigin(cls: SyntaxNode, key: string): SyntaxNode | undefined {
    for (const scope of this.scopesByClass.get(cls.id) ?? []) {
      const found = scope.origins.get(key);
      if (found) return found;
    }
    return undefined;
  }

  get importTable(): ImportTable {
    return this.imports;
  }

  /**
   * Maps a key of `callee` to the caller's key at a call site: parameters to the argument passed,
   * `self.` to the receiver, globals to themselves; locals of the callee map to nothing.
   */
  mapKey(site: CallSite, key: string): string | undefined {
    const root = rootOf(key);
    const rest = key.slice(root.length);
    const params = site.callee.params;
    const index = params.findIndex((p) => p.name === root);
    if (index >= 0) {
      if (site.boundSelf && index === 0) {
        const object = site.call.childForFieldName('function')?.childForFieldName('object');
        const receiver = receiverKey(object);
        return receiver ? receiver + rest : undefined;
      }
      const param = params[index]!;
      let arg = keywordArgument(site.call, param.name);
      if (!arg && param.position !== undefined) arg = positionalArguments(site.call)[param.position - (site.boundSelf ? 1 : 0)];
      const argKey = receiverKey(arg);
      return argKey ? argKey + rest : undefined;
    }
    if (site.callee.locals.has(root) && !site.callee.globals.has(root)) return undefined;
    return key;
  }

  /** Is `key` a module-level name inside `scope` (not a parameter or local of it or its enclosing functions)? */
  private isGlobalIn(scope: Scope, key: string): boolean {
    const root = rootOf(key);
    for (let current: Scope | undefined = scope; current; current = this.enclosingScope(current)) {
      if (current.params.some((p) => p.name === root)) return false;
      if (current.locals.has(root) && !current.globals.has(root)) return false;
    }
    return this.module.locals.has(root);
  }

    resolve(call: ModelCall): ResolvedMode[] {
    const results: ResolvedMode[] = [];
    const visit = (scope: Scope, key: string, mode: Mode, anchor: SyntaxNode, depth: number, seen: Set<Scope>): void => {
      if (!(mode.bits & ENTRY) || results.length > 16) {
        results.push({ scope, key, anchor, mode, unresolved: false });
        return;
      }
      const sites = this.callSitesByCallee.get(scope) ?? [];
      if (sites.length === 0 && this.isGlobalIn(scope, key)) {
        // A module-level model used by a function nobody in this file calls (a request handler, a
        // notebook helper): by the time it runs, the module's code has run.
        const atEnd = lookupMode(this.module.exit ?? new Map(), key);
        if (atEnd.bits !== ENTRY) {
          results.push({ scope, key, anchor, mode: compose(mode, atEnd, anchor), unresolved: (atEnd.bits & ENTRY) !== 0 });
          return;
        }
      }
      if (sites.length === 0 || depth > 6 || seen.has(scope)) {
        results.push({ scope, key, anchor, mode, unresolved: true });
        return;
      }
      for (const site of sites) {
        const mapped = this.mapKey(site, key);
        if (!mapped) {
          results.push({ scope, key, anchor, mode: { bits: (mode.bits & ~ENTRY) | UNKNOWN, evals: mode.evals }, unresolved: false });
          continue;
        }
        const before = lookupMode(site.state, mapped);
        const composed = compose(mode, before, site.call);
        // The eval sites that were already in this scope keep their position: they were reached before the call.
        const evals = mode.evals.map((e) => ({ site: site.call, origin: e.origin }));
        for (const e of before.evals) if (evals.length < MAX_EVAL_SITES && !evals.some((x) => x.origin.id === e.origin.id)) evals.push(e);
        visit(site.caller, mapped, { bits: composed.bits, evals }, site.call, depth + 1, new Set([...seen, scope]));
      }
    };
    visit(call.scope, call.key, call.mode, call.call, 0, new Set());
    return results;
  }
}

/** What a loop's first pass read of the scope's bindings, and whether one of those changed after. */
interface PassWatch {
  read: Set<string>;
  stale: boolean;
}

/** Interprets one scope's statements. */
class ScopeRun {
  returned: State | null = null;
  /** Names bound by `for` targets and `with ... as` in this scope. */
  private readonly loopTargets = new Set<string>();
  /** The loop passes under way whose result may stand for their second pass (see `loop`). */
  private readonly passWatches: PassWatch[] = [];
  constructor(private readonly analyzer: Analyzer, private readonly scope: Scope) {}

  /** A pass read a name's binding (a local, a loop target, an origin): `key` is prefixed by its kind. */
  private noteRead(key: string): void {
    for (const watch of this.passWatches) watch.read.add(key);
  }

  /** A binding changed: a pass that read it earlier would read it differently the second time. */
  private noteChange(key: string): void {
    for (const watch of this.passWatches) if (watch.read.has(key)) watch.stale = true;
  }

  private addLocal(name: string): void {
    if (this.scope.locals.has(name)) return;
    this.scope.locals.add(name);
    if (this.passWatches.length) this.noteChange(`local:${name}`);
  }

  block(block: SyntaxNode, state: State | null, recording: boolean, depth: number): State | null {
    let current = state;
    for (const statement of block.namedChildren) {
      if (!statement || !current) continue;
      current = this.statement(statement, current, recording, depth);
    }
    return current;
  }

  private statement(node: SyntaxNode, state: State, recording: boolean, depth: number): State | null {
    switch (node.type) {
      case 'function_definition':
      case 'class_definition':
      case 'decorated_definition':
        if (node.type === 'function_definition' || node.type === 'decorated_definition') {
          const def = node.type === 'decorated_definition' ? node.childForFieldName('definition') : node;
          const name = def?.childForFieldName('name')?.text;
          if (name && def?.type === 'function_definition') this.addLocal(name);
        }
        return state;
      case 'comment':
      case 'pass_statement':
      case 'import_statement':
      case 'import_from_statement':
      case 'future_import_statement':
        return state;
      case 'global_statement':
      case 'nonlocal_statement':
        for (const name of node.namedChildren) if (name?.type === 'identifier') this.scope.globals.add(name.text);
        return state;
      case 'return_statement': {
        const after = this.expression(node, state, recording);
        this.returned = joinStates(this.returned, after);
        return null;
      }
      case 'raise_statement':
        this.expression(node, state, recording);
        return null;
      case 'if_statement':
        return this.ifStatement(node, state, recording, depth);
      case 'for_statement':
      case 'while_statement':
        return this.loop(node, state, recording, depth);
      case 'with_statement': {
        let current: State = state;
        const clause = node.namedChildren.find((c) => c?.type === 'with_clause');
        for (const item of clause?.namedChildren ?? []) {
          if (!item) continue;
          const value = item.childForFieldName('value');
          if (!value) continue;
          if (value.type === 'as_pattern') {
            current = this.expression(value.namedChildren[0] ?? value, current, recording);
            const target = value.childForFieldName('alias')?.namedChildren[0] ?? undefined;
            if (target) this.assignTarget(target, undefined, current);
          } else {
            current = this.expression(value, current, recording);
          }
        }
        const body = node.childForFieldName('body');
        return body ? this.block(body, current, recording, depth) : current;
      }
      case 'try_statement':
        return this.tryStatement(node, state, recording, depth);
      case 'match_statement': {
        let result: State | null = this.expression(node.childForFieldName('subject') ?? node, state, recording);
        const entry = result;
        const body = node.childForFieldName('body');
        for (const clause of body?.namedChildren ?? []) {
          if (clause?.type !== 'case_clause') continue;
          const consequence = clause.childForFieldName('consequence');
          if (consequence) result = joinStates(result, this.block(consequence, entry ? copyState(entry) : null, recording, depth));
        }
        return result;
      }
      case 'expression_statement': {
        let current: State = state;
        for (const child of node.namedChildren) {
          if (!child) continue;
          if (child.type === 'assignment') current = this.assignment(child, current, recording);
          else current = this.expression(child, current, recording);
        }
        return current;
      }
      default:
        return this.expression(node, state, recording);
    }
  }

  private ifStatement(node: SyntaxNode, state: State, recording: boolean, depth: number): State | null {
    const entry = this.expression(node.childForFieldName('condition') ?? node, state, recording);
    const consequence = node.childForFieldName('consequence');
    const branches: Array<State | null> = [consequence ? this.block(consequence, copyState(entry), recording, depth) : copyState(entry)];
    let hasElse = false;
    let fallthrough: State = entry;
    for (const alternative of node.childrenForFieldName('alternative')) {
      if (!alternative) continue;
      if (alternative.type === 'elif_clause') {
        const branchEntry = this.expression(alternative.childForFieldName('condition') ?? alternative, copyState(fallthrough), recording);
        fallthrough = branchEntry;
        const body = alternative.childForFieldName('consequence');
        branches.push(body ? this.block(body, copyState(branchEntry), recording, depth) : branchEntry);
      } else if (alternative.type === 'else_clause') {
        hasElse = true;
        const body = alternative.childForFieldName('body');
        branches.push(body ? this.block(body, copyState(fallthrough), recording, depth) : fallthrough);
      }
    }
    if (!hasElse) branches.push(fallthrough);
    let result: State | null = null;
    for (const branch of branches) result = joinStates(result, branch);
    if (result) markModeSelection(result, entry, branches);
    return result;
  }

  private loop(node: SyntaxNode, state: State, recording: boolean, depth: number): State | null {
    let entry: State = state;
    if (node.type === 'for_statement') {
      entry = this.expression(node.childForFieldName('right') ?? node, state, recording);
      const left = node.childForFieldName('left');
      if (left) {
        walk(left, (n) => {
          if (n.type === 'identifier' && !this.loopTargets.has(n.text)) {
            this.loopTargets.add(n.text);
            if (this.passWatches.length) this.noteChange(`target:${n.text}`);
          }
        });
        this.assignTarget(left, undefined, entry);
      }
    }
    const body = node.childForFieldName('body');
    const condition = node.type === 'while_statement' ? node.childForFieldName('condition') : null;
    const pass = (start: State, record: boolean): State | null => {
      let current: State | null = start;
      if (condition) current = this.expression(condition, current, record);
      return body && current ? this.block(body, current, record, depth + 1) : current;
    };
    // Two passes: the second starts from the state the first ends in (joined with the entry), so
    // a mode switched late in the body reaches the calls before it. When the first pass ends
    // where it started, and read no binding that it then changed, the second pass would repeat it
    // exactly: the first pass records, and stands for both unless that proves false (its records
    // are then undone).
    let loopEntry: State = entry;
    let last: State | null | undefined;
    if (depth < MAX_LOOP_DEPTH_FOR_TWO_PASSES) {
      const mark = this.analyzer.recordingMark(this.scope);
      const watch: PassWatch = { read: new Set(), stale: false };
      this.passWatches.push(watch);
      let first: State | null;
      try {
        first = pass(copyState(entry), recording);
      } finally {
        this.passWatches.pop();
      }
      const joined = joinStates(entry, first);
      if (joined && !sameState(joined, entry)) loopEntry = joined;
      else if (!watch.stale) last = first;
      if (last === undefined) this.analyzer.rollBack(this.scope, mark);
    }
    last ??= pass(copyState(loopEntry), recording);
    let result = joinStates(loopEntry, last);
    const alternative = node.childForFieldName('alternative');
    const elseBody = alternative?.childForFieldName('body');
    if (elseBody && result) result = joinStates(result, this.block(elseBody, copyState(result), recording, depth));
    return result;
  }

  private tryStatement(node: SyntaxNode, state: State, recording: boolean, depth: number): State | null {
    const body = node.childForFieldName('body');
    const afterBody = body ? this.block(body, copyState(state), recording, depth) : state;
    const handlerEntry = joinStates(state, afterBody);
    let result: State | null = afterBody;
    let finallyBlock: SyntaxNode | undefined;
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === 'except_clause' || child.type === 'except_group_clause') {
        const block = child.namedChildren.find((c) => c?.type === 'block');
        if (block && handlerEntry) result = joinStates(result, this.block(block, copyState(handlerEntry), recording, depth));
      } else if (child.type === 'else_clause') {
        const block = child.childForFieldName('body');
        if (block && afterBody) result = joinStates(result === afterBody ? null : result, this.block(block, copyState(afterBody), recording, depth));
      } else if (child.type === 'finally_clause') {
        finallyBlock = child.namedChildren.find((c) => c?.type === 'block') ?? undefined;
      }
    }
    if (finallyBlock) result = this.block(finallyBlock, result ?? handlerEntry, recording, depth);
    return result;
  }

  private assignment(node: SyntaxNode, state: State, recording: boolean): State {
    const right = node.childForFieldName('right');
    let current = right ? this.expression(right, state, recording) : state;
    const left = node.childForFieldName('left');
    if (left) current = this.assignTarget(left, right ?? undefined, current);
    // Chained assignment `a = b = Net()`: the right side is itself an assignment.
    if (right?.type === 'assignment') current = this.assignment(right, current, false);
    return current;
  }

  private assignTarget(target: SyntaxNode, value: SyntaxNode | undefined, state: State): State {
    if (target.type === 'identifier' || target.type === 'attribute') {
      const key = dottedName(target);
      if (!key) return state;
      if (target.type === 'identifier') this.addLocal(key);
      const mode = value ? this.valueMode(value, state) : UNKNOWN_MODE;
      // Only keys that can matter are tracked: models (known mode), receivers of eval()/train(), keys already tracked.
      if ((mode !== ENTRY_MODE && mode.bits !== UNKNOWN) || this.analyzer.switched.has(key) || lookupMode(state, key) !== ENTRY_MODE || isModelLikeName(key)) setMode(state, key, mode);
      if (value) {
        const origin = this.constructorOf(value);
        if (this.scope.origins.get(key) !== origin) {
          if (origin) this.scope.origins.set(key, origin);
          else this.scope.origins.delete(key);
          if (this.passWatches.length) this.noteChange(`origin:${key}`);
        }
      }
      return state;
    }
    if (target.type === 'pattern_list' || target.type === 'tuple_pattern' || target.type === 'list_pattern' || target.type === 'tuple' || target.type === 'list') {
      for (const element of target.namedChildren) if (element) this.assignTarget(element, undefined, state);
    }
    return state;
  }

  /** The model-constructing call behind a value (`Net(...)`, `models.vgg16()`), through `.to()` and wrappers. */
  constructorOf(value: SyntaxNode): SyntaxNode | undefined {
    let current: SyntaxNode | null = value;
    for (let i = 0; current && i < 8; i++) {
      if (current.type === 'parenthesized_expression') {
        current = current.namedChildren[0];
        continue;
      }
      if (current.type !== 'call') return undefined;
      const callee = current.childForFieldName('function');
      const method = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : undefined;
      if (method && (SELF_RETURNING.has(method) || method === 'eval' || method === 'train')) {
        current = callee!.childForFieldName('object');
        continue;
      }
      const qualified = calleeName(current, this.analyzer.importTable);
      if (qualified && /(?:DataParallel|DistributedDataParallel|compile|deepcopy)$/.test(qualified)) {
        current = positionalArguments(current)[0] ?? null;
        continue;
      }
      return current;
    }
    return undefined;
  }

  /** Mode of a freshly assigned value. */
  private valueMode(value: SyntaxNode, state: State): Mode {
    let current: SyntaxNode | null = value;
    for (let i = 0; current && i < 8; i++) {
      if (current.type === 'parenthesized_expression') {
        current = current.namedChildren[0];
        continue;
      }
      if (current.type === 'identifier' || current.type === 'attribute') {
        const key = receiverKey(current);
        return key ? lookupMode(state, key) : UNKNOWN_MODE;
      }
      if (current.type !== 'call') return UNKNOWN_MODE;
      const callee = current.childForFieldName('function');
      const method = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : undefined;
      if (method === 'eval' && positionalArguments(current).length === 0) return { bits: EVAL, evals: [{ site: current, origin: current }] };
      if (method === 'train') {
        const mode = trainArgument(current);
        if (mode !== undefined) return mode === EVAL ? { bits: EVAL, evals: [{ site: current, origin: current }] } : { bits: mode, evals: [] };
      }
      if (method === 'from_pretrained') return { bits: EVAL, evals: [] };
      if (method && SELF_RETURNING.has(method)) {
        current = callee!.childForFieldName('object');
        continue;
      }
      const qualified = calleeName(current, this.analyzer.importTable);
      if (qualified && /(?:DataParallel|DistributedDataParallel|\.compile|deepcopy)$/.test(qualified)) {
        current = positionalArguments(current)[0] ?? null;
        continue;
      }
      if (qualified && (/^torch\.nn\.[A-Z]/.test(qualified) || /^torchvision\.models\./.test(qualified) || /^timm\.create_model$/.test(qualified))) return { bits: TRAIN, evals: [] };
      const name = callee?.type === 'identifier' ? callee.text : undefined;
      if (name && !qualified && this.analyzer.isTorchClass(name)) return { bits: TRAIN, evals: [] };
      // `model = build_model()`: a builder of this file that returns a model it just constructed.
      if (name && !qualified && !this.analyzer.importTable.lookup(name)) {
        const builder = this.analyzer.moduleFunctions.get(name);
        if (builder && this.returnsFreshModel(builder)) return { bits: TRAIN, evals: [] };
      }
      // A model class or builder of another module of the project (or a known library factory).
      const built = this.projectModel(current);
      if (built) return built.evalOnReturn ? { bits: EVAL, evals: [] } : { bits: TRAIN, evals: [] };
      return UNKNOWN_MODE;
    }
    return UNKNOWN_MODE;
  }

  /** Is `value` a model constructor call (`nn.Sequential(...)`, `Net()`, `models.vgg16()`), through `.to()`-like calls? */
  private isConstructorCall(value: SyntaxNode | null): boolean {
    let current = value;
    for (let i = 0; current && i < 8; i++) {
      if (current.type === 'parenthesized_expression') {
        current = current.namedChildren[0];
        continue;
      }
      if (current.type !== 'call') return false;
      const callee = current.childForFieldName('function');
      const method = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : undefined;
      if (method && SELF_RETURNING.has(method)) {
        current = callee!.childForFieldName('object');
        continue;
      }
      const qualified = calleeName(current, this.analyzer.importTable);
      if (qualified) return /^torch\.nn\.[A-Z]/.test(qualified) || /^torchvision\.models\./.test(qualified) || /^timm\.create_model$/.test(qualified);
      return callee?.type === 'identifier' && this.analyzer.isTorchClass(callee.text);
    }
    return false;
  }

  /**
   * Does a function of this file return only models it constructs right there, in their initial
   * training mode? Every `return` gives a constructor call or a local bound only to constructor
   * calls that nothing else touches (no eval()/train()/load_state_dict on it, not handed to another call).
   */
  private returnsFreshModel(fn: SyntaxNode): boolean {
    const body = fn.childForFieldName('body');
    if (!body) return false;
    const returns: SyntaxNode[] = [];
    const bindings = new Map<string, SyntaxNode[]>();
    const touched = new Set<string>();
    walk(body, (node) => {
      if (node.type === 'function_definition' || node.type === 'class_definition' || node.type === 'lambda') return false;
      if (node.type === 'return_statement') returns.push(node.namedChildren[0] ?? node);
      else if (node.type === 'assignment' && node.childForFieldName('left')?.type === 'identifier') {
        const name = node.childForFieldName('left')!.text;
        const list = bindings.get(name) ?? [];
        list.push(node.childForFieldName('right') ?? node);
        bindings.set(name, list);
      } else if (node.type === 'call') {
        const callee = node.childForFieldName('function');
        const method = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : undefined;
        const object = callee?.type === 'attribute' ? callee.childForFieldName('object') : undefined;
        if (object?.type === 'identifier' && method && !SELF_RETURNING.has(method) && !/^(?:parameters|named_parameters|modules|children|add_module|register_buffer|append|extend)$/.test(method)) touched.add(object.text);
        for (const arg of node.childForFieldName('arguments')?.namedChildren ?? []) {
          if (arg?.type === 'identifier') touched.add(arg.text);
        }
      }
      return undefined;
    });
    if (returns.length === 0) return false;
    return returns.every((value) => {
      if (value.type === 'identifier') {
        const bound = bindings.get(value.text);
        return !!bound?.length && !touched.has(value.text) && bound.every((b) => this.isConstructorCall(b));
      }
      return this.isConstructorCall(value);
    });
  }

  /** Applies the calls of an expression, in source order, to the state. */
  private expression(node: SyntaxNode, state: State, recording: boolean): State {
    const root = this.analyzer.rootNode;
    if (startsAnyCall(root, node)) forEachCallWithin(root, node, (call) => this.call(call, state, recording));
    // Walrus and comprehension targets bind names too.
    return state;
  }

  private call(call: SyntaxNode, state: State, recording: boolean): void {
    const callee = call.childForFieldName('function');
    if (!callee) return;
    const method = callee.type === 'attribute' ? callee.childForFieldName('attribute')?.text : undefined;
    if (method === 'eval' || method === 'train') {
      const key = receiverKey(callee.childForFieldName('object'));
      if (!key) return;
      // `model.train() if training else model.eval()`: chosen by a condition we do not follow.
      if (insideConditionalExpression(call)) {
        setMode(state, key, UNKNOWN_MODE);
        return;
      }
      // `for m in models: m.eval()`: some models we cannot name changed mode; stop trusting all of them.
      if (this.passWatches.length) this.noteRead(`target:${rootOf(key)}`);
      if (this.loopTargets.has(rootOf(key))) {
        for (const [tracked, mode] of state) state.set(tracked, { bits: mode.bits | UNKNOWN, evals: mode.evals });
        return;
      }
      if (method === 'eval') {
        if (positionalArguments(call).length === 0 && !call.childForFieldName('arguments')?.namedChildren.some((a) => a?.type === 'keyword_argument')) {
          setMode(state, key, { bits: EVAL, evals: [{ site: call, origin: call }] });
        }
        return;
      }
      const mode = trainArgument(call);
      setMode(state, key, mode === EVAL ? { bits: EVAL, evals: [{ site: call, origin: call }] } : { bits: mode ?? UNKNOWN, evals: [] });
      return;
    }
    const target = this.analyzer.calledFunction(call, this.scope);
    if (target) {
      // The state before the call is kept only with a recorded site (it resolves callees' entry modes later).
      const site: CallSite = { call, caller: this.scope, callee: target.scope, state: recording ? copyState(state) : NO_STATE, boundSelf: target.boundSelf };
      if (recording) this.analyzer.addCallSite(site);
      const exit = this.analyzer.summary(target.scope);
      if (!exit) return;
      for (const [calleeKey, effect] of exit) {
        if (effect.bits === ENTRY) continue;
        const mapped = this.analyzer.mapKey(site, calleeKey);
        if (!mapped) continue;
        const before = lookupMode(state, mapped);
        const after = compose(effect, before, call);
        if (effect.bits & ENTRY) state.set(mapped, after);
        else setMode(state, mapped, after);
      }
      return;
    }
    if (this.projectEffects(call, callee, method, state)) return;
    if (method === 'apply') {
      const key = receiverKey(callee.childForFieldName('object'));
      const fn = positionalArguments(call)[0];
      if (key && fn && !this.appliesNoModeChange(fn)) setMode(state, key, UNKNOWN_MODE);
      return;
    }
    // An external helper that plausibly switches modes (`freeze(model)`, `prepare_for_inference(model)`).
    const calleeText = dottedName(callee) ?? '';
    if (mayswitchModes(calleeText.slice(calleeText.lastIndexOf('.') + 1))) {
      for (const arg of positionalArguments(call)) {
        const key = receiverKey(arg);
        if (key && state.has(key)) setMode(state, key, UNKNOWN_MODE);
        else if (key) state.set(key, UNKNOWN_MODE);
      }
    }
    if (recording) {
      const qualified = calleeName(call, this.analyzer.importTable);
      if (qualified === 'torch.jit.trace' || qualified === 'torch.jit.trace_module') {
        const traced = positionalArguments(call)[0] ?? keywordArgument(call, 'func') ?? keywordArgument(call, 'mod');
        const key = receiverKey(traced);
        if (key) this.scope.modelCalls.push({ call, key, mode: lookupMode(state, key), scope: this.scope, tracedBy: qualified });
        return;
      }
      this.observeModelCall(call, callee, state);
    }
  }

  /** A torch model built by a class or builder of another module (or a known library factory). */
  private projectModel(call: SyntaxNode): ModelFacts | undefined {
    const project = this.analyzer.project;
    const dotted = project ? dottedName(call.childForFieldName('function')) : undefined;
    const facts = dotted ? project!.built(dotted) : undefined;
    return facts?.framework === 'torch' ? facts : undefined;
  }

  /**
   * Switches made by a method of a project class (`model.train_start()`, defined in another
   * module) or by a project function given the model (`set_eval(model)`). True when the callee is
   * known to the project (its effects, possibly none, are applied).
   */
  private projectEffects(call: SyntaxNode, callee: SyntaxNode, method: string | undefined, state: State): boolean {
    const project = this.analyzer.project;
    if (!project) return false;
    const apply = (effects: readonly ModeEffect[], param: string | undefined, key: string) => {
      for (const effect of effects) {
        const [head, ...rest] = effect.target.split('.');
        if (head !== param) continue;
        const mode: Mode = effect.mode === 'eval' ? { bits: EVAL, evals: [{ site: call, origin: call }] }
          : { bits: effect.mode === 'train' ? TRAIN : UNKNOWN, evals: [] };
        setMode(state, [key, ...rest].join('.'), mode);
      }
    };
    if (method && callee.type === 'attribute') {
      const key = receiverKey(callee.childForFieldName('object'));
      if (key && this.passWatches.length) this.noteRead(`origin:${key}`);
      const inClass = key && this.scope.cls && key.startsWith(`${this.scope.params[0]?.name}.`) ? this.analyzer.classOrigin(this.scope.cls, key) : undefined;
      const origin = key ? this.scope.origins.get(key) ?? inClass ?? this.analyzer.moduleOrigin(key) : undefined;
      const facts = origin ? this.projectModel(origin) : undefined;
      const found = facts?.classKey ? project.methodEffects(facts.classKey, method) : undefined;
      if (key && found) {
        apply(found.effects, found.params[0], key);
        return true;
      }
    }
    const dotted = dottedName(callee);
    if (dotted && this.passWatches.length) this.noteRead(`local:${rootOf(dotted)}`);
    const fn = dotted && !this.scope.locals.has(rootOf(dotted)) ? project.functionEffects(dotted) : undefined;
    if (!fn) return false;
    const args = positionalArguments(call);
    fn.params.forEach((param, i) => {
      const key = receiverKey(keywordArgument(call, param) ?? args[i]);
      if (key) apply(fn.effects, param, key);
    });
    return true;
  }

  private appliesNoModeChange(fn: SyntaxNode): boolean {
    if (fn.type !== 'identifier') return false;
    const target = this.analyzer.moduleFunctions.get(fn.text);
    if (!target) return false;
    let changes = false;
    walk(target, (node) => {
      if (node.type === 'call') {
        const callee = node.childForFieldName('function');
        const method = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : undefined;
        if (method === 'eval' || method === 'train') changes = true;
      }
      return !changes;
    });
    return !changes;
  }

  private observeModelCall(call: SyntaxNode, callee: SyntaxNode, state: State): void {
    let receiver: SyntaxNode | null = callee;
    if (callee.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'forward') receiver = callee.childForFieldName('object');
    if (!receiver || (receiver.type !== 'identifier' && receiver.type !== 'attribute')) return;
    const key = dottedName(receiver);
    if (!key) return;
    const mode = lookupMode(state, key);
    const root = rootOf(key);
    // Untracked keys are kept when they may name a model: model-like names, parameters (resolved
    // through call sites) and module-level names.
    if (mode === ENTRY_MODE && !isModelLikeName(key) && !this.analyzer.switched.has(key)
      && !this.scope.params.some((p) => p.name === root) && !this.analyzer.moduleNames.has(root)) return;
    // Imported names, classes and functions of this file are not models being called.
    if (this.analyzer.importTable.lookup(root) || this.analyzer.classes.has(key) || this.analyzer.moduleFunctions.has(key)) return;
    if (resolveName(receiver, this.analyzer.importTable)) return;
    this.scope.modelCalls.push({ call, key: key.endsWith('.module') ? key.slice(0, -7) : key, mode, scope: this.scope });
  }
}

const MODE_SWITCH_WORDS = new Set([
  'eval', 'evaluate', 'evaluation', 'infer', 'inference', 'freeze', 'unfreeze', 'frozen', 'export', 'deploy', 'prepare',
  'quantize', 'quantise', 'quantization', 'fuse', 'convert', 'enable', 'disable', 'dropout', 'dropouts', 'bn', 'batchnorm',
  'train', 'training', 'mode', 'modes', 'mc',
]);

/** Does a helper's name say it may change a model's mode (`set_bn_eval`, `enable_dropout`, `prepareForInference`)? */
const mayswitchModes = byName((name) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/_+/).some((w) => MODE_SWITCH_WORDS.has(w)));

function insideConditionalExpression(node: SyntaxNode): boolean {
  for (let current = node.parent; current && !/statement$|^block$|^module$/.test(current.type); current = current.parent) {
    if (current.type === 'conditional_expression' || current.type === 'boolean_operator') return true;
  }
  return false;
}

/** Mode set by `x.train(...)`: TRAIN, EVAL, or undefined when not a literal. */
function trainArgument(call: SyntaxNode): number | undefined {
  const arg = keywordArgument(call, 'mode') ?? positionalArguments(call)[0];
  if (!arg) return TRAIN;
  if (arg.type === 'true') return TRAIN;
  if (arg.type === 'false') return EVAL;
  return undefined;
}

// ---- contexts used by the rules -------------------------------------------------------------

export interface InferenceContext {
  kind: 'no-grad' | 'eval-function' | 'eval-loader' | 'loaded-weights';
  /** The `with` statement, `for` loop or function definition that makes it inference. */
  node: SyntaxNode;
  /** Human-readable: `inside torch.no_grad()`, `in evaluate()`, `over val_loader`. */
  label: string;
}

const NO_GRAD = /^torch\.(?:no_grad|inference_mode|autograd\.no_grad|autograd\.grad_mode\.no_grad|autograd\.grad_mode\.inference_mode)$/;

function isNoGradCall(node: SyntaxNode, imports: ImportTable): string | undefined {
  if (node.type !== 'call') {
    const q = resolveName(node, imports);
    return q && NO_GRAD.test(q) ? q : undefined;
  }
  const qualified = calleeName(node, imports);
  if (!qualified) return undefined;
  if (NO_GRAD.test(qualified)) {
    // `torch.inference_mode(False)` turns it off.
    const arg = positionalArguments(node)[0] ?? keywordArgument(node, 'mode');
    return arg?.type === 'false' ? undefined : qualified;
  }
  if (qualified === 'torch.set_grad_enabled' || qualified === 'torch.autograd.set_grad_enabled') {
    const arg = positionalArguments(node)[0] ?? keywordArgument(node, 'mode');
    return arg?.type === 'false' ? qualified : undefined;
  }
  return undefined;
}

/** The iterable of a for loop without wrappers: `enumerate(tqdm(val_loader))` -> `val_loader`. */
function loopIterable(node: SyntaxNode | null): SyntaxNode | null {
  let current = node;
  for (let i = 0; current && i < 4; i++) {
    if (current.type !== 'call') return current;
    const name = dottedName(current.childForFieldName('function'))?.split('.').pop() ?? '';
    if (!/^(?:enumerate|tqdm|trange|zip|iter|progress_bar|track|islice)$/.test(name)) return current;
    current = positionalArguments(current)[0] ?? null;
  }
  return current;
}

/** Innermost-first inference contexts around a node, up to and including its function. */
const COMPREHENSIONS = new Set(['list_comprehension', 'generator_expression', 'set_comprehension', 'dictionary_comprehension']);

/** The statement an expression is part of (its ancestor directly in a block or the module). */
function statementOf(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.parent && current.parent.type !== 'block' && current.parent.type !== 'module') current = current.parent;
  return current;
}

export function inferenceContexts(node: SyntaxNode, imports: ImportTable): InferenceContext[] {
  const found: InferenceContext[] = [];
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'with_statement') {
      const clause = current.namedChildren.find((c) => c?.type === 'with_clause');
      for (const item of clause?.namedChildren ?? []) {
        let value = item?.childForFieldName('value');
        if (value?.type === 'as_pattern') value = value.namedChildren[0];
        const q = value ? isNoGradCall(value, imports) : undefined;
        if (q) found.push({ kind: 'no-grad', node: current, label: `inside ${q}()` });
      }
    } else if (current.type === 'for_statement') {
      const iterable = loopIterable(current.childForFieldName('right'));
      const text = iterable ? dottedName(iterable) ?? (iterable.type === 'call' ? dottedName(iterable.childForFieldName('function')) : undefined) : undefined;
      if (text && isEvaluationLoaderName(text)) found.push({ kind: 'eval-loader', node: current, label: `over ${text}` });
    } else if (COMPREHENSIONS.has(current.type)) {
      // `[model(x) for x in test_loader]`: the same loop, written as a comprehension. The context
      // is the statement holding it (where an eval() would go).
      for (const clause of current.namedChildren) {
        if (clause?.type !== 'for_in_clause') continue;
        const iterable = loopIterable(clause.childForFieldName('right'));
        const text = iterable ? dottedName(iterable) ?? (iterable.type === 'call' ? dottedName(iterable.childForFieldName('function')) : undefined) : undefined;
        if (text && isEvaluationLoaderName(text)) found.push({ kind: 'eval-loader', node: statementOf(current), label: `over ${text}` });
      }
    } else if (current.type === 'function_definition') {
      const name = current.childForFieldName('name')?.text ?? '';
      for (const decorator of decoratorsOf(current)) {
        const expr = decorator.namedChildren[0];
        const q = expr ? isNoGradCall(expr, imports) : undefined;
        if (q) found.push({ kind: 'no-grad', node: current, label: `in ${name}() decorated with @${q}` });
      }
      if (isEvaluationName(name)) found.push({ kind: 'eval-function', node: current, label: `in ${name}()` });
      break;
    } else if (current.type === 'class_definition' || current.type === 'lambda') {
      break;
    }
  }
  return found;
}

const trainingStepsOfTree = new TreeData<Map<number, boolean>>();

/** Is a training step (`loss.backward()`, `optimizer.step()`) inside `region`? Nested functions excluded. */
/**
 * A script that loads trained weights into the model (`model.load_state_dict(...)`) and then
 * calls it, with no training step anywhere in that function (or module): it uses the model for
 * inference even without `no_grad`.
 */
export function loadedWeightsContext(call: ModelCall, root: SyntaxNode): InferenceContext | undefined {
  const scopeNode = call.scope.node;
  const body = scopeNode.type === 'module' ? scopeNode : scopeNode.childForFieldName('body');
  if (!body) return undefined;
  if (!hasMethodCallBetween(root, 'load_state_dict', body.startIndex, call.call.startIndex)) return undefined;
  let loaded: SyntaxNode | undefined;
  for (const inner of callsWithin(root, body)) {
    if (inner.startIndex >= call.call.startIndex) break;
    const callee = inner.childForFieldName('function');
    if (callee?.type !== 'attribute' || callee.childForFieldName('attribute')?.text !== 'load_state_dict') continue;
    const receiver = receiverKey(callee.childForFieldName('object'));
    if (receiver === call.key || receiver === `${call.key}.module`) loaded = inner;
  }
  if (!loaded || containsTrainingStep(body, root)) return undefined;
  return { kind: 'loaded-weights', node: enclosingStatementOf(call.call, body), label: `after its trained weights are loaded (line ${loaded.startPosition.row + 1}), with no training step` };
}

/** The statement directly in `body` that contains `node`. */
function enclosingStatementOf(node: SyntaxNode, body: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.parent && current.parent.id !== body.id) current = current.parent;
  return current;
}

export function containsTrainingStep(region: SyntaxNode, root: SyntaxNode): boolean {
  const cache = trainingStepsOfTree.get(root, () => new Map());
  let found = cache.get(region.id);
  if (found === undefined) {
    found = hasTrainingStep(callsWithin(root, region));
    cache.set(region.id, found);
  }
  return found;
}

function hasTrainingStep(calls: readonly SyntaxNode[]): boolean {
  for (const call of calls) {
    const callee = call.childForFieldName('function');
    if (callee?.type !== 'attribute') continue;
    const method = callee.childForFieldName('attribute')?.text;
    const object = callee.childForFieldName('object')?.text ?? '';
    if (method === 'backward') return true;
    if (method === 'step' && /optim|(?:^|[._])opt(?:_\w+)?$|scaler|accelerator/i.test(object)) return true;
    if (method === 'minimize' && /optim|opt/i.test(object)) return true;
  }
  return false;
}

/** The innermost loop (`for`/`while`) around a node within its function. */
export function enclosingLoop(node: SyntaxNode): SyntaxNode | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'for_statement' || current.type === 'while_statement') return current;
    if (current.type === 'function_definition' || current.type === 'class_definition' || current.type === 'lambda') return undefined;
  }
  return undefined;
}

/**
 * Monte Carlo dropout: the node sits in a loop or comprehension over `range(...)` (or with `_`
 * as target) in a function that averages the samples (mean/average/std/var/stack+mean...).
 */
export function isMonteCarloSampling(node: SyntaxNode): boolean {
  let repeated = false;
  let innermostSeen = false;
  let scope: SyntaxNode | undefined;
  for (let current = node.parent; current; current = current.parent) {
    // Only the innermost loop / comprehension around the call decides: it must repeat the same input.
    const comprehension = /comprehension$|^generator_expression$/.test(current.type);
    if (!innermostSeen && (current.type === 'for_statement' || current.type === 'while_statement' || comprehension)) {
      innermostSeen = true;
      // A comprehension's `for` clause is a sibling of its body; take its first clause.
      const loop = comprehension ? current.namedChildren.find((c) => c?.type === 'for_in_clause') : current;
      if (loop && loop.type !== 'while_statement') {
        const right = loop.childForFieldName('right');
        const left = loop.childForFieldName('left');
        const rightName = right?.type === 'call' ? dottedName(right.childForFieldName('function')) : undefined;
        repeated = rightName === 'range' || rightName === 'trange' || left?.text === '_';
      }
    }
    if (current.type === 'function_definition' || current.type === 'module') {
      scope = current;
      break;
    }
  }
  if (!repeated || !scope) return false;
  let averages = false;
  walk(scope, (n) => {
    if (averages) return false;
    if (n.type === 'call') {
      const name = dottedName(n.childForFieldName('function'))?.split('.').pop() ?? '';
      if (/^(?:mean|nanmean|average|std|var|reduce_mean|reduce_std|median|sum|entropy|predictive_entropy|logsumexp)$/.test(name)) averages = true;
    }
    if (n.type === 'binary_operator' && n.childForFieldName('operator')?.text === '/' ) {
      const left = n.childForFieldName('left');
      if (left?.type === 'call' && /sum$/.test(dottedName(left.childForFieldName('function')) ?? '')) averages = true;
    }
    return undefined;
  });
  return averages;
}

/** Is the node within a `with tf.GradientTape()` / training step of a custom Keras loop? */
export function inGradientTape(node: SyntaxNode): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'with_statement' && /GradientTape/.test(current.namedChildren.find((c) => c?.type === 'with_clause')?.text ?? '')) return true;
    if (current.type === 'function_definition') {
      const name = current.childForFieldName('name')?.text ?? '';
      if (/^(?:train_step|training_step|train_on_batch|fit)/.test(name)) return true;
      break;
    }
  }
  return false;
}
