// The rules read a plain-JS snapshot of the tree; it must answer every question exactly as
// web-tree-sitter's own nodes do. The reference here is web-tree-sitter itself, node by node.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { createPythonParser, loadPython, snapshotTree, type SyntaxNode, type Tree, type TreeSitterNode } from '../../../src/lint/parser';
import type { SnapshotNode } from '../../../src/lint/snapshot';

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
