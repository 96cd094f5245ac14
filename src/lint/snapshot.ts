// A plain-JS copy of a tree-sitter tree, built in one TreeCursor walk. Every property access on a
// web-tree-sitter Node crosses into wasm and allocates a new wrapper; the rules read `type`,
// `text`, `parent` and children hundreds of thousands of times per file, so they run on this
// snapshot instead. It implements the subset of web-tree-sitter's Node the linter uses, with the
// same semantics (children include anonymous nodes and extras; `namedChildren` only named ones;
// `childForFieldName` returns null for a missing field; `text` is the source slice).
//
// Storage: the walk writes each node's fields into typed arrays indexed by its pre-order id, and a
// node object is made only when something asks for that node (then kept, so node identity holds).
// One object per node, made eagerly, cost more in the garbage collector than the walk itself: every
// node survived the young generation and was copied out of it while the rules ran.
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

const NAMED = 1;
const MISSING = 2;
const HAS_ERROR = 4;

/** Shared state of one snapshot: the source and every node's fields, by pre-order id. */
class Snapshot {
  /** Nodes in the snapshot. */
  count = 0;
  typeNames: string[];
  symbols: Uint16Array;
  flags: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  /** Parent id, -1 for the root. */
  parents: Int32Array;
  /** Id of the last node of each subtree (children of `id` run from id + 1 to here, each after the previous one's subtree). */
  lastDescendants: Int32Array;
  /** Position in the parent's children. */
  indexesInParent: Int32Array;
  childCounts: Int32Array;
  /** Field id of the node in its parent (0: none). */
  fieldIds: Uint16Array;
  /** Named node ids by type, in pre-order. */
  readonly namedIdsByType = new Map<string, number[]>();
  /** Node objects by id, made on first use (sized once the walk has counted the nodes). */
  objects: (SnapshotNode | undefined)[] = [];
  private readonly namedNodesByType = new Map<string, readonly SnapshotNode[]>();
  private lineStarts: number[] | undefined;

  constructor(
    readonly source: string,
    readonly fieldNames: readonly (string | null)[],
    private readonly fieldIds_: ReadonlyMap<string, number>,
    symbolNames: string[],
    capacity: number,
  ) {
    this.typeNames = symbolNames;
    this.symbols = new Uint16Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.parents = new Int32Array(capacity);
    this.lastDescendants = new Int32Array(capacity);
    this.indexesInParent = new Int32Array(capacity);
    this.childCounts = new Int32Array(capacity);
    this.fieldIds = new Uint16Array(capacity);
  }

  /** Doubles the arrays (the walk does not know the node count in advance). */
  grow(): void {
    const capacity = this.symbols.length * 2;
    const grown = <T extends Uint8Array | Uint16Array | Int32Array>(array: T, make: (n: number) => T): T => {
      const copy = make(capacity);
      copy.set(array);
      return copy;
    };
    this.symbols = grown(this.symbols, (n) => new Uint16Array(n));
    this.flags = grown(this.flags, (n) => new Uint8Array(n));
    this.starts = grown(this.starts, (n) => new Int32Array(n));
    this.ends = grown(this.ends, (n) => new Int32Array(n));
    this.parents = grown(this.parents, (n) => new Int32Array(n));
    this.lastDescendants = grown(this.lastDescendants, (n) => new Int32Array(n));
    this.indexesInParent = grown(this.indexesInParent, (n) => new Int32Array(n));
    this.childCounts = grown(this.childCounts, (n) => new Int32Array(n));
    this.fieldIds = grown(this.fieldIds, (n) => new Uint16Array(n));
  }

  /** The node object of `id`, made on first use. */
  node(id: number): SnapshotNode {
    return this.objects[id] ??= new SnapshotNode(this, id, this.typeNames[this.symbols[id]]);
  }

  namedNodesOfType(type: string): readonly SnapshotNode[] {
    let nodes = this.namedNodesByType.get(type);
    if (!nodes) {
      const ids = this.namedIdsByType.get(type);
      nodes = ids ? ids.map((id) => this.node(id)) : NO_NODES;
      this.namedNodesByType.set(type, nodes);
    }
    return nodes;
  }

