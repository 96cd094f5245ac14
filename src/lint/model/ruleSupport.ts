// Helpers shared by the structural rules (DRP001/006/007/008/013/014/015/017): how a layer is
// named in messages, where a finding about it goes, graph walks, and text edits for fixes.
import { DROPOUT_APIS } from '../frameworks';
import { classGraphsByName, type LayerDefinition, type LayerKind, type LayerNode, type ModelGraph } from '../modelGraph';
import type { SyntaxNode } from '../parser';
import type { ImportTable } from '../resolve';
import { formatRate, nodeRange } from '../syntax';
import type { Range, TextEdit } from '../types';
import { inputArgument } from './interpreter';

/** `self.drop (nn.Dropout, p=0.5)` / `nn.Dropout(p=0.5)` / `Dropout(rate=0.5)`. */
export function describeLayer(layer: LayerDefinition): string {
  const rate = rateText(layer);
  const api = `${layer.dropout?.api ?? layer.display}${rate ? `, ${rate}` : ''}`;
  return layer.name ? `${layer.name} (${api})` : `${layer.display}(${rate})`;
}

/** `p=0.5` (torch) or `rate=0.5` (keras / tf); empty when the rate is unknown. */
export function rateText(layer: LayerDefinition): string {
  const rate = layer.dropout?.rate;
  if (rate === undefined) return '';
  const api = layer.qualifiedName ? DROPOUT_APIS.get(layer.qualifiedName) : undefined;
  const keyword = api?.rateKeyword ?? (layer.qualifiedName?.startsWith('torch') ? 'p' : 'rate');
  // A rate that only defaults to 0 is off unless a caller passes one: never print it as a plain `p=0`.
  if (rate === 0 && layer.dropout?.rateIsParameterDefault && api?.rateMeaning !== 'keep') return `${keyword} defaults to 0, off by default`;
  // A keep probability is shown as written (the graph stores the drop rate 1 - keep).
  const shown = api?.rateMeaning === 'keep' ? Number((1 - rate).toFixed(10)) : rate;
  return `${keyword}=${formatRate(shown)}${layer.dropout?.defaultRate ? ' (default)' : ''}`;
}

export function modelLabel(graph: ModelGraph): string {
  switch (graph.kind) {
    case 'module-class': case 'keras-subclass': return `model ${graph.name}`;
    case 'graph-function': return `model ${graph.name}()`;
    default: return `model \`${graph.name}\``;
  }
}

/** Where a finding about a layer goes: its application in forward/call, else its construction. */
export function reportNode(layer: LayerNode | LayerDefinition): SyntaxNode {
  return ('callNode' in layer && layer.callNode) ? layer.callNode : layer.node;
}

export const PASS_THROUGH: ReadonlySet<LayerKind> = new Set(['activation', 'reshape', 'identity', 'flatten']);

/**
 * Walks back from `layer` through single-input pass-through layers and returns the first layer
 * that is not one of `through` (or undefined when the path forks or ends at the input).
 */
export function producerThrough(graph: ModelGraph, layer: LayerNode, through: ReadonlySet<LayerKind>): LayerNode | undefined {
  let current = layer;
  for (let steps = 0; steps < 64; steps++) {
    if (!through.has(current.kind)) return current;
    if (current.inputs.length !== 1 || current.fromModelInput) return undefined;
    current = graph.layers[current.inputs[0]];
  }
  return undefined;
}

/** Every definition of a model and of the user blocks it uses (same file), each once. */
export function allDefinitions(graph: ModelGraph, all: readonly ModelGraph[]): LayerDefinition[] {
  const byName = classGraphsByName(all);
  const seen = new Set<ModelGraph>();
  const out: LayerDefinition[] = [];
  const stack = [graph];
  while (stack.length) {
    const g = stack.pop()!;
    if (seen.has(g)) continue;
    seen.add(g);
    out.push(...g.definitions);
    for (const name of g.usesClasses) {
      const used = byName.get(name);
      if (used) stack.push(used);
    }
  }
  return out;
}

/** The first definition matching `predicate` in the model or its user blocks, with the graph that owns it. */
export function findInModel(graph: ModelGraph, all: readonly ModelGraph[], predicate: (d: LayerDefinition) => boolean): { layer: LayerDefinition; owner: ModelGraph } | undefined {
  const byName = classGraphsByName(all);
  const seen = new Set<ModelGraph>();
  const queue = [graph];
  while (queue.length) {
    const g = queue.shift()!;
    if (seen.has(g)) continue;
    seen.add(g);
    const layer = g.definitions.find(predicate);
    if (layer) return { layer, owner: g };
    for (const name of g.usesClasses) {
      const used = byName.get(name);
      if (used) queue.push(used);
    }
  }
  return undefined;
}

/** A Set keyed by source range, so a layer reached from several graphs is reported once. */
export class ReportedOnce {
  private readonly keys = new Set<string>();
  first(rule: string, node: SyntaxNode): boolean {
    const key = `${rule}:${node.startIndex}:${node.endIndex}`;
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    return true;
  }
}

// ---- edits -----------------------------------------------------------------------------------

function wholeLines(node: SyntaxNode): Range {
  return { start: { line: node.startPosition.row, column: 0 }, end: { line: node.endPosition.row + 1, column: 0 } };
}

function statementOf(node: SyntaxNode): SyntaxNode | undefined {
  let n: SyntaxNode | null = node;
  while (n && n.type !== 'expression_statement') {
    if (n.type === 'block' || n.type === 'module' || n.type.endsWith('definition')) return undefined;
    n = n.parent;
  }
  return n ?? undefined;
}

