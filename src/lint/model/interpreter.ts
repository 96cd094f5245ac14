// A small abstract interpreter over Python statements that tracks what the model-graph needs:
// layer constructions (and containers of them: lists, nn.Sequential, ModuleList/Dict, OrderedDict,
// Keras Sequential), and the flow of tensors through layer applications, functional ops and tensor
// methods. Anything it does not understand becomes UNKNOWN (or an opaque 'other' node when tensors
// go in), so unfamiliar code degrades to silence rather than to guesses.
import { DROPOUT_APIS, DROPOUT_KEYWORD_APIS } from '../frameworks';
import type { SyntaxNode } from '../parser';
import { dottedName, evalNumber, resolveName, type ImportTable } from '../resolve';
import { callArgument, keywordArgument, positionalArguments } from '../syntax';
import type { DropoutInfo } from './graphTypes';
import {
  ESTIMATOR_SPECS, TF_ADD, TF_BIASLESS_WEIGHT_OPS, KERAS_INPUT, KERAS_MODEL, KERAS_SEQUENTIAL, NON_TENSOR_METHODS, kerasActivationName, layerSpec, opSpec, tensorMethodSpec,
} from './catalog';
import {
  join, mergeTensors, tensor, tensorsIn, UNKNOWN, type Def, type DictVal, type INode, type ListVal, type TensorVal, type Val,
} from './values';

/** Deepest expression / statement nesting interpreted (real model code stays far below). */
const MAX_NESTING = 120;
/** Elements of a list/tuple literal interpreted. */
const MAX_LITERAL = 512;

/** A user-defined class of the file, as far as models go. */
export interface ClassInfo {
  name: string;
  node: SyntaxNode;
  /** torch nn.Module, keras Model, keras Layer, or not a model class. */
  /** 'flax': a Flax linen Module (`setup()` builds, `__call__` runs; read like a Keras subclass). */
  role: 'torch' | 'keras-model' | 'keras-layer' | 'flax' | 'none';
  /** Subclass of nn.Sequential / keras Sequential: its children come from __init__. */
  sequentialBase: boolean;
  /** User classes of the file it derives from (nearest first). */
  userBases: ClassInfo[];
  methods: Map<string, SyntaxNode>;
  attrs: Map<string, Val>;
  /** Children when it is a Sequential subclass. */
  seqChildren?: ListVal;
  initialised: boolean;
}

/** What an interpretation reads of the file outside the code it interprets. */
export interface FileTables {
  readonly imports: ImportTable;
  readonly constants: { get(name: string): number | undefined };
  readonly classes: { get(name: string): ClassInfo | undefined; has(name: string): boolean };
  readonly functions: { get(name: string): SyntaxNode | undefined };
  /** Asked only about functions `functions.get` returned. */
  readonly relevant: { has(id: number): boolean };
}

export interface FileInfo extends FileTables {
  imports: ImportTable;
  constants: ReadonlyMap<string, number>;
  classes: Map<string, ClassInfo>;
  functions: Map<string, SyntaxNode>;
  /** Functions (by node id) that can build layers or models: only those are interpreted or inlined. */
  relevant: Set<number>;
  allFunctions: SyntaxNode[];
}

export interface DropoutAssignment {
  node: INode;
  call: SyntaxNode;
  assigned: SyntaxNode;
  inputName: string;
  scope: SyntaxNode;
}

export interface FunctionalModel {
  call: SyntaxNode;
  outputs: Val;
  scope: SyntaxNode;
}

/** State shared by one interpretation (a forward, an __init__, a function scope). */
export class Interp {
  readonly nodes: INode[] = [];
  readonly defs: Def[] = [];
  readonly dropoutAssignments: DropoutAssignment[] = [];
  readonly functionalModels: FunctionalModel[] = [];
  /** Containers (Sequential calls) and keras Model calls created lexically in the scope. */
  readonly containers: Def[] = [];
  readonly trackedLists: ListVal[] = [];
  /** Tracked lists by their items array (a slice or `list * n` shares the array of its source). */
  private readonly trackedByItems = new Map<Val[], ListVal[]>();
  /** Every items array that grew, in order: what grew during a branch without measuring every tracked list. */
  private readonly grownItems: Val[][] = [];
  private steps = 0;
  private inlineStack: SyntaxNode[] = [];
  condDepth = 0;
  aborted = false;
  private nesting = 0;

  constructor(readonly file: FileTables, readonly cls: ClassInfo | undefined, readonly lexicalScope: SyntaxNode, private readonly budget = 40000) {}

  // ---- environment -------------------------------------------------------------------------

  newEnv(parent?: Env): Env {
    return new Env(parent);
  }

  private tick(): boolean {
    if (++this.steps > this.budget) this.aborted = true;
    return !this.aborted;
  }

  private number(node: SyntaxNode | null | undefined, env: Env): { value: number; fromDefault: boolean } | undefined {
    if (!node) return undefined;
    let fromDefault = false;
    const view = {
      get: (name: string): number | undefined => {
        const v = env.get(name);
        if (v?.t === 'num') {
          fromDefault ||= !!v.fromDefault;
          return v.value;
        }
        if (v) return undefined;
        return this.file.constants.get(name);
      },
    } as unknown as ReadonlyMap<string, number>;
    if (node.type === 'attribute' && this.cls) {
      const v = this.evalExpr(node, env);
      return v.t === 'num' ? { value: v.value, fromDefault: !!v.fromDefault } : undefined;
    }
    const value = evalNumber(node, view);
    return value === undefined ? undefined : { value, fromDefault };
  }

  // ---- statements --------------------------------------------------------------------------

  /** Interprets a block; returns the values of `return` statements met (joined by the caller). */
  execBlock(block: SyntaxNode | null | undefined, env: Env, returns: Val[]): void {
    if (!block) return;
    for (const statement of block.namedChildren) {
      if (!statement || this.aborted) return;
      this.execStatement(statement, env, returns);
    }
  }

  private execStatement(statement: SyntaxNode, env: Env, returns: Val[]): void {
    if (!this.tick() || this.nesting >= MAX_NESTING) return;
    this.nesting++;
    try {
      this.execStatementInner(statement, env, returns);
    } finally {
      this.nesting--;
    }
  }

  private execStatementInner(statement: SyntaxNode, env: Env, returns: Val[]): void {
    switch (statement.type) {
      case 'expression_statement':
        for (const expression of statement.namedChildren) if (expression) this.execExpression(expression, env);
        return;
      case 'return_statement': {
        const value = statement.namedChildren[0];
        returns.push(value ? this.evalExpr(value, env) : UNKNOWN);
        return;
      }
      case 'if_statement':
        this.execIf(statement, env, returns);
        return;
      case 'for_statement':
        this.execFor(statement, env, returns);
        return;
      case 'while_statement':
        this.execLoopBody(statement.childForFieldName('body'), env, returns);
        this.execBranchless(statement.childForFieldName('alternative'), env, returns);
        return;
      case 'with_statement': {
        for (const clause of statement.namedChildren) {
          if (clause?.type !== 'with_clause') continue;
          for (const item of clause.namedChildren) {
            const value = item?.childForFieldName('value');
            if (!value) continue;
            if (value.type === 'as_pattern') {
              const inner = value.namedChildren[0];
              const target = value.childForFieldName('alias');
              const v = inner ? this.evalExpr(inner, env) : UNKNOWN;
              if (target) this.assign(target.namedChildren[0] ?? target, v, env);
            } else {
              this.evalExpr(value, env);
            }
          }
        }
        this.execBlock(statement.childForFieldName('body'), env, returns);
        return;
      }
      case 'try_statement': {
        this.execBlock(statement.childForFieldName('body'), env, returns);
        for (const clause of statement.namedChildren) {
          if (!clause) continue;
          if (clause.type === 'except_clause' || clause.type === 'except_group_clause') {
            const body = clause.namedChildren.find((c) => c?.type === 'block');
            this.execLoopBody(body, env, returns);
          } else if (clause.type === 'else_clause') {
            this.execBranchless(clause.childForFieldName('body'), env, returns);
          } else if (clause.type === 'finally_clause') {
            const body = clause.namedChildren.find((c) => c?.type === 'block');
            this.execBlock(body, env, returns);
          }
        }
        return;
      }
      case 'decorated_definition':
      case 'function_definition':
      case 'class_definition':
        return;
      default:
        return;
    }
  }

