import * as assert from 'assert';
import type { Finding } from '../../../src/lint';
import { at, lint } from './helpers';
import { applyFirstFix, fixture, where } from './modelFixtures';

describe('DRP017 unused-dropout-output', () => {
  const source = fixture('DRP017', 'styles.py');
  let findings: Finding[] = [];
  before(() => {
    findings = lint(source).filter((f) => f.rule === 'DRP017');
  });

  it('flags a dropout result that is never read while the next layer reads the input (module, functional, Keras)', () => {
    assert.deepStrictEqual(at(findings, 'DRP017'), [
      where(source, 'self.drop(x)\n        return self.fc2(x)'),
      where(source, 'F.dropout(out'),
      where(source, 'layers.Dropout(0.3)(hidden)'),
    ]);
    assert.match(findings[0].message, /assigned to `h`.*line 17 reads the pre-dropout `x`/);
    assert.strictEqual(`${findings[0].related[0].range.start.line + 1}:${findings[0].related[0].range.start.column + 1}`, where(source, 'x)\n\n\nclass Functional'));
  });

  it('suggests reading the dropout result instead', () => {
    const fixed = applyFirstFix(source, findings[0]);
    assert.ok(fixed.includes('        h = self.drop(x)\n        return self.fc2(h)\n'));
    assert.deepStrictEqual(at(lint(fixed), 'DRP017').length, 2);
    assert.ok(applyFirstFix(source, findings[2]).includes('outputs = layers.Dense(1)(regularised)'));
  });

  it('stays silent when the input is only inspected afterwards (shape checks), not fed to a layer', () => {
    const source = [
      'import torch',
      'import torch.nn as nn',
      'import torch.nn.functional as F',
      'def test_dropout_keeps_shape():',
      '    model = nn.Sequential(nn.Linear(4, 4))',
      '    x = torch.ones(2, 4)',
      '    h = model(x)',
      '    out = F.dropout(h, 0.5)',
      '    assert h.shape == (2, 4)',
      '    assert h.size(0) == 2',
    ].join('\n');
    assert.deepStrictEqual(at(lint(source), 'DRP017'), []);
  });

  it('stays silent when a closure reads the result', () => {
    const source = [
      'import torch.nn as nn',
      'from torch.utils.checkpoint import checkpoint',
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.drop = nn.Dropout(0.1)',
      '        self.fc = nn.Linear(2, 2)',
      '    def forward(self, x):',
      '        h = self.drop(x)',
      '        y = checkpoint(lambda: self.fc(h))',
      '        return y + x',
    ].join('\n');
    assert.deepStrictEqual(at(lint(source), 'DRP017'), []);
  });

  it('stays silent on reassignment to the same name, results that are read, and `_`', () => {
    const fine = where(source, 'class Fine');
    const fineLine = Number(fine.split(':')[0]);
    assert.ok(findings.every((f) => f.range.start.line + 1 < fineLine || f.range.start.line + 1 > fineLine + 12));
  });
});
