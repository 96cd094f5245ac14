// A plain-JS copy of a tree-sitter tree, built in one TreeCursor walk. Every property access on a
// web-tree-sitter Node crosses into wasm and allocates a new wrapper; the rules read `type`,
// `text`, `parent` and children hundreds of thousands of times per file, so they run on this
// snapshot instead. It implements the subset of web-tree-sitter's Node the linter uses, with the
// same semantics (children include anonymous nodes and extras; `namedChildren` only named ones;
// `childForFieldName` returns null for a missing field; `text` is the source slice).
import type { Language, Point, Tree } from 'web-tree-sitter';

/** The node interface the rules and analyses see; web-tree-sitter's Node also satisfies it. */
export interface SyntaxNode {
  readonly id: number;
  readonly type: string;
  readonly isNamed: boolean;
  readonly isMissing: boolean;
  readonly isError: boolean;
  readonly hasError: boolean;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly startPosition: Point;
  readonly endPosition: Point;
  readonly text: string;
  readonly parent: SyntaxNode | null;
  readonly children: readonly (SyntaxNode | null)[];
  readonly namedChildren: readonly (SyntaxNode | null)[];
  readonly childCount: number;
  readonly namedChildCount: number;
  readonly previousSibling: SyntaxNode | null;
  readonly nextSibling: SyntaxNode | null;
  child(index: number): SyntaxNode | null;
  namedChild(index: number): SyntaxNode | null;
  childForFieldName(fieldName: string): SyntaxNode | null;
  childrenForFieldName(fieldName: string): (SyntaxNode | null)[];
  descendantsOfType(types: string | string[], startPosition?: Point, endPosition?: Point): (SyntaxNode | null)[];
  equals(other: SyntaxNode): boolean;
}

const NO_NODES: readonly SnapshotNode[] = Object.freeze([]);

/** Shared state of one snapshot: the source, its segments in order, and named nodes by type (built on demand). */
class Snapshot {
  readonly segments: Segment[] = [];
  private allNodes: SnapshotNode[] | undefined;
  private readonly namedByType = new Map<string, SnapshotNode[]>();
  private lineStarts: number[] | undefined;
  /** Set when no later lint adopts this snapshot's nodes (a one-shot lint drops it afterwards). */
  oneShot = false;

  constructor(readonly source: string) {}

  /** Every node in pre-order (index = id): the segments' arrays joined, on first use. */
  get nodes(): SnapshotNode[] {
    return this.allNodes ??= ([] as SnapshotNode[]).concat(...this.segments.map((segment) => segment.nodes));
  }

  /** Named nodes of one type in pre-order, joined from the segments on first use. */
  named(type: string): readonly SnapshotNode[] {
    let list = this.namedByType.get(type);
    if (!list) {
      const parts: SnapshotNode[][] = [];
      for (const segment of this.segments) {
        const part = segment.namedByType.get(type);
        if (part) parts.push(part);
      }
      list = parts.length === 1 ? parts[0].slice() : ([] as SnapshotNode[]).concat(...parts);
      this.namedByType.set(type, list);
    }
    return list;
  }

  /** Row/column of a UTF-16 index: rows advance at '\n' only, like tree-sitter's points. */
  point(index: number): Point {
    let starts = this.lineStarts;
    if (!starts) {
      starts = [0];
      const source = this.source;
      for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return { row: lo, column: index - starts[lo] };
  }
}

/**
 * The nodes of one top-level statement (or the root alone). Nodes keep ids and indexes relative
 * to their segment, so when a later snapshot adopts the statement, moving it (new snapshot, new
 * first id, shifted indexes) is three writes here instead of a pass over every node.
 */
class Segment {
  readonly nodes: SnapshotNode[] = [];
  readonly namedByType = new Map<string, SnapshotNode[]>();

  constructor(
    public snapshot: Snapshot,
    /** Id of the segment's first node. */
    public firstId: number,
    /** Added to every index stored in the segment's nodes. */
    public shift: number,
  ) {}
}

/**
 * Whether `node` belongs to a snapshot a later lint may adopt nodes from (any snapshot not
 * marked one-shot). Memos keyed by node objects are recorded and consulted only then.
 */
export function keptAcrossLints(node: SyntaxNode): boolean {
  return node instanceof SnapshotNode && !node.segment.snapshot.oneShot;
}

export class SnapshotNode implements SyntaxNode {
  parent: SnapshotNode | null = null;
  children: readonly SnapshotNode[] = NO_NODES;
  private cachedNamedChildren: readonly SnapshotNode[] | undefined;
  /** Field name of each child (parallel to `children`, up to the last named field), or undefined when no child has one. */
  fieldNames: (string | null)[] | undefined;
  /** Position in the parent's `children`. */
  indexInParent = 0;
  /** Position of the last node of this subtree in the segment. */
  localLast: number;
  hasError = false;
  private cachedText: string | undefined;

