import * as assert from 'assert';
import type { Finding } from '../../../src/lint';
import { at, lint } from './helpers';
import { fixture, where } from './modelFixtures';

describe('DRP015 uniform-dropout-rate', () => {
  const source = fixture('DRP015', 'styles.py');
  let findings: Finding[] = [];
  before(() => {
    findings = lint(source).filter((f) => f.rule === 'DRP015');
  });

  it('hints at a model whose three or more dropouts share one rate (modules and functional)', () => {
    assert.deepStrictEqual(at(findings, 'DRP015'), [where(source, 'model = '), where(source, 'Net(nn.Module)')]);
    assert.ok(findings.every((f) => f.severity === 'hint'));
    assert.match(findings[0].message, /All 3 dropout layers of model `model` use p=0\.5/);
    assert.match(findings[1].message, /All 3 dropout layers of model Net use p=0\.3/);
    assert.strictEqual(findings[1].related.length, 3);
  });

  it('stays silent on graded rates, two dropouts, and unknown rates', () => {
    const silent = [where(source, 'graded = '), where(source, 'two = ')];
    for (const p of silent) assert.ok(!at(findings, 'DRP015').includes(p), p);
    const unknown = [
      'import torch.nn as nn',
      'def build(p):',
      '    model = nn.Sequential(nn.Dropout(0.5), nn.Linear(2, 2), nn.Dropout(0.5), nn.Linear(2, 2), nn.Dropout(p))',
      '    return model',
    ].join('\n');
    assert.deepStrictEqual(at(lint(unknown), 'DRP015'), []);
    const knob = [
      'import torch.nn as nn',
      'class Net(nn.Module):',
      '    def __init__(self, p=0.1):',
      '        super().__init__()',
      '        self.a, self.b, self.c = nn.Dropout(p), nn.Dropout(p), nn.Dropout(p)',
      '        self.fc = nn.Linear(2, 2)',
      '    def forward(self, x):',
      '        return self.fc(self.c(self.b(self.a(x))))',
      'net = Net()',
      'model_off = nn.Sequential(nn.Dropout(0), nn.Linear(2, 2), nn.Dropout(0), nn.Linear(2, 2), nn.Dropout(0), nn.Linear(2, 2))',
    ].join('\n');
    assert.deepStrictEqual(at(lint(knob), 'DRP015'), []);
  });
});
