// The dropout APIs of every framework, legacy spellings included (src/lint/frameworks.ts): the
// existing rules see them, and the correct spelling of each is silent.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { applyEdits } from '../../../src/lint';
import { canonicalName } from '../../../src/lint/resolve';
import { DROPOUT_APIS } from '../../../src/lint/frameworks';
import { at, lint } from './helpers';

function fixture(name: string): string {
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'test', 'fixtures', 'lint', name);
    if (fs.existsSync(candidate)) return fs.readFileSync(candidate, 'utf8');
  }
  return fs.readFileSync(path.join(process.cwd(), 'test', 'fixtures', 'lint', name), 'utf8');
}

/** Every finding as `rule line:column`, for whole-file assertions (nothing else may be reported). */
function all(source: string): string[] {
  return lint(source).map((f) => `${f.rule} ${f.range.start.line + 1}:${f.range.start.column + 1}`);
}

describe('dropout APIs of every framework', () => {
  it('maps legacy module spellings onto one canonical name per API', () => {
    assert.strictEqual(canonicalName('tensorflow.compat.v1.layers.dropout'), 'tensorflow.layers.dropout');
    assert.strictEqual(canonicalName('tensorflow.contrib.slim.dropout'), 'tensorflow.contrib.layers.dropout');
    assert.strictEqual(canonicalName('tf_slim.layers.dropout'), 'tensorflow.contrib.layers.dropout');
    assert.strictEqual(canonicalName('keras.engine.training.Model'), 'keras.Model');
    assert.strictEqual(canonicalName('tensorflow.keras.engine.input_layer.Input'), 'keras.Input');
    assert.strictEqual(canonicalName('keras.layers.core.Dropout'), 'keras.layers.Dropout');
    assert.strictEqual(canonicalName('flax.linen.stochastic.Dropout'), 'flax.linen.Dropout');
    for (const name of ['tensorflow.layers.dropout', 'tensorflow.contrib.layers.dropout', 'keras.random.dropout', 'flax.linen.Dropout', 'torch.feature_dropout_']) {
      assert.ok(DROPOUT_APIS.has(name), name);
    }
    // A keep probability is marked as one, not as a rate.
    assert.strictEqual(DROPOUT_APIS.get('tensorflow.contrib.layers.dropout')!.rateMeaning, 'keep');
    assert.strictEqual(DROPOUT_APIS.get('tensorflow.layers.dropout')!.training!.whenOmitted, 'off');
  });

  describe('TF1 tf.layers.dropout (training defaults to False)', () => {
    const source = fixture('apis/tf1_estimator.py');
    it('flags a call without training= in any function, and a bad rate; the Estimator idiom and rate 0 are silent', () => {
      assert.deepStrictEqual(all(source), ['DRP004 17:11', 'DRP004 23:11', 'DRP010 25:49']);
      const [estimator, compat] = lint(source).filter((f) => f.rule === 'DRP004');
      assert.match(estimator.message, /never drops: its training argument defaults to False.*Pass training=mode == tf\.estimator\.ModeKeys\.TRAIN\./);
      assert.match(compat.message, /Pass training=is_training\./);
    });
    it('offers to pass the function\'s own mode parameter (not applied automatically)', () => {
      const finding = lint(source).find((f) => f.rule === 'DRP004' && f.range.start.line === 22)!;
      const [fix] = finding.fixes;
      assert.strictEqual(fix.safe, false);
      assert.match(applyEdits(source, fix.edits), /tf\.compat\.v1\.layers\.dropout\(net, 0\.3, training=is_training\)\n {4}net = tf\.compat\.v1\.layers\.dropout\(net, 0\.3, training=is_training\)/);
    });
  });

  describe('TF1 tf.contrib.layers.dropout / slim.dropout (keep probability, is_training defaults to True)', () => {
    const source = fixture('apis/tf1_slim.py');
    it('flags a mode not passed on, a drop rate given as keep_prob, and keep_prob=0; the slim idiom and a placeholder script are silent', () => {
      assert.deepStrictEqual(all(source), ['DRP004 17:11', 'DRP011 23:42', 'DRP010 24:52']);
      const messages = lint(source).map((f) => f.message);
      assert.match(messages[0], /keeps dropping at inference: is_training defaults to True and this function's `is_training` is not passed on/);
      assert.match(messages[1], /expects a keep probability but receives 'dropout_rate'.*keep_prob=1 - dropout_rate/);
      assert.match(messages[2], /Invalid keep probability keep_prob=0/);
    });
  });

  describe('Keras 1/2 spellings', () => {
    it('reads keras.engine / keras.layers.core and Model(input=, output=): dropout on the output is flagged, before it is not', () => {
      const source = fixture('apis/keras_legacy.py');
      assert.deepStrictEqual(all(source), ['DRP001 21:9', 'DRP010 28:17']);
      assert.match(lint(source)[0].message, /Dropout\(rate=0\.5\) is applied to the output of model `build_broken_classifier`/);
    });
  });

  describe('Flax linen', () => {
    const source = fixture('apis/flax_linen.py');
    it('flags deterministic=False on an evaluation path and an invalid rate; deterministic=not train and a training step are silent', () => {
      assert.deepStrictEqual(all(source), ['DRP010 22:32', 'DRP016 31:49']);
      const forced = lint(source).find((f) => f.rule === 'DRP016')!;
      assert.match(forced.message, /model\.apply\(\.\.\., deterministic=False\) forces dropout on in evaluate\(\).*Use deterministic=True/);
      assert.match(applyEdits(source, forced.fixes[0].edits), /images, deterministic=True, rngs=/);
    });
  });

  describe('torch functional spellings', () => {
    it('judges F.dropout1d, F.feature_alpha_dropout and the torch.* forms; explicit flags are silent', () => {
      const source = fixture('apis/torch_functional.py');
      assert.deepStrictEqual(all(source), ['DRP004 14:13', 'DRP004 15:13', 'DRP010 24:47']);
      const messages = lint(source).map((f) => f.message);
      assert.match(messages[0], /F\.dropout1d\(p=self\.p\) in Mixer\.forward is not tied to the training flag/);
      assert.match(messages[1], /F\.feature_alpha_dropout\(p=0\.1\) in Mixer\.forward never drops/);
    });
  });

  it('Keras 3 keras.random.dropout in a layer\'s call: flagged without a training guard, silent under `if training:`', () => {
    const source = fixture('apis/keras3_random.py');
    assert.deepStrictEqual(all(source), ['DRP004 14:16']);
    assert.match(lint(source)[0].message, /keras\.random\.dropout\(rate=self\.rate\) in NoisyDense\.call always drops, also at inference/);
  });

  it('keras.backend.dropout takes its rate as `level`', () => {
    assert.deepStrictEqual(at(lint('from keras import backend as K\nx = K.dropout(x, level=1.5)\n'), 'DRP010'), ['2:24']);
    assert.deepStrictEqual(at(lint('from keras import backend as K\nx = K.dropout(x, level=0.5)\n'), 'DRP010'), []);
  });
});

describe('DRP011 keep wording next to a rate', () => {
  it('flags a rate whose only assignment, or whose call line, calls it a keep probability; drop wording is silent', () => {
    const source = fixture('DRP011/keep_comments.py');
    assert.deepStrictEqual(all(source), ['DRP011 12:25', 'DRP011 21:34', 'DRP011 30:62']);
    const messages = lint(source).map((f) => f.message);
    assert.match(messages[0], /receives 'dropout', which its assignment \(line 7\) describes as a keep probability: rate=1 - dropout/);
    assert.match(messages[1], /receives drop, described as a keep probability: p=1 - drop/);
  });

  it('a value assigned twice, or not a number, is not judged by one comment', () => {
    const twice = 'import torch.nn as nn\ndropout = 0.75  # probability to keep units\ndropout = 0.25\nd = nn.Dropout(dropout)\n';
    assert.deepStrictEqual(at(lint(twice), 'DRP011'), []);
    const computed = 'import torch.nn as nn\ndef f(cfg):\n    dropout = cfg.get("p")  # keep probability\n    return nn.Dropout(dropout)\n';
    assert.deepStrictEqual(at(lint(computed), 'DRP011'), []);
  });
});
