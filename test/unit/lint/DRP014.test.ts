import * as assert from 'assert';
import type { Finding } from '../../../src/lint';
import { at, lint } from './helpers';
import { fixture, where } from './modelFixtures';

describe('DRP014 heavy-input-dropout', () => {
  const source = fixture('DRP014', 'styles.py');
  let findings: Finding[] = [];
  before(() => {
    findings = lint(source).filter((f) => f.rule === 'DRP014');
  });

  it('flags rates above 0.3 on the input of a Sequential, a forward (after a reshape) and a Keras Input', () => {
    assert.deepStrictEqual(at(findings, 'DRP014'), [
      where(source, 'nn.Dropout(0.5)'),
      where(source, 'self.corrupt(x)'),
      where(source, 'layers.Dropout(0.4)(inputs)'),
    ]);
    assert.ok(findings.every((f) => f.severity === 'information'));
    assert.match(findings[1].message, /self\.corrupt \(nn\.Dropout, p=0\.6\).*model Denoiser/);
  });

  it('stays silent on hidden dropouts, dropout after an embedding and mild input rates', () => {
    const silent = [where(source, 'nn.Dropout(0.5)', 2), where(source, 'self.drop(self.emb(tokens))'), where(source, 'layers.Dropout(0.2)')];
    for (const p of silent) assert.ok(!at(findings, 'DRP014').includes(p), p);
  });

  it('stays silent on building blocks, whose input is another layer\'s output', () => {
    const block = [
      'import torch.nn as nn',
      'class Block(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.drop = nn.Dropout(0.5)',
      '        self.fc = nn.Linear(4, 4)',
      '    def forward(self, x):',
      '        return self.fc(self.drop(x))',
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.fc = nn.Linear(4, 4)',
      '        self.block = Block()',
      '    def forward(self, x):',
      '        return self.block(self.fc(x))',
    ].join('\n');
    assert.deepStrictEqual(at(lint(block), 'DRP014'), []);
  });
});
