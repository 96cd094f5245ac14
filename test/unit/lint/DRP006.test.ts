import * as assert from 'assert';
import { at, lint } from './helpers';
import { applyFirstFix, fixture, where } from './modelFixtures';

const only = (source: string) => lint(source).filter((f) => f.rule === 'DRP006');

describe('DRP006 dropout-before-batchnorm', () => {
  it('flags dropout feeding BatchNorm in a Sequential, a forward and an OrderedDict block only when adjacent', () => {
    const source = fixture('DRP006', 'torch_styles.py');
    const findings = only(source);
    assert.deepStrictEqual(at(findings, 'DRP006'), [where(source, 'nn.Dropout(0.2)'), where(source, 'self.drop(self.conv1(x))')]);
    assert.match(findings[0].message, /encoder\[1\] \(nn\.Dropout, p=0\.2\) feeds BatchNorm encoder\[3\] \(through nn\.ReLU\)/);
    assert.match(findings[1].message, /self\.drop \(nn\.Dropout2d, p=0\.1\) feeds BatchNorm self\.bn1 in model ConvNet/);
    // relatedInformation points at the BatchNorm.
    assert.strictEqual(`${findings[0].related[0].range.start.line + 1}:${findings[0].related[0].range.start.column + 1}`, where(source, 'nn.BatchNorm1d(64)'));
    assert.strictEqual(`${findings[1].related[0].range.start.line + 1}`, where(source, 'self.bn1(x)').split(':')[0]);
  });

  it('swaps the layers of a Sequential into BN -> activation -> dropout', () => {
    const source = fixture('DRP006', 'torch_styles.py');
    const [first] = only(source);
    assert.strictEqual(first.fixes[0].safe, false);
    const fixed = applyFirstFix(source, first);
    assert.ok(fixed.includes('    nn.Linear(100, 64),\n    nn.BatchNorm1d(64),\n    nn.ReLU(),\n    nn.Dropout(0.2),\n'), fixed);
    assert.deepStrictEqual(at(lint(fixed), 'DRP006'), [where(fixed, 'self.drop(self.conv1(x))')]);
    // A forward-applied module has no automatic reordering.
    assert.deepStrictEqual(only(source)[1].fixes, []);
  });

  it('flags Keras model.add sequences and functional chains', () => {
    const source = fixture('DRP006', 'keras_styles.py');
    const findings = only(source);
    assert.deepStrictEqual(at(findings, 'DRP006'), [where(source, 'layers.Dropout(0.3)'), where(source, 'layers.SpatialDropout2D(0.1)(x)')]);
    const fixed = applyFirstFix(source, findings[0]);
    assert.ok(fixed.includes('model.add(layers.BatchNormalization())\nmodel.add(layers.Dropout(0.3))\n'), fixed);
    assert.deepStrictEqual(at(lint(fixed), 'DRP006'), [where(fixed, 'layers.SpatialDropout2D(0.1)(x)')]);
  });

  it('stays silent on BN before dropout, dropout then a weight layer, LayerNorm and user classes named BatchNorm', () => {
    const source = [
      'import torch.nn as nn',
      'class BatchNorm1d(nn.Module):',
      '    def forward(self, x):',
      '        return x',
      'a = nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Dropout(0.2), nn.Linear(4, 2))',
      'b = nn.Sequential(nn.Dropout(0.2), nn.Linear(4, 4), nn.BatchNorm1d(4))',
      'c = nn.Sequential(nn.Dropout(0.2), nn.LayerNorm(4), nn.GroupNorm(2, 4))',
      'd = nn.Sequential(nn.Dropout(0.2), BatchNorm1d())',
    ].join('\n');
    assert.deepStrictEqual(at(lint(source), 'DRP006'), []);
  });

  it('sees dropout feeding BatchNorm in a Flax linen module and in a TF1 graph function, and not once reordered', () => {
    const source = [
      'import flax.linen as nn',
      'import tensorflow as tf', '', '',
      'class ConvNet(nn.Module):',
      '    @nn.compact',
      '    def __call__(self, x, train: bool):',
      '        x = nn.Conv(32, (3, 3))(x)',
      '        x = nn.Dropout(0.1, deterministic=not train)(x)',
      '        x = nn.BatchNorm(use_running_average=not train)(x)',
      '        x = nn.relu(x)',
      '        x = x.reshape((x.shape[0], -1))',
      '        return nn.Dense(10)(x)', '', '',
      'def inference(images, is_training):',
      '    net = tf.layers.conv2d(images, 32, 3)',
      '    net = tf.layers.dropout(net, rate=0.1, training=is_training)',
      '    net = tf.layers.batch_normalization(net, training=is_training)',
      '    net = tf.nn.relu(net)',
      '    net = tf.layers.flatten(net)',
      '    return tf.layers.dense(net, 10)', '', '',
      'model = ConvNet()', '',
    ].join('\n');
    const findings = lint(source).filter((f) => f.rule === 'DRP006');
    assert.deepStrictEqual(at(findings, 'DRP006'), [where(source, 'nn.Dropout(0.1'), where(source, 'tf.layers.dropout(net')]);
    assert.match(findings[0]!.message, /feeds BatchNorm nn\.BatchNorm in model ConvNet/);
    assert.match(findings[1]!.message, /feeds BatchNorm tf\.layers\.batch_normalization in model inference\(\)/);
    // BatchNorm -> activation -> dropout, as the message advises: nothing to report.
    const reordered = source
      .replace('        x = nn.Dropout(0.1, deterministic=not train)(x)\n        x = nn.BatchNorm(use_running_average=not train)(x)\n        x = nn.relu(x)',
        '        x = nn.BatchNorm(use_running_average=not train)(x)\n        x = nn.relu(x)\n        x = nn.Dropout(0.1, deterministic=not train)(x)')
      .replace('    net = tf.layers.dropout(net, rate=0.1, training=is_training)\n    net = tf.layers.batch_normalization(net, training=is_training)\n    net = tf.nn.relu(net)',
        '    net = tf.layers.batch_normalization(net, training=is_training)\n    net = tf.nn.relu(net)\n    net = tf.layers.dropout(net, rate=0.1, training=is_training)');
    assert.ok(reordered.includes('x = nn.relu(x)\n        x = nn.Dropout(') && reordered.includes('tf.nn.relu(net)\n    net = tf.layers.dropout('), 'both reordered');
    assert.deepStrictEqual(at(lint(reordered), 'DRP006'), []);
  });
});
