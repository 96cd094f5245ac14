import * as assert from 'assert';
import { at, lint } from './helpers';

describe('DRP010 invalid-dropout-rate', () => {
  it('flags nn.Dropout(p=1.5) at the rate argument', () => {
    const findings = lint('import torch.nn as nn\nlayer = nn.Dropout(p=1.5)\n');
    assert.deepStrictEqual(at(findings, 'DRP010'), ['2:22']);
    const f = findings[0];
    assert.strictEqual(f.severity, 'error');
    assert.deepStrictEqual(f.range.end, { line: 1, column: 24 });
    assert.match(f.message, /p=1\.5/);
  });

  it('resolves aliases across import styles', () => {
    const source = [
      'from torch import nn',
      'from torch.nn import Dropout as D',
      'import torch.nn.functional as F',
      'import tensorflow as tf',
      'from tensorflow.keras import layers',
      'from keras.layers import Dropout',
      'a = nn.Dropout(-0.1)',
      'b = D(2)',
      'c = F.dropout(x, 1.0)',
      'd = tf.keras.layers.Dropout(rate=50)',
      'e = layers.SpatialDropout2D(1.2)',
      'f = Dropout(3)',
      'g = tf.nn.dropout(x, rate=1.5)',
    ].join('\n');
    assert.deepStrictEqual(at(lint(source), 'DRP010'), ['7:16', '8:7', '9:18', '10:34', '11:29', '12:13', '13:27']);
  });

  it('explains rate 1 and percentages', () => {
    const [one] = lint('import torch.nn as nn\nnn.Dropout(1)\n');
    assert.match(one.message, /drops every unit/);
    const [pct] = lint('import torch.nn as nn\nnn.Dropout(50)\n');
    assert.match(pct.message, /not a percentage/);
  });

  it('uses module-level constants and RNN dropout keywords', () => {
    const source = 'import torch.nn as nn\nRATE = 1.5\nm = nn.Dropout(RATE)\nr = nn.LSTM(10, 20, 2, dropout=-0.5)\n';
    assert.deepStrictEqual(at(lint(source), 'DRP010'), ['3:16', '4:32']);
  });

  it('stays silent on valid rates, unknown values and non-framework Dropout', () => {
    const source = [
      'import torch.nn as nn',
      'class Dropout:',
      '    def __init__(self, p): self.p = p',
      'a = Dropout(5)',
      'b = nn.Dropout(0.0)',
      'c = nn.Dropout(0.999)',
      'd = nn.Dropout(p=rate)',
      'e = nn.Dropout(p=self.p)',
    ].join('\n');
    assert.deepStrictEqual(at(lint(source), 'DRP010'), []);
  });

  it('keeps working on half-typed code', () => {
    const source = 'import torch.nn as nn\ndef broken(:\n    pass\nlayer = nn.Dropout(1.5)\nx = nn.Dropout(\n';
    assert.deepStrictEqual(at(lint(source), 'DRP010'), ['4:20']);
  });
});
