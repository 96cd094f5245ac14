// The rules read a plain-JS snapshot of the tree; it must answer every question exactly as
// web-tree-sitter's own nodes do. The reference here is web-tree-sitter itself, node by node.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { createPythonParser, loadPython, snapshotTree, type SyntaxNode, type Tree, type TreeSitterNode } from '../../../src/lint/parser';
import { usesDirectCursor, type SnapshotNode } from '../../../src/lint/snapshot';

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

  it('walks trees through the wasm module\'s cursor functions, with the same result as a TreeCursor walk', function () {
    this.timeout(60_000);
    // The fast walk is the one every test above checked against web-tree-sitter's nodes.
    assert.ok(usesDirectCursor(), 'loadPython() set up the direct cursor walk');
    // A file large enough that the cursor's stack and the wasm memory grow during the walk, broken
    // code (MISSING nodes), and a tree whose walk starts while another tree's cursor is alive.
    const block = (i: number) => `class B${i}(nn.Module):\n    def forward(self, x):\n        return f(g(h(x[${i}], [(${i}, {"k": [i for i in y]})])))\n`;
    const sources = [Array.from({ length: 3000 }, (_, i) => block(i)).join(''), 'def f(:\n  x = (1,\nclass A(:\n', ''];
    const parser = createPythonParser();
    const other = parser.parse('a = 1\n')!;
    const otherCursor = other.walk();
    try {
      assert.ok(otherCursor.gotoFirstChild());
      for (const source of sources) {
        const tree = parser.parse(source)!;
        try {
          const direct = snapshotTree(tree, source);
          const viaTreeCursor = snapshotTree(tree, source, { treeCursorOnly: true });
          const a = preorder(direct);
          const b = preorder(viaTreeCursor);
          assert.strictEqual(a.length, b.length, 'same number of nodes');
          assert.ok(source === '' || a.length > 5, 'the walk went below the root');
          const shape = (node: SnapshotNode) => `${node.type}@${node.startIndex}-${node.endIndex}:${node.fieldName ?? ''}:${node.isMissing}:${node.hasError}`;
          for (let i = 0; i < a.length; i++) assert.strictEqual(shape(a[i]), shape(b[i]), `node ${i}`);
          // The tree's own cursor-based API still works after the walk (the cursor was handed back intact).
          assert.strictEqual(tree.rootNode.descendantsOfType('class_definition').length, direct.descendantsOfType('class_definition').length);
        } finally {
          tree.delete();
        }
      }
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
});
