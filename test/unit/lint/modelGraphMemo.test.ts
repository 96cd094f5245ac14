// Model graphs are memoized per class and per function scope across lints (builder.ts
// `memoized`): an adopted class_definition / function_definition keeps its graphs while everything
// its build read outside its own subtree reads the same. These edits each change one such outside
// input while the unit itself stays untouched; after every edit the graphs must equal those of a
// fresh build, and untouched units must keep their graph objects (the memo is really used).
import * as assert from 'assert';
import { createPythonParser, type SyntaxNode, type Tree } from '../../../src/lint/parser';
import { snapshotTree, type SnapshotNode } from '../../../src/lint/snapshot';
import { buildModelGraphs, type ModelGraph } from '../../../src/lint/modelGraph';
import { collectImports, collectModuleConstants } from '../../../src/lint/resolve';
import { IncrementalLinter } from '../../../src/lint/incremental';
import { lint } from './helpers';

function pointAt(text: string, offset: number): { row: number; column: number } {
  const before = text.slice(0, offset);
  return { row: before.split('\n').length - 1, column: offset - (before.lastIndexOf('\n') + 1) };
}

/** A document edited as the live linter does it: incremental re-parse, snapshot adopting untouched statements. */
class EditedDocument {
  private readonly parser = createPythonParser();
  private tree: Tree;
  root: SnapshotNode;

  constructor(public text: string) {
    this.tree = this.parser.parse(text)!;
    this.root = snapshotTree(this.tree, text);
  }

  /** Replaces the first occurrence of `from` (which must exist) by `to`. */
  replace(from: string, to: string): void {
    const start = this.text.indexOf(from);
    assert.ok(start >= 0, `no ${JSON.stringify(from)} in the document`);
    const end = start + from.length;
    const next = this.text.slice(0, start) + to + this.text.slice(end);
    this.tree.edit({
      startIndex: start, oldEndIndex: end, newEndIndex: start + to.length,
      startPosition: pointAt(this.text, start), oldEndPosition: pointAt(this.text, end), newEndPosition: pointAt(next, start + to.length),
    });
    const newTree = this.parser.parse(next, this.tree)!;
    this.root = snapshotTree(newTree, next, { previous: this.root, changedRanges: newTree.getChangedRanges(this.tree) });
    this.tree.delete();
    this.tree = newTree;
    this.text = next;
  }

  dispose(): void {
    this.tree.delete();
  }
}

function graphsOf(root: SyntaxNode): ModelGraph[] {
  return buildModelGraphs(root, collectImports(root), collectModuleConstants(root));
}

/** Everything in the graphs, nodes written as type@start-end (positions are compared through ranges too). */
function serialized(graphs: readonly ModelGraph[]): string {
  return JSON.stringify(graphs, (key, value: unknown) => {
    if (value && typeof value === 'object' && 'startIndex' in value && 'type' in value && 'childCount' in value) {
      const node = value as SyntaxNode;
      return `${node.type}@${node.startIndex}-${node.endIndex}`;
    }
    return value;
  }, 1);
}

function freshGraphs(text: string): ModelGraph[] {
  const tree = createPythonParser().parse(text)!;
  try {
    return graphsOf(snapshotTree(tree, text));
  } finally {
    tree.delete();
  }
}

function byName(graphs: readonly ModelGraph[], name: string): ModelGraph {
  const graph = graphs.find((g) => g.name === name);
  assert.ok(graph, `no model ${name} in ${graphs.map((g) => g.name).join(', ')}`);
  return graph;
}

/**
 * Applies `from -> to` and checks the graphs against a fresh build; `untouched` classes must keep
 * their graph objects. Returns the graphs before and after.
 */
function editAndCheck(doc: EditedDocument, from: string, to: string, untouched: readonly string[] = []): { before: ModelGraph[]; after: ModelGraph[] } {
  const before = graphsOf(doc.root);
  assert.strictEqual(serialized(before), serialized(freshGraphs(doc.text)), 'before the edit');
  doc.replace(from, to);
  const after = graphsOf(doc.root);
  assert.strictEqual(serialized(after), serialized(freshGraphs(doc.text)), `after ${JSON.stringify(from)} -> ${JSON.stringify(to)}`);
  for (const name of untouched) assert.strictEqual(byName(after, name), byName(before, name), `${name} keeps its graph`);
  return { before, after };
}

