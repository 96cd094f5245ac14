// Structural queries over the Python tree shared by the mode-flow analysis and its rules:
// enclosing functions and classes, parameters, and "does this expression talk about training?".
import type { SyntaxNode } from '../parser';
import { TreeData } from '../snapshot';
import { dottedName, resolveName, type ImportTable } from '../resolve';
import { nodesOfType } from '../syntax';

/** The function definition a node lives in (not crossing a class body), or undefined at module level. */
export function enclosingFunction(node: SyntaxNode): SyntaxNode | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'function_definition') return current;
    if (current.type === 'class_definition') return undefined;
  }
  return undefined;
}

/** The class a function definition is a method of (directly, possibly through a decorator). */
export function methodClass(fn: SyntaxNode): SyntaxNode | undefined {
  let parent = fn.parent;
  if (parent?.type === 'decorated_definition') parent = parent.parent;
  if (parent?.type === 'block' && parent.parent?.type === 'class_definition') return parent.parent;
  return undefined;
}

/** Methods of a class body (decorated or not), by name. */
export function classMethods(cls: SyntaxNode): Map<string, SyntaxNode> {
  const methods = new Map<string, SyntaxNode>();
  const body = cls.childForFieldName('body');
  for (const statement of body?.namedChildren ?? []) {
    const def = statement?.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
    if (def?.type === 'function_definition') {
      const name = def.childForFieldName('name')?.text;
      if (name) methods.set(name, def);
    }
  }
  return methods;
}

/** Decorators of a function definition. */
export function decoratorsOf(fn: SyntaxNode): SyntaxNode[] {
  const parent = fn.parent;
  if (parent?.type !== 'decorated_definition') return [];
  return parent.namedChildren.filter((c): c is SyntaxNode => c?.type === 'decorator');
}

export interface Parameter {
  name: string;
  node: SyntaxNode;
  /** Position among positional parameters, undefined for keyword-only / splats. */
  position?: number;
  defaultValue?: SyntaxNode;
}

/** Parameters of a function definition, in order. */
export function parametersOf(fn: SyntaxNode): Parameter[] {
  const params = fn.childForFieldName('parameters');
  const result: Parameter[] = [];
  let position = 0;
  let keywordOnly = false;
  for (const p of params?.namedChildren ?? []) {
    if (!p) continue;
    if (p.type === 'identifier') {
      result.push({ name: p.text, node: p, position: keywordOnly ? undefined : position++ });
    } else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
      const name = p.childForFieldName('name');
      if (name) result.push({ name: name.text, node: name, position: keywordOnly ? undefined : position++, defaultValue: p.childForFieldName('value') ?? undefined });
    } else if (p.type === 'typed_parameter') {
      const name = p.namedChildren.find((c) => c?.type === 'identifier');
      if (name) result.push({ name: name.text, node: name, position: keywordOnly ? undefined : position++ });
    } else if (p.type === 'list_splat_pattern' || p.type === 'keyword_separator') {
      keywordOnly = true;
    }
  }
  return result;
}

/** The first parameter's name of a method (`self`), unless it is a static method. */
export function selfName(fn: SyntaxNode): string | undefined {
  if (decoratorsOf(fn).some((d) => /staticmethod/.test(d.text))) return undefined;
  const first = parametersOf(fn)[0];
  return first?.position === 0 ? first.name : undefined;
}

/** Does the expression mention a training flag (`self.training`, `training`, `is_training`, `train_mode`...)? */
export function mentionsTraining(node: SyntaxNode | null | undefined): boolean {
  if (!node) return false;
  const stack: SyntaxNode[] = [node];
  while (stack.length) {
    const current = stack.pop()!;
    if (current.type === 'identifier' && isTrainingFlagName(current.text)) return true;
    if (current.type === 'string' || current.type === 'comment') continue;
    for (let i = 0; i < current.namedChildCount; i++) {
      const child = current.namedChild(i);
      if (child) stack.push(child);
    }
  }
  return false;
}

