// Small helpers over tree-sitter nodes used by every rule.
import type { SyntaxNode } from './parser';
import { SnapshotNode } from './snapshot';
import type { Range } from './types';

export function nodeRange(node: SyntaxNode): Range {
  return {
    start: { line: node.startPosition.row, column: node.startPosition.column },
    end: { line: node.endPosition.row, column: node.endPosition.column },
  };
}

/** Pre-order walk; return false from `visit` to skip a node's children. */
export function walk(node: SyntaxNode, visit: (node: SyntaxNode) => boolean | void): void {
  const stack: SyntaxNode[] = [node];
  while (stack.length) {
    const current = stack.pop()!;
    if (visit(current) === false) continue;
    for (let i = current.namedChildCount - 1; i >= 0; i--) {
      const child = current.namedChild(i);
      if (child) stack.push(child);
    }
  }
}

/** Positional arguments of a call (stops at the first `*args`, whose positions are unknown). */
export function positionalArguments(call: SyntaxNode): SyntaxNode[] {
  const args = call.childForFieldName('arguments');
  const result: SyntaxNode[] = [];
  if (!args || args.type !== 'argument_list') return result;
  for (const arg of args.namedChildren) {
    if (!arg || arg.type === 'comment') continue;
    if (arg.type === 'keyword_argument' || arg.type === 'dictionary_splat') continue;
    if (arg.type === 'list_splat') break;
    result.push(arg);
  }
  return result;
}

export function keywordArgument(call: SyntaxNode, keyword: string): SyntaxNode | undefined {
  const args = call.childForFieldName('arguments');
  if (!args) return undefined;
  for (const arg of args.namedChildren) {
    if (arg?.type === 'keyword_argument' && arg.childForFieldName('name')?.text === keyword) {
      return arg.childForFieldName('value') ?? undefined;
    }
  }
  return undefined;
}

/** The argument passed for a parameter, by keyword or by position. */
export function callArgument(call: SyntaxNode, keyword: string, position?: number): SyntaxNode | undefined {
  const byKeyword = keywordArgument(call, keyword);
  if (byKeyword) return byKeyword;
  if (position === undefined) return undefined;
  return positionalArguments(call)[position];
}

export function formatRate(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

const nodeIndexes = new WeakMap<SyntaxNode, Map<string, SyntaxNode[]>>();

/**
 * Every named node of a tree grouped by type, in source order, built once per root. Rules that
 * look for one kind of node (`call`, `function_definition`) iterate this instead of walking the
 * tree again; the node objects are shared, so per-node caches (see `calleeName`) hit across rules.
 */
export function nodesOfType(root: SyntaxNode, type: string): readonly SyntaxNode[] {
  // A snapshot root already grouped its named nodes by type while it was built.
  if (root instanceof SnapshotNode && root.id === 0) return root.namedNodesOfType(type);
  let index = nodeIndexes.get(root);
  if (!index) {
    const built = new Map<string, SyntaxNode[]>();
    walk(root, (node) => {
      const list = built.get(node.type);
      if (list) list.push(node);
      else built.set(node.type, [node]);
    });
    nodeIndexes.set(root, built);
    index = built;
  }
  return index.get(type) ?? [];
}

/**
 * The named nodes of `type` inside `unit` (itself included), in source order: `nodesOfType`
 * restricted to one subtree, found by binary search over a snapshot's pre-order ids.
 */
export function nodesOfTypeIn(root: SyntaxNode, unit: SyntaxNode, type: string): readonly SyntaxNode[] {
  if (!(root instanceof SnapshotNode && root.id === 0 && unit instanceof SnapshotNode)) {
    // The same walk `nodesOfType` indexes a tree-sitter tree with, over the unit only.
    const inside: SyntaxNode[] = [];
    walk(unit, (node) => {
      if (node.type === type) inside.push(node);
    });
    return inside;
  }
  const nodes = root.namedNodesOfType(type);
  let lo = 0;
  let hi = nodes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (nodes[mid].id < unit.id) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < nodes.length && nodes[end].id <= unit.lastDescendantId) end++;
  return nodes.slice(lo, end);
}
