// The rules read a plain-JS snapshot of the tree; it must answer every question exactly as
// web-tree-sitter's own nodes do. The reference here is web-tree-sitter itself, node by node.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { createPythonParser, loadPython, snapshotTree, type SyntaxNode, type Tree, type TreeSitterNode } from '../../../src/lint/parser';
import type { SnapshotNode } from '../../../src/lint/snapshot';
import { createRandom } from './hostileInputs';

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

  it('an incremental snapshot adopts the untouched statements and equals a full copy node for node', function () {
    this.timeout(120_000);
    const parser = createPythonParser();
    const random = createRandom(7);
    const snippets = ['x', ' ', '\n', '(', ')', '"""', '#', '😀', '\n    ', 'nn.Dropout(2)', ''];
    const block = (i: number) => [
      `class Block${i}(nn.Module):`,
      '    def __init__(self, p=0.5):',
      '        super().__init__()',
      `        self.drop = nn.Dropout(0.${(i % 9) + 1})  # é😀`,
      '    def forward(self, x):',
      '        return self.drop(x)',
      '',
      `model${i} = Block${i}()`,
      '',
    ].join('\n');
    const point = (text: string, offset: number) => {
      const before = text.slice(0, offset);
      return { row: before.split('\n').length - 1, column: offset - (before.lastIndexOf('\n') + 1) };
    };
    let source = `import torch.nn as nn\n${Array.from({ length: 12 }, (_, i) => block(i)).join('\n')}`;
    let tree = parser.parse(source)!;
    let copy = snapshotTree(tree, source);
    let adopted = 0;
    const steps = 120;
    try {
      for (let step = 0; step < steps; step++) {
        let start = Math.floor(random() * (source.length + 1));
        let end = Math.min(source.length, start + Math.floor(random() * 4));
        // Never split a surrogate pair: editors do not either.
        if (/[\udc00-\udfff]/.test(source[start] ?? '')) start--;
        if (/[\udc00-\udfff]/.test(source[end] ?? '')) end++;
        const insert = snippets[Math.floor(random() * snippets.length)];
        const next = source.slice(0, start) + insert + source.slice(end);
        tree.edit({
          startIndex: start, oldEndIndex: end, newEndIndex: start + insert.length,
          startPosition: point(source, start), oldEndPosition: point(source, end), newEndPosition: point(next, start + insert.length),
        });
        const newTree = parser.parse(next, tree)!;
        const oldText = new Map(copy.children.map((c) => [c, c.text]));
        const incremental = snapshotTree(newTree, next, { previous: copy, changedRanges: newTree.getChangedRanges(tree) });
        tree.delete();
        tree = newTree;
        source = next;
        // Node for node what a full copy gives (which the tests above hold against web-tree-sitter).
        assert.strictEqual(firstDifference(snapshotTree(tree, source) as unknown as TreeSitterNode, incremental), undefined, `step ${step}`);
        const all = incremental.descendantsOfType(['module', 'identifier', 'call', 'block']);
        for (const node of all) assert.strictEqual(incremental.snapshotNodes[node.id], node, `id ${node.id} is its pre-order index`);
        assert.deepStrictEqual(incremental.namedNodesOfType('call').map(signature), tree.rootNode.descendantsOfType('call').map(signature));
        for (const statement of incremental.children) {
          if (!oldText.has(statement)) continue;
          adopted++;
          assert.strictEqual(statement.text, oldText.get(statement), `adopted statement kept its text at step ${step}`);
        }
        copy = incremental;
      }
    } finally {
      tree.delete();
      parser.delete();
    }
    // Each edit touches one or two of about 25 top-level statements: most are taken over, not copied.
    assert.ok(adopted > steps * 15, `adopted ${adopted} statements in ${steps} edits`);
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
