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

describe('DRP016 dropout-forced-on-at-inference', () => {
  it('flags training=True in a Keras predict function and in a loop over a test dataset', () => {
    const source = fixture('DRP016', 'keras_predict.py');
    const findings = lint(source).filter((f) => f.rule === 'DRP016');
    assert.deepStrictEqual(at(findings, 'DRP016'), ['13:25', '19:31']);
    assert.match(findings[0]!.message, /model\(\.\.\., training=True\) forces dropout on in predict\(\)/);
    assert.match(findings[1]!.message, /in evaluate_dataset\(\)/);
    const fixed = applyEdits(source, findings[0]!.fixes[0]!.edits);
    assert.match(fixed, /return model\(batch, training=False\)\.numpy\(\)/);
    assert.deepStrictEqual(at(lint(fixed), 'DRP016'), ['19:31']);
  });

  it('flags an explicit training=True functional dropout inside a no_grad evaluation', () => {
    const findings = lint(fixture('DRP016', 'torch_eval.py')).filter((f) => f.rule === 'DRP016');
    assert.deepStrictEqual(at(findings, 'DRP016'), ['20:46']);
    assert.match(findings[0]!.message, /^F\.dropout\(\.\.\., training=True\)/);
  });

  it('flags a Keras dropout layer called with training=True in an inference function, not under GradientTape', () => {
    const findings = lint(fixture('DRP016', 'keras_layers.py')).filter((f) => f.rule === 'DRP016');
    assert.deepStrictEqual(at(findings, 'DRP016'), ['10:28']);
    assert.match(findings[0]!.message, /^drop\(\.\.\., training=True\) forces dropout on in infer\(\)/);
  });

  it('stays silent on Monte Carlo averaging, GradientTape training steps, training=False and always-on prenets', () => {
    assert.deepStrictEqual(at(lint(fixture('DRP016', 'clean.py')), 'DRP016'), []);
  });
});
