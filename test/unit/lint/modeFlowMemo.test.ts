// The mode flow reuses each function's analysis across edits while everything it read outside the
// function answers the same. These edits change exactly such outside reads — a callee's eval(), a
// renamed callee, the set of switched receivers, import aliases, base classes, module names — in a
// statement other than the function that depends on them. After every edit the flow of the
// incrementally adopted snapshot must equal the flow of a fresh snapshot of the same text, and the
// live linter must report what a fresh lint reports.
import * as assert from 'assert';
import { createPythonParser, lintSource } from '../../../src/lint';
import { IncrementalLinter } from '../../../src/lint/incremental';
import { getModeFlow, type Mode, type ModeFlow } from '../../../src/lint/modeFlow';
import type { Tree } from '../../../src/lint/parser';
import { collectImports } from '../../../src/lint/resolve';
import { snapshotTree, type SnapshotNode, type SyntaxNode } from '../../../src/lint/snapshot';
import { nodesOfType } from '../../../src/lint/syntax';
import type { Finding } from '../../../src/lint/types';
import './helpers';

function where(node: SyntaxNode): string {
  return `${node.startPosition.row + 1}:${node.startPosition.column + 1}`;
}

function describeMode(mode: Mode): string {
  return `${mode.bits}[${mode.evals.map((e) => `${where(e.site)}<-${where(e.origin)}`).join(' ')}]`;
}

/** Everything the rules can read from a flow, by position (node objects differ between snapshots). */
function describeFlow(flow: ModeFlow): string[] {
  const lines: string[] = [];
  for (const scope of [flow.module, ...flow.scopes]) {
    lines.push(`scope ${scope.name}@${where(scope.node)} locals=${[...scope.locals].sort().join(',')} globals=${[...scope.globals].sort().join(',')}`);
    for (const [key, mode] of scope.exit ?? []) lines.push(`  exit ${key}=${describeMode(mode)}`);
    for (const [key, origin] of scope.origins) lines.push(`  origin ${key}=${where(origin)}`);
    for (const site of scope.callSites) lines.push(`  site ${where(site.call)} -> ${site.callee.name} ${[...site.state].map(([k, m]) => `${k}=${describeMode(m)}`).join(' ')}`);
    for (const call of scope.modelCalls) {
      lines.push(`  call ${call.key}@${where(call.call)} ${describeMode(call.mode)} ${call.tracedBy ?? ''}`);
      for (const path of flow.resolve(call)) {
        lines.push(`    path ${path.scope.name} ${path.key}@${where(path.anchor)} ${describeMode(path.mode)} ${path.unresolved}`);
      }
    }
  }
  return lines;
}

function flowOf(root: SnapshotNode): string[] {
  return describeFlow(getModeFlow({ root, imports: collectImports(root) }));
}

function shown(findings: readonly Finding[]): string[] {
  return findings.map((f) => JSON.stringify([f.rule, f.message, f.range, f.fixes, f.related]));
}

function pointAt(text: string, offset: number): { row: number; column: number } {
  const before = text.slice(0, offset);
  return { row: before.split('\n').length - 1, column: offset - (before.lastIndexOf('\n') + 1) };
}

function functionNamed(root: SnapshotNode, name: string): SyntaxNode | undefined {
  return nodesOfType(root, 'function_definition').find((fn) => fn.childForFieldName('name')?.text === name);
}

type Replacement = [from: string, to: string];

/**
 * Applies the replacements one after the other (each must match once) to an incremental snapshot
 * and to the live linter; after each, compares with fresh ones. `survivor` names a function whose
 * node must be adopted by every edit, so its memoized analysis is what gets checked.
 */
