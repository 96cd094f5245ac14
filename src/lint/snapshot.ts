// A plain-JS copy of a tree-sitter tree, built in one walk over it (read straight from the wasm
// memory once that is verified to match the cursor; see snapshotFromMemory). Every property access on a
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

/**
 * Data an analysis builds once per tree and the rules of a lint share (model graphs, mode flow,
 * call indexes). A snapshot's root keeps it on the snapshot, so it goes when the lint's snapshot
 * does; a module-level WeakMap keyed by the root kept it through young collections (a WeakMap
 * lives in the old generation, and V8's young collections keep its values alive), so every lint's
 * graphs and states were copied and promoted before a full collection freed them. Other trees
 * (web-tree-sitter nodes, subtrees) use a WeakMap.
 */
export class TreeData<T> {
  private readonly others = new WeakMap<SyntaxNode, T>();

  get(root: SyntaxNode, build: () => T): T {
    if (root instanceof SnapshotNode && root.id === 0) {
      const data = root.snapshotData.treeData;
      let value = data.get(this as TreeData<unknown>) as T | undefined;
      if (value === undefined) {
        value = build();
        data.set(this as TreeData<unknown>, value);
      }
      return value;
    }
    let value = this.others.get(root);
    if (value === undefined) {
      value = build();
      this.others.set(root, value);
    }
    return value;
  }
}

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
  /** Named node ids by type, in pre-order (filled from the walk's per-symbol lists). */
  readonly namedIdsByType = new Map<string, number[]>();
  /** Node objects by id, made on first use (sized once the walk has counted the nodes). */
  objects: (SnapshotNode | undefined)[] = [];
  private readonly namedNodesByType = new Map<string, readonly SnapshotNode[]>();
  /** What analyses built for this tree (see TreeData), dropped with the snapshot. */
  readonly treeData = new Map<TreeData<unknown>, unknown>();
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

  /**
   * Ends the snapshot's lint: clears the node table, the per-type lists and the tree data. Each of
   * those is one object, often large enough that V8 puts it straight in the old generation, and a
   * young collection keeps whatever an old object points to (until a full collection finds the old
   * one dead): left filled, they kept the whole lint's nodes, graphs and flow states alive through
   * the next young collections, which copied and promoted megabytes of garbage after every lint.
   * Nodes asked for later are made again (identity across a release is not kept).
   */
  release(): void {
    this.objects.fill(undefined);
    for (const nodes of this.namedNodesByType.values()) if (nodes.length) (nodes as (SnapshotNode | undefined)[]).fill(undefined);
    this.namedNodesByType.clear();
    this.treeData.clear();
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

  /** The arrays behind this node's snapshot (for comparing two walks). */
  get snapshotData(): Snapshot {
    return this.snapshot;
  }

  /** Ends the lint of this node's snapshot (see Snapshot.release). */
  releaseSnapshot(): void {
    this.snapshot.release();
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
  /** Per symbol id, for the memory read: KNOWN_SYMBOL | NAMED | HAS_ERROR (0: not looked up yet). */
  flags: Uint8Array;
  fieldIds: Map<string, number>;
}

const KNOWN_SYMBOL = 8;

const symbolTables = new WeakMap<Language, SymbolTable>();

/** Type name and named-ness per symbol id, read from the grammar once (both depend on the symbol only). */
function symbolTable(language: Language): SymbolTable {
  let table = symbolTables.get(language);
  if (!table) {
    const fieldIds = new Map<string, number>();
    language.fields.forEach((name, id) => {
      if (name && id > 0) fieldIds.set(name, id);
    });
    table = { types: [], named: [], flags: new Uint8Array(0x10000), fieldIds };
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
    // The exports are read once: each call below is then a plain call into wasm.
    const typeIdAt = module._ts_tree_cursor_current_node_type_id_wasm;
    const isMissingAt = module._ts_tree_cursor_current_node_is_missing_wasm;
    const fieldIdAt = module._ts_tree_cursor_current_field_id_wasm;
    const startAt = module._ts_tree_cursor_start_index_wasm;
    const endAt = module._ts_tree_cursor_end_index_wasm;
    const firstChildAt = module._ts_tree_cursor_goto_first_child_wasm;
    const nextSiblingAt = module._ts_tree_cursor_goto_next_sibling_wasm;
    const parentAt = module._ts_tree_cursor_goto_parent_wasm;
    try {
      return body({
        typeId: () => typeIdAt(handle),
        isMissing: () => isMissingAt(handle) === 1,
        fieldId: () => fieldIdAt(handle),
        startIndex: () => startAt(handle),
        endIndex: () => endAt(handle),
        firstChild: () => firstChildAt(handle) === 1,
        nextSibling: () => nextSiblingAt(handle) === 1,
        parent: () => parentAt(handle) === 1,
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
export function snapshotTree(tree: Tree, source: string, options: { walk?: TreeWalk } = {}): SnapshotNode {
  const walk = options.walk ?? (memoryWalkVerified ? 'memory' : 'cursor');
  if (walk === 'memory' && direct) return snapshotFromMemory(tree, source, direct.module);
  return snapshotWithCursor(tree, source, walk === 'tree-cursor');
}

/** How a snapshot reads the tree: its wasm memory, the module's cursor functions, or web-tree-sitter's TreeCursor. */
export type TreeWalk = 'memory' | 'cursor' | 'tree-cursor';

function snapshotWithCursor(tree: Tree, source: string, treeCursorOnly: boolean): SnapshotNode {
  const language = tree.language;
  const table = symbolTable(language);
  // Python averages about one node per three characters; the arrays grow when that is not enough.
  const snapshot = new Snapshot(source, language.fields, table.fieldIds, table.types, 64 + (source.length >> 1));
  const mayHaveMissing = tree.rootNode.hasError;
  // Named ids are gathered per symbol (an array index, not a map lookup per node) and grouped by type name after the walk.
  const namedIdsBySymbol: number[][] = [];
  withWalk(tree, treeCursorOnly, (cursor) => {
    const { typeId, isMissing, fieldId, startIndex, endIndex, firstChild, nextSibling, parent: toParent } = cursor;
    const { types, named } = table;
    let count = 0;
    let symbols = snapshot.symbols;
    let flagsOf = snapshot.flags;
    let starts = snapshot.starts;
    let ends = snapshot.ends;
    let parents = snapshot.parents;
    let lastDescendants = snapshot.lastDescendants;
    let indexesInParent = snapshot.indexesInParent;
    let childCounts = snapshot.childCounts;
    let fieldIds = snapshot.fieldIds;
    const make = (parent: number): number => {
      const id = count++;
      if (id === symbols.length) {
        snapshot.grow();
        ({ symbols, starts, ends, parents, lastDescendants, indexesInParent, childCounts, fieldIds } = snapshot);
        flagsOf = snapshot.flags;
      }
      const symbol = typeId();
      let isNamed = named[symbol];
      if (isNamed === undefined) {
        types[symbol] = language.types[symbol] || 'ERROR';
        isNamed = named[symbol] = language.nodeTypeIsNamed(symbol);
      }
      let flags = isNamed ? NAMED : 0;
      if (mayHaveMissing) {
        if (isMissing()) flags |= MISSING | HAS_ERROR;
        else if (types[symbol] === 'ERROR') flags |= HAS_ERROR;
      }
      symbols[id] = symbol;
      flagsOf[id] = flags;
      starts[id] = startIndex();
      ends[id] = endIndex();
      parents[id] = parent;
      lastDescendants[id] = id;
      if (isNamed) {
        const list = namedIdsBySymbol[symbol];
        if (list) list.push(id);
        else namedIdsBySymbol[symbol] = [id];
      }
      if (parent >= 0) {
        indexesInParent[id] = childCounts[parent]++;
        fieldIds[id] = fieldId();
      }
      return id;
    };
    const root = make(-1);
    let current = root;
    for (;;) {
      if (firstChild()) {
        current = make(current);
        continue;
      }
      for (;;) {
        // The subtree of `current` is complete.
        lastDescendants[current] = count - 1;
        const parent = parents[current];
        if (parent >= 0 && (flagsOf[current] & HAS_ERROR) !== 0) flagsOf[parent] |= HAS_ERROR;
        if (current === root) {
          snapshot.count = count;
          return;
        }
        if (nextSibling()) {
          current = make(parent);
          break;
        }
        toParent();
        current = parent;
      }
    }
  });
  groupNamedIds(snapshot.namedIdsByType, namedIdsBySymbol, table.types);
  snapshot.objects = new Array<SnapshotNode | undefined>(snapshot.count);
  return snapshot.node(0);
}

/** Per-symbol id lists into per-type lists; symbols sharing a type name are merged in pre-order. */
function groupNamedIds(byType: Map<string, number[]>, bySymbol: readonly (number[] | undefined)[], types: readonly string[]): void {
  for (let symbol = 0; symbol < bySymbol.length; symbol++) {
    const ids = bySymbol[symbol];
    if (!ids) continue;
    const type = types[symbol];
    const earlier = byType.get(type);
    byType.set(type, earlier ? mergeSorted(earlier, ids) : ids);
  }
}

function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i] < b[j] ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

// ---- reading the tree from wasm memory ------------------------------------------------------------
//
// The cursor walk makes six calls into wasm per node, and tree-sitter's cursor recomputes its
// position and alias state on every move: three quarters of a snapshot's time. The tree itself is
// plain data in the module's memory, laid out by tree-sitter's lib/src/subtree.h, tree.h and
// parser.h (web-tree-sitter ships those sources): read directly, a snapshot costs a quarter. The
// layout is private to tree-sitter, so the reader is only used after `verifyMemoryWalk` found it
// giving exactly the cursor walk's nodes on a probe tree; otherwise snapshots keep the cursor.

let memoryWalkVerified = false;

/** For tests: whether snapshots read trees from wasm memory. */
export function usesMemoryWalk(): boolean {
  return memoryWalkVerified;
}

/**
 * Compares the memory read with the cursor walk on `tree` (parsed from `source`) and uses the
 * memory read from now on only if every node's type, range, field, flags and place match.
 */
export function verifyMemoryWalk(tree: Tree, source: string): boolean {
  memoryWalkVerified = false;
  if (!direct) return false;
  try {
    const fromMemory = snapshotFromMemory(tree, source, direct.module);
    const fromCursor = snapshotWithCursor(tree, source, false);
    memoryWalkVerified = sameSnapshot(fromMemory.snapshotData, fromCursor.snapshotData);
  } catch {
    memoryWalkVerified = false;
  }
  return memoryWalkVerified;
}

function sameSnapshot(a: Snapshot, b: Snapshot): boolean {
  if (a.count !== b.count) return false;
  const same = (x: ArrayLike<number>, y: ArrayLike<number>) => {
    for (let i = 0; i < a.count; i++) if (x[i] !== y[i]) return false;
    return true;
  };
  return same(a.symbols, b.symbols) && same(a.flags, b.flags) && same(a.starts, b.starts) && same(a.ends, b.ends)
    && same(a.parents, b.parents) && same(a.lastDescendants, b.lastDescendants) && same(a.indexesInParent, b.indexesInParent)
    && same(a.childCounts, b.childCounts) && same(a.fieldIds, b.fieldIds);
}

// Byte offsets in tree-sitter's structs (wasm32, little-endian).
/** TSTree: the root Subtree (8 bytes), then the TSLanguage pointer. */
const TREE_LANGUAGE = 8;
/** TSLanguage fields used here. */
const LANGUAGE_FIELD_COUNT = 32;
const LANGUAGE_MAX_ALIAS_SEQUENCE_LENGTH = 36;
const LANGUAGE_FIELD_MAP_SLICES = 64;
const LANGUAGE_FIELD_MAP_ENTRIES = 68;
const LANGUAGE_PUBLIC_SYMBOL_MAP = 76;
const LANGUAGE_ALIAS_SEQUENCES = 84;
/**
 * A Subtree is 8 bytes: either inline leaf data (bit 0 of byte 0 set: flag bits in byte 0, the
 * symbol in byte 1, padding bytes in byte 6, size bytes in byte 7) or a pointer to SubtreeHeapData.
 */
const SUBTREE_SIZE = 8;
const INLINE_IS_INLINE = 1;
const INLINE_VISIBLE = 2;
const INLINE_EXTRA = 8;
const INLINE_MISSING = 32;
/** SubtreeHeapData fields; its children are the Subtrees just before it. */
const HEAP_PADDING_BYTES = 4;
const HEAP_SIZE_BYTES = 16;
const HEAP_CHILD_COUNT = 36;
const HEAP_SYMBOL = 40;
const HEAP_FLAGS = 44;
const HEAP_VISIBLE = 1;
const HEAP_EXTRA = 4;
const HEAP_FLAGS2 = 45; // is_missing: bit 1
const HEAP_VISIBLE_CHILD_COUNT = 48;
const HEAP_VISIBLE_DESCENDANT_COUNT = 56;
const HEAP_PRODUCTION_ID = 66;
const SYMBOL_ERROR = 0xffff;

/**
 * Builds the snapshot from the tree's memory with the cursor's semantics: visible children are the
 * subtree's children with hidden ones (that have visible children) flattened in; a child is visible
 * when its symbol is or its parent's production aliases it; its type is the public symbol of the
 * alias or its own; its field comes from its parent's field map, or through hidden parents from
 * theirs; positions are UTF-16 units (tree-sitter counts bytes of the UTF-16 text).
 */
function snapshotFromMemory(tree: Tree, source: string, module: CursorExports): SnapshotNode {
  const language = tree.language;
  const table = symbolTable(language);
  const { types, named } = table;
  const buffer = module.HEAP32.buffer;
  const u8 = new Uint8Array(buffer);
  const u16 = new Uint16Array(buffer);
  const i32 = new Int32Array(buffer);
  const treeAddress = (tree as unknown as Record<0, number>)[0];
  const languageAddress = i32[(treeAddress + TREE_LANGUAGE) >> 2];
  const fieldCount = i32[(languageAddress + LANGUAGE_FIELD_COUNT) >> 2];
  const maxAliasLength = u16[(languageAddress + LANGUAGE_MAX_ALIAS_SEQUENCE_LENGTH) >> 1];
  const fieldSlices = i32[(languageAddress + LANGUAGE_FIELD_MAP_SLICES) >> 2];
  const fieldEntries = i32[(languageAddress + LANGUAGE_FIELD_MAP_ENTRIES) >> 2];
  const publicSymbols = i32[(languageAddress + LANGUAGE_PUBLIC_SYMBOL_MAP) >> 2] >> 1;
  const aliasSequences = i32[(languageAddress + LANGUAGE_ALIAS_SEQUENCES) >> 2] >> 1;

  // The root (a Subtree at the tree's address); it starts after its padding.
  const rootInline = (u8[treeAddress] & INLINE_IS_INLINE) !== 0;
  const rootData = rootInline ? 0 : i32[treeAddress >> 2];
  const rootPadding = rootInline ? u8[treeAddress + 6] : i32[(rootData + HEAP_PADDING_BYTES) >> 2];
  const rootSize = rootInline ? u8[treeAddress + 7] : i32[(rootData + HEAP_SIZE_BYTES) >> 2];
  const rootSymbol = rootInline ? u8[treeAddress + 1] : u16[(rootData + HEAP_SYMBOL) >> 1];
  const rootMissing = rootInline ? (u8[treeAddress] & INLINE_MISSING) !== 0 : (u8[rootData + HEAP_FLAGS2] & 2) !== 0;
  const rootChildren = rootInline ? 0 : i32[(rootData + HEAP_CHILD_COUNT) >> 2];
  // The root's count of visible descendants sizes the arrays (they still grow if it falls short).
  const expected = 1 + (rootChildren > 0 ? i32[(rootData + HEAP_VISIBLE_DESCENDANT_COUNT) >> 2] : 0);
  const snapshot = new Snapshot(source, language.fields, table.fieldIds, types, expected + 16);
  let { symbols, flags: flagsOf, starts, ends, parents, lastDescendants, indexesInParent, childCounts, fieldIds } = snapshot;
  const namedIdsBySymbol: number[][] = [];
  // Per symbol: KNOWN_SYMBOL once its type name is in the table, NAMED, HAS_ERROR for ERROR nodes.
  const symbolFlags = table.flags;
  const flagsOfSymbol = (symbol: number): number => {
    types[symbol] = language.types[symbol] || 'ERROR';
    named[symbol] = language.nodeTypeIsNamed(symbol);
    return (symbolFlags[symbol] = KNOWN_SYMBOL | (named[symbol] ? NAMED : 0) | (types[symbol] === 'ERROR' ? HAS_ERROR : 0));
  };

  // Frames of the subtrees whose children are being read: the subtree, the next child, the next
  // structural (non-extra) child index, the position where the previous child ended, the visible
  // node the children belong to, and for a hidden subtree the field it has in its parent (-1: the
  // frame of a visible node, finished when the frame is).
  // Six words a frame, in one array.
  let frames = new Int32Array(64 * FRAME);
  let depth = 0;

  const rootPublic = rootSymbol === SYMBOL_ERROR ? SYMBOL_ERROR : u16[publicSymbols + rootSymbol];
  const rootFlags = symbolFlags[rootPublic] || flagsOfSymbol(rootPublic);
  const rootNamed = (rootFlags & NAMED) !== 0;
  symbols[0] = rootPublic;
  flagsOf[0] = (rootFlags & (NAMED | HAS_ERROR)) | (rootMissing ? MISSING | HAS_ERROR : 0);
  starts[0] = rootPadding >> 1;
  ends[0] = (rootPadding + rootSize) >> 1;
  parents[0] = -1;
  if (rootNamed) namedIdsBySymbol[rootPublic] = [0];
  let count = 1;
  if (rootChildren > 0) {
    frames[DATA] = rootData;
    frames[POSITION] = rootPadding;
    frames[OWNER] = 0;
    frames[FIELD] = -1;
    depth = 1;
  }

  while (depth > 0) {
    const top = (depth - 1) * FRAME;
    const data = frames[top + DATA];
    const childCount = i32[(data + HEAP_CHILD_COUNT) >> 2];
    const index = frames[top + CHILD];
    if (index === childCount) {
      depth--;
      if (frames[top + FIELD] === -1) {
        // A visible node's subtree is complete.
        const id = frames[top + OWNER];
        lastDescendants[id] = count - 1;
        const parent = parents[id];
        if (parent >= 0 && (flagsOf[id] & HAS_ERROR) !== 0) flagsOf[parent] |= HAS_ERROR;
      }
      continue;
    }
    const child = data - (childCount - index) * SUBTREE_SIZE;
    const inline = (u8[child] & INLINE_IS_INLINE) !== 0;
    const childData = inline ? 0 : i32[child >> 2];
    let position = frames[top + POSITION];
    if (index > 0) position += inline ? u8[child + 6] : i32[(childData + HEAP_PADDING_BYTES) >> 2];
    const size = inline ? u8[child + 7] : i32[(childData + HEAP_SIZE_BYTES) >> 2];
    const bits = inline ? u8[child] : u8[childData + HEAP_FLAGS];
    const extra = (bits & (inline ? INLINE_EXTRA : HEAP_EXTRA)) !== 0;
    frames[top + CHILD] = index + 1;
    frames[top + POSITION] = position + size;
    let alias = 0;
    let field = 0;
    if (!extra) {
      const production = u16[(data + HEAP_PRODUCTION_ID) >> 1];
      const structural = frames[top + STRUCTURAL]++;
      if (production !== 0) alias = u16[aliasSequences + production * maxAliasLength + structural];
      // The field of this structural child in the parent's production (inherited entries do not
      // count); a hidden parent passes on its own field.
      if (fieldCount !== 0) {
        const slice = fieldSlices + production * 4;
        const first = fieldEntries + u16[slice >> 1] * 4;
        const last = first + u16[(slice + 2) >> 1] * 4;
        for (let entry = first; entry < last; entry += 4) {
          if (u8[entry + 3] === 0 && u8[entry + 2] === structural) {
            field = u16[entry >> 1];
            break;
          }
        }
      }
      if (field === 0 && frames[top + FIELD] > 0) field = frames[top + FIELD];
    }
    const grandchildren = inline ? 0 : i32[(childData + HEAP_CHILD_COUNT) >> 2];
    let owner: number;
    if (alias !== 0 || (bits & (inline ? INLINE_VISIBLE : HEAP_VISIBLE)) !== 0) {
      const own = alias !== 0 ? alias : inline ? u8[child + 1] : u16[(childData + HEAP_SYMBOL) >> 1];
      const symbol = own === SYMBOL_ERROR ? SYMBOL_ERROR : u16[publicSymbols + own];
      const missing = inline ? (bits & INLINE_MISSING) !== 0 : (u8[childData + HEAP_FLAGS2] & 2) !== 0;
      const parent = frames[top + OWNER];
      const id = count++;
      if (id === symbols.length) {
        snapshot.grow();
        ({ symbols, flags: flagsOf, starts, ends, parents, lastDescendants, indexesInParent, childCounts, fieldIds } = snapshot);
      }
      const known = symbolFlags[symbol] || flagsOfSymbol(symbol);
      const isNamed = (known & NAMED) !== 0;
      symbols[id] = symbol;
      flagsOf[id] = (known & (NAMED | HAS_ERROR)) | (missing ? MISSING | HAS_ERROR : 0);
      starts[id] = position >> 1;
      ends[id] = (position + size) >> 1;
      parents[id] = parent;
      indexesInParent[id] = childCounts[parent]++;
      fieldIds[id] = field;
      if (isNamed) {
        const list = namedIdsBySymbol[symbol];
        if (list) list.push(id);
        else namedIdsBySymbol[symbol] = [id];
      }
      if (grandchildren === 0) {
        lastDescendants[id] = id;
        if ((flagsOf[id] & HAS_ERROR) !== 0) flagsOf[parent] |= HAS_ERROR;
        continue;
      }
      owner = id;
      field = -1;
    } else if (grandchildren > 0 && i32[(childData + HEAP_VISIBLE_CHILD_COUNT) >> 2] > 0) {
      // A hidden subtree: its visible children are the owner's.
      owner = frames[top + OWNER];
    } else {
      continue;
    }
    const next = depth * FRAME;
    if (next === frames.length) frames = grownFrames(frames);
    frames[next + DATA] = childData;
    frames[next + CHILD] = 0;
    frames[next + STRUCTURAL] = 0;
    frames[next + POSITION] = position;
    frames[next + OWNER] = owner;
    frames[next + FIELD] = field;
    depth++;
  }
  lastDescendants[0] = count - 1;
  snapshot.count = count;
  groupNamedIds(snapshot.namedIdsByType, namedIdsBySymbol, types);
  snapshot.objects = new Array<SnapshotNode | undefined>(count);
  return snapshot.node(0);

}

/** Offsets of a frame's words in snapshotFromMemory's frame array. */
const FRAME = 6;
const DATA = 0;
const CHILD = 1;
const STRUCTURAL = 2;
const POSITION = 3;
const OWNER = 4;
const FIELD = 5;

function grownFrames(frames: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const copy = new Int32Array(frames.length * 2);
  copy.set(frames);
  return copy;
}