  constructor(
    readonly segment: Segment,
    /** Position in the segment's pre-order. */
    readonly localId: number,
    readonly type: string,
    readonly isNamed: boolean,
    readonly isMissing: boolean,
    private readonly localStart: number,
    private readonly localEnd: number,
  ) {
    this.localLast = localId;
  }

  /** Pre-order index in the whole snapshot. */
  get id(): number {
    return this.segment.firstId + this.localId;
  }

  /** Id of the last node of this subtree in pre-order. */
  get lastDescendantId(): number {
    return this.segment.firstId + this.localLast;
  }

  get startIndex(): number {
    return this.localStart + this.segment.shift;
  }

  get endIndex(): number {
    return this.localEnd + this.segment.shift;
  }

  private get snapshot(): Snapshot {
    return this.segment.snapshot;
  }

  get isError(): boolean {
    return this.type === 'ERROR';
  }

  get text(): string {
    return this.cachedText ??= this.snapshot.source.slice(this.startIndex, this.endIndex);
  }

  get startPosition(): Point {
    return this.snapshot.point(this.startIndex);
  }

  get endPosition(): Point {
    return this.snapshot.point(this.endIndex);
  }

  /** Built on first use: most nodes never have their named children asked for. */
  get namedChildren(): readonly SnapshotNode[] {
    let named = this.cachedNamedChildren;
    if (!named) {
      named = this.children.length === 0 ? NO_NODES : this.children.filter((child) => child.isNamed);
      this.cachedNamedChildren = named;
    }
    return named;
  }

  get childCount(): number {
    return this.children.length;
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  get previousSibling(): SnapshotNode | null {
    return this.parent && this.indexInParent > 0 ? this.parent.children[this.indexInParent - 1] : null;
  }

  /** Like tree-sitter, the next sibling must end after this node: empty siblings at its end are passed over. */
  get nextSibling(): SnapshotNode | null {
    const siblings = this.parent?.children;
    if (!siblings) return null;
    for (let i = this.indexInParent + 1; i < siblings.length; i++) if (siblings[i].endIndex > this.endIndex) return siblings[i];
    return null;
  }

  child(index: number): SnapshotNode | null {
    return this.children[index] ?? null;
  }

  namedChild(index: number): SnapshotNode | null {
    return this.namedChildren[index] ?? null;
  }

  childForFieldName(fieldName: string): SnapshotNode | null {
    const fields = this.fieldNames;
    if (!fields) return null;
    // `fields` may be shorter than `children`: trailing children without a field are not recorded.
    for (let i = 0; i < fields.length; i++) if (fields[i] === fieldName) return this.children[i];
    return null;
  }

  childrenForFieldName(fieldName: string): SnapshotNode[] {
    const fields = this.fieldNames;
    const result: SnapshotNode[] = [];
    if (!fields) return result;
    for (let i = 0; i < fields.length; i++) if (fields[i] === fieldName) result.push(this.children[i]);
    return result;
  }

  /**
   * Pre-order descendants (this node included) of the given types, like web-tree-sitter: nodes
   * ending at or before `startPosition` are skipped with their subtrees, and the walk stops at the
   * first node starting at or after `endPosition` ((0,0) meaning no end).
   */
  descendantsOfType(types: string | string[], startPosition?: Point, endPosition?: Point): SnapshotNode[] {
    const wanted = typeof types === 'string' ? [types] : types;
    const nodes = this.snapshot.nodes;
    const result: SnapshotNode[] = [];
    const unbounded = (!startPosition || (startPosition.row === 0 && startPosition.column === 0))
      && (!endPosition || (endPosition.row === 0 && endPosition.column === 0));
    if (unbounded) {
      // Without a range only empty nodes at offset 0 (ending at point (0,0)) are passed over.
      for (let id = this.id; id <= this.lastDescendantId;) {
        const node = nodes[id];
        if (node.endIndex === 0) {
          id = node.lastDescendantId + 1;
          continue;
        }
        if (wanted.includes(node.type)) result.push(node);
        id++;
      }
      return result;
    }
    const start = startPosition ?? { row: 0, column: 0 };
    const end = endPosition && (endPosition.row !== 0 || endPosition.column !== 0) ? endPosition : undefined;
    for (let id = this.id; id <= this.lastDescendantId;) {
      const node = nodes[id];
      if (pointLte(node.endPosition, start)) {
        id = node.lastDescendantId + 1;
        continue;
      }
      if (end && pointLte(end, node.startPosition)) break;
      if (wanted.includes(node.type)) result.push(node);
      id++;
    }
    return result;
  }

  equals(other: SyntaxNode): boolean {
    return this === other;
  }

  /** The source this node's snapshot was taken from. */
  get snapshotSource(): string {
    return this.snapshot.source;
  }

  /** Every node of this node's snapshot in pre-order (ids are indexes into it). */
  get snapshotNodes(): readonly SnapshotNode[] {
    return this.snapshot.nodes;
  }

  /** Named nodes of this node's tree grouped by type, in pre-order (shared, do not mutate). */
  namedNodesOfType(type: string): readonly SnapshotNode[] {
    return this.snapshot.named(type);
  }
}

function pointLte(a: Point, b: Point): boolean {
  return a.row < b.row || (a.row === b.row && a.column <= b.column);
}

interface SymbolTable {
  types: string[];
  named: boolean[];
}

const symbolTables = new WeakMap<Language, SymbolTable>();

/** Type name and named-ness per symbol id, read from the grammar once (both depend on the symbol only). */
function symbolTable(language: Language): SymbolTable {
  let table = symbolTables.get(language);
  if (!table) {
    table = { types: [], named: [] };
    symbolTables.set(language, table);
  }
  return table;
}

/** What an incremental snapshot may take over from the previous snapshot of the same document. */
export interface SnapshotReuse {
  /** Root of the previous snapshot. Its adopted subtrees move into the new snapshot: do not use it afterwards. */
  previous: SnapshotNode;
  /**
   * Ranges (in the new source's UTF-16 indexes) whose syntactic structure changed, from
   * `newTree.getChangedRanges(editedOldTree)`.
   */
  changedRanges: ReadonlyArray<{ startIndex: number; endIndex: number }>;
  /** Lengths of the text's unchanged start and end, when the caller knows them from its edits (else found by comparing). */
  unchanged?: UnchangedText;
}

export interface UnchangedText {
  prefix: number;
  suffix: number;
}

/**
 * A top-level statement of the previous snapshot that can stand for the statement the cursor is on:
 * its text lies wholly in the unchanged prefix or suffix of the source, it has the same type and
 * extent (shifted by the length change), and no changed range of tree-sitter's touches it — so its
 * subtree is the same, node for node, and only its indexes move.
 */
class ReusableStatements {
  private readonly byOldStart = new Map<number, SnapshotNode>();
  private readonly prefix: number;
  private readonly suffixStart: number;
  readonly shift: number;

