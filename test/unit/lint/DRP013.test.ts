import * as assert from 'assert';
import type { Finding } from '../../../src/lint';
import { at, lint } from './helpers';
import { applyFirstFix, fixture, where } from './modelFixtures';

describe('DRP013 alpha-dropout-activation-mismatch', () => {
  const source = fixture('DRP013', 'styles.py');
  let findings: Finding[] = [];
  before(() => {
    findings = lint(source).filter((f) => f.rule === 'DRP013');
  });

  it('flags AlphaDropout in ReLU networks and plain dropout in SELU networks (torch and Keras)', () => {
    assert.deepStrictEqual(at(findings, 'DRP013'), [
      where(source, 'nn.AlphaDropout(0.1)'),
      where(source, 'nn.Dropout(0.1)'),
      where(source, 'layers.Dropout(0.2)'),
      where(source, 'layers.AlphaDropout(0.2)'),
    ]);
    assert.match(findings[0].message, /relu_net\[2\] \(nn\.AlphaDropout, p=0\.1\).*uses relu/);
    assert.match(findings[1].message, /selu_net\[2\].*SELU network selu_net/);
    assert.match(findings[2].message, /keras_selu\[1\] \(Dropout, rate=0\.2\) in SELU network keras_selu/);
  });

  it('offers the matching variant as a suggested fix', () => {
    assert.ok(applyFirstFix(source, findings[0]).includes('    nn.Dropout(0.1),\n    nn.Linear(64, 10),\n)\n\nselu_net'));
    assert.ok(applyFirstFix(source, findings[1]).includes('    nn.SELU(),\n    nn.AlphaDropout(0.1),\n    nn.Linear(64, 64),'));
    assert.ok(applyFirstFix(source, findings[2]).includes('    layers.AlphaDropout(0.2),\n    layers.Dense(10, activation="softmax"),\n])\n\nkeras_alpha_relu'));
    assert.ok(findings.every((f) => f.fixes[0].safe === false));
  });

  it('stays silent on SELU with AlphaDropout, output activations, and unknown activations', () => {
    const silent = [where(source, 'nn.AlphaDropout(0.1)', 2), where(source, 'nn.AlphaDropout(0.05)'), where(source, 'nn.AlphaDropout(0.1))')];
    for (const p of silent) assert.ok(!at(findings, 'DRP013').includes(p), p);
  });
});