  /** The grammar's id of a field name (0: no such field). */
  fieldId(name: string): number {
    return this.fieldIds_.get(name) ?? 0;
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

export class SnapshotNode implements SyntaxNode {
  private cachedChildren: readonly SnapshotNode[] | undefined = undefined;
  private cachedNamedChildren: readonly SnapshotNode[] | undefined = undefined;
  private cachedText: string | undefined = undefined;

  constructor(
    private readonly snapshot: Snapshot,
    /** Pre-order index in the snapshot. */
    readonly id: number,
    readonly type: string,
  ) {}

  get isNamed(): boolean {
    return (this.snapshot.flags[this.id] & NAMED) !== 0;
  }

  get isMissing(): boolean {
    return (this.snapshot.flags[this.id] & MISSING) !== 0;
  }

  get hasError(): boolean {
    return (this.snapshot.flags[this.id] & HAS_ERROR) !== 0;
  }

  get isError(): boolean {
    return this.type === 'ERROR';
  }

  get startIndex(): number {
    return this.snapshot.starts[this.id];
  }

  get endIndex(): number {
    return this.snapshot.ends[this.id];
  }

  /** Id of the last node of this subtree in pre-order. */
  get lastDescendantId(): number {
    return this.snapshot.lastDescendants[this.id];
  }

  /** The field this node is in its parent's (null: none). */
  get fieldName(): string | null {
    const field = this.snapshot.fieldIds[this.id];
    return field === 0 ? null : this.snapshot.fieldNames[field] ?? null;
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

  get parent(): SnapshotNode | null {
    const parent = this.snapshot.parents[this.id];
    return parent < 0 ? null : this.snapshot.node(parent);
  }

  get children(): readonly SnapshotNode[] {
    let children = this.cachedChildren;
    if (!children) {
      const { lastDescendants, childCounts } = this.snapshot;
      const count = childCounts[this.id];
      if (count === 0) children = NO_NODES;
      else {
        const list = new Array<SnapshotNode>(count);
        for (let i = 0, child = this.id + 1; i < count; i++, child = lastDescendants[child] + 1) list[i] = this.snapshot.node(child);
        children = list;
      }
      this.cachedChildren = children;
    }
    return children;
  }

  /** Built on first use: most nodes never have their named children asked for. */
  get namedChildren(): readonly SnapshotNode[] {
    let named = this.cachedNamedChildren;
    if (!named) {
      // Read from the arrays: anonymous children (punctuation, keywords) get no objects for this.
      const snapshot = this.snapshot;
      const { lastDescendants, flags } = snapshot;
      const last = lastDescendants[this.id];
      let count = 0;
      for (let child = this.id + 1; child <= last; child = lastDescendants[child] + 1) if ((flags[child] & NAMED) !== 0) count++;
      if (count === 0) named = NO_NODES;
      else {
        const list = new Array<SnapshotNode>(count);
        let i = 0;
        for (let child = this.id + 1; child <= last; child = lastDescendants[child] + 1) if ((flags[child] & NAMED) !== 0) list[i++] = snapshot.node(child);
        named = list;
      }
      this.cachedNamedChildren = named;
    }
    return named;
  }

  get childCount(): number {
    return this.snapshot.childCounts[this.id];
  }

  get namedChildCount(): number {
    if (this.cachedNamedChildren) return this.cachedNamedChildren.length;
    // Counted in the arrays: asking for the count does not make the children's objects.
    const { lastDescendants, flags } = this.snapshot;
    const last = lastDescendants[this.id];
    let count = 0;
    for (let child = this.id + 1; child <= last; child = lastDescendants[child] + 1) if ((flags[child] & NAMED) !== 0) count++;
    return count;
  }

  get previousSibling(): SnapshotNode | null {
    const index = this.snapshot.indexesInParent[this.id];
    const parent = this.parent;
    return parent && index > 0 ? parent.children[index - 1] : null;
  }

  /** Like tree-sitter, the next sibling must end after this node: empty siblings at its end are passed over. */
  get nextSibling(): SnapshotNode | null {
    const { parents, lastDescendants, ends } = this.snapshot;
    const parent = parents[this.id];
    if (parent < 0) return null;
    const end = ends[this.id];
    for (let sibling = lastDescendants[this.id] + 1; sibling <= lastDescendants[parent]; sibling = lastDescendants[sibling] + 1) {
      if (ends[sibling] > end) return this.snapshot.node(sibling);
    }
    return null;
  }

  child(index: number): SnapshotNode | null {
    return this.children[index] ?? null;
  }

  namedChild(index: number): SnapshotNode | null {
    return this.namedChildren[index] ?? null;
  }

  childForFieldName(fieldName: string): SnapshotNode | null {
    const snapshot = this.snapshot;
    const field = snapshot.fieldId(fieldName);
    if (field <= 0) return null;
    const { lastDescendants, fieldIds } = snapshot;
    const last = lastDescendants[this.id];
    for (let child = this.id + 1; child <= last; child = lastDescendants[child] + 1) if (fieldIds[child] === field) return snapshot.node(child);
    return null;
  }

  childrenForFieldName(fieldName: string): SnapshotNode[] {
    const snapshot = this.snapshot;
    const result: SnapshotNode[] = [];
    const field = snapshot.fieldId(fieldName);
    if (field <= 0) return result;
    const { lastDescendants, fieldIds } = snapshot;
    const last = lastDescendants[this.id];
    for (let child = this.id + 1; child <= last; child = lastDescendants[child] + 1) if (fieldIds[child] === field) result.push(snapshot.node(child));
    return result;
  }

  /**
   * Pre-order descendants (this node included) of the given types, like web-tree-sitter: nodes
   * ending at or before `startPosition` are skipped with their subtrees, and the walk stops at the
   * first node starting at or after `endPosition` ((0,0) meaning no end).
   */
  descendantsOfType(types: string | string[], startPosition?: Point, endPosition?: Point): SnapshotNode[] {
    const wanted = typeof types === 'string' ? [types] : types;
    const snapshot = this.snapshot;
    const { symbols, typeNames, ends, starts, lastDescendants } = snapshot;
    const last = lastDescendants[this.id];
    const result: SnapshotNode[] = [];
    const unbounded = (!startPosition || (startPosition.row === 0 && startPosition.column === 0))
      && (!endPosition || (endPosition.row === 0 && endPosition.column === 0));
    if (unbounded) {
      // Without a range only empty nodes at offset 0 (ending at point (0,0)) are passed over.
      for (let id = this.id; id <= last;) {
        if (ends[id] === 0) {
          id = lastDescendants[id] + 1;
          continue;
        }
        if (wanted.includes(typeNames[symbols[id]])) result.push(snapshot.node(id));
        id++;
      }
      return result;
    }
    const start = startPosition ?? { row: 0, column: 0 };
    const end = endPosition && (endPosition.row !== 0 || endPosition.column !== 0) ? endPosition : undefined;
    for (let id = this.id; id <= last;) {
      if (pointLte(snapshot.point(ends[id]), start)) {
        id = lastDescendants[id] + 1;
        continue;
      }
      if (end && pointLte(end, snapshot.point(starts[id]))) break;
      if (wanted.includes(typeNames[symbols[id]])) result.push(snapshot.node(id));
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

  /** Every node of this node's snapshot in pre-order (ids are indexes into it); makes every node object. */
  get snapshotNodes(): readonly SnapshotNode[] {
    return Array.from({ length: this.snapshot.count }, (_, id) => this.snapshot.node(id));
  }

  /** Named nodes of this node's tree grouped by type, in pre-order (shared, do not mutate). */
  namedNodesOfType(type: string): readonly SnapshotNode[] {
    return this.snapshot.namedNodesOfType(type);
  }

  /** Ids of the named nodes of `type` in this node's tree, in pre-order (shared, do not mutate). */
  namedIdsOfType(type: string): readonly number[] {
    return this.snapshot.namedIdsByType.get(type) ?? [];
  }
}

function pointLte(a: Point, b: Point): boolean {
  return a.row < b.row || (a.row === b.row && a.column <= b.column);
}

interface SymbolTable {
  types: string[];
  named: boolean[];
  fieldIds: Map<string, number>;
}

const symbolTables = new WeakMap<Language, SymbolTable>();

/** Type name and named-ness per symbol id, read from the grammar once (both depend on the symbol only). */
function symbolTable(language: Language): SymbolTable {
  let table = symbolTables.get(language);
  if (!table) {
    const fieldIds = new Map<string, number>();
    language.fields.forEach((name, id) => {
      if (name && id > 0) fieldIds.set(name, id);
    });
    table = { types: [], named: [], fieldIds };
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
 * Copies a parsed tree into the snapshot's arrays; `source` must be the text the tree was parsed
 * from. Each node costs about four wasm calls (symbol, start, end, field) plus the cursor moves;
 * the missing flag is only asked for when the tree has errors (without them no node is missing, and
 * no node has an error).
 */
export function snapshotTree(tree: Tree, source: string, options: { treeCursorOnly?: boolean } = {}): SnapshotNode {
  const language = tree.language;
  const { types, named, fieldIds } = symbolTable(language);
  // Python averages about one node per three characters; the arrays grow when that is not enough.
  const snapshot = new Snapshot(source, language.fields, fieldIds, types, 64 + (source.length >> 1));
  const namedIdsByType = snapshot.namedIdsByType;
  const mayHaveMissing = tree.rootNode.hasError;
  return withWalk(tree, options.treeCursorOnly === true, (cursor) => {
    const make = (parent: number): number => {
      const id = snapshot.count++;
      if (id === snapshot.symbols.length) snapshot.grow();
      const symbol = cursor.typeId();
      let type = types[symbol];
      if (type === undefined) {
        type = types[symbol] = language.types[symbol] || 'ERROR';
        named[symbol] = language.nodeTypeIsNamed(symbol);
      }
      const isNamed = named[symbol];
      let flags = isNamed ? NAMED : 0;
      if (mayHaveMissing) {
        if (cursor.isMissing()) flags |= MISSING | HAS_ERROR;
        else if (type === 'ERROR') flags |= HAS_ERROR;
      }
      snapshot.symbols[id] = symbol;
      snapshot.flags[id] = flags;
      snapshot.starts[id] = cursor.startIndex();
      snapshot.ends[id] = cursor.endIndex();
      snapshot.parents[id] = parent;
      snapshot.lastDescendants[id] = id;
      if (isNamed) {
        const list = namedIdsByType.get(type);
        if (list) list.push(id);
        else namedIdsByType.set(type, [id]);
      }
      if (parent >= 0) {
        snapshot.indexesInParent[id] = snapshot.childCounts[parent]++;
        snapshot.fieldIds[id] = cursor.fieldId();
      }
      return id;
    };
    const finish = (id: number) => {
      snapshot.lastDescendants[id] = snapshot.count - 1;
      const parent = snapshot.parents[id];
      if (parent >= 0 && (snapshot.flags[id] & HAS_ERROR) !== 0) snapshot.flags[parent] |= HAS_ERROR;
    };
    const root = make(-1);
    let current = root;
    for (;;) {
      if (cursor.firstChild()) {
        current = make(current);
        continue;
      }
      for (;;) {
        finish(current);
        if (current === root) {
          snapshot.objects = new Array<SnapshotNode | undefined>(snapshot.count);
          return snapshot.node(root);
        }
        if (cursor.nextSibling()) {
          current = make(snapshot.parents[current]);
          break;
        }
        cursor.parent();
        current = snapshot.parents[current];
      }
    }
  });
}
