import * as assert from 'assert';
import type { Finding } from '../../../src/lint';
import { at, lint } from './helpers';
import { applyFirstFix, fixture, where } from './modelFixtures';

describe('DRP008 elementwise-dropout-on-conv-maps', () => {
  const source = fixture('DRP008', 'styles.py');
  let findings: Finding[] = [];
  before(() => {
    findings = lint(source).filter((f) => f.rule === 'DRP008');
  });

  it('hints at element-wise dropout between convolutions and the flatten / global pooling', () => {
    assert.deepStrictEqual(at(findings, 'DRP008'), [
      where(source, 'nn.Dropout(0.25)'),
      where(source, 'F.dropout(x, p=0.2'),
      where(source, 'layers.Dropout(0.25)'),
    ]);
    assert.ok(findings.every((f) => f.severity === 'hint'));
    assert.match(findings[0].message, /features\[3\] \(nn\.Dropout, p=0\.25\).*features\[0\].*Dropout2d/);
  });

  it('suggests the channel dropout matching the convolution', () => {
    assert.ok(applyFirstFix(source, findings[0]).includes('    nn.Dropout2d(0.25),\n'));
    // Conv1d feeds the functional dropout: dropout1d.
    assert.ok(applyFirstFix(source, findings[1]).includes('x = F.dropout1d(x, p=0.2, training=self.training)'));
    assert.ok(applyFirstFix(source, findings[2]).includes('    layers.SpatialDropout2D(0.25),\n'));
    assert.ok(findings.every((f) => f.fixes[0].safe === false));
    const fixed = applyFirstFix(source, findings[0]);
    assert.strictEqual(at(lint(fixed), 'DRP008').length, 2);
  });

  it('stays silent after flatten / global pooling, on channel dropout, and when the origin is unknown', () => {
    const silent = [where(source, 'nn.Dropout(0.5)'), where(source, 'layers.SpatialDropout2D(0.2)'), where(source, 'layers.Dropout(0.3)')];
    assert.ok(at(findings, 'DRP008').every((p) => !silent.includes(p)));
    const unknown = [
      'import torch.nn as nn',
      'from .blocks import ConvBlock',
      'm = nn.Sequential(ConvBlock(3, 8), nn.Dropout(0.3), nn.Flatten(), nn.Linear(8, 2))',
    ].join('\n');
    assert.deepStrictEqual(at(lint(unknown), 'DRP008'), []);
  });
});

describe('DRP008 on a dropout module shared with the classifier', () => {
  it('hints at the conv use but offers no rename that would also change the dense use', () => {
    const source = [
      'import torch',
      'import torch.nn as nn',
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.conv = nn.Conv2d(1, 4, 3)',
      '        self.drop = nn.Dropout(0.3)',
      '        self.fc = nn.Linear(4, 2)',
      '    def forward(self, x):',
      '        x = self.drop(torch.relu(self.conv(x)))',
      '        x = torch.flatten(x, 1)',
      '        return self.fc(self.drop(x))',
      'net = Net()',
    ].join('\n');
    const findings = lint(source).filter((f) => f.rule === 'DRP008');
    assert.deepStrictEqual(at(findings, 'DRP008'), [where(source, 'self.drop(torch.relu')]);
    assert.deepStrictEqual(findings[0].fixes, []);
  });
  it('reads x.view(x.size(0), -1) and x.view(-1, n) as the flatten: the dropout before it is hinted, the one after it is not', () => {
    const viewSource = fixture('DRP008', 'view_flatten.py');
    const viewFindings = lint(viewSource);
    assert.deepStrictEqual(at(viewFindings, 'DRP008'), [where(viewSource, 'self.map_drop(x)')]);
    assert.match(viewFindings.find((f) => f.rule === 'DRP008')!.message, /self\.map_drop \(nn\.Dropout, p=0\.25\).*self\.conv_b/);
    // A reshape that keeps three dimensions is not a flatten: nothing proves the dropout sits before one.
    const notFlat = viewSource.replace('x.view(x.size(0), -1)', 'x.view(x.size(0), 32, -1)');
    assert.deepStrictEqual(at(lint(notFlat), 'DRP008'), []);
  });
  it('names the TensorFlow channel dropout for a TF1 graph function (not PyTorch\'s Dropout2d)', () => {
    const source = [
      'import tensorflow as tf', '', '',
      'def inference(images, is_training):',
      '    net = tf.layers.conv2d(images, 32, 3, activation=tf.nn.relu)',
      '    net = tf.layers.dropout(net, rate=0.2, training=is_training)',
      '    net = tf.layers.flatten(net)',
      '    return tf.layers.dense(net, 10)', '',
    ].join('\n');
    const findings = lint(source).filter((f) => f.rule === 'DRP008');
    assert.deepStrictEqual(at(findings, 'DRP008'), [where(source, 'tf.layers.dropout(net')]);
    assert.match(findings[0]!.message, /channel dropout \(SpatialDropout2D\)/);
  });
});