function checkEdits(initial: string, survivor: string, replacements: readonly Replacement[], onStep?: (step: number, findings: Finding[]) => void): void {
  const parser = createPythonParser();
  const linter = new IncrementalLinter();
  let text = initial;
  let tree: Tree = parser.parse(text)!;
  let snapshot = snapshotTree(tree, text);
  try {
    assert.deepStrictEqual(flowOf(snapshot), flowOf(snapshotTree(tree, text)), 'flow of the opened text');
    linter.open('memo.py', text);
    replacements.forEach(([from, to], step) => {
      const start = text.indexOf(from);
      assert.ok(start >= 0 && text.indexOf(from, start + 1) < 0, `step ${step}: '${from}' occurs once`);
      const next = text.slice(0, start) + to + text.slice(start + from.length);
      tree.edit({
        startIndex: start, oldEndIndex: start + from.length, newEndIndex: start + to.length,
        startPosition: pointAt(text, start), oldEndPosition: pointAt(text, start + from.length), newEndPosition: pointAt(next, start + to.length),
      });
      const nextTree = parser.parse(next, tree)!;
      const kept = functionNamed(snapshot, survivor);
      const nextSnapshot = snapshotTree(nextTree, next, { previous: snapshot, changedRanges: nextTree.getChangedRanges(tree) });
      assert.ok(kept && functionNamed(nextSnapshot, survivor) === kept, `step ${step}: ${survivor}() is adopted, not rebuilt`);
      const freshTree = parser.parse(next)!;
      try {
        assert.deepStrictEqual(flowOf(nextSnapshot), flowOf(snapshotTree(freshTree, next)), `step ${step}: flow after '${from}' -> '${to}'`);
      } finally {
        freshTree.delete();
      }
      tree.delete();
      tree = nextTree;
      snapshot = nextSnapshot;
      const result = linter.applyEdits('memo.py', [{
        range: { start: { line: pointAt(text, start).row, column: pointAt(text, start).column }, end: { line: pointAt(text, start + from.length).row, column: pointAt(text, start + from.length).column } },
        text: to,
      }]);
      text = next;
      assert.deepStrictEqual(shown(result.findings), shown(lintSource(text)), `step ${step}: findings after '${from}' -> '${to}'`);
      onStep?.(step, result.findings);
    });
  } finally {
    tree.delete();
    parser.delete();
    linter.dispose();
  }
}

const NET = [
  'import torch',
  'import torch.nn as nn',
  '',
  'class Net(nn.Module):',
  '    def __init__(self):',
  '        super().__init__()',
  '        self.fc = nn.Linear(4, 4)',
  '        self.drop = nn.Dropout(0.5)',
  '',
  '    def forward(self, x):',
  '        return self.drop(self.fc(x))',
  '',
];

function drp002Lines(findings: readonly Finding[]): number[] {
  return findings.filter((f) => f.rule === 'DRP002').map((f) => f.range.start.line + 1);
}