  constructor(private readonly reuse: SnapshotReuse, source: string) {
    const oldSource = reuse.previous.snapshotSource;
    const shorter = Math.min(oldSource.length, source.length);
    let prefix = 0;
    let suffix = 0;
    const known = reuse.unchanged;
    if (known && known.prefix >= 0 && known.suffix >= 0 && known.prefix + known.suffix <= shorter) {
      prefix = known.prefix;
      suffix = known.suffix;
    } else {
      while (prefix < shorter && oldSource.charCodeAt(prefix) === source.charCodeAt(prefix)) prefix++;
      while (suffix < shorter - prefix && oldSource.charCodeAt(oldSource.length - 1 - suffix) === source.charCodeAt(source.length - 1 - suffix)) suffix++;
    }
    this.prefix = prefix;
    this.suffixStart = source.length - suffix;
    this.shift = source.length - oldSource.length;
    for (const statement of reuse.previous.children) this.byOldStart.set(statement.startIndex, statement);
  }

  /** The old statement for a new top-level node at [start, end), or undefined. */
  find(type: string, start: number, end: number): { node: SnapshotNode; shift: number } | undefined {
    if (end <= start) return undefined;
    let shift: number;
    if (end <= this.prefix) shift = 0;
    else if (start >= this.suffixStart) shift = this.shift;
    else return undefined;
    const old = this.byOldStart.get(start - shift);
    if (!old || old.type !== type || old.endIndex + shift !== end) return undefined;
    for (const changed of this.reuse.changedRanges) if (changed.startIndex <= end && start <= changed.endIndex) return undefined;
    return { node: old, shift };
  }
}

/**
 * Copies a parsed tree into plain objects; `source` must be the text the tree was parsed from.
 * Each node costs about four wasm calls (symbol, start, end, field) plus the cursor moves; the
 * missing flag is only asked for when the tree has errors (without them no node is missing, and
 * no node has an error).
 *
 * With `reuse` (the previous snapshot of the same document, after an incremental re-parse), the
 * top-level statements the edit did not touch are taken over instead of copied again: the same
 * objects, with their indexes shifted and ids renumbered in plain JS. Analyses may therefore key
 * caches on statement objects across edits; the result is node for node what a full copy gives.
 * With `oneShot` (a lint that drops the snapshot afterwards), no later snapshot adopts from this
 * one: analyses skip their memos for its nodes (see `keptAcrossLints`).
 */
export function snapshotTree(tree: Tree, source: string, reuse?: SnapshotReuse, oneShot = false): SnapshotNode {
  const snapshot = new Snapshot(source);
  snapshot.oneShot = oneShot;
  const segments = snapshot.segments;
  const language = tree.language;
  const { types, named } = symbolTable(language);
  const fieldNames = language.fields;
  const mayHaveMissing = tree.rootNode.hasError;
  const reusable = reuse ? new ReusableStatements(reuse, source) : undefined;
  const cursor = tree.walk();
  /** Nodes in the segments so far: the next segment's first id. */
  let count = 0;
  const openSegment = (): Segment => {
    const segment = new Segment(snapshot, count, 0);
    segments.push(segment);
    return segment;
  };
  try {
    const typeOf = (symbol: number): string => {
      let type = types[symbol];
      if (type === undefined) {
        type = types[symbol] = language.types[symbol] || 'ERROR';
        named[symbol] = language.nodeTypeIsNamed(symbol);
      }
      return type;
    };
    const attach = (node: SnapshotNode, parent: SnapshotNode) => {
      node.parent = parent;
      const siblings = parent.children as SnapshotNode[];
      node.indexInParent = siblings.length;
      siblings.push(node);
      const fieldId = cursor.currentFieldId;
      if (fieldId !== 0) {
        const fields = parent.fieldNames ??= [];
        while (fields.length < node.indexInParent) fields.push(null);
        fields.push(fieldNames[fieldId]);
      }
    };
    const make = (segment: Segment, parent: SnapshotNode | null): SnapshotNode => {
      const symbol = cursor.nodeTypeId;
      const type = typeOf(symbol);
      const isNamed = named[symbol];
      const nodes = segment.nodes;
      const node = new SnapshotNode(segment, nodes.length, type, isNamed, mayHaveMissing && cursor.nodeIsMissing, cursor.startIndex, cursor.endIndex);
      nodes.push(node);
      count++;
      if (isNamed) {
        const list = segment.namedByType.get(type);
        if (list) list.push(node);
        else segment.namedByType.set(type, [node]);
      }
      if (parent) attach(node, parent);
      return node;
    };
    const finish = (node: SnapshotNode) => {
      node.localLast = node.segment.nodes.length - 1;
      if (!mayHaveMissing) return;
      if (node.isMissing || node.type === 'ERROR') node.hasError = true;
      else for (const child of node.children) if (child.hasError) { node.hasError = true; break; }
    };
    /**
     * Takes over an old top-level statement (the cursor is on its new counterpart): its segment
     * moves into this snapshot. Only statements without errors are adopted.
     */
    const adopt = (old: SnapshotNode, shift: number, root: SnapshotNode) => {
      const segment = old.segment;
      segment.snapshot = snapshot;
      segment.firstId = count;
      segment.shift += shift;
      segments.push(segment);
      count += segment.nodes.length;
      attach(old, root);
    };
    const root = make(openSegment(), null);
    if (!cursor.gotoFirstChild()) {
      finish(root);
      return root;
    }
    root.children = [];
    // Top level: adopt unchanged statements, copy the rest with the cursor walk below.
    for (;;) {
      let taken = reusable?.find(typeOf(cursor.nodeTypeId), cursor.startIndex, cursor.endIndex);
      // Error recovery can differ inside an unchanged extent: statements with errors are copied afresh.
      if (taken && (taken.node.hasError || (mayHaveMissing && cursor.currentNode.hasError))) taken = undefined;
      if (taken) adopt(taken.node, taken.shift, root);
      // A one-shot snapshot is never adopted from: its statements share the root's segment.
      else copySubtree(make(oneShot ? root.segment : openSegment(), root));
      if (!cursor.gotoNextSibling()) break;
    }
    cursor.gotoParent();
    finish(root);
    // The root's subtree spans every segment.
    root.localLast = count - 1;
    return root;

    /** Copies the subtree under the cursor (whose node is `top`, first of its segment), leaving the cursor on it. */
    function copySubtree(top: SnapshotNode): void {
      const segment = top.segment;
      let current = top;
      for (;;) {
        if (cursor.gotoFirstChild()) {
          current.children = [];
          current = make(segment, current);
          continue;
        }
        for (;;) {
          finish(current);
          if (current === top) return;
          if (cursor.gotoNextSibling()) {
            current = make(segment, current.parent);
            break;
          }
          cursor.gotoParent();
          current = current.parent!;
        }
      }
    }
  } finally {
    cursor.delete();
  }
}
