import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { applyEdits } from '../../../src/lint';
import { at, lint } from './helpers';

/** Reads test/fixtures/lint/<rule>/<name>, from the compiled test folder or the working directory. */
function fixture(rule: string, name: string): string {
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'test', 'fixtures', 'lint', rule, name);
    if (fs.existsSync(candidate)) return fs.readFileSync(candidate, 'utf8');
  }
  return fs.readFileSync(path.join(process.cwd(), 'test', 'fixtures', 'lint', rule, name), 'utf8');
}

describe('DRP004 functional-dropout-ignores-mode', () => {
  it('flags F.dropout / dropout2d without a training flag and alpha_dropout that never drops (nn.Module forward)', () => {
    const findings = lint(fixture('DRP004', 'torch_module.py'));
    assert.deepStrictEqual(at(findings, 'DRP004'), ['15:13', '25:13', '26:16']);
    const [first, second, alpha] = findings.filter((f) => f.rule === 'DRP004');
    assert.match(first!.message, /F\.dropout\(p=self\.p\) in Classifier\.forward/);
    assert.match(second!.message, /F\.dropout2d\(p=0\.2\) in ConvBlock\.forward/);
    assert.match(alpha!.message, /never drops.*defaults to False/);
    assert.strictEqual(first!.severity, 'warning');
  });

  it('adds training=self.training as a safe fix, and the fixed source is clean', () => {
    const source = fixture('DRP004', 'torch_module.py');
    const finding = lint(source).find((f) => f.rule === 'DRP004')!;
    const [fix] = finding.fixes;
    assert.ok(fix?.safe);
    const fixed = applyEdits(source, fix!.edits);
    assert.match(fixed, /h = F\.dropout\(h, self\.p, training=self\.training\)/);
    assert.deepStrictEqual(at(lint(fixed), 'DRP004'), ['25:13', '26:16']);
    // The alpha-dropout fix changes training behaviour, so it is only suggested.
    const alpha = lint(source).filter((f) => f.rule === 'DRP004')[2]!;
    assert.strictEqual(alpha.fixes[0]?.safe, false);
  });

  it('flags an unguarded scaled_dot_product_attention dropout_p in a helper method and guards it', () => {
    const source = fixture('DRP004', 'attention.py');
    const findings = lint(source).filter((f) => f.rule === 'DRP004');
    assert.deepStrictEqual(at(findings, 'DRP004'), ['13:30']);
    assert.match(findings[0]!.message, /dropout_p=self\.attn_drop.*SelfAttention\._attend/);
    const fixed = applyEdits(source, findings[0]!.fixes[0]!.edits);
    assert.match(fixed, /dropout_p=self\.attn_drop if self\.training else 0\.0/);
    assert.deepStrictEqual(at(lint(fixed), 'DRP004'), []);
  });

  it('flags tf.nn.dropout in a Keras call unless guarded by the training argument', () => {
    const findings = lint(fixture('DRP004', 'keras_layer.py'));
    assert.deepStrictEqual(at(findings, 'DRP004'), ['13:16']);
    assert.match(findings.find((f) => f.rule === 'DRP004')!.message, /tf\.nn\.dropout\(rate=self\.rate\) in NoisyDense\.call always drops/);
  });

  it('stays silent on tied, guarded, deliberate and non-framework dropout (pitfalls must-not-flag)', () => {
    assert.deepStrictEqual(at(lint(fixture('DRP004', 'clean.py')), 'DRP004'), []);
  });

  it('accepts other spellings of the flag and of the import', () => {
    const source = [
      'import torch.nn.functional as fn',
      'from torch import nn',
      'class M(nn.Module):',
      '    def forward(self, x, is_training=False):',
      '        x = fn.dropout(x, 0.1, is_training)',
      '        return nn.functional.dropout(x, p=0.1, training=self.training and self.mc)',
    ].join('\n');
    assert.deepStrictEqual(at(lint(source), 'DRP004'), []);
  });

  it("accepts a helper's dropout_p that every caller zeroes when not training, or that the helper switches on", () => {
    const source = (caller: string, guard: boolean) => [
      'import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', '',
      'class Attention(nn.Module):',
      '    def __init__(self, p=0.1):',
      '        super().__init__()',
      '        self.dropout = p',
      '        self.proj = nn.Linear(64, 64)', '',
      '    def forward(self, q, k, v):',
      ...caller.split('\n'),
      '        return self.proj(self._attend(q, k, v, dropout_p))', '',
      '    def _attend(self, q, k, v, dropout_p):',
      '        w = F.softmax(q @ k.transpose(-2, -1), dim=-1)',
      ...(guard ? ['        if dropout_p > 0.0:', '            w = F.dropout(w, p=dropout_p)'] : ['        w = F.dropout(w, p=dropout_p)']),
      '        return w @ v', '',
    ].join('\n');
    const zeroed = '        if not self.training:\n            dropout_p = 0.0\n        else:\n            dropout_p = self.dropout';
    const always = '        dropout_p = self.dropout';
    assert.deepStrictEqual(at(lint(source(zeroed, false)), 'DRP004'), []);
    assert.deepStrictEqual(at(lint(source(always, true)), 'DRP004'), []);
    assert.deepStrictEqual(at(lint(source(always, false)), 'DRP004'), ['17:13']);
  });
});