  /** A block that may or may not run: interpret it on a copy and join. */
  private execBranchless(block: SyntaxNode | null | undefined, env: Env, returns: Val[]): void {
    if (!block) return;
    const branch = env.fork();
    this.condDepth++;
    this.execBlock(block, branch, returns);
    this.condDepth--;
    env.joinFrom([env.fork(), branch]);
  }

  private execLoopBody(block: SyntaxNode | null | undefined, env: Env, returns: Val[]): void {
    this.execBranchless(block, env, returns);
  }

  private execIf(statement: SyntaxNode, env: Env, returns: Val[]): void {
    const arms: SyntaxNode[] = [];
    this.evalExpr(statement.childForFieldName('condition'), env);
    const consequence = statement.childForFieldName('consequence');
    if (consequence) arms.push(consequence);
    let hasElse = false;
    for (const clause of statement.namedChildren) {
      if (clause?.type === 'elif_clause') {
        this.evalExpr(clause.childForFieldName('condition'), env);
        const body = clause.childForFieldName('consequence');
        if (body) arms.push(body);
      } else if (clause?.type === 'else_clause') {
        const body = clause.childForFieldName('body');
        if (body) {
          arms.push(body);
          hasElse = true;
        }
      }
    }
    const branches: Env[] = [];
    const growth = new Map<ListVal, number>();
    this.condDepth++;
    for (const arm of arms) {
      const branch = env.fork();
      const since = this.growthMark();
      this.execBlock(arm, branch, returns);
      branches.push(branch);
      for (const list of this.grownSince(since)) growth.set(list, (growth.get(list) ?? 0) + 1);
    }
    this.condDepth--;
    // Items appended in alternative arms are not a sequence: the order of such a list is unknown.
    for (const [list, arms] of growth) if (arms > 1) list.inexact = true;
    if (!hasElse) branches.push(env.fork());
    env.joinFrom(branches);
  }

  private execFor(statement: SyntaxNode, env: Env, returns: Val[]): void {
    const left = statement.childForFieldName('left');
    const right = statement.childForFieldName('right');
    const body = statement.childForFieldName('body');
    let iterable = this.evalExpr(right, env);
    let enumerated = false;
    if (right?.type === 'call') {
      const fn = right.childForFieldName('function');
      const fnName = fn ? dottedName(fn) : undefined;
      if (fnName === 'enumerate' || fnName === 'reversed') {
        const first = positionalArguments(right)[0];
        iterable = first ? this.evalExpr(first, env) : UNKNOWN;
        enumerated = fnName === 'enumerate';
        if (fnName === 'reversed' && iterable.t === 'list') iterable = { ...iterable, items: [...iterable.items].reverse() };
      }
    }
    if (iterable.t === 'dict') iterable = { t: 'list', items: [...iterable.entries.values()], inexact: false };
    if (iterable.t === 'layer' && iterable.def.children) iterable = iterable.def.children;
    const layerItems = iterable.t === 'list' && !iterable.inexact && iterable.items.length > 0 && iterable.items.length <= 64
      && iterable.items.every((i) => i.t === 'layer' || i.t === 'alt');
    if (layerItems && iterable.t === 'list') {
      // Unrolled: `for layer in self.layers: x = layer(x)` applies each layer in order.
      const loopTarget = enumerated && left?.type === 'pattern_list' ? left.namedChildren[1] : left;
      if (iterable.repeated) this.condDepth++;
      for (const item of iterable.items) {
        if (loopTarget) this.assign(loopTarget, item, env);
        this.execBlock(body, env, returns);
        if (this.aborted) break;
      }
      if (iterable.repeated) this.condDepth--;
      this.execBranchless(statement.childForFieldName('alternative'), env, returns);
      return;
    }
    const branch = env.fork();
    if (left) this.assign(left, iterable.t === 'list' && iterable.items.length === 1 ? iterable.items[0] : UNKNOWN, branch);
    const since = this.growthMark();
    this.condDepth++;
    this.execBlock(body, branch, returns);
    this.condDepth--;
    // Appended once per iteration: the sequence repeats an unknown number of times.
    for (const list of this.grownSince(since)) list.repeated = true;
    env.joinFrom([env.fork(), branch]);
    this.execBranchless(statement.childForFieldName('alternative'), env, returns);
  }

  private execExpression(expression: SyntaxNode, env: Env): void {
    if (expression.type === 'assignment') {
      this.execAssignment(expression, env);
    } else if (expression.type === 'augmented_assignment') {
      const left = expression.childForFieldName('left');
      const right = this.evalExpr(expression.childForFieldName('right'), env);
      const current = left ? this.evalExpr(left, env) : UNKNOWN;
      if (current.t === 'list') {
        // `layers += [nn.ReLU()]`
        this.extendList(current, right);
        return;
      }
      const tensors = [...tensorsIn(current), ...tensorsIn(right)];
      if (left && tensors.length) {
        const op = expression.children.find((c) => c && !c.isNamed)?.text ?? '+=';
        this.assign(left, this.opNode(op.replace('=', ''), op.startsWith('+') && tensors.length > 1 ? 'merge' : 'other', expression, tensors), env);
      } else if (left) {
        this.assign(left, UNKNOWN, env);
      }
    } else {
      this.evalExpr(expression, env);
    }
  }

  private execAssignment(assignment: SyntaxNode, env: Env): void {
    const left = assignment.childForFieldName('left');
    const rightNode = assignment.childForFieldName('right');
    if (!left || !rightNode) return;
    // Chained `a = b = value`: the right side is itself an assignment.
    if (rightNode.type === 'assignment') {
      this.execAssignment(rightNode, env);
      const innerLeft = rightNode.childForFieldName('left');
      this.assign(left, innerLeft ? this.evalExpr(innerLeft, env) : UNKNOWN, env);
      return;
    }
    const before = this.nodes.length;
    const value = this.evalExpr(rightNode, env);
    this.noteDropoutAssignment(left, rightNode, value, before);
    this.assign(left, value, env);
  }

  /** Remembers `y = dropout(x)` (y a new name) for the unused-dropout-output check. */
  private noteDropoutAssignment(left: SyntaxNode, right: SyntaxNode, value: Val, before: number): void {
    if (left.type !== 'identifier' || right.type !== 'call' || value.t !== 'tensor' || value.from.size !== 1) return;
    const [node] = value.from;
    if (node.seq < before || node.def.kind !== 'dropout' || node.call !== right) return;
    const arg = inputArgument(right, node.def);
    if (arg?.type !== 'identifier' || arg.text === left.text) return;
    this.dropoutAssignments.push({ node, call: right, assigned: left, inputName: arg.text, scope: this.lexicalScope });
  }

