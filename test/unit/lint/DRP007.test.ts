import * as assert from 'assert';
import type { Finding } from '../../../src/lint';
import { at, lint } from './helpers';
import { fixture, where } from './modelFixtures';

describe('DRP007 heavy-dropout-with-batchnorm', () => {
  const source = fixture('DRP007', 'styles.py');
  let findings: Finding[] = [];
  before(() => {
    findings = lint(source).filter((f) => f.rule === 'DRP007');
  });

  it('flags rates above 0.2 in torch classes, Keras Sequentials and models built from BN blocks', () => {
    assert.deepStrictEqual(at(findings, 'DRP007'), [
      where(source, 'nn.Dropout(DROP)'),
      where(source, 'layers.Dropout(rate=0.4)'),
      where(source, 'nn.Dropout(p)'),
    ]);
    assert.ok(findings.every((f) => f.severity === 'information'));
    // The module constant DROP = 0.5 and the default argument p=0.3 are read as rates.
    assert.match(findings[0].message, /self\.drop \(nn\.Dropout, p=0\.5\).*model CNN.*BatchNorm \(self\.bn\)/);
    assert.match(findings[1].message, /rate=0\.4/);
    assert.match(findings[2].message, /p=0\.3.*model Composite.*self\.norm/);
    assert.strictEqual(`${findings[0].related[0].range.start.line + 1}:${findings[0].related[0].range.start.column + 1}`, where(source, 'nn.BatchNorm2d(8)'));
  });

  it('stays silent on rates of 0.2 or less, on models without BatchNorm and on dropout after the last BatchNorm', () => {
    const lines = [where(source, 'light = '), where(source, 'no_bn = '), where(source, 'nn.Dropout(0.5)'), where(source, 'layers.Dropout(rate=0.5)')]
      .map((w) => Number(w.split(':')[0]));
    assert.ok(findings.every((f) => !lines.includes(f.range.start.line + 1)));
    const unknown = 'import torch.nn as nn\ndef make(p):\n    return nn.Sequential(nn.BatchNorm1d(4), nn.Dropout(p))\n';
    assert.deepStrictEqual(at(lint(unknown), 'DRP007'), []);
  });

  it('still flags a dropout after the last BatchNorm when it runs in a loop that feeds the next BatchNorm', () => {
    const looped = [
      'import torch.nn as nn', 'import torch.nn.functional as F', '',
      'class Encoder(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.convs = nn.ModuleList([nn.Sequential(nn.Conv1d(8, 8, 5, padding=2), nn.BatchNorm1d(8)) for _ in range(3)])',
      '',
      '    def forward(self, x):',
      '        for conv in self.convs:',
      '            x = F.dropout(F.relu(conv(x)), 0.5, self.training)',
      '        return x', '',
    ].join('\n');
    assert.deepStrictEqual(at(lint(looped), 'DRP007'), [where(looped, 'F.dropout(F.relu')]);
  });
});
