// The call-based rules (DRP004, DRP010, DRP011, DRP012) remember their conclusions per statement or class across
// lints, and the import table and module constants are shared between lints with equal contents.
// These edits change what an untouched statement's findings depend on from elsewhere in the file
// (an import alias, a constant, a base class, a noqa comment, a trailing comment, lines above it): after each one the
// live linter must report exactly what a fresh lint reports, and the finding must really change.
import * as assert from 'assert';
import { createPythonParser, lintSource } from '../../../src/lint';
import { IncrementalLinter } from '../../../src/lint/incremental';
import { snapshotTree, type SyntaxNode } from '../../../src/lint/parser';
import { collectImports, collectModuleConstants, ImportTable } from '../../../src/lint/resolve';
import { nodesOfTypeIn } from '../../../src/lint/syntax';
import type { Finding } from '../../../src/lint/types';
import './helpers';

function shown(findings: readonly Finding[]): string[] {
  return findings.map((f) => JSON.stringify([f.rule, f.severity, f.message, f.range, f.fixes, f.related]));
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) };
}

/** A document in an IncrementalLinter, edited by replacing text; every lint is checked against a fresh one. */
class LiveDocument {
  private readonly linter = new IncrementalLinter();
  findings: Finding[];

  constructor(private text: string) {
    this.findings = this.checked(this.linter.open('memo.py', text).findings);
  }

  /** Replaces the first occurrence of `from` (searched after `after`, when given) with `to`. */
  replace(from: string, to: string, after = ''): Finding[] {
    const start = this.text.indexOf(from, after ? this.text.indexOf(after) : 0);
    assert.ok(start >= 0, `'${from}' is in the document`);
    const range = { start: positionOf(this.text, start), end: positionOf(this.text, start + from.length) };
    this.text = this.text.slice(0, start) + to + this.text.slice(start + from.length);
    this.findings = this.checked(this.linter.applyEdits('memo.py', [{ range, text: to }]).findings);
    return this.findings;
  }

  of(rule: string): Finding[] {
    return this.findings.filter((f) => f.rule === rule);
  }

  dispose(): void {
    this.linter.dispose();
  }

  private checked(findings: Finding[]): Finding[] {
    assert.deepStrictEqual(shown(findings), shown(lintSource(this.text)));
    return findings;
  }
}

const MODEL = [
  'import torch',
  'import torch.nn as nn',
  'import torch.nn.functional as F',
  'import tensorflow as tf',
  '',
  'RATE = 0.3',
  '',
  'class Base(nn.Module):',
  '    pass',
  '',
  'class Net(nn.Module):',
  '    def __init__(self):',
  '        super().__init__()',
  '        self.drop = nn.Dropout(RATE)',
  '        self.big = nn.Dropout(1.5)',
  '    def forward(self, x):',
  '        return F.dropout(x, p=RATE)',
  '',
  'class Sub(Base):',
  '    def helper(self, x):',
  '        y = F.dropout(x, 0.2)',
  '        return tf.nn.dropout(y, rate=0.1)',
  '',
].join('\n');

