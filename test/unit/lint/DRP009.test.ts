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

describe('DRP009 unscaled-manual-dropout', () => {
  it('flags a NumPy mask applied in place with no test-time scaling anywhere in the file', () => {
    const findings = lint(fixture('DRP009', 'numpy_scratch.py')).filter((f) => f.rule === 'DRP009');
    assert.deepStrictEqual(at(findings, 'DRP009'), ['9:5']);
    assert.match(findings[0]!.message, /mask 'U1' \(keep probability p\) is multiplied into 'H1'/);
    const fixed = applyEdits(fixture('DRP009', 'numpy_scratch.py'), findings[0]!.fixes[0]!.edits);
    assert.match(fixed, /H1 \*= U1 \/ p\n/);
    assert.deepStrictEqual(at(lint(fixed), 'DRP009'), []);
  });

  it('flags an unscaled rand_like mask in a module forward; keep probability is 1 - p for `> p`', () => {
    const source = fixture('DRP009', 'torch_module.py');
    const findings = lint(source).filter((f) => f.rule === 'DRP009');
    assert.deepStrictEqual(at(findings, 'DRP009'), ['13:20']);
    assert.match(findings[0]!.message, /keep probability 1 - self\.p/);
    const fix = findings[0]!.fixes[0]!;
    assert.strictEqual(fix.safe, false);
    const fixed = applyEdits(source, fix.edits);
    assert.match(fixed, /return \(x \* mask\) \/ \(1 - self\.p\)/);
    assert.deepStrictEqual(at(lint(fixed), 'DRP009'), []);
  });

  it('flags bernoulli masks in functional code (mul and inline bernoulli_)', () => {
    const findings = lint(fixture('DRP009', 'functional.py')).filter((f) => f.rule === 'DRP009');
    assert.deepStrictEqual(at(findings, 'DRP009'), ['6:12', '10:12']);
    assert.match(findings[0]!.message, /keep probability 1 - drop_prob/);
  });

  it('stays silent on scaled masks, rescaled results, per-sample masks, masked_fill/indexing and test-time scaling', () => {
    assert.deepStrictEqual(at(lint(fixture('DRP009', 'clean.py')), 'DRP009'), []);
  });

  it('stays silent on a block mask that blends in a noise fill (DropBlock with noise), flags the same mask without the fill', () => {
    const lines = (ret: string) => [
      'import torch', 'import torch.nn as nn', '',
      'class DropBlock(nn.Module):',
      '    def __init__(self, p=0.1):',
      '        super().__init__()',
      '        self.p = p', '',
      '    def forward(self, x):',
      '        if not self.training:',
      '            return x',
      '        block_mask = (torch.rand_like(x) >= self.p).float()',
      '        noise = torch.randn_like(x)',
      `        return ${ret}`, '',
    ].join('\n');
    assert.deepStrictEqual(at(lint(lines('x * block_mask + noise * (1 - block_mask)')), 'DRP009'), []);
    assert.deepStrictEqual(at(lint(lines('x + noise * block_mask')), 'DRP009'), []);
    assert.deepStrictEqual(at(lint(lines('x * block_mask')), 'DRP009'), ['14:16']);
  });

  it('flags a mask scaled by the wrong factor (the rate, or keep multiplied in); / keep is silent', () => {
    const source = fixture('DRP009', 'wrong_scale.py');
    const findings = lint(source).filter((f) => f.rule === 'DRP009');
    assert.deepStrictEqual(at(findings, 'DRP009'), ['8:12', '13:12', '18:12']);
    assert.match(findings[0].message, /scaled by \* p, which multiplies by the drop rate.*Divide by the keep probability \(\/ \(1 - p\)\)/);
    assert.match(findings[1].message, /scaled by \/ dropped_fraction, which divides by the drop rate instead of the keep probability/);
    assert.match(findings[2].message, /scaled by \* keep, which multiplies by the keep probability at train time/);
    const fixed = applyEdits(source, findings[0].fixes[0].edits);
    assert.match(fixed, /return \(x \* mask\) \/ \(1 - p\)\n/);
  });
});