export function isTrainingFlagName(name: string): boolean {
  return /^(?:training|is_training|is_train|train_mode|training_mode|is_training_mode|train|mode|deterministic|inference|is_inference|eval_mode|is_eval|evaluation)$/i.test(name);
}

/** Calls inside a node in source order, not descending into nested functions, lambdas or classes. */
export function callsIn(node: SyntaxNode): SyntaxNode[] {
  const calls: SyntaxNode[] = [];
  const stack: SyntaxNode[] = [node];
  while (stack.length) {
    const current = stack.pop()!;
    if (current !== node && (current.type === 'function_definition' || current.type === 'class_definition' || current.type === 'lambda' || current.type === 'decorated_definition')) continue;
    if (current.type === 'call') calls.push(current);
    for (let i = current.namedChildCount - 1; i >= 0; i--) {
      const child = current.namedChild(i);
      if (child && child.type !== 'string' && child.type !== 'comment') stack.push(child);
    }
  }
  return calls;
}

/**
 * Does the class derive (directly, or through classes of the same file) from a base whose
 * canonical name satisfies `isBase`? Unresolvable bases answer `unknownBase`.
 */
export function classDerivesFrom(
  cls: SyntaxNode,
  imports: ImportTable,
  classesByName: Pick<ReadonlyMap<string, SyntaxNode>, 'get'>,
  isBase: (qualified: string) => boolean,
  seen = new Set<SyntaxNode>(),
): boolean {
  if (seen.has(cls)) return false;
  seen.add(cls);
  const bases = cls.childForFieldName('superclasses');
  for (const base of bases?.namedChildren ?? []) {
    if (!base || base.type === 'keyword_argument') continue;
    const resolved = resolveName(base, imports);
    if (resolved && isBase(resolved)) return true;
    const local = dottedName(base);
    const localClass = local ? classesByName.get(local) : undefined;
    if (localClass && classDerivesFrom(localClass, imports, classesByName, isBase, seen)) return true;
  }
  return false;
}

const classTables = new TreeData<Map<string, SyntaxNode>>();

/**
 * Every class definition of the file by name (the last definition wins): classes at module level
 * and in the bodies of classes, functions and compound statements. Built once per tree and shared
 * by the rules: do not modify it.
 */
export function classesByName(root: SyntaxNode): Map<string, SyntaxNode> {
  return classTables.get(root, () => {
    const classes = new Map<string, SyntaxNode>();
    // The tree's index lists class definitions in source order; keep those whose every ancestor is a container.
    for (const cls of nodesOfType(root, 'class_definition')) {
      let parent = cls.parent;
      while (parent && parent.id !== root.id && isContainer(parent.type)) parent = parent.parent;
      if (parent?.id !== root.id) continue;
      const name = cls.childForFieldName('name')?.text;
      if (name) classes.set(name, cls);
    }
    return classes;
  });
}

function isContainer(type: string): boolean {
  return type === 'module' || type === 'block' || type === 'class_definition' || type === 'decorated_definition' || type === 'function_definition' || isCompound(type);
}

function isCompound(type: string): boolean {
  return type === 'if_statement' || type === 'try_statement' || type === 'with_statement' || type === 'for_statement'
    || type === 'while_statement' || type === 'elif_clause' || type === 'else_clause' || type === 'except_clause' || type === 'finally_clause';
}

export const isTorchModuleBase = (q: string): boolean => q === 'torch.nn.Module' || /^torch\.nn\.(?:modules\.)?[A-Za-z.]*Module$/.test(q) || q.startsWith('lightning') || q.startsWith('pytorch_lightning');
export const isKerasLayerBase = (q: string): boolean => /^(?:keras|tensorflow)\.(?:[a-z_]+\.)*(?:Layer|Model|Sequential)$/.test(q) || q === 'tensorflow.Module';

/** Indentation (leading whitespace) of the line a node starts on. */
export function lineIndent(source: string, node: SyntaxNode): string {
  let lineStart = 0;
  for (let row = 0; row < node.startPosition.row; row++) {
    const next = source.indexOf('\n', lineStart);
    if (next < 0) break;
    lineStart = next + 1;
  }
  const match = /^[ \t]*/.exec(source.slice(lineStart, lineStart + node.startPosition.column));
  return match ? match[0] : '';
}