describe('per-unit rule memos across edits', () => {
  let doc: LiveDocument;
  beforeEach(() => { doc = new LiveDocument(MODEL); });
  afterEach(() => doc.dispose());

  it('an import alias change re-resolves the calls of untouched statements', () => {
    assert.strictEqual(doc.of('DRP010').length, 1);
    assert.strictEqual(doc.of('DRP004').length, 3);
    doc.replace('import torch.nn.functional as F', 'import torch.nn.functional as G');
    // F no longer names torch's functional module: only tf.nn.dropout is left for DRP004.
    assert.deepStrictEqual(doc.of('DRP004').map((f) => f.message.split('(')[0]), ['tf.nn.dropout']);
    doc.replace('import torch.nn.functional as G', 'import torch.nn.functional as F');
    assert.strictEqual(doc.of('DRP004').length, 3);
    doc.replace('import torch.nn as nn', 'import torch.nn as tnn');
    assert.strictEqual(doc.of('DRP010').length, 0);
  });

  it('a module constant edit changes the rate an untouched call is judged by', () => {
    assert.match(doc.of('DRP004')[0].message, /F\.dropout\(p=0\.3\)/);
    doc.replace('RATE = 0.3', 'RATE = 1.3');
    // nn.Dropout(RATE) and F.dropout(p=RATE) join nn.Dropout(1.5).
    assert.strictEqual(doc.of('DRP010').length, 3);
    assert.match(doc.of('DRP004')[0].message, /F\.dropout\(p=1\.3\)/);
    // Assigned twice, it is no longer a constant.
    doc.replace('RATE = 1.3', 'RATE = 1.3\nRATE = 0.1');
    assert.strictEqual(doc.of('DRP010').length, 1);
    assert.match(doc.of('DRP004')[0].message, /F\.dropout\(p=RATE\)/);
  });

  it('a base class edit changes how an untouched subclass is judged', () => {
    const subclass = () => doc.of('DRP004').filter((f) => f.message.includes('Sub.helper')).map((f) => f.message.split('(')[0]);
    assert.deepStrictEqual(subclass(), ['F.dropout', 'tf.nn.dropout']);
    doc.replace('class Base(nn.Module)', 'class Base(tf.keras.layers.Layer)');
    // A Keras layer: only the TensorFlow API is judged.
    assert.deepStrictEqual(subclass(), ['tf.nn.dropout']);
    doc.replace('class Base(tf.keras.layers.Layer)', 'class Base(object)');
    assert.deepStrictEqual(subclass(), []);
  });

  it('a functional dropout moved out of forward is no longer reported', () => {
    assert.ok(doc.of('DRP004').some((f) => f.message.includes('Net.forward')));
    doc.replace('    def forward(self, x):\n        return F.dropout(x, p=RATE)', '    def forward(self, x):\n        return x\n\ndef noise(x):\n    return F.dropout(x, p=RATE)');
    assert.ok(!doc.of('DRP004').some((f) => f.message.includes('forward')));
  });

  it('a noqa comment added or removed on an untouched statement\'s line', () => {
    doc.replace('nn.Dropout(1.5)', 'nn.Dropout(1.5)  # noqa: DRP010');
    assert.strictEqual(doc.of('DRP010').length, 0);
    doc.replace('RATE = 0.3', 'RATE = 0.3  # dropout-lab: noqa: DRP004');
    assert.strictEqual(doc.of('DRP004').length, 3, 'a file directive needs its own line');
    doc.replace('RATE = 0.3  # dropout-lab: noqa: DRP004', '# dropout-lab: noqa: DRP004\nRATE = 0.3');
    assert.strictEqual(doc.of('DRP004').length, 0);
    doc.replace('  # noqa: DRP010', '');
    assert.strictEqual(doc.of('DRP010').length, 1);
  });

  it('lines inserted above move remembered findings and their fixes', () => {
    const before = doc.of('DRP004').find((f) => f.message.includes('Net.forward'))!;
    doc.replace('RATE = 0.3', 'RATE = 0.3\n\n\nOTHER = 2');
    const after = doc.of('DRP004').find((f) => f.message.includes('Net.forward'))!;
    assert.strictEqual(after.range.start.line, before.range.start.line + 3);
    assert.strictEqual(after.fixes[0].edits[0].range.start.line, before.fixes[0].edits[0].range.start.line + 3);
    doc.replace('class Net(nn.Module):', 'x = 1\nclass Net(nn.Module):');
    const moved = doc.of('DRP010').at(-1)!;
    assert.strictEqual(moved.range.start.line, MODEL.split('\n').findIndex((l) => l.includes('Dropout(1.5)')) + 4);
  });
});

const TF_MODEL = [
  'import tensorflow as tf',
  'import torch.nn as nn',
  '',
  'LAYERS = 1',
  '',
  'h = tf.nn.dropout(x, 0.9)  # keep 90 %',
  'g = tf.nn.dropout(x, drop_rate)',
  'rnn = nn.LSTM(8, 16, LAYERS, dropout=0.2)',
  '',
].join('\n');

describe('per-statement memos that read beyond the statement', () => {
  let doc: LiveDocument;
  beforeEach(() => { doc = new LiveDocument(TF_MODEL); });
  afterEach(() => doc.dispose());

  it('DRP011 re-reads the comment at the end of a remembered call\'s line', () => {
    const keepWording = () => doc.of('DRP011').filter((f) => f.message.includes('its name or comment')).length;
    assert.strictEqual(keepWording(), 1);
    doc.replace('# keep 90 %', '# 90 %');
    // Still flagged as a high positional rate, no longer for its wording.
    assert.strictEqual(keepWording(), 0);
    assert.strictEqual(doc.of('DRP011').length, 1);
    doc.replace('# 90 %', '# keep it');
    assert.strictEqual(keepWording(), 1);
  });

  it('DRP011 notices the file becoming TF1 code elsewhere', () => {
    assert.ok(!doc.of('DRP011').some((f) => f.message.includes('drop_rate')));
    doc.replace('LAYERS = 1', 'LAYERS = 1\nsess = tf.Session()');
    // In TF1 code the positional argument is keep_prob, and `drop_rate` looks like a rate.
    assert.ok(doc.of('DRP011').some((f) => f.message.includes("'drop_rate' looks like a drop rate")));
    doc.replace('sess = tf.Session()', 'sess = None');
    assert.ok(!doc.of('DRP011').some((f) => f.message.includes('drop_rate')));
  });

  it('DRP012 follows the module constant used as num_layers', () => {
    assert.strictEqual(doc.of('DRP012').length, 1);
    doc.replace('LAYERS = 1', 'LAYERS = 2');
    assert.strictEqual(doc.of('DRP012').length, 0);
    doc.replace('LAYERS = 2', 'LAYERS = 1');
    assert.strictEqual(doc.of('DRP012').length, 1);
  });
});

