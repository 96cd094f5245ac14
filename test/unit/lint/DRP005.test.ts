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

describe('DRP005 dropout-module-created-in-forward', () => {
  it('flags nn.Dropout(p)(x) built inside forward, naming the class and rate', () => {
    const findings = lint(fixture('DRP005', 'inline_module.py')).filter((f) => f.rule === 'DRP005');
    assert.deepStrictEqual(at(findings, 'DRP005'), ['15:13']);
    assert.match(findings[0]!.message, /nn\.Dropout\(p=0\.5\) is created inside TextCNN\.forward/);
    assert.deepStrictEqual(findings[0]!.range.end, { line: 14, column: 27 });
  });

  it('suggests the functional form tied to self.training', () => {
    const source = fixture('DRP005', 'inline_module.py');
    const [fix] = lint(source).find((f) => f.rule === 'DRP005')!.fixes;
    assert.strictEqual(fix?.safe, false);
    const fixed = applyEdits(source, fix!.edits);
    assert.match(fixed, /x = nn\.functional\.dropout\(x, p=0\.5, training=self\.training\)/);
    const after = lint(fixed);
    assert.deepStrictEqual(at(after, 'DRP005'), []);
    assert.deepStrictEqual(at(after, 'DRP004'), []);
  });

  it('flags aliased imports, modules assigned to self in forward, and dropout inside a Sequential built there', () => {
    const findings = lint(fixture('DRP005', 'assigned_in_forward.py')).filter((f) => f.rule === 'DRP005');
    assert.deepStrictEqual(at(findings, 'DRP005'), ['14:21', '16:45']);
    assert.match(findings[0]!.message, /nn\.Dropout2d\(p=0\.25\) is created inside Encoder\.forward/);
    assert.match(findings[1]!.message, /nn\.Dropout\(p=0\.5\)/);
    // Not of the `nn.X(p)(x)` shape: no automatic rewrite.
    assert.deepStrictEqual(findings[0]!.fixes, []);
  });

  it('flags a dropout inside an OrderedDict Sequential built in a Lightning forward', () => {
    const findings = lint(fixture('DRP005', 'lightning_style.py')).filter((f) => f.rule === 'DRP005');
    assert.deepStrictEqual(at(findings, 'DRP005'), ['15:22']);
    assert.match(findings[0]!.message, /nn\.AlphaDropout\(p=0\.1\) is created inside Classifier\.forward/);
  });

  it('stays silent on modules built in __init__ or helpers, Keras layers in call, and user classes named Dropout', () => {
    assert.deepStrictEqual(at(lint(fixture('DRP005', 'clean.py')), 'DRP005'), []);
  });
});