/** The statement (child of a block or module) containing a node. */
export function enclosingStatement(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.parent && current.parent.type !== 'block' && current.parent.type !== 'module') current = current.parent;
  return current;
}

interface CallIndex {
  calls: readonly SyntaxNode[];
  starts: number[];
  ends: number[];
  /** Nested scopes whose calls do not run where they are written: functions, lambdas, classes. */
  blockers: Array<{ start: number; end: number; id: number }>;
  blockerStarts: number[];
}

const callIndexes = new TreeData<CallIndex>();

function callIndex(root: SyntaxNode): CallIndex {
  return callIndexes.get(root, () => {
    const calls = nodesOfType(root, 'call');
    const blockers = ['function_definition', 'lambda', 'class_definition']
      .flatMap((type) => nodesOfType(root, type))
      .map((n) => ({ start: n.startIndex, end: n.endIndex, id: n.id }))
      .sort((a, b) => a.start - b.start);
    return { calls, starts: calls.map((c) => c.startIndex), ends: calls.map((c) => c.endIndex), blockers, blockerStarts: blockers.map((b) => b.start) };
  });
}

function lowerBound(values: readonly number[], target: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const callsByMethod = new TreeData<Map<string, number[]>>();

/**
 * Is there a call `x.method(...)` starting at an offset in [start, end)? Answered from a per-tree
 * list of such calls by method name, so a check that usually fails (`load_state_dict` before a
 * model call) does not list every call of a function body first.
 */
export function hasMethodCallBetween(root: SyntaxNode, method: string, start: number, end: number): boolean {
  const byMethod = callsByMethod.get(root, () => {
    const found = new Map<string, number[]>();
    for (const call of callIndex(root).calls) {
      const callee = call.childForFieldName('function');
      const name = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : undefined;
      if (!name) continue;
      const starts = found.get(name);
      if (starts) starts.push(call.startIndex);
      else found.set(name, [call.startIndex]);
    }
    return found;
  });
  const starts = byMethod.get(method);
  if (!starts) return false;
  const first = lowerBound(starts, start);
  return first < starts.length && starts[first]! < end;
}

/**
 * The same calls as `callsIn(node)` — in source order, outside nested functions, lambdas and
 * classes — found in the tree's shared node index instead of walking the subtree again.
 */
export function callsWithin(root: SyntaxNode, node: SyntaxNode): SyntaxNode[] {
  const result: SyntaxNode[] = [];
  forEachCallWithin(root, node, (call) => result.push(call));
  return result;
}

/** Does any call start inside `node` (nested functions included)? A quick test before `forEachCallWithin`. */
export function startsAnyCall(root: SyntaxNode, node: SyntaxNode): boolean {
  const starts = callIndex(root).starts;
  const first = lowerBound(starts, node.startIndex);
  return first < starts.length && starts[first]! < node.endIndex;
}

/** `callsWithin` without the list: visits the calls in source order. */
export function forEachCallWithin(root: SyntaxNode, node: SyntaxNode, visit: (call: SyntaxNode) => void): void {
  const index = callIndex(root);
  const start = node.startIndex;
  const end = node.endIndex;
  // Most expressions hold no nested function or class: the list of those is made only when needed.
  let nested: Array<{ start: number; end: number }> | undefined;
  for (let b = lowerBound(index.blockerStarts, start); b < index.blockers.length && index.blockers[b]!.start < end; b++) {
    const blocker = index.blockers[b]!;
    if (blocker.id !== node.id && blocker.end <= end) (nested ??= []).push(blocker);
  }
  for (let i = lowerBound(index.starts, start); i < index.calls.length && index.starts[i]! < end; i++) {
    if (index.ends[i]! > end) continue;
    const at = index.starts[i]!;
    if (nested?.some((n) => n.start <= at && index.ends[i]! <= n.end)) continue;
    visit(index.calls[i]!);
  }
}