const rateOf = (graph: ModelGraph): Array<number | undefined> => graph.definitions.filter((d) => d.kind === 'dropout').map((d) => d.dropout?.rate);

describe('model graph memo across edits', () => {
  let doc: EditedDocument | undefined;
  afterEach(() => {
    doc?.dispose();
    doc = undefined;
  });

  it('reuses the graphs of untouched classes and rebuilds the edited one, with ranges moved by the edit', () => {
    doc = new EditedDocument([
      'import torch.nn as nn',
      'class A(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.drop = nn.Dropout(0.1)',
      '    def forward(self, x):',
      '        return self.drop(x)',
      'class B(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.drop = nn.Dropout(0.2)',
      '    def forward(self, x):',
      '        return self.drop(x)',
      '',
    ].join('\n'));
    const { before, after } = editAndCheck(doc, 'Dropout(0.1)', 'Dropout(0.15)', ['B']);
    assert.notStrictEqual(byName(after, 'A'), byName(before, 'A'));
    assert.deepStrictEqual(rateOf(byName(after, 'A')), [0.15]);
    // Lines inserted above B: B is reused, and its ranges follow.
    const rangeBefore = byName(graphsOf(doc.root), 'B').definitions[0].range.start.line;
    editAndCheck(doc, 'class B', '# one\n# two\nclass B', []);
    assert.strictEqual(byName(graphsOf(doc.root), 'B').definitions[0].range.start.line, rangeBefore + 2);
    editAndCheck(doc, 'Dropout(0.15)', 'Dropout(0.1)', ['B']);
  });

  it('rebuilds a subclass when its user base class is edited', () => {
    doc = new EditedDocument([
      'import torch.nn as nn',
      'class Base(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.drop = nn.Dropout(0.2)',
      'class Net(Base):',
      '    def forward(self, x):',
      '        return self.drop(x)',
      '',
    ].join('\n'));
    const { after } = editAndCheck(doc, 'Dropout(0.2)', 'Dropout(0.7)');
    const rates = rateOf(byName(after, 'Net'));
    assert.ok(rates.length > 0 && rates.every((r) => r === 0.7), `Net sees the base's new rate: ${rates.join(', ')}`);
    // The base renamed away: Net no longer derives from a module class.
    const renamed = editAndCheck(doc, 'class Base(', 'class Base2(').after;
    assert.ok(!renamed.some((g) => g.name === 'Net'));
  });

  it('follows a class used as a layer being renamed, and isTopLevel with it', () => {
    doc = new EditedDocument([
      'import torch.nn as nn',
      'class Block(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.drop = nn.Dropout(0.5)',
      '    def forward(self, x):',
      '        return self.drop(x)',
      'class Wrapper(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.block = Block()',
      '    def forward(self, x):',
      '        return self.block(x)',
      '',
    ].join('\n'));
    const before = graphsOf(doc.root);
    assert.deepStrictEqual(byName(before, 'Wrapper').usesClasses, ['Block']);
    const { after } = editAndCheck(doc, 'class Block(', 'class Blok(');
    assert.deepStrictEqual(byName(after, 'Wrapper').usesClasses, []);
    const back = editAndCheck(doc, 'class Blok(', 'class Block(').after;
    assert.deepStrictEqual(byName(back, 'Wrapper').usesClasses, ['Block']);
  });

  it('rebuilds when an import alias changes what a class calls', () => {
    doc = new EditedDocument([
      'import torch.nn as nn',
      'import torch.nn.functional as F',
      'class Net(nn.Module):',
      '    def forward(self, x):',
      '        return F.dropout(x, p=0.5, training=self.training)',
      '',
    ].join('\n'));
    assert.strictEqual(byName(graphsOf(doc.root), 'Net').layers[0].kind, 'dropout');
    const { after } = editAndCheck(doc, 'functional as F', 'functional as G');
    assert.notStrictEqual(byName(after, 'Net').layers[0]?.kind, 'dropout');
    const back = editAndCheck(doc, 'functional as G', 'functional as F').after;
    assert.strictEqual(byName(back, 'Net').layers[0].kind, 'dropout');
  });

  it('rebuilds when a module constant used as a rate changes, and only the classes reading it', () => {
    doc = new EditedDocument([
      'import torch.nn as nn',
      'DROP = 0.3',
      'class Uses(nn.Module):',
      '    def __init__(self, p=DROP):',
      '        super().__init__()',
      '        self.drop = nn.Dropout(p)',
      '    def forward(self, x):',
      '        return self.drop(x)',
      'class Literal(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.drop = nn.Dropout(0.1)',
      '    def forward(self, x):',
      '        return self.drop(x)',
      '',
    ].join('\n'));
    const { after } = editAndCheck(doc, 'DROP = 0.3', 'DROP = 0.6', ['Literal']);
    assert.deepStrictEqual(rateOf(byName(after, 'Uses')), [0.6]);
    const removed = editAndCheck(doc, 'DROP = 0.6', 'OTHER = 0.6', ['Literal']).after;
    assert.deepStrictEqual(rateOf(byName(removed, 'Uses')), [undefined]);
  });

  it('rebuilds when a helper function the class calls changes, or stops building layers', () => {
    doc = new EditedDocument([
      'import torch.nn as nn',
      'def make_drop():',
      '    return nn.Dropout(0.25)',
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.drop = make_drop()',
      '    def forward(self, x):',
      '        return self.drop(x)',
      '',
    ].join('\n'));
    assert.deepStrictEqual(rateOf(byName(graphsOf(doc.root), 'Net')), [0.25]);
    const { after } = editAndCheck(doc, 'Dropout(0.25)', 'Dropout(0.35)');
    assert.deepStrictEqual(rateOf(byName(after, 'Net')), [0.35]);
    const irrelevant = editAndCheck(doc, 'return nn.Dropout(0.35)', 'return None').after;
    assert.deepStrictEqual(rateOf(byName(irrelevant, 'Net')), []);
  });

  it('rebuilds when a helper the class inlines stops being relevant, though the helper is untouched', () => {
    // `helper` is interpreted (inlined) only while it builds a model class; the lambda is never run,
    // so only the relevance of `helper` tells the memo that Block's rename matters to Net.
    doc = new EditedDocument([
      'import torch.nn as nn',
      'def helper(x):',
      '    build = lambda: Block()',
      '    return x * 2',
      'class Block(nn.Module):',
      '    pass',
      'class Net(nn.Module):',
      '    def forward(self, x):',
      '        return helper(x)',
      '',
    ].join('\n'));
    assert.deepStrictEqual(byName(graphsOf(doc.root), 'Net').layers.map((l) => l.display), ['*']);
    const { after } = editAndCheck(doc, 'class Block(', 'class Blok(');
    assert.deepStrictEqual(byName(after, 'Net').layers.map((l) => l.display), ['helper']);
  });

  it('recomputes isTopLevel when a module-level instantiation appears or goes', () => {
    doc = new EditedDocument([
      'import torch.nn as nn',
      'class Encoder(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.fc = nn.Linear(8, 8)',
      '        self.drop = nn.Dropout(0.5)',
      '    def forward(self, x):',
      '        return self.drop(self.fc(x))',
      '',
      'pass',
      '',
    ].join('\n'));
    assert.strictEqual(byName(graphsOf(doc.root), 'Encoder').isTopLevel, false);
    const { after } = editAndCheck(doc, '\npass\n', '\nenc = Encoder()\n', ['Encoder']);
    assert.strictEqual(byName(after, 'Encoder').isTopLevel, true);
    const gone = editAndCheck(doc, '\nenc = Encoder()\n', '\npass\n', ['Encoder']).after;
    assert.strictEqual(byName(gone, 'Encoder').isTopLevel, false);
  });

  it('memoizes the models built in a function like a class: reused untouched, rebuilt on a constant or class it reads', () => {
    doc = new EditedDocument([
      'import torch.nn as nn',
      'DROP = 0.3',
      'class Encoder(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.fc = nn.Linear(4, 4)',
      '        self.drop = nn.Dropout(0.5)',
      '    def forward(self, x):',
      '        return self.drop(self.fc(x))',
      'def build_model():',
      '    enc = Encoder()',
      '    return nn.Sequential(nn.Linear(4, 4), nn.Dropout(DROP))',
      'def other():',
      '    return nn.Linear(2, 2)',
      '',
    ].join('\n'));
    const before = graphsOf(doc.root);
    assert.ok(byName(before, 'Encoder').isTopLevel, 'instantiated on its own in build_model');
    const { after } = editAndCheck(doc, 'Linear(2, 2)', 'Linear(2, 3)', ['build_model', 'Encoder']);
    assert.deepStrictEqual(rateOf(byName(after, 'build_model')), [0.3]);
    const constant = editAndCheck(doc, 'DROP = 0.3', 'DROP = 0.4', ['Encoder']).after;
    assert.deepStrictEqual(rateOf(byName(constant, 'build_model')), [0.4]);
    const renamed = editAndCheck(doc, 'class Encoder(', 'class Encoder2(').after;
    assert.strictEqual(byName(renamed, 'Encoder2').isTopLevel, false);
    editAndCheck(doc, 'class Encoder2(', 'class Encoder(');
    assert.ok(byName(graphsOf(doc.root), 'Encoder').isTopLevel);
  });

  it('reuses the module body\'s models while its statements stay, and re-asks what depends on the whole file', () => {
    doc = new EditedDocument([
      'import torch.nn as nn',
      'import torch.nn.functional as F',
      'seq = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5))',
      'head = nn.Linear(4, 2)',
      'seq.append(nn.Identity())',
      'x = seq(data)',
      'y = F.dropout(x, 0.2)',
      'z = head(x)',
      'def helper():',
      '    return 1',
      '',
    ].join('\n'));
    const before = graphsOf(doc.root);
    assert.strictEqual(byName(before, 'seq').isTopLevel, false);
    assert.strictEqual(before.flatMap((g) => g.unusedDropouts).length, 1, '`y` is never read while `x` is');
    // An edit inside a function leaves the module statements alone: the Sequential graph is reused.
    editAndCheck(doc, 'return 1', 'return 2', ['seq']);
    // ... but reading `y` in that function, or calling `seq.train()` there, changes what the module's models are.
    const read = editAndCheck(doc, 'return 2', 'return y', ['seq']).after;
    assert.strictEqual(read.flatMap((g) => g.unusedDropouts).length, 0);
    const trained = editAndCheck(doc, 'return y', 'seq.train()').after;
    assert.strictEqual(byName(trained, 'seq').isTopLevel, true);
    // A module-level statement edited (not the first): rebuilt.
    const edited = editAndCheck(doc, 'seq.append(nn.Identity())', 'seq.append(nn.ReLU())').after;
    assert.deepStrictEqual(byName(edited, 'seq').layers.map((l) => l.kind), ['dense', 'dropout', 'activation']);
  });

  it('gives the live linter the findings of a fresh lint through those edits', () => {
    const linter = new IncrementalLinter();
    let text = [
      'import torch.nn as nn',
      'DROP = 0.5',
      'class Encoder(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.fc = nn.Linear(8, 8)',
      '        self.drop = nn.Dropout(DROP)',
      '    def forward(self, x):',
      '        return self.drop(self.fc(x))',
      '',
      'pass',
      '',
    ].join('\n');
    const shown = (findings: readonly { rule: string; message: string; range: unknown; related?: unknown }[]) =>
      findings.map((f) => JSON.stringify([f.rule, f.message, f.range, f.related]));
    try {
      linter.open('doc', text);
      const edits: Array<[string, string]> = [['\npass\n', '\nenc = Encoder()\n'], ['DROP = 0.5', 'DROP = 0.4'], ['class Encoder(', '# moved\nclass Encoder(']];
      let sawDrp001 = false;
      for (const [from, to] of edits) {
        const start = text.indexOf(from);
        const next = text.slice(0, start) + to + text.slice(start + from.length);
        const range = { start: { line: pointAt(text, start).row, column: pointAt(text, start).column }, end: { line: pointAt(text, start + from.length).row, column: pointAt(text, start + from.length).column } };
        const result = linter.applyEdits('doc', [{ range, text: to }]);
        text = next;
        assert.deepStrictEqual(shown(result.findings), shown(lint(text)), `after ${JSON.stringify(to)}`);
        sawDrp001 ||= result.findings.some((f) => f.rule === 'DRP001');
      }
      assert.ok(sawDrp001, 'the instantiation made Encoder a complete model with dropout on its output');
    } finally {
      linter.dispose();
    }
  });
});