/** The statement is alone on its lines (so deleting the lines deletes exactly it). */
function aloneOnLines(statement: SyntaxNode): boolean {
  const prev = statement.previousSibling;
  const next = statement.nextSibling;
  if (prev && prev.endPosition.row === statement.startPosition.row) return false;
  if (next && next.startPosition.row === statement.endPosition.row && next.type !== 'comment') return false;
  // The only statement of a block: deleting it would leave the block empty.
  const parent = statement.parent;
  if (parent?.type === 'block' && parent.namedChildren.filter((c) => c && c.type !== 'comment').length <= 1) return false;
  return true;
}

/** Removes an element from an argument list / list literal, with its separating comma. */
export function removeElement(element: SyntaxNode): TextEdit[] | undefined {
  const parent = element.parent;
  if (!parent || (parent.type !== 'argument_list' && parent.type !== 'list' && parent.type !== 'tuple')) return undefined;
  const siblings = parent.namedChildren.filter((c): c is SyntaxNode => !!c && c.type !== 'comment');
  const i = siblings.findIndex((s) => s.id === element.id);
  if (i < 0) return undefined;
  if (i > 0) {
    const prev = siblings[i - 1];
    return [{ range: { start: nodeRange(prev).end, end: nodeRange(element).end }, newText: '' }];
  }
  if (siblings.length > 1) {
    return [{ range: { start: nodeRange(element).start, end: nodeRange(siblings[1]).start }, newText: '' }];
  }
  return [{ range: nodeRange(element), newText: '' }];
}

/**
 * Edits that take a dropout out of the data flow: drop `x = self.drop(x)` / `model.add(Dropout())` /
 * `layers.append(Dropout())` statements, replace an application by its input, or remove a
 * Sequential element. Undefined when no clean edit exists.
 */
export function removeDropoutEdits(layer: LayerNode): TextEdit[] | undefined {
  const call = layer.callNode;
  if (call) {
    const arg = inputArgument(call, layer);
    if (!arg) return undefined;
    const parent = call.parent;
    const statement = statementOf(call);
    if (parent?.type === 'assignment' && parent.childForFieldName('right')?.id === call.id
      && parent.childForFieldName('left')?.text === arg.text && statement && statement.namedChildren[0]?.id === parent.id && aloneOnLines(statement)) {
      return [{ range: wholeLines(statement), newText: '' }];
    }
    return [{ range: nodeRange(call), newText: arg.text }];
  }
  const element = layer.node;
  const parent = element.parent;
  if (parent?.type === 'argument_list') {
    const owner = parent.parent;
    const method = owner?.type === 'call' ? owner.childForFieldName('function') : undefined;
    const methodName = method?.type === 'attribute' ? method.childForFieldName('attribute')?.text : undefined;
    if (methodName === 'add' || methodName === 'append') {
      const statement = owner ? statementOf(owner) : undefined;
      if (statement && statement.namedChildren[0]?.id === owner!.id && aloneOnLines(statement)) return [{ range: wholeLines(statement), newText: '' }];
      return undefined;
    }
  }
  return removeElement(element);
}

/** Reorders sibling elements (Sequential entries, or successive `model.add(...)` arguments) by swapping texts. */
export function permuteTexts(nodes: SyntaxNode[], order: number[]): TextEdit[] {
  return nodes.map((node, i) => ({ range: nodeRange(node), newText: nodes[order[i]].text }));
}

/**
 * A local spelling of a framework name for a fix: `nn.Dropout2d` when `nn` is bound to torch.nn,
 * a bare name already imported, etc. Undefined when the file binds nothing usable.
 */
export function spellingFor(qualified: string, imports: ImportTable, canonical: (q: string) => string): string | undefined {
  const dot = qualified.lastIndexOf('.');
  const module = qualified.slice(0, dot);
  const leaf = qualified.slice(dot + 1);
  let viaModule: string | undefined;
  for (const [local, bound] of imports.entries()) {
    if (canonical(bound) === qualified) return local;
    if (!viaModule && canonical(`${bound}.${leaf}`) === qualified) viaModule = `${local}.${leaf}`;
  }
  if (viaModule) return viaModule;
  // `import torch` / `import tensorflow as tf`: spell through the package.
  for (const [local, bound] of imports.entries()) {
    for (const sub of ['nn', 'nn.functional', 'keras.layers', 'layers']) {
      if (canonical(`${bound}.${sub}.${leaf}`) === qualified) return `${local}.${sub}.${leaf}`;
    }
  }
  void module;
  return undefined;
}

/** Replaces the callee name of a call (keeping its qualifier): `nn.Dropout(...)` -> `nn.Dropout2d(...)`. */
export function renameCallee(call: SyntaxNode, qualifiedTarget: string, imports: ImportTable, canonical: (q: string) => string): TextEdit[] | undefined {
  const fn = call.childForFieldName('function');
  if (!fn) return undefined;
  const leaf = qualifiedTarget.slice(qualifiedTarget.lastIndexOf('.') + 1);
  if (fn.type === 'attribute') {
    const attr = fn.childForFieldName('attribute');
    const object = fn.childForFieldName('object');
    // Only when the qualifier is the module that also holds the target (`nn.` / `layers.` / `F.`).
    if (attr && object) {
      const head = object.text;
      const parts = head.split('.');
      const bound = imports.lookup(parts[0]);
      if (bound && canonical(`${[bound, ...parts.slice(1)].join('.')}.${leaf}`) === qualifiedTarget) {
        return [{ range: nodeRange(attr), newText: leaf }];
      }
    }
  }
  const spelled = spellingFor(qualifiedTarget, imports, canonical);
  return spelled ? [{ range: nodeRange(fn), newText: spelled }] : undefined;
}
