import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { at, lint } from './helpers';

/** Reads test/fixtures/lint/<rule>/<name>, from the compiled test folder or the working directory. */
function fixture(rule: string, name: string): string {
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'test', 'fixtures', 'lint', rule, name);
    if (fs.existsSync(candidate)) return fs.readFileSync(candidate, 'utf8');
  }
  return fs.readFileSync(path.join(process.cwd(), 'test', 'fixtures', 'lint', rule, name), 'utf8');
}

describe('DRP012 rnn-dropout-single-layer', () => {
  it('flags keyword and positional dropout on one-layer RNNs in a module class', () => {
    const findings = lint(fixture('DRP012', 'module_class.py')).filter((f) => f.rule === 'DRP012');
    assert.deepStrictEqual(at(findings, 'DRP012'), ['8:78', '9:65']);
    assert.match(findings[0]!.message, /nn\.LSTM 'self\.lstm' has dropout=0\.5 but num_layers defaults to 1/);
    assert.match(findings[1]!.message, /nn\.GRU 'self\.gru' has dropout=dropout but num_layers=1.*any non-zero value/);
  });

  it('resolves aliases and module constants in script code', () => {
    const findings = lint(fixture('DRP012', 'script.py')).filter((f) => f.rule === 'DRP012');
    assert.deepStrictEqual(at(findings, 'DRP012'), ['5:70', '7:40']);
    assert.match(findings[0]!.message, /nn\.RNN 'rnn' has dropout=0\.2 but num_layers=1/);
    assert.match(findings[1]!.message, /nn\.GRU 'gru' has dropout=0\.1/);
  });

  it('flags a factory function returning a one-layer LSTM, not a layer count passed as a variable', () => {
    const findings = lint(fixture('DRP012', 'builders.py')).filter((f) => f.rule === 'DRP012');
    assert.deepStrictEqual(at(findings, 'DRP012'), ['7:66']);
    assert.match(findings[0]!.message, /^nn\.LSTM has dropout=0\.25 but num_layers=1/);
  });

  it('stays silent on non-literal layer counts, guarded rates, stacked layers, Keras and user classes', () => {
    assert.deepStrictEqual(at(lint(fixture('DRP012', 'clean.py')), 'DRP012'), []);
  });
});