describe('DRP016 candidates kept per statement', () => {
  it('judges a remembered training=True call against the rest of the file every lint', () => {
    const doc = new LiveDocument([
      'import torch',
      'model = torch.nn.Linear(2, 2)',
      'with torch.no_grad():',
      '    for _ in range(10):',
      '        out = model(x, training=True)',
      'result = 0',
      '',
    ].join('\n'));
    try {
      assert.strictEqual(doc.of('DRP016').length, 1);
      // Averaging the samples anywhere in the module makes it Monte Carlo dropout.
      doc.replace('result = 0', 'result = out.mean()');
      assert.strictEqual(doc.of('DRP016').length, 0);
      doc.replace('result = out.mean()', 'result = 0');
      assert.strictEqual(doc.of('DRP016').length, 1);
    } finally {
      doc.dispose();
    }
  });
});

describe('shared import table and module constants', () => {
  function roots(...sources: string[]) {
    const parser = createPythonParser();
    try {
      return sources.map((source) => {
        const tree = parser.parse(source)!;
        try {
          return snapshotTree(tree, source);
        } finally {
          tree.delete();
        }
      });
    } finally {
      parser.delete();
    }
  }

  it('equal imports give the same table, different ones a different table', () => {
    const [a, b, c] = roots('import torch.nn as nn\nx = 1\n', 'import torch.nn as nn\ny = 2\n', 'import torch.nn as tnn\n');
    assert.strictEqual(collectImports(a), collectImports(b));
    assert.notStrictEqual(collectImports(a), collectImports(c));
    assert.strictEqual(collectImports(c).lookup('tnn'), 'torch.nn');
    assert.throws(() => collectImports(a).bind('x', 'y'), /read-only/);
  });

  it('finds nested imports in source order, but none inside strings', () => {
    const [root] = roots([
      'from torch import nn as N',
      'def f():',
      '    import keras.layers as N',
      '    from tensorflow.keras import *',
      'if True:',
      '    import numpy as np',
      's = "import os as N"',
    ].join('\n'));
    const table = collectImports(root);
    assert.strictEqual(table.lookup('N'), 'keras.layers');
    assert.strictEqual(table.lookup('np'), 'numpy');
    assert.deepStrictEqual(table.stars, ['tensorflow.keras']);
    assert.deepStrictEqual([...table.entries()], [...collectImports(root, new ImportTable()).entries()]);
  });

  it('nodesOfTypeIn gives a statement\'s nodes of a type in source order, on snapshots and tree-sitter trees', () => {
    const source = 'a = f(g(1))\ndef h():\n    return k(2) + m(3)\nn(4)\n';
    const parser = createPythonParser();
    const tree = parser.parse(source)!;
    try {
      const snapshot = snapshotTree(tree, source);
      const texts = (root: SyntaxNode) => root.namedChildren.map((statement) => nodesOfTypeIn(root, statement!, 'call').map((call) => call.text));
      const expected = [['f(g(1))', 'g(1)'], ['k(2)', 'm(3)'], ['n(4)']];
      assert.deepStrictEqual(texts(snapshot), expected);
      assert.deepStrictEqual(texts(tree.rootNode), expected);
    } finally {
      tree.delete();
      parser.delete();
    }
  });

  it('equal constants give the same map; 0 and -0 stay apart', () => {
    const [a, b, c, d] = roots('P = 0.5\nQ = 0\n', 'P = 0.5\nQ = 0\nz = f()\n', 'P = 0.5\nQ = -0\n', 'P = 0.5\nQ = 1\nQ = 2\n');
    assert.strictEqual(collectModuleConstants(a), collectModuleConstants(b));
    assert.notStrictEqual(collectModuleConstants(a), collectModuleConstants(c));
    assert.deepStrictEqual([...collectModuleConstants(d)], [['P', 0.5]]);
  });
});
