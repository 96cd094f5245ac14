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

describe('DRP020 flax-apply-without-dropout-rng', () => {
  it('flags a jitted TrainState step applying train=True without rngs; the keyed step and the eval step are silent', () => {
    const findings = lint(fixture('DRP020', 'train_step.py'));
    assert.deepStrictEqual(at(findings, 'DRP020'), ['27:18']);
    assert.match(findings.find((f) => f.rule === 'DRP020')!.message,
      /^state\.apply_fn\(\.\.\., train=True\) runs the model's nn\.Dropout in training mode without rngs=\{'dropout': key\}: .*InvalidRngError/);
    assert.deepStrictEqual(at(findings, 'DRP019'), []);
  });

  it('flags model.apply(..., deterministic=False) without rngs; rngs=, **kwargs and a variable mode are silent', () => {
    const findings = lint(fixture('DRP020', 'direct_apply.py'));
    assert.deepStrictEqual(at(findings, 'DRP020'), ['18:15']);
    assert.match(findings.find((f) => f.rule === 'DRP020')!.message, /^model\.apply\(\.\.\., deterministic=False\)/);
  });

  it('stays silent when the model has no dropout (train=True only switches BatchNorm)', () => {
    assert.deepStrictEqual(at(lint(fixture('DRP020', 'no_dropout.py')), 'DRP020'), []);
  });
});