describe('mode flow memo across edits', () => {
  it('follows an eval() added to, removed from and renamed away with a function the evaluation calls', () => {
    const text = [
      ...NET,
      'def setup_model(model):',
      '    pass',
      '',
      'def run_validation(model, loader):',
      '    setup_model(model)',
      '    with torch.no_grad():',
      '        for x in loader:',
      '            model(x)',
      '',
      'def main(loader):',
      '    model = Net()',
      '    run_validation(model, loader)',
      '',
    ].join('\n');
    const reported: number[][] = [];
    checkEdits(text, 'run_validation', [
      ['    pass', '    model.eval()'],
      ['def setup_model(', 'def setup_model2('],
      ['def setup_model2(', 'def setup_model('],
      ['    model.eval()\n', '    model.train()\n'],
      ['    model.train()\n', '    pass\n'],
    ], (_, findings) => reported.push(drp002Lines(findings)));
    // Only the eval() reaching run_validation through setup_model() silences the finding.
    assert.deepStrictEqual(reported.map((lines) => lines.length > 0), [false, true, false, true, true]);
    assert.deepStrictEqual(drp002Lines(lintSource(text)), reported[4]);
  });

  it('follows the eval() of a callee reached through a callee (summaries composed twice)', () => {
    const text = [
      ...NET,
      'def freeze_stats(net):',
      '    pass',
      '',
      'def setup_model(model):',
      '    freeze_stats(model)',
      '',
      'def run_validation(model, loader):',
      '    setup_model(model)',
      '    with torch.no_grad():',
      '        return [model(x) for x in loader]',
      '',
      'net = Net()',
      'run_validation(net, [])',
      '',
    ].join('\n');
    assert.ok(drp002Lines(lintSource(text)).length > 0, 'the model runs in train mode at first');
    const counts: number[] = [];
    checkEdits(text, 'run_validation', [
      ['    pass', '    net.eval()'],
      ['    net.eval()', '    net.cpu()'],
    ], (_, findings) => counts.push(drp002Lines(findings).length));
    assert.deepStrictEqual(counts.map((n) => n > 0), [false, true]);
  });

  it('follows a train() elsewhere that adds a receiver to the switched keys', () => {
    checkEdits([
      ...NET,
      'def score(loader, source):',
      '    clf = source',
      '    with torch.no_grad():',
      '        for x in loader:',
      '            clf(x)',
      '',
      'def other():',
      '    pass',
      '',
    ].join('\n'), 'score', [
      ['def other():\n    pass', 'def other():\n    clf.train()'],
      ['    clf.train()', '    clf.eval()'],
      ['    clf.eval()', '    pass'],
    ]);
  });

  it('follows import aliases that change what is torch, no_grad or a known constructor', () => {
    checkEdits([
      'import torch',
      'import torch.nn as nn',
      'from torch import no_grad',
      '',
      'class Custom(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.drop = nn.Dropout(0.3)',
      '',
      'def evaluate_custom(loader):',
      '    model = Custom()',
      '    seq = nn.Sequential(nn.Dropout(0.2))',
      '    with no_grad():',
      '        for x in loader:',
      '            model(x)',
      '            seq(x)',
      '',
    ].join('\n'), 'evaluate_custom', [
      ['import torch.nn as nn', 'import torch.nn as tnn'],
      ['import torch.nn as tnn', 'import torch.nn as nn'],
      ['from torch import no_grad', 'from contextlib import nullcontext as no_grad'],
      ['from contextlib import nullcontext as no_grad', 'from torch import no_grad'],
      ['import torch\n', 'import torch as T\n'],
    ]);
  });

  it('follows base classes and methods found through them, in other statements', () => {
    checkEdits([
      ...NET,
      'class Base:',
      '    def switch(self):',
      '        self.model.eval()',
      '',
      'class Runner(Base):',
      '    def __init__(self):',
      '        self.model = Net()',
      '',
      '    def evaluate(self, loader):',
      '        self.switch()',
      '        with torch.no_grad():',
      '            return [self.model(x) for x in loader]',
      '',
      'Runner().evaluate([])',
      '',
    ].join('\n'), 'evaluate', [
      ['        self.model.eval()', '        self.model.cpu()'],
      ['class Base:', 'class Base0:'],
      ['class Base0:', 'class Base:'],
      ['        self.model.cpu()', '        self.model.eval()'],
    ]);
  });

  it('follows a callee whose exit stays the same while its parameters move', () => {
    checkEdits([
      ...NET,
      'def setup(model):',
      '    model.train()',
      '',
      'def evaluate(model, loader):',
      '    setup(model)',
      '    with torch.no_grad():',
      '        return [model(x) for x in loader]',
      '',
      'net = Net()',
      'evaluate(net, [])',
      '',
    ].join('\n'), 'evaluate', [
      ['def setup(model):', 'def setup(other, model):'],
      ['def setup(other, model):', 'def setup(model):'],
      ['    model.train()', '    global model\n    model.train()'],
    ]);
  });

  it('lets a nested function analysed again see only the locals its enclosing function bound so far', () => {
    checkEdits([
      ...NET,
      'def helper(m):',
      '    m.eval()',
      '',
      'def outer(model, loader):',
      '    def inner():',
      '        helper(model)',
      '    inner()',
      '    with torch.no_grad():',
      '        for x in loader:',
      '            model(x)',
      '    helper = None',
      '    return helper',
      '',
      'net = Net()',
      'outer(net, [])',
      '',
    ].join('\n'), 'outer', [
      ['    m.eval()', '    m.cpu()'],
      ['    m.cpu()', '    m.eval()'],
    ]);
  });

  it('records the locals bound at each callee even after a replay stopped half way', () => {
    checkEdits([
      ...NET,
      'def helper(m):',
      '    m.eval()',
      '',
      'def deeper(m):',
      '    m.train()',
      '',
      'def other(m):',
      '    deeper(m)',
      '',
      'def outer(model, loader):',
      '    def inner():',
      '        helper(model)',
      '    inner()',
      '    helper = None',
      '    other(model)',
      '    with torch.no_grad():',
      '        for x in loader:',
      '            model(x)',
      '    return helper',
      '',
      'net = Net()',
      'outer(net, [])',
      '',
    ].join('\n'), 'outer', [
      // other() keeps its node but its summary changes: the replay of outer() stops there. The
      // next edit makes inner() run again within the replay of outer(), before `helper` is bound.
      ['    m.train()', '    m.cpu()'],
      ['    m.eval()', '    m.cpu()'],
      ['    m.cpu()\n\ndef deeper', '    m.eval()\n\ndef deeper'],
    ]);
  });

  it('follows class and function names that keep a call from being a model call', () => {
    checkEdits([
      ...NET,
      'def evaluate(loader):',
      '    model = Net()',
      '    with torch.no_grad():',
      '        return [model(x) for x in loader]',
      '',
      'def outer(loader):',
      '    net = make()',
      '    def inner(x):',
      '        return net(x)',
      '    return inner',
      '',
      'def show():',
      '    print(Net())',
      '',
      'def helper():',
      '    pass',
      '',
    ].join('\n'), 'outer', [
      ['class Net(', 'class Net2('],
      ['class Net2(', 'class Net('],
      ['def helper():', 'def net():'],
      ['def net():', 'def helper():'],
    ]);
  });

  it('follows the torch-ness of a class built in another statement', () => {
    checkEdits([
      'import torch',
      'import torch.nn as nn',
      '',
      'class Custom(nn.Module):',
      '    def forward(self, x):',
      '        return x',
      '',
      'def evaluate(loader):',
      '    net = Custom()',
      '    with torch.no_grad():',
      '        for x in loader:',
      '            net(x)',
      '',
    ].join('\n'), 'evaluate', [
      ['class Custom(nn.Module):\n    def forward', 'class Custom(object):\n    def apply_to'],
      ['class Custom(object):\n    def apply_to', 'class Custom(nn.Module):\n    def forward'],
      ['class Custom(', 'class Other('],
      ['class Other(', 'class Custom('],
    ]);
  });

  it('follows module names, module functions, recursion and nested functions', () => {
    checkEdits([
      ...NET,
      'def helper(m):',
      '    m.eval()',
      '',
      'def init_weights(m):',
      '    pass',
      '',
      'def outer(model, loader):',
      '    def inner():',
      '        helper(model)',
      '    model.apply(init_weights)',
      '    inner()',
      '    with torch.no_grad():',
      '        for x in loader:',
      '            model(x)',
      '            clf(x)',
      '    outer(model, loader)',
      '',
      'def ping(model, n):',
      '    pong(model, n)',
      '',
      'def pong(model, n):',
      '    ping(model, n)',
      '',
      'outer(Net(), [])',
      '',
    ].join('\n'), 'outer', [
      ['def helper(m):', 'def helper2(m):'],
      ['def helper2(m):', 'def helper(m):'],
      ['def init_weights(m):\n    pass', 'def init_weights(m):\n    m.train()'],
      ['outer(Net(), [])', 'clf = Net()\nouter(Net(), [])'],
      ['def pong(model, n):\n    ping(model, n)', 'def pong(model, n):\n    model.eval()\n    ping(model, n)'],
      ['def helper(m):\n    m.eval()', 'helper = None\ndef helper_(m):\n    m.eval()'],
    ]);
  });
});
