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

describe('DRP003 training-after-eval-without-train', () => {
  it('flags training after an in-loop eval() when train() is only called before the epoch loop (script)', () => {
    const source = fixture('DRP003', 'script.py');
    const findings = lint(source).filter((f) => f.rule === 'DRP003');
    assert.deepStrictEqual(at(findings, 'DRP003'), ['12:24']);
    assert.match(findings[0]!.message, /'model' \(nn\.Sequential, with nn\.Dropout\(p=0\.5\)\) may still be in eval mode.*model\.eval\(\) at line 16/);
    assert.deepStrictEqual(findings[0]!.related.map((r) => r.range.start), [{ line: 15, column: 4 }]);
    const fix = findings[0]!.fixes[0]!;
    assert.strictEqual(fix.safe, false);
    const fixed = applyEdits(source, fix.edits);
    assert.match(fixed, /for epoch in range\(20\):\n    model\.train\(\)\n    for xb, yb in train_loader:/);
    assert.deepStrictEqual(at(lint(fixed), 'DRP003'), []);
  });

  it('follows eval() inside validate() and a training helper without train() (functions)', () => {
    const source = fixture('DRP003', 'functions.py');
    const findings = lint(source).filter((f) => f.rule === 'DRP003');
    assert.deepStrictEqual(at(findings, 'DRP003'), ['20:20']);
    assert.match(findings[0]!.message, /Net, with nn\.BatchNorm1d.*through the call at line 36/);
    assert.deepStrictEqual(findings[0]!.related.map((r) => r.range.start), [{ line: 24, column: 4 }]);
    const fixed = applyEdits(source, findings[0]!.fixes[0]!.edits);
    assert.match(fixed, /for epoch in range\(epochs\):\n        model\.train\(\)\n        train_epoch/);
    assert.deepStrictEqual(at(lint(fixed), 'DRP003'), []);
  });

  it('follows self.evaluate() in a runner class', () => {
    const source = fixture('DRP003', 'trainer_class.py');
    const findings = lint(source).filter((f) => f.rule === 'DRP003');
    assert.deepStrictEqual(at(findings, 'DRP003'), ['32:52']);
    assert.deepStrictEqual(findings[0]!.related.map((r) => r.range.start), [{ line: 23, column: 8 }]);
    const fixed = applyEdits(source, findings[0]!.fixes[0]!.edits);
    assert.match(fixed, /for epoch in range\(epochs\):\n            self\.net\.train\(\)\n/);
  });

  it('stays silent when train() comes back, for frozen teachers and for eval-mode attacks', () => {
    assert.deepStrictEqual(at(lint(fixture('DRP003', 'clean.py')), 'DRP003'), []);
  });
});
