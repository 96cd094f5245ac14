import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { at, lint } from './helpers';

function fixture(rule: string, name: string): string {
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'test', 'fixtures', 'lint', rule, name);
    if (fs.existsSync(candidate)) return fs.readFileSync(candidate, 'utf8');
  }
  return fs.readFileSync(path.join(process.cwd(), 'test', 'fixtures', 'lint', rule, name), 'utf8');
}

describe('DRP018 manual-dropout-without-training-guard', () => {
  it('flags unguarded masks in torch forward (shared-over-time and element-wise); guarded and early-exit versions are silent', () => {
    const findings = lint(fixture('DRP018', 'torch_modules.py'));
    assert.deepStrictEqual(at(findings, 'DRP018'), ['16:16', '40:13']);
    const [locked, noisy] = findings.filter((f) => f.rule === 'DRP018');
    assert.match(locked.message, /mask 'mask' is applied in LockedDropout\.forward with no training guard.*keeps dropping at inference/);
    assert.match(noisy.message, /mask 'keep' is applied in NoisyHidden\.forward/);
    // Correctly scaled masks: DRP009 has nothing to say about them.
    assert.deepStrictEqual(at(findings, 'DRP009'), []);
  });

  it('flags a Keras layer whose call ignores `training`; the `if training:` version is silent', () => {
    const findings = lint(fixture('DRP018', 'keras_layer.py'));
    assert.deepStrictEqual(findings.map((f) => `${f.rule} ${f.range.start.line + 1}`), ['DRP018 13']);
    assert.match(findings[0].message, /MyDropout\.call/);
  });

  it('leaves masks outside forward/call, per-sample masks not named as dropout, and functions outside classes alone', () => {
    const source = [
      'import torch', 'import torch.nn as nn', '',
      'def drop(h, p=0.5):', '    mask = (torch.rand_like(h) > p).float()', '    return h * mask / (1 - p)', '',
      'class Block(nn.Module):', '    def forward(self, x):',
      '        gate = (torch.rand(x.size(0), 1) < 0.9).float()', '        return x * gate', '',
    ].join('\n');
    assert.deepStrictEqual(at(lint(source), 'DRP018'), []);
  });
});