  assign(target: SyntaxNode, value: Val, env: Env): void {
    switch (target.type) {
      case 'identifier':
        env.set(target.text, value);
        return;
      case 'attribute': {
        const object = target.childForFieldName('object');
        const attr = target.childForFieldName('attribute')?.text;
        if (object?.type === 'identifier' && attr && env.get(object.text)?.t === 'self' && this.cls) {
          this.setAttr(attr, value);
        }
        return;
      }
      case 'subscript': {
        const container = this.evalExpr(target.childForFieldName('value'), env);
        const key = target.childForFieldName('subscript');
        if (container.t === 'dict') {
          if (key?.type === 'string') container.entries.set(stringValue(key), value);
          if (key?.type !== 'string' || this.condDepth > 0) container.inexact = true;
        }
        else if (container.t === 'layer' && container.def.childNames && key?.type === 'string') container.def.childNames.set(stringValue(key), value);
        return;
      }
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern': {
        const targets = target.namedChildren.filter((c): c is SyntaxNode => !!c);
        const items = value.t === 'tuple' || value.t === 'list' ? value.items : undefined;
        targets.forEach((t, i) => {
          const item = items && items.length === targets.length ? items[i] : value.t === 'tensor' ? value : UNKNOWN;
          this.assign(t.type === 'list_splat_pattern' ? t.namedChildren[0] ?? t : t, item, env);
        });
        return;
      }
      default:
        return;
    }
  }

  private setAttr(attr: string, value: Val): void {
    if (!this.cls) return;
    if (value.t === 'layer') {
      nameDef(value.def, `self.${attr}`);
      value.def.usedAsComponent = true;
    } else if (value.t === 'list' || value.t === 'dict') {
      nameItems(value, `self.${attr}`);
    }
    const previous = this.cls.attrs.get(attr);
    this.cls.attrs.set(attr, this.condDepth > 0 && previous ? join(previous, value) : value);
  }

  // ---- expressions -------------------------------------------------------------------------

  evalExpr(node: SyntaxNode | null | undefined, env: Env): Val {
    if (!node || this.aborted) return UNKNOWN;
    // Pathologically deep expressions are not model code: give up on them rather than the stack.
    if (this.nesting >= MAX_NESTING) return UNKNOWN;
    this.nesting++;
    try {
      return this.evalExprInner(node, env);
    } finally {
      this.nesting--;
    }
  }

  private evalExprInner(node: SyntaxNode, env: Env): Val {
    switch (node.type) {
      case 'identifier': {
        const bound = env.get(node.text);
        if (bound) return bound;
        const constant = this.file.constants.get(node.text);
        if (constant !== undefined) return { t: 'num', value: constant };
        if (this.file.classes.has(node.text) && !this.file.imports.lookup(node.text)) return { t: 'class', name: node.text };
        const fn = this.file.functions.get(node.text);
        if (fn && !this.file.imports.lookup(node.text) && this.file.relevant.has(fn.id)) return { t: 'func', node: fn };
        return UNKNOWN;
      }
      case 'integer':
      case 'float': {
        const value = evalNumber(node);
        return value === undefined ? UNKNOWN : { t: 'num', value };
      }
      case 'string':
        return { t: 'str', value: stringValue(node) };
      case 'parenthesized_expression':
        return this.evalExpr(node.namedChildren[0], env);
      case 'unary_operator': {
        const n = this.number(node, env);
        if (n) return { t: 'num', value: n.value, fromDefault: n.fromDefault };
        return this.evalExpr(node.childForFieldName('argument'), env);
      }
      case 'binary_operator':
        return this.evalBinary(node, env);
      case 'attribute':
        return this.evalAttribute(node, env);
      case 'call':
        return this.evalCall(node, env);
      case 'subscript':
        return this.evalSubscript(node, env);
      case 'list':
      case 'tuple':
      case 'expression_list': {
        const items: Val[] = [];
        let inexact = false;
        let repeated = false;
        // Huge literals are data tables, not layer lists: look at the start only.
        const children = node.namedChildCount > MAX_LITERAL ? (inexact = true, Array.from({ length: MAX_LITERAL }, (_, i) => node.namedChild(i))) : node.namedChildren;
        for (const child of children) {
          if (!child || child.type === 'comment') continue;
          if (child.type === 'list_splat') {
            const inner = this.evalExpr(child.namedChildren[0], env);
            if (inner.t === 'list' || inner.t === 'tuple') {
              items.push(...inner.items);
              if (inner.t === 'list') {
                inexact ||= inner.inexact;
                repeated ||= !!inner.repeated;
              }
            } else {
              inexact = true;
            }
            continue;
          }
          items.push(this.evalExpr(child, env));
        }
        if (node.type === 'list') return this.track({ t: 'list', items, inexact, repeated });
        return { t: 'tuple', items };
      }
      case 'list_comprehension':
      case 'generator_expression': {
        // One evaluation of the element stands for all of them.
        const inner = env.fork();
        for (const clause of node.namedChildren) {
          if (clause?.type === 'for_in_clause') {
            const iterable = this.evalExpr(clause.childForFieldName('right'), inner);
            const target = clause.childForFieldName('left');
            if (target) this.assign(target, iterable.t === 'list' && iterable.items.length === 1 ? iterable.items[0] : UNKNOWN, inner);
          }
        }
        this.condDepth++;
        const element = this.evalExpr(node.childForFieldName('body'), inner);
        this.condDepth--;
        return this.track({ t: 'list', items: element.t === 'unknown' ? [] : [element], inexact: element.t === 'unknown', repeated: true });
      }
      case 'dictionary': {
        const dict: DictVal = { t: 'dict', entries: new Map() };
        for (const pair of node.namedChildren) {
          if (pair?.type !== 'pair') continue;
          const key = pair.childForFieldName('key');
          const value = this.evalExpr(pair.childForFieldName('value'), env);
          if (key?.type === 'string') dict.entries.set(stringValue(key), value);
        }
        return dict;
      }
      case 'conditional_expression': {
        const [whenTrue, condition, whenFalse] = node.namedChildren;
        this.evalExpr(condition, env);
        this.condDepth++;
        const a = this.evalExpr(whenTrue, env);
        const b = this.evalExpr(whenFalse, env);
        this.condDepth--;
        return join(a, b);
      }
      case 'boolean_operator': {
        const a = this.evalExpr(node.childForFieldName('left'), env);
        const b = this.evalExpr(node.childForFieldName('right'), env);
        return a.t === 'unknown' ? b : b.t === 'unknown' ? a : join(a, b);
      }
      case 'named_expression': {
        const value = this.evalExpr(node.childForFieldName('value'), env);
        const name = node.childForFieldName('name');
        if (name) this.assign(name, value, env);
        return value;
      }
      case 'await':
        return this.evalExpr(node.namedChildren[0], env);
      default:
        return UNKNOWN;
    }
  }

  private track(list: ListVal): ListVal {
    this.trackedLists.push(list);
    const sharing = this.trackedByItems.get(list.items);
    if (sharing) sharing.push(list);
    else this.trackedByItems.set(list.items, [list]);
    return list;
  }

  /** Every growth of a list's items goes through here (items are only ever added, never removed). */
  private grew(items: Val[]): void {
    this.grownItems.push(items);
  }

  private growthMark(): { lists: number; growths: number } {
    return { lists: this.trackedLists.length, growths: this.grownItems.length };
  }

  /**
   * Tracked lists longer now than at `since`: those that grew since, and those tracked since with
   * items (a list made since counts as grown from empty).
   */
  private grownSince(since: { lists: number; growths: number }): Set<ListVal> {
    const grown = new Set<ListVal>();
    for (let i = since.lists; i < this.trackedLists.length; i++) if (this.trackedLists[i].items.length > 0) grown.add(this.trackedLists[i]);
    for (let i = since.growths; i < this.grownItems.length; i++) for (const list of this.trackedByItems.get(this.grownItems[i]) ?? []) grown.add(list);
    return grown;
  }

  private evalBinary(node: SyntaxNode, env: Env): Val {
    const n = this.number(node, env);
    if (n) return { t: 'num', value: n.value, fromDefault: n.fromDefault };
    const left = this.evalExpr(node.childForFieldName('left'), env);
    const right = this.evalExpr(node.childForFieldName('right'), env);
    const op = node.childForFieldName('operator')?.text ?? '?';
    if (op === '+' && left.t === 'list' && right.t === 'list') {
      return this.track({ t: 'list', items: [...left.items, ...right.items], inexact: left.inexact || right.inexact });
    }
    if (op === '*' && (left.t === 'list' || right.t === 'list')) {
      const list = left.t === 'list' ? left : right as ListVal;
      return this.track({ t: 'list', items: list.items, inexact: list.inexact, repeated: true });
    }
    const tensors = [...tensorsIn(left), ...tensorsIn(right)].filter((t) => t.t === 'tensor');
    if (!tensors.length) return UNKNOWN;
    if (op === '+' && isBiasAdd(tensors)) return this.opNode(op, 'identity', node, tensors);
    return this.opNode(op, tensors.length > 1 ? 'merge' : 'other', node, tensors);
  }

  private evalAttribute(node: SyntaxNode, env: Env): Val {
    const object = this.evalExpr(node.childForFieldName('object'), env);
    const attr = node.childForFieldName('attribute')?.text ?? '';
    switch (object.t) {
      case 'self': {
        const value = this.lookupAttr(attr);
        if (value) return value;
        const method = this.cls ? findMethod(this.cls, attr) : undefined;
        if (method) return { t: 'func', node: method, boundSelf: true };
        if (attr === 'training') return UNKNOWN;
        return UNKNOWN;
      }
      case 'layer': {
        const child = object.def.childNames?.get(attr);
        return child ?? UNKNOWN;
      }
      case 'tensor':
        // `x.T`, `x.data` carry the same data; `x.shape` and friends are metadata.
        return attr === 'T' || attr === 'mT' || attr === 'data' ? object : UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  private lookupAttr(attr: string): Val | undefined {
    if (!this.cls) return undefined;
    return this.cls.attrs.get(attr);
  }

  private evalSubscript(node: SyntaxNode, env: Env): Val {
    const container = this.evalExpr(node.childForFieldName('value'), env);
    const index = node.childForFieldName('subscript');
    if (container.t === 'list' || container.t === 'tuple') {
      const i = index?.type === 'integer' || index?.type === 'unary_operator' ? this.number(index, env)?.value : undefined;
      if (i !== undefined && Number.isInteger(i) && (container.t === 'tuple' || !(container as ListVal).inexact)) {
        const item = container.items[i < 0 ? container.items.length + i : i];
        if (item) return item;
      }
      if (index?.type === 'slice' && container.t === 'list') return { ...container, inexact: true };
      // `self.layers[i](x)`: any of the layers.
      const layers = container.items.filter((item) => item.t === 'layer');
      if (layers.length && layers.length === container.items.length && layers.length <= 8) {
        return layers.length === 1 ? layers[0] : { t: 'alt', options: layers };
      }
      const tensors = tensorsIn(container);
      return tensors.length ? mergeTensors(tensors)! : UNKNOWN;
    }
    if (container.t === 'dict' && index?.type === 'string') return container.entries.get(stringValue(index)) ?? UNKNOWN;
    if (container.t === 'dict' && index && !container.inexact) {
      // `self.heads[task](x)`: any of the entries.
      const values = [...container.entries.values()];
      if (values.length && values.length <= 8 && values.every((v) => v.t === 'layer')) return values.length === 1 ? values[0] : { t: 'alt', options: values };
    }
    if (container.t === 'layer' && container.def.children) {
      const i = index ? this.number(index, env)?.value : undefined;
      const items = container.def.children.items;
      if (i !== undefined && Number.isInteger(i) && !container.def.children.inexact) return items[i < 0 ? items.length + i : i] ?? UNKNOWN;
      return UNKNOWN;
    }
    if (container.t === 'tensor') {
      // Indexing/slicing keeps the data (a view); a tensor index of a list is still the tensor.
      if (index) this.evalExpr(index, env);
      return this.opNode('[]', 'reshape', node, [container]);
    }
    return UNKNOWN;
  }

  // ---- calls -------------------------------------------------------------------------------

  private evalCall(call: SyntaxNode, env: Env): Val {
    const fn = call.childForFieldName('function');
    if (!fn) return UNKNOWN;
    const args = this.evalArgs(call, env);
    // A local binding shadows an import of the same name.
    const localHead = fn.type === 'identifier' ? env.get(fn.text) : undefined;
    const qualified = localHead ? undefined : resolveName(fn, this.file.imports);
    if (qualified) return this.callFramework(qualified, call, args, env);

    if (fn.type === 'attribute') {
      const objectNode = fn.childForFieldName('object');
      const method = fn.childForFieldName('attribute')?.text ?? '';
      const object = objectNode ? this.evalExpr(objectNode, env) : UNKNOWN;
      const handled = this.callMethod(object, method, call, args, env);
      if (handled) return handled;
    } else if (fn.type === 'identifier' && fn.text === 'super') {
      return { t: 'super' };
    } else if (fn.type === 'identifier' && !localHead && (fn.text === 'OrderedDict' || fn.text === 'dict')) {
      return this.orderedDict(args);
    } else if (fn.type === 'identifier' && !localHead && (fn.text === 'list' || fn.text === 'tuple')) {
      const inner = args.positional[0];
      return inner && (inner.t === 'list' || inner.t === 'tuple') ? this.track({ t: 'list', items: [...inner.items], inexact: inner.t === 'list' && inner.inexact }) : UNKNOWN;
    }
    const callee = this.evalExpr(fn, env);
    return this.apply(callee, call, args, env);
  }

  private evalArgs(call: SyntaxNode, env: Env): Args {
    // Most calls pass no keyword: they share one empty map, a call with keywords gets its own.
    const result: Args = { positional: [], keywords: NO_KEYWORDS, splat: undefined };
    const list = call.childForFieldName('arguments');
    let keywords: Map<string, Val> | undefined;
    if (!list) return result;
    if (list.type === 'generator_expression') {
      result.positional.push(this.evalExpr(list, env));
      return result;
    }
    const args = list.namedChildCount > MAX_LITERAL ? Array.from({ length: MAX_LITERAL }, (_, i) => list.namedChild(i)) : list.namedChildren;
    if (args.length < list.namedChildCount) result.splat = { t: 'list', items: [], inexact: true };
    for (const arg of args) {
      if (!arg || arg.type === 'comment') continue;
      if (arg.type === 'keyword_argument') {
        const name = arg.childForFieldName('name')?.text;
        if (name) {
          keywords ??= result.keywords = new Map();
          keywords.set(name, this.evalExpr(arg.childForFieldName('value'), env));
        }
      } else if (arg.type === 'list_splat') {
        const inner = this.evalExpr(arg.namedChildren[0], env);
        if (inner.t === 'list' || inner.t === 'tuple') {
          result.positional.push(...inner.items);
          if (inner.t === 'list' && inner.inexact) result.splat = inner;
          if (inner.t === 'list' && inner.repeated) result.repeated = true;
        } else {
          result.splat = { t: 'list', items: [], inexact: true };
        }
      } else if (arg.type === 'dictionary_splat') {
        this.evalExpr(arg.namedChildren[0], env);
      } else {
        result.positional.push(this.evalExpr(arg, env));
      }
    }
    return result;
  }

  private orderedDict(args: Args): Val {
    const source = args.positional[0];
    const dict: DictVal = { t: 'dict', entries: new Map() };
    if (source?.t === 'list' || source?.t === 'tuple') {
      for (const item of source.items) {
        if (item.t === 'tuple' && item.items.length === 2 && item.items[0].t === 'str') dict.entries.set(item.items[0].value, item.items[1]);
      }
    } else if (source?.t === 'dict') {
      for (const [k, v] of source.entries) dict.entries.set(k, v);
    }
    for (const [k, v] of args.keywords) dict.entries.set(k, v);
    return dict;
  }

  /** Calls into torch / keras / tf, by canonical qualified name. */
  private callFramework(qualified: string, call: SyntaxNode, args: Args, env: Env): Val {
    const dropout = DROPOUT_APIS.get(qualified);
    if (dropout) {
      const info = this.dropoutInfo(call, qualified, env);
      if (dropout.style === 'module') {
        return { t: 'layer', def: this.newDef({ kind: 'dropout', qualifiedName: qualified, display: dropout.display, dropout: info, node: call, framework: dropout.framework === 'torch' ? 'torch' : 'keras' }) };
      }
      const input = this.tensorArgument(call, args, env);
      if (dropout.variant === 'attention') {
        const tensors = [...args.positional.slice(0, 3), ...['query', 'key', 'value'].map((k) => args.keywords.get(k) ?? UNKNOWN)].flatMap((v) => tensorsIn(v));
        const def = this.newDef({ kind: 'attention', qualifiedName: qualified, display: dropout.display, dropout: info, node: call, framework: 'torch' });
        return this.applyDef(def, tensors, call);
      }
      const def = this.newDef({ kind: 'dropout', qualifiedName: qualified, display: dropout.display, dropout: info, node: call, framework: dropout.framework === 'torch' ? 'torch' : 'keras' });
      return this.applyDef(def, input ? tensorsIn(input) : [], call);
    }
    if (qualified === 'torch.nn.Sequential') return this.sequential(call, args, 'torch-sequential', qualified);
    if (KERAS_SEQUENTIAL.has(qualified)) return this.sequential(call, args, 'keras-sequential', qualified);
    if (qualified === 'torch.nn.ModuleList') {
      const source = args.positional[0];
      if (!source) return this.track({ t: 'list', items: [], inexact: false });
      if (source.t === 'list' || source.t === 'tuple') return this.track({ t: 'list', items: [...source.items], inexact: source.t === 'list' && source.inexact, repeated: source.t === 'list' && source.repeated });
      return this.track({ t: 'list', items: [], inexact: true });
    }
    if (qualified === 'torch.nn.ModuleDict') {
      const source = args.positional[0];
      return source?.t === 'dict' ? { t: 'dict', entries: new Map(source.entries) } : { t: 'dict', entries: new Map() };
    }
    if (qualified === 'collections.OrderedDict') return this.orderedDict(args);
    if (KERAS_INPUT.has(qualified)) {
      // The model input as a node of its own (its shape gives the visualisation an input size).
      const shape = callArgument(call, 'shape', 0);
      const dims = shape?.type === 'tuple' || shape?.type === 'list' ? shape.namedChildren.filter((c) => c && c.type !== 'comment') : [];
      const size = dims.length === 1 ? this.number(dims[0], env)?.value : undefined;
      const def = this.newDef({ kind: 'input', qualifiedName: qualified, display: 'Input', node: call, framework: 'keras', outFeatures: size !== undefined && Number.isInteger(size) ? size : undefined });
      const value = this.applyDef(def, [], call);
      for (const n of (value as TensorVal).from) n.fromInput = true;
      return value;
    }
    if (KERAS_MODEL.has(qualified)) {
      // Keras 1 spelled the keywords `input=` / `output=`.
      const outputs = args.keywords.get('outputs') ?? args.keywords.get('output') ?? args.positional[1] ?? UNKNOWN;
      this.functionalModels.push({ call, outputs, scope: this.lexicalScope });
      return { t: 'layer', def: this.newDef({ kind: 'other', qualifiedName: qualified, display: 'Model', node: call, framework: 'keras' }) };
    }
    if (TF_ADD.has(qualified)) {
      const tensors = [...args.positional, ...args.keywords.values()].flatMap((v) => tensorsIn(v));
      if (isBiasAdd(tensors)) return this.opNode(shortDisplay(qualified), 'identity', call, tensors);
    }
    // An Estimator's model_fn hands over its predictions: they are what the model outputs.
    if (ESTIMATOR_SPECS.has(qualified)) return args.keywords.get('predictions') ?? args.positional[1] ?? UNKNOWN;
    const spec = layerSpec(qualified);
    if (spec) return { t: 'layer', def: this.layerDef(qualified, spec, call, env) };
    const op = opSpec(qualified);
    if (op) {
      let inputs: TensorVal[];
      if (op.tensorArg === 'list') inputs = tensorsIn(args.positional[0] ?? args.keywords.get('tensors') ?? args.keywords.get('values') ?? UNKNOWN);
      else {
        const first = args.positional[op.tensorArg ?? 0] ?? args.keywords.get('input') ?? args.keywords.get('x');
        inputs = first ? tensorsIn(first) : [];
        if (op.kind === 'merge') inputs = [...inputs, ...args.positional.slice(1).flatMap((v) => tensorsIn(v))];
      }
      let kind = op.kind;
      if (kind === 'pool' && /adaptive_/.test(qualified) && isUnitSize(callArgument(call, 'output_size', 1), this, env)) kind = 'global-pool';
      const def = this.newDef({ kind, activation: op.activation, qualifiedName: qualified, display: shortDisplay(qualified), node: call, framework: qualified.startsWith('torch') ? 'torch' : 'keras' });
      return this.applyDef(def, inputs, call);
    }
    // Other framework calls: a layer class we do not classify, or a tensor-producing function.
    const last = qualified.slice(qualified.lastIndexOf('.') + 1);
    if (/^[A-Z]/.test(last) && /^(torch\.nn|keras\.layers|torchvision\.ops)\./.test(qualified)) {
      return { t: 'layer', def: this.newDef({ kind: 'other', qualifiedName: qualified, display: shortDisplay(qualified), node: call, framework: qualified.startsWith('torch') ? 'torch' : 'keras' }) };
    }
    const tensors = [...args.positional, ...args.keywords.values()].flatMap((v) => tensorsIn(v));
    if (tensors.length) return this.opNode(shortDisplay(qualified), 'other', call, tensors);
    return UNKNOWN;
  }

  private sequential(call: SyntaxNode, args: Args, container: 'torch-sequential' | 'keras-sequential', qualified: string): Val {
    let items: Val[] = args.positional;
    let childNames: Map<string, Val> | undefined;
    let dictInexact = false;
    if (container === 'keras-sequential') {
      const layers = args.keywords.get('layers') ?? args.positional[0];
      items = layers && (layers.t === 'list' || layers.t === 'tuple') ? [...layers.items] : [];
    } else if (items.length === 1 && items[0].t === 'dict') {
      childNames = new Map(items[0].entries);
      dictInexact = !!items[0].inexact;
      items = [...items[0].entries.values()];
    }
    const inexact = dictInexact || !!args.splat || items.some((i) => i.t === 'unknown' && container === 'keras-sequential');
    const children = this.track({ t: 'list', items: [...items], inexact, repeated: args.repeated });
    for (const item of items) markComponent(item);
    const def = this.newDef({
      kind: 'other', qualifiedName: qualified, display: container === 'torch-sequential' ? 'nn.Sequential' : 'Sequential', node: call,
      container, children, childNames, framework: container === 'torch-sequential' ? 'torch' : 'keras',
    });
    if (isLexicallyIn(call, this.lexicalScope)) this.containers.push(def);
    return { t: 'layer', def };
  }

  private layerDef(qualified: string, spec: NonNullable<ReturnType<typeof layerSpec>>, call: SyntaxNode, env: Env): Def {
    const framework = qualified.startsWith('torch') ? 'torch' : 'keras';
    let kind = spec.kind;
    let activation = spec.activation;
    if (kind === 'pool' && /Adaptive/.test(qualified) && isUnitSize(callArgument(call, 'output_size', 0), this, env)) kind = 'global-pool';
    if (framework === 'keras') {
      const act = qualified === 'keras.layers.Activation' ? callArgument(call, 'activation', 0) : keywordArgument(call, 'activation');
      const named = act ? this.activationOf(act) : undefined;
      if (qualified === 'keras.layers.Activation') activation = named ?? 'other';
      else if (named && named !== 'linear') activation = named;
    }
    const size = (arg: [number, string] | undefined): number | undefined => {
      if (!arg) return undefined;
      const n = this.number(callArgument(call, arg[1], arg[0]), env);
      return n && Number.isInteger(n.value) ? n.value : undefined;
    };
    let dropout: DropoutInfo | undefined;
    const display = shortDisplay(qualified);
    if (DROPOUT_KEYWORD_APIS.has(qualified)) {
      const rateNode = keywordArgument(call, 'dropout') ?? (framework === 'keras' ? keywordArgument(call, 'recurrent_dropout') : undefined);
      const rate = rateNode ? this.number(rateNode, env) : undefined;
      if (rateNode) dropout = { variant: kind === 'attention' ? 'attention' : 'recurrent', rate: rate?.value, rateNode, api: display, style: 'module' };
    }
    let inFeatures = size(spec.inArg);
    if (framework === 'keras' && inFeatures === undefined) {
      const inputDim = this.number(keywordArgument(call, 'input_dim'), env)?.value;
      const inputShape = keywordArgument(call, 'input_shape');
      const dims = inputShape?.type === 'tuple' || inputShape?.type === 'list' ? inputShape.namedChildren.filter((c) => c && c.type !== 'comment') : [];
      const fromShape = dims.length === 1 ? this.number(dims[0], env)?.value : undefined;
      const n = inputDim ?? fromShape;
      if (n !== undefined && Number.isInteger(n)) inFeatures = n;
    }
    return this.newDef({ kind, activation, qualifiedName: qualified, display, node: call, framework, inFeatures, outFeatures: size(spec.outArg), dropout });
  }

  private activationOf(node: SyntaxNode): ReturnType<typeof kerasActivationName> {
    if (node.type === 'string') return kerasActivationName(stringValue(node)) ?? 'other';
    const qualified = resolveName(node, this.file.imports);
    if (qualified) {
      const op = opSpec(qualified);
      if (op?.activation) return op.activation;
      const last = qualified.slice(qualified.lastIndexOf('.') + 1);
      return kerasActivationName(last) ?? 'other';
    }
    return node.type === 'none' ? undefined : 'other';
  }

  private dropoutInfo(call: SyntaxNode, qualified: string, env: Env): DropoutInfo {
    const api = DROPOUT_APIS.get(qualified)!;
    let rateNode = callArgument(call, api.rateKeyword, api.ratePosition);
    let rate: number | undefined;
    let fromDefault = false;
    const keep = api.legacyKeepKeyword ? keywordArgument(call, api.legacyKeepKeyword) : undefined;
    if (!rateNode && keep) {
      const k = this.number(keep, env);
      rateNode = keep;
      rate = k ? 1 - k.value : undefined;
    } else if (rateNode) {
      const n = this.number(rateNode, env);
      // `tf.contrib.layers.dropout(x, keep_prob)`: the graph speaks in drop rates.
      rate = n && api.rateMeaning === 'keep' ? 1 - n.value : n?.value;
      fromDefault = !!n?.fromDefault;
    }
    const info: DropoutInfo = { variant: api.variant, rate, rateNode, api: api.display, style: api.style };
    if (!rateNode && (api.defaultRate !== undefined || api.framework === 'torch')) {
      info.rate = api.defaultRate ?? 0.5;
      info.defaultRate = true;
    }
    if (fromDefault) info.rateIsParameterDefault = true;
    return info;
  }

  private tensorArgument(call: SyntaxNode, args: Args, env: Env): Val | undefined {
    void call;
    void env;
    return args.positional[0] ?? args.keywords.get('input') ?? args.keywords.get('x');
  }

  /** Method calls: list building, container mutation, tensor methods, self methods. */
  private callMethod(object: Val, method: string, call: SyntaxNode, args: Args, env: Env): Val | undefined {
    switch (object.t) {
      case 'list':
        if (method === 'append' || method === 'insert') {
          const item = method === 'insert' ? args.positional[1] : args.positional[0];
          if (item) this.appendTo(object, item, method === 'insert' ? this.number(positionalArguments(call)[0], env)?.value : undefined);
          return UNKNOWN;
        }
        if (method === 'extend') {
          if (args.positional[0]) this.extendList(object, args.positional[0]);
          return UNKNOWN;
        }
        if (method === 'pop' || method === 'remove' || method === 'clear' || method === 'reverse' || method === 'sort') {
          object.inexact = true;
          return UNKNOWN;
        }
        if (method === 'children' || method === 'modules' || method === 'copy') return object;
        return undefined;
      case 'dict':
        if (method === 'values' || method === 'children') return { t: 'list', items: [...object.entries.values()], inexact: false };
        if (method === 'items') return { t: 'list', items: [...object.entries].map(([k, v]) => ({ t: 'tuple', items: [{ t: 'str', value: k }, v] })), inexact: false };
        if (method === 'update' && args.positional[0]?.t === 'dict') {
          for (const [k, v] of (args.positional[0] as DictVal).entries) object.entries.set(k, v);
          return UNKNOWN;
        }
        return undefined;
      case 'layer': {
        const def = object.def;
        if (def.container && def.children) {
          if (method === 'add' || method === 'append') {
            if (args.positional[0]) {
              this.appendTo(def.children, args.positional[0]);
              markComponent(args.positional[0]);
            }
            return UNKNOWN;
          }
          if (method === 'add_module' || method === 'register_module') {
            const name = args.positional[0];
            const module = args.positional[1];
            if (module) {
              this.appendTo(def.children, module);
              markComponent(module);
              if (name?.t === 'str') (def.childNames ??= new Map()).set(name.value, module);
            }
            return UNKNOWN;
          }
          if (method === 'children' || method === 'modules') return def.children;
        }
        if (isModelMethod(method)) return UNKNOWN;
        return undefined;
      }
      case 'tensor':
        return this.tensorMethod(object, method, call, args);
      case 'self':
        if (method === 'add_module' || method === 'register_module') {
          const name = args.positional[0];
          const module = args.positional[1];
          if (this.cls && module) {
            if (name?.t === 'str') this.setAttr(name.value, module);
            if (this.cls.seqChildren) {
              this.appendTo(this.cls.seqChildren, module);
              if (module.t === 'layer' && name?.t === 'str') nameDef(module.def, name.value);
            }
            markComponent(module);
          }
          return UNKNOWN;
        }
        if (method === 'append' && this.cls?.seqChildren) {
          if (args.positional[0]) this.appendTo(this.cls.seqChildren, args.positional[0]);
          return UNKNOWN;
        }
        return undefined;
      case 'super':
        if (method === '__init__' && this.cls) {
          this.superInit(args);
          return UNKNOWN;
        }
        if (this.cls) {
          const base = this.cls.userBases.map((b) => findMethod(b, method)).find((m) => !!m);
          if (base) return this.inline(base, call, args, env, true);
        }
        return UNKNOWN;
      case 'class':
        if (method === '__init__' && this.cls) {
          this.superInit({ ...args, positional: args.positional.slice(1) });
          return UNKNOWN;
        }
        return undefined;
      default:
        return undefined;
    }
  }

  /** `super().__init__(...)`: runs user bases' __init__ and takes Sequential children. */
  private superInit(args: Args): void {
    const cls = this.cls!;
    const base = cls.userBases[0];
    if (base) {
      const init = findMethod(base, '__init__');
      if (init && !this.inlineStack.includes(init)) {
        const env = this.newEnv();
        this.bindParams(init, env, args, true);
        this.inlineStack.push(init);
        this.execBlock(init.childForFieldName('body'), env, []);
        this.inlineStack.pop();
      }
      if (!cls.sequentialBase || cls.seqChildren?.items.length) return;
    }
    if (cls.sequentialBase) {
      let items = args.positional;
      if (items.length === 1 && items[0].t === 'dict') {
        for (const [k, v] of items[0].entries) this.setAttr(k, v);
        items = [...items[0].entries.values()];
      }
      const children = cls.seqChildren ?? this.track({ t: 'list', items: [], inexact: false });
      children.items.push(...items);
      if (items.length) this.grew(children.items);
      if (args.splat) children.inexact = true;
      for (const item of items) markComponent(item);
      cls.seqChildren = children;
    }
  }

  private tensorMethod(object: TensorVal, method: string, call: SyntaxNode, args: Args): Val {
    if (NON_TENSOR_METHODS.has(method)) return UNKNOWN;
    if (method === 'mean' || method === 'amax' || method === 'max' || method === 'sum' || method === 'logsumexp') {
      const kind = args.positional.length || args.keywords.has('dim') || args.keywords.has('axis') ? 'global-pool' : 'other';
      return this.opNode(method, kind, call, [object]);
    }
    if (method === 'masked_fill' || method === 'add' || method === 'mul' || method === 'matmul' || method === 'bmm') {
      return this.opNode(method, 'merge', call, [object, ...args.positional.flatMap((v) => tensorsIn(v))]);
    }
    if (method === 'chunk' || method === 'split' || method === 'unbind') {
      const part = this.opNode(method, 'reshape', call, [object]);
      return part;
    }
    // `x.view(x.size(0), -1)` / `x.view(-1, 16 * 5 * 5)` / `x.reshape(batch, -1)`: a 2-D result is a flatten.
    if ((method === 'view' || method === 'reshape') && isFlattenShape(call)) {
      return this.opNode(method, 'flatten', call, [object]);
    }
    const spec = tensorMethodSpec(method);
    if (spec) {
      const def = this.newDef({ kind: spec.kind, activation: spec.activation, display: method, node: call });
      return this.applyDef(def, [object], call);
    }
    return this.opNode(method, 'other', call, [object, ...args.positional.flatMap((v) => tensorsIn(v))]);
  }

  private appendTo(list: ListVal, item: Val, at?: number): void {
    if (at !== undefined && Number.isInteger(at) && at >= 0 && at <= list.items.length) {
      list.items.splice(at, 0, item);
      this.grew(list.items);
    } else if (at !== undefined) {
      list.inexact = true;
    } else {
      list.items.push(item);
      this.grew(list.items);
    }
    if (item.t === 'layer' && this.condDepth > 0) item.def.conditional = true;
  }

  private extendList(list: ListVal, items: Val): void {
    if (items.t === 'list' || items.t === 'tuple') {
      for (const item of items.items) this.appendTo(list, item);
      if (items.t === 'list' && items.inexact) list.inexact = true;
      if (items.t === 'list' && items.repeated) list.repeated = true;
    } else if (items.t === 'layer' && items.def.children) {
      for (const item of items.def.children.items) this.appendTo(list, item);
      if (items.def.children.repeated) list.repeated = true;
    } else {
      list.inexact = true;
    }
  }

  /** Applies a callee value to arguments. */
  apply(callee: Val, call: SyntaxNode, args: Args, env: Env): Val {
    const inputs = [...args.positional, ...args.keywords.values()].flatMap((v) => tensorsIn(v));
    switch (callee.t) {
      case 'layer':
        return this.applyDef(callee.def, inputs, call);
      case 'alt': {
        const results = callee.options.map((option) => this.apply(option, call, args, env));
        const tensors = results.flatMap((r) => tensorsIn(r));
        if (tensors.length) return mergeTensors(tensors)!;
        return results.reduce<Val>((a, b) => join(a, b), UNKNOWN);
      }
      case 'class': {
        const info = this.file.classes.get(callee.name);
        if (!info || info.role === 'none') return inputs.length ? this.opNode(callee.name, 'other', call, inputs) : UNKNOWN;
        // Modules handed to another model's constructor (`Pair(Encoder(), head)`) are its parts.
        for (const arg of [...args.positional, ...args.keywords.values()]) markComponent(arg);
        return { t: 'layer', def: this.newDef({ kind: 'other', display: callee.name, node: call, userClass: callee.name, framework: info.role === 'torch' ? 'torch' : 'keras' }) };
      }
      case 'func':
        return this.inline(callee.node, call, args, env, !!callee.boundSelf);
      case 'tensor':
        return this.opNode('call', 'other', call, [callee, ...inputs]);
      default:
        return inputs.length ? this.opNode(calleeText(call), 'other', call, inputs) : UNKNOWN;
    }
  }

  /** Applies a layer definition (containers apply their children in order). */
  applyDef(def: Def, inputs: TensorVal[], call: SyntaxNode | undefined): Val {
    if (def.container && def.children) {
      if (inputs.length) def.usedAsComponent ||= inputs.some((t) => t.from.size > 0 || t.input);
      let value: Val = mergeTensors(inputs) ?? tensor([]);
      for (const child of def.children.items) {
        const tensors = tensorsIn(value);
        value = this.applyChild(child, tensors, call);
      }
      return value;
    }
    if (def.userClass && inputs.length) def.usedAsComponent = true;
    if (def.qualifiedName && KERAS_MODEL.has(def.qualifiedName) && inputs.some((t) => t.from.size > 0 || t.input)) def.usedAsComponent = true;
    const node: INode = { def, call, preds: [], fromInput: false, seq: this.nodes.length };
    const preds = new Set<INode>();
    for (const input of inputs) {
      for (const p of input.from) preds.add(p);
      node.fromInput ||= input.input;
    }
    node.preds = [...preds];
    this.nodes.push(node);
    return tensor([node]);
  }

  private applyChild(child: Val, inputs: TensorVal[], call: SyntaxNode | undefined): Val {
    switch (child.t) {
      case 'layer':
        return this.applyDef(child.def, inputs, undefined);
      case 'alt': {
        const out = child.options.flatMap((o) => tensorsIn(this.applyChild(o, inputs, call)));
        return mergeTensors(out) ?? UNKNOWN;
      }
      case 'list': case 'tuple': {
        let value: Val = mergeTensors(inputs) ?? tensor([]);
        for (const item of child.items) value = this.applyChild(item, tensorsIn(value), call);
        return value;
      }
      case 'tensor':
        // `keras.Input(...)` listed first in a Sequential: the chain starts there.
        return [...child.from].every((n) => n.def.kind === 'input') && child.from.size ? child : mergeTensors(inputs) ?? UNKNOWN;
      default: {
        const def = this.newDef({ kind: 'other', display: '?', node: call ?? this.lexicalScope });
        return this.applyDef(def, inputs, undefined);
      }
    }
  }

  /** An op node for arithmetic, tensor methods and unknown calls. */
  private opNode(display: string, kind: Def['kind'], node: SyntaxNode, inputs: TensorVal[]): Val {
    const def = this.newDef({ kind, display, node });
    return this.applyDef(def, inputs, node);
  }

  newDef(fields: Omit<Def, 'conditional'> & { conditional?: boolean }): Def {
    const def: Def = { ...fields, scope: this.lexicalScope };
    if (this.condDepth > 0) def.conditional = true;
    this.defs.push(def);
    return def;
  }

  /** Interprets a user function / method with the call's arguments; its returns are the result. */
  inline(fnNode: SyntaxNode, call: SyntaxNode, args: Args, env: Env, boundSelf: boolean): Val {
    void env;
    if (this.inlineStack.length >= 4 || this.inlineStack.includes(fnNode)) {
      const inputs = [...args.positional, ...args.keywords.values()].flatMap((v) => tensorsIn(v));
      return inputs.length ? this.opNode(calleeText(call), 'other', call, inputs) : UNKNOWN;
    }
    const inner = this.newEnv();
    this.bindParams(fnNode, inner, args, boundSelf);
    const returns: Val[] = [];
    this.inlineStack.push(fnNode);
    this.execBlock(fnNode.childForFieldName('body'), inner, returns);
    this.inlineStack.pop();
    if (!returns.length) return UNKNOWN;
    return returns.reduce<Val>((a, b) => join(a, b), returns[0]);
  }

  /** Binds parameters: `self`, positional/keyword arguments, literal defaults. */
  bindParams(fnNode: SyntaxNode, env: Env, args: Args | undefined, boundSelf: boolean): string[] {
    const params = fnNode.childForFieldName('parameters');
    const names: string[] = [];
    let position = 0;
    let first = true;
    for (const param of params?.namedChildren ?? []) {
      if (!param) continue;
      if (param.type === 'list_splat_pattern' || param.type === 'dictionary_splat_pattern' || param.type === 'keyword_separator' || param.type === 'positional_separator') {
        const inner = param.namedChildren[0];
        if (inner?.type === 'identifier') env.set(inner.text, UNKNOWN);
        if (param.type === 'list_splat_pattern') position = Number.POSITIVE_INFINITY;
        continue;
      }
      const nameNode = param.type === 'identifier' ? param : param.childForFieldName('name') ?? param.namedChildren[0];
      const name = nameNode?.type === 'identifier' ? nameNode.text : undefined;
      if (!name) continue;
      if (first && boundSelf) {
        first = false;
        env.set(name, { t: 'self' });
        continue;
      }
      first = false;
      names.push(name);
      let value: Val | undefined = args?.keywords.get(name);
      if (!value && args && position < args.positional.length) value = args.positional[position];
      position++;
      if (!value) {
        const defaultNode = param.childForFieldName('value');
        const n = defaultNode ? this.number(defaultNode, env) : undefined;
        if (n) value = { t: 'num', value: n.value, fromDefault: true };
        else if (defaultNode?.type === 'string') value = { t: 'str', value: stringValue(defaultNode) };
      }
      env.set(name, value ?? UNKNOWN);
    }
    return names;
  }
}

const NO_KEYWORDS: ReadonlyMap<string, Val> = new Map();

export interface Args {
  positional: Val[];
  keywords: ReadonlyMap<string, Val>;
  /** A `*list` whose items are not statically known. */
  splat: ListVal | undefined;
  /** A `*list` built in a loop (its items repeat). */
  repeated?: boolean;
}

export class Env {
  /** Bindings made in this environment, on top of those of `base` when it is a fork. */
  private readonly vars = new Map<string, Val>();

  /**
   * A fork reads the bindings of the environment it was forked from through `base` instead of
   * copying them: a module body can hold hundreds of names and forks at every `if` and `for`.
   * That relies on the base not being written while its forks are in use, which holds for the
   * interpreter: a branch runs on its fork alone, and the forks are joined back (then dropped).
   */
  constructor(private readonly parent?: Env, private readonly base?: Env) {}

  /** A binding of this environment or of those it was forked from (not of the parent). */
  private own(name: string): Val | undefined {
    const value = this.vars.get(name);
    if (value !== undefined) return value;
    for (let env = this.base; env; env = env.base) {
      const inherited = env.vars.get(name);
      if (inherited !== undefined) return inherited;
    }
    return undefined;
  }

  private ownNames(): Set<string> {
    const names = new Set<string>(this.vars.keys());
    for (let env = this.base; env; env = env.base) for (const name of env.vars.keys()) names.add(name);
    return names;
  }

  get(name: string): Val | undefined {
    return this.own(name) ?? this.parent?.get(name);
  }

  set(name: string, value: Val): void {
    this.vars.set(name, value);
  }

  fork(): Env {
    return new Env(this.parent, this);
  }

  /**
   * Replaces this environment's bindings by the join of the branches: for every name bound in a
   * branch, the join of its values in the branches that bind it, in branch order.
   */
  joinFrom(branches: Env[]): void {
    if (branches.every((b) => b.base === this)) {
      // Forks of this environment: only names a branch bound itself can differ from ours (in the
      // others a branch sees our value, and joining a value with itself gives it back).
      const names = new Set<string>();
      for (const b of branches) for (const name of b.vars.keys()) names.add(name);
      for (const name of names) {
        const current = this.own(name);
        let value: Val | undefined;
        for (const b of branches) {
          const bound = b.vars.has(name) ? b.vars.get(name) : current;
          value = value === undefined ? bound : join(value, bound);
        }
        if (value) this.vars.set(name, value);
      }
      return;
    }
    const names = new Set<string>();
    for (const b of branches) for (const name of b.ownNames()) names.add(name);
    const joined = new Map<string, Val>();
    for (const name of names) {
      let value: Val | undefined;
      for (const b of branches) value = value === undefined ? b.own(name) : join(value, b.own(name));
      if (value) joined.set(name, value);
    }
    for (const [name, value] of joined) this.vars.set(name, value);
  }
}

// ---- helpers ---------------------------------------------------------------------------------

export function findMethod(cls: ClassInfo, name: string, depth = 0): SyntaxNode | undefined {
  const own = cls.methods.get(name);
  if (own || depth > 8) return own;
  for (const base of cls.userBases) {
    const found = findMethod(base, name, depth + 1);
    if (found) return found;
  }
  return undefined;
}

export function stringValue(node: SyntaxNode): string {
  const content = node.namedChildren.find((c) => c?.type === 'string_content');
  if (content) return content.text;
  return node.text.replace(/^[a-zA-Z]*(['"]{1,3})([\s\S]*)\1$/, '$2');
}

function nameDef(def: Def, name: string): void {
  if (!def.name) def.name = name;
  if (def.children) nameItems(def.children, def.name, def.childNames);
}

export function nameItems(value: Val, base: string, names?: Map<string, Val>): void {
  if (value.t === 'list') {
    const byItem = new Map<Val, string>();
    if (names) for (const [k, v] of names) byItem.set(v, k);
    value.items.forEach((item, i) => {
      if (item.t === 'layer') nameDef(item.def, byItem.has(item) ? `${base}.${byItem.get(item)}` : value.inexact || value.repeated ? `${base}[…]` : `${base}[${i}]`);
    });
  } else if (value.t === 'dict') {
    for (const [k, v] of value.entries) if (v.t === 'layer') nameDef(v.def, `${base}['${k}']`);
  }
}

function markComponent(value: Val): void {
  if (value.t === 'layer') value.def.usedAsComponent = true;
  else if (value.t === 'list' || value.t === 'tuple') for (const item of value.items) markComponent(item);
  else if (value.t === 'alt') for (const option of value.options) markComponent(option);
}

function isModelMethod(method: string): boolean {
  return ['to', 'cuda', 'cpu', 'train', 'eval', 'parameters', 'named_parameters', 'state_dict', 'load_state_dict', 'compile',
    'fit', 'evaluate', 'predict', 'summary', 'save', 'apply', 'zero_grad', 'float', 'half', 'double', 'requires_grad_'].includes(method);
}

function isUnitSize(node: SyntaxNode | undefined, interp: Interp, env: Env): boolean {
  if (!node) return false;
  if (node.type === 'tuple' || node.type === 'list') {
    const items = node.namedChildren.filter((c): c is SyntaxNode => !!c);
    return items.length > 0 && items.every((c) => isUnitSize(c, interp, env));
  }
  const v = interp.evalExpr(node, env);
  return v.t === 'num' && v.value === 1;
}

export function isLexicallyIn(node: SyntaxNode, scope: SyntaxNode): boolean {
  if (node.startIndex < scope.startIndex || node.endIndex > scope.endIndex) return false;
  // Not inside a nested function or class of the scope (those are scopes of their own).
  for (let p = node.parent; p; p = p.parent) {
    if (p.id === scope.id) return true;
    if (p.type === 'function_definition' || p.type === 'class_definition' || p.type === 'lambda') return false;
  }
  return scope.type === 'module';
}

/** The tensor argument of a call applying `def` (`self.drop(x)` -> x, `F.dropout(x, p)` -> x). */
export function inputArgument(call: SyntaxNode, def: { dropout?: { style: string } }): SyntaxNode | undefined {
  if (def.dropout?.style === 'functional') return callArgument(call, 'input', 0) ?? keywordArgument(call, 'x');
  return positionalArguments(call)[0] ?? keywordArgument(call, 'inputs') ?? keywordArgument(call, 'input');
}

function shortDisplay(qualified: string): string {
  if (qualified.startsWith('torch.nn.functional.')) return `F.${qualified.slice('torch.nn.functional.'.length)}`;
  if (qualified.startsWith('torch.nn.')) return `nn.${qualified.slice('torch.nn.'.length)}`;
  if (qualified.startsWith('keras.layers.')) return qualified.slice('keras.layers.'.length);
  if (qualified.startsWith('tensorflow.')) return `tf.${qualified.slice('tensorflow.'.length)}`;
  // Flax linen is imported as `nn` in its own examples and docs.
  if (qualified.startsWith('flax.linen.')) return `nn.${qualified.slice('flax.linen.'.length)}`;
  return qualified;
}

function calleeText(call: SyntaxNode): string {
  const fn = call.childForFieldName('function');
  const text = fn ? dottedName(fn) ?? fn.type : 'call';
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** Two shape arguments, one of them a literal -1: the tensor is flattened to (batch, features). */
function isFlattenShape(call: SyntaxNode): boolean {
  const args = positionalArguments(call);
  if (args.length !== 2 || (call.childForFieldName('arguments')?.namedChildren ?? []).some((a) => a?.type === 'keyword_argument' || a?.type === 'list_splat')) return false;
  const minusOne = (n: SyntaxNode): boolean => n.type === 'unary_operator' && n.text.replace(/\s+/g, '') === '-1';
  return minusOne(args[0]) !== minusOne(args[1]);
}

/** One tensor, produced only by TensorFlow weight ops that have no bias: adding a non-tensor to it is that layer's bias. */
function isBiasAdd(tensors: readonly TensorVal[]): boolean {
  if (tensors.length !== 1 || tensors[0].from.size === 0) return false;
  for (const n of tensors[0].from) if (!n.def.qualifiedName || !TF_BIASLESS_WEIGHT_OPS.has(n.def.qualifiedName)) return false;
  return true;
}
