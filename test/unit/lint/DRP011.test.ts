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

describe('DRP011 keep-prob-rate-confusion', () => {
  it('flags keep_prob=, keep-like TF2 rates and keep-named values in tf.nn.dropout', () => {
    const findings = lint(fixture('DRP011', 'tf_functional.py')).filter((f) => f.rule === 'DRP011');
    assert.deepStrictEqual(at(findings, 'DRP011'), ['6:26', '7:26', '8:26', '9:29', '13:31']);
    assert.match(findings[1]!.message, /keep_prob=0\.8.*write rate=0\.2/);
    assert.match(findings[2]!.message, /rate=0\.9 looks like a keep probability.*discards 90 %/);
    assert.match(findings[4]!.message, /rate=0\.75.*name or comment/);
  });

  it('rewrites keep_prob=k to rate=1-k: safe for literals, suggested otherwise', () => {
    const source = fixture('DRP011', 'tf_functional.py');
    const findings = lint(source).filter((f) => f.rule === 'DRP011');
    const literal = findings[1]!.fixes[0]!;
    assert.strictEqual(literal.safe, true);
    assert.match(applyEdits(source, literal.edits), /h = tf\.nn\.dropout\(h, rate=0\.2\)/);
    const named = findings[0]!.fixes[0]!;
    assert.strictEqual(named.safe, false);
    assert.match(applyEdits(source, named.edits), /h = tf\.nn\.dropout\(h, rate=1 - keep_prob\)/);
    const fixed = applyEdits(source, literal.edits);
    assert.deepStrictEqual(at(lint(fixed), 'DRP011'), ['6:26', '8:26', '9:29', '13:31']);
  });

  it('turns keep_prob=1 - rate back into rate=rate', () => {
    const source = 'import tensorflow as tf\ndef f(x, rate):\n    return tf.nn.dropout(x, keep_prob=1 - rate)\n';
    const [finding] = lint(source).filter((f) => f.rule === 'DRP011');
    assert.strictEqual(applyEdits(source, finding!.fixes[0]!.edits), 'import tensorflow as tf\ndef f(x, rate):\n    return tf.nn.dropout(x, rate=rate)\n');
  });

  it('flags keep-named or keep-commented rates given to Keras and PyTorch dropout layers', () => {
    const findings = lint(fixture('DRP011', 'layers.py')).filter((f) => f.rule === 'DRP011');
    assert.deepStrictEqual(at(findings, 'DRP011'), ['12:20', '15:60']);
    assert.match(findings[0]!.message, /Dropout expects a drop rate but receives 'cfg\.keep_prob'/);
    assert.match(findings[1]!.message, /nn\.Dropout expects a drop rate but receives 0\.9, described as a keep probability: p=0\.1/);
  });

  it('in TF1 code the positional argument is the keep probability: flags a rate passed there', () => {
    const findings = lint(fixture('DRP011', 'tf1_session.py')).filter((f) => f.rule === 'DRP011');
    assert.deepStrictEqual(at(findings, 'DRP011'), ['7:23']);
    assert.match(findings[0]!.message, /'dropout_rate' looks like a drop rate/);
  });

  it('stays silent on ordinary rates, explicit rate= keywords and unrelated keep_* names', () => {
    assert.deepStrictEqual(at(lint(fixture('DRP011', 'clean.py')), 'DRP011'), []);
  });
});
