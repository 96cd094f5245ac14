// The rules read a plain-JS snapshot of the tree; it must answer every question exactly as
// web-tree-sitter's own nodes do. The reference here is web-tree-sitter itself, node by node.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { createPythonParser, loadPython, snapshotTree, type SyntaxNode, type Tree, type TreeSitterNode } from '../../../src/lint/parser';
import { TreeData, usesDirectCursor, usesMemoryWalk, type SnapshotNode, type TreeWalk } from '../../../src/lint/snapshot';
import { getModelGraphs } from '../../../src/lint/modelGraph';
import { collectImports, collectModuleConstants } from '../../../src/lint/resolve';
import { createRandom, mutateSource, pathologicalSources, SEED_SOURCES } from './hostileInputs';

const FIELDS = ['name', 'body', 'parameters', 'function', 'arguments', 'left', 'right', 'value', 'object', 'attribute',
  'condition', 'consequence', 'alternative', 'operator', 'key', 'type', 'return_type', 'superclasses', 'module_name', 'alias'];

function signature(node: SyntaxNode | TreeSitterNode | null): string {
  return node ? `${node.type}@${node.startIndex}-${node.endIndex}` : 'null';
}

/** Compares the two trees recursively; returns the first difference found, or undefined. */
function firstDifference(real: TreeSitterNode, copy: SyntaxNode, where = 'root'): string | undefined {
  for (const key of ['type', 'isNamed', 'isMissing', 'isError', 'hasError', 'startIndex', 'endIndex', 'text', 'childCount', 'namedChildCount'] as const) {
    if (real[key] !== copy[key]) return `${where}.${key}: ${String(real[key])} vs ${String(copy[key])}`;
  }
  for (const key of ['startPosition', 'endPosition'] as const) {
    if (real[key].row !== copy[key].row || real[key].column !== copy[key].column) return `${where}.${key}`;
  }
  for (const key of ['parent', 'previousSibling', 'nextSibling'] as const) {
    if (signature(real[key]) !== signature(copy[key])) return `${where}.${key}: ${signature(real[key])} vs ${signature(copy[key])}`;
  }
  for (const field of FIELDS) {
    if (signature(real.childForFieldName(field)) !== signature(copy.childForFieldName(field))) return `${where}.childForFieldName(${field})`;
    if (real.childrenForFieldName(field).map(signature).join() !== copy.childrenForFieldName(field).map(signature).join()) return `${where}.childrenForFieldName(${field})`;
  }
  if (real.namedChildren.map(signature).join() !== copy.namedChildren.map(signature).join()) return `${where}.namedChildren`;
  for (let i = 0; i < real.childCount; i++) {
    const difference = firstDifference(real.child(i)!, copy.child(i)!, `${where}/${i}`);
    if (difference) return difference;
  }
  return undefined;
}

function compare(source: string): void {
  const parser = createPythonParser();
  const tree = parser.parse(source)!;
  try {
    checkCopy(tree, snapshotTree(tree, source), source);
  } finally {
    tree.delete();
  }
}

/** The copy answers like web-tree-sitter, ids are pre-order indexes, and range queries agree. */
function checkCopy(tree: Tree, copy: SnapshotNode, source: string): void {
  {
    assert.strictEqual(firstDifference(tree.rootNode, copy), undefined);
    for (const types of [['comment'], ['identifier', 'string'], ['ERROR']]) {
      assert.deepStrictEqual(copy.descendantsOfType(types).map(signature), tree.rootNode.descendantsOfType(types).map(signature));
    }
    const rows = source.split('\n').length;
    for (let row = 0; row < rows; row++) {
      const from = { row, column: 0 };
      const to = { row, column: 8 };
      assert.deepStrictEqual(copy.descendantsOfType('identifier', from, to).map(signature),
        tree.rootNode.descendantsOfType('identifier', from, to).map(signature), `row ${row}`);
    }
    const all = copy.descendantsOfType(['module', 'identifier', 'call', 'block']);
    for (const node of all) assert.strictEqual(copy.snapshotNodes[node.id], node, `id ${node.id} is its pre-order index`);
    assert.deepStrictEqual(copy.namedNodesOfType('call').map(signature), tree.rootNode.descendantsOfType('call').map(signature));
  }
}

