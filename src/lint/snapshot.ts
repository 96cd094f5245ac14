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

/** Shared state of one snapshot: the source, every node in pre-order (index = id), named nodes by type. */
class Snapshot {
  readonly nodes: SnapshotNode[] = [];
  readonly namedByType = new Map<string, SnapshotNode[]>();
  private lineStarts: number[] | undefined;

  constructor(readonly source: string) {}

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

export class SnapshotNode implements SyntaxNode {
  parent: SnapshotNode | null = null;
  children: readonly SnapshotNode[] = NO_NODES;
  private cachedNamedChildren: readonly SnapshotNode[] | undefined;
  /** Field name of each child (parallel to `children`, up to the last named field), or undefined when no child has one. */
  fieldNames: (string | null)[] | undefined;
  /** Position in the parent's `children`. */
  indexInParent = 0;
  /** Id of the last node of this subtree in pre-order. */
  lastDescendantId: number;
  hasError = false;
  private cachedText: string | undefined;

  constructor(
    private readonly snapshot: Snapshot,
    /** Pre-order index in the snapshot. */
    readonly id: number,
    readonly type: string,
    readonly isNamed: boolean,
    readonly isMissing: boolean,
    readonly startIndex: number,
    readonly endIndex: number,
  ) {
    this.lastDescendantId = id;
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
    return this.snapshot.namedByType.get(type) ?? NO_NODES;
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

/** The tree cursor functions of web-tree-sitter's wasm module; each reads and writes the cursor in the transfer buffer. */
interface CursorExports {
  HEAP32: Int32Array;
  _ts_init(): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_missing_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
}

/**
 * web-tree-sitter's TreeCursor copies its four words into the module's transfer buffer and back on
 * every property read and move: most of a snapshot's time. The module's own cursor functions read
 * and write the cursor in that buffer, so a walk that leaves it there needs no copies at all.
 */
let direct: { module: CursorExports; transferBuffer: number } | undefined;

const CURSOR_FUNCTIONS = [
  '_ts_init', '_ts_tree_cursor_current_node_type_id_wasm', '_ts_tree_cursor_current_node_is_missing_wasm',
  '_ts_tree_cursor_current_field_id_wasm', '_ts_tree_cursor_start_index_wasm', '_ts_tree_cursor_end_index_wasm',
  '_ts_tree_cursor_goto_first_child_wasm', '_ts_tree_cursor_goto_next_sibling_wasm', '_ts_tree_cursor_goto_parent_wasm',
] as const;

/**
 * Given the object Parser.init turned into the wasm module, walks trees through its cursor
 * functions from now on. Anything else (another web-tree-sitter build) keeps the TreeCursor walk.
 */
export function useDirectCursor(module: unknown): void {
  const exports = module as Partial<Record<string, unknown>>;
  if (!(exports.HEAP32 instanceof Int32Array) || !CURSOR_FUNCTIONS.every((name) => typeof exports[name] === 'function')) return;
  const cursorExports = module as CursorExports;
  // _ts_init only writes the language versions into the buffer and returns its address.
  direct = { module: cursorExports, transferBuffer: cursorExports._ts_init() };
}

/** For tests: whether snapshots walk through the module's cursor functions. */
export function usesDirectCursor(): boolean {
  return direct !== undefined;
}

/** A tree walk: the current node's fields and the moves. */
interface Walk {
  typeId(): number;
  isMissing(): boolean;
  fieldId(): number;
  startIndex(): number;
  endIndex(): number;
  firstChild(): boolean;
  nextSibling(): boolean;
  parent(): boolean;
}

/** Runs `body` with a walk over `tree` from its root. */
function withWalk<T>(tree: Tree, treeCursorOnly: boolean, body: (walk: Walk) => T): T {
  const cursor = tree.walk();
  const words = cursor as unknown as Record<0 | 1 | 2 | 3, number>;
  const handle = (tree as unknown as Record<0, number>)[0];
  try {
    if (treeCursorOnly || !direct || typeof handle !== 'number' || typeof words[0] !== 'number') {
      return body({
        typeId: () => cursor.nodeTypeId, isMissing: () => cursor.nodeIsMissing, fieldId: () => cursor.currentFieldId,
        startIndex: () => cursor.startIndex, endIndex: () => cursor.endIndex,
        firstChild: () => cursor.gotoFirstChild(), nextSibling: () => cursor.gotoNextSibling(), parent: () => cursor.gotoParent(),
      });
    }
    const { module, transferBuffer } = direct;
    const at = transferBuffer >> 2;
    for (let i = 0 as 0 | 1 | 2 | 3; i < 4; i++) module.HEAP32[at + i] = words[i];
    try {
      return body({
        typeId: () => module._ts_tree_cursor_current_node_type_id_wasm(handle),
        isMissing: () => module._ts_tree_cursor_current_node_is_missing_wasm(handle) === 1,
        fieldId: () => module._ts_tree_cursor_current_field_id_wasm(handle),
        startIndex: () => module._ts_tree_cursor_start_index_wasm(handle),
        endIndex: () => module._ts_tree_cursor_end_index_wasm(handle),
        firstChild: () => module._ts_tree_cursor_goto_first_child_wasm(handle) === 1,
        nextSibling: () => module._ts_tree_cursor_goto_next_sibling_wasm(handle) === 1,
        parent: () => module._ts_tree_cursor_goto_parent_wasm(handle) === 1,
      });
    } finally {
      // The moves may have grown the cursor's stack (a new address): the TreeCursor frees that one.
      // HEAP32 is read again: memory may have grown meanwhile.
      for (let i = 0 as 0 | 1 | 2 | 3; i < 4; i++) words[i] = module.HEAP32[at + i];
    }
  } finally {
    cursor.delete();
  }
}

/**
 * Copies a parsed tree into plain objects; `source` must be the text the tree was parsed from.
 * Each node costs about four wasm calls (symbol, start, end, field) plus the cursor moves; the
 * missing flag is only asked for when the tree has errors (without them no node is missing, and
 * no node has an error).
 */
export function snapshotTree(tree: Tree, source: string, options: { treeCursorOnly?: boolean } = {}): SnapshotNode {
  const snapshot = new Snapshot(source);
  const nodes = snapshot.nodes;
  const namedByType = snapshot.namedByType;
  const language = tree.language;
  const { types, named } = symbolTable(language);
  const fieldNames = language.fields;
  const mayHaveMissing = tree.rootNode.hasError;
  return withWalk(tree, options.treeCursorOnly === true, (cursor) => {
    const make = (parent: SnapshotNode | null): SnapshotNode => {
      const symbol = cursor.typeId();
      let type = types[symbol];
      if (type === undefined) {
        type = types[symbol] = language.types[symbol] || 'ERROR';
        named[symbol] = language.nodeTypeIsNamed(symbol);
      }
      const isNamed = named[symbol];
      const node = new SnapshotNode(snapshot, nodes.length, type, isNamed, mayHaveMissing && cursor.isMissing(), cursor.startIndex(), cursor.endIndex());
      nodes.push(node);
      if (isNamed) {
        const list = namedByType.get(type);
        if (list) list.push(node);
        else namedByType.set(type, [node]);
      }
      if (parent) {
        node.parent = parent;
        const siblings = parent.children as SnapshotNode[];
        node.indexInParent = siblings.length;
        siblings.push(node);
        const fieldId = cursor.fieldId();
        if (fieldId !== 0) {
          const fields = parent.fieldNames ??= [];
          while (fields.length < node.indexInParent) fields.push(null);
          fields.push(fieldNames[fieldId]);
        }
      }
      return node;
    };
    const finish = (node: SnapshotNode) => {
      node.lastDescendantId = nodes.length - 1;
      if (!mayHaveMissing) return;
      if (node.isMissing || node.type === 'ERROR') node.hasError = true;
      else for (const child of node.children) if (child.hasError) { node.hasError = true; break; }
    };
    const root = make(null);
    let current = root;
    for (;;) {
      if (cursor.firstChild()) {
        current.children = [];
        current = make(current);
        continue;
      }
      for (;;) {
        finish(current);
        if (current === root) return root;
        if (cursor.nextSibling()) {
          current = make(current.parent);
          break;
        }
        cursor.parent();
        current = current.parent!;
      }
    }
  });
}