/** Every node of a snapshot, in pre-order. */
function preorder(root: SnapshotNode): SnapshotNode[] {
  const out: SnapshotNode[] = [];
  const stack = [root];
  while (stack.length) {
    const node = stack.pop()!;
    out.push(node);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
  }
  return out;
}

describe('tree snapshot', () => {
  before(async function () {
    this.timeout(30_000);
    await loadPython();
  });

  it('matches web-tree-sitter on valid code with comments, unicode and CRLF', () => {
    compare('import torch.nn as nn  # noqa: DRP001\r\nclass Net(nn.Module):\n    def forward(self, x: "é😀") -> int:\n        return self.drop(x) if x else -x\n');
  });

  it('matches on broken code: ERROR and MISSING nodes, empty siblings', () => {
    compare('def f(:\n  pass\nx = (\nif y\n  z\nclass A(:\n');
  });

  it('matches on empty and whitespace-only sources', () => {
    compare('');
    compare('\n\n   \n');
  });

  it('matches on every model fixture', function () {
    this.timeout(60_000);
    const dir = path.join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'lint');
    const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.py'));
    assert.ok(files.length > 10, `fixtures found in ${dir}`);
    for (const file of files) compare(fs.readFileSync(path.join(dir, file), 'utf8'));
  });

  it('reads trees from wasm memory, and the module\'s cursor functions, with the same result as a TreeCursor walk', function () {
    this.timeout(120_000);
    // The fast walks are the ones every test above checked against web-tree-sitter's nodes.
    assert.ok(usesDirectCursor(), 'loadPython() set up the direct cursor walk');
    assert.ok(usesMemoryWalk(), 'loadPython() verified the memory read on its probe');
    // A file large enough that the cursor's stack and the wasm memory grow during the walk, broken
    // code (MISSING nodes), hostile inputs (mutated model code, deep nesting, long lines), and a
    // tree whose walk starts while another tree's cursor is alive.
    const block = (i: number) => `class B${i}(nn.Module):\n    def forward(self, x):\n        return f(g(h(x[${i}], [(${i}, {"k": [i for i in y]})])))\n`;
    const random = createRandom(7);
    const sources = [
      Array.from({ length: 3000 }, (_, i) => block(i)).join(''), 'def f(:\n  x = (1,\nclass A(:\n', '',
      ...SEED_SOURCES, ...Array.from({ length: 40 }, () => mutateSource(random)),
      ...pathologicalSources(2_000).map(([, source]) => source),
    ];
    const parser = createPythonParser();
    const other = parser.parse('a = 1\n')!;
    const otherCursor = other.walk();
    const shape = (node: SnapshotNode) => `${node.type}@${node.startIndex}-${node.endIndex}:${node.fieldName ?? ''}:${node.isMissing}:${node.hasError}:${node.childCount}`;
    const sameWalks = (tree: Tree, source: string, label: string) => {
      const walks = (['memory', 'cursor', 'tree-cursor'] as TreeWalk[]).map((walk) => preorder(snapshotTree(tree, source, { walk })).map(shape));
      if (label === 'source 0') assert.ok(walks[2].length > 20_000, 'the walk went below the root');
      for (const [i, walk] of (['memory', 'cursor'] as const).entries()) {
        assert.strictEqual(walks[i].length, walks[2].length, `${label}: ${walk} walk has as many nodes as the TreeCursor walk`);
        const differs = walks[i].findIndex((node, n) => node !== walks[2][n]);
        assert.strictEqual(differs, -1, `${label}: ${walk} walk node ${differs}: ${walks[i][differs]} vs ${walks[2][differs]}`);
      }
    };
    try {
      assert.ok(otherCursor.gotoFirstChild());
      for (const [n, source] of sources.entries()) {
        const tree = parser.parse(source)!;
        try {
          sameWalks(tree, source, `source ${n}`);
          // The tree's own cursor-based API still works after the walks (the cursor was handed back intact).
          assert.strictEqual(tree.rootNode.descendantsOfType('class_definition').length, snapshotTree(tree, source).descendantsOfType('class_definition').length);
        } finally {
          tree.delete();
        }
      }
      // Trees re-parsed after edits share unchanged subtrees with the old tree: typing into a
      // model file, one character at a time, inserting and then deleting.
      let source = SEED_SOURCES[0];
      let tree = parser.parse(source)!;
      for (let step = 0; step < 30; step++) {
        const at = Math.floor(random() * source.length);
        const insert = step % 3 !== 2;
        const text = insert ? '(x'[step % 2] : '';
        const next = insert ? source.slice(0, at) + text + source.slice(at) : source.slice(0, at) + source.slice(at + 1);
        const point = (index: number) => {
          const before = source.slice(0, index).split('\n');
          return { row: before.length - 1, column: before[before.length - 1].length };
        };
        const end = insert ? at : Math.min(at + 1, source.length);
        const newEnd = at + text.length;
        tree.edit({
          startIndex: at, oldEndIndex: end, newEndIndex: newEnd,
          startPosition: point(at), oldEndPosition: point(end),
          newEndPosition: (() => { const before = next.slice(0, newEnd).split('\n'); return { row: before.length - 1, column: before[before.length - 1].length }; })(),
        });
        const reparsed = parser.parse(next, tree)!;
        tree.delete();
        tree = reparsed;
        source = next;
        sameWalks(tree, source, `edit ${step}`);
      }
      tree.delete();
      // The other cursor was not disturbed by the walks that used the transfer buffer.
      assert.strictEqual(otherCursor.nodeType, 'expression_statement');
    } finally {
      otherCursor.delete();
      other.delete();
    }
  });

  it('shares node objects: equals is identity, parents link back, named nodes are indexed by type', () => {
    const parser = createPythonParser();
    const source = 'a = f(1)\nb = g(a)\n';
    const tree = parser.parse(source)!;
    try {
      const root = snapshotTree(tree, source);
      const calls = root.namedNodesOfType('call');
      assert.deepStrictEqual(calls.map((c) => c.text), ['f(1)', 'g(a)']);
      assert.ok(calls[0].parent!.childForFieldName('right')!.equals(calls[0]));
      assert.ok(!calls[0].equals(calls[1]));
      assert.strictEqual(root.childForFieldName('body'), null);
    } finally {
      tree.delete();
    }
  });

  it('keeps what analyses build for a tree on its snapshot, shared within a lint and dropped when the lint releases it', () => {
    const parser = createPythonParser();
    const source = 'import torch.nn as nn\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 2)\n        self.drop = nn.Dropout(0.5)\n\n    def forward(self, x):\n        return self.drop(self.fc(x))\n';
    const tree = parser.parse(source)!;
    try {
      const root = snapshotTree(tree, source);
      const context = { root, imports: collectImports(root), constants: collectModuleConstants(root) };
      const graphs = getModelGraphs(context);
      assert.deepStrictEqual(graphs.map((g) => g.name), ['Net']);
      // Every rule of the lint gets the same graphs.
      assert.strictEqual(getModelGraphs(context), graphs);
      let builds = 0;
      const counted = new TreeData<number>();
      const build = () => ++builds;
      assert.strictEqual(counted.get(root, build), 1);
      assert.strictEqual(counted.get(root, build), 1);
      const call = root.namedNodesOfType('call')[0]!;
      root.releaseSnapshot();
      // Released: nothing of the lint stays reachable from the snapshot; asked again, it is built again.
      assert.strictEqual(root.snapshotData.treeData.size, 0);
      assert.notStrictEqual(getModelGraphs(context), graphs);
      assert.strictEqual(counted.get(root, build), 2);
      // The tree still reads the same (new node objects, same nodes).
      const again = root.namedNodesOfType('call')[0]!;
      assert.notStrictEqual(again, call);
      assert.strictEqual(again.id, call.id);
      assert.strictEqual(again.text, call.text);
      // Trees that are not snapshots keep their data in the slot itself.
      const plain = tree.rootNode as unknown as SyntaxNode;
      assert.strictEqual(counted.get(plain, build), 3);
      assert.strictEqual(counted.get(plain, build), 3);
    } finally {
      tree.delete();
    }
  });
});
