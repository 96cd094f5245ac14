// The hover text's numbers against closed forms (dropout-semantics.md): alpha dropout's affine
// correction (the reference's check values for rates 0.05 and 0.1), Gaussian dropout's sigma, and
// the inverted-dropout scale 1/(1-p).
import * as assert from 'assert';
import { DROPOUT_APIS } from '../../../src/lint/frameworks';
import { alphaDropoutAffine, defaultRate, describeDropoutCall, SELU_ALPHA_PRIME } from '../../../src/server/dropoutDescription';

const api = (name: string) => {
  const found = DROPOUT_APIS.get(name);
  if (!found) throw new Error(`no API ${name}`);
  return found;
};

describe('hover descriptions of dropout calls', () => {
  it("uses SELU's saturation value -lambda*alpha", () => {
    assert.ok(Math.abs(SELU_ALPHA_PRIME - -1.7580993408473766) < 1e-15);
  });

  it('matches the reference check values of the alpha dropout affine correction', () => {
    const at005 = alphaDropoutAffine(0.05);
    assert.ok(Math.abs(at005.a - 0.954844) < 5e-7, String(at005.a));
    assert.ok(Math.abs(at005.b - 0.083936) < 5e-7, String(at005.b));
    const at01 = alphaDropoutAffine(0.1);
    assert.ok(Math.abs(at01.a - 0.921285) < 5e-7, String(at01.a));
    assert.ok(Math.abs(at01.b - 0.161971) < 5e-7, String(at01.b));
  });

  it('states the inverted scale for standard dropout and identity after eval() for modules', () => {
    const text = describeDropoutCall({ api: api('torch.nn.Dropout'), rate: 0.2, rateIsDefault: false }).join('\n');
    assert.match(text, /Rate \(p\): 0\.2$/m);
    assert.match(text, /\(×1\.25\)/); // 1 / (1 - 0.2)
    assert.match(text, /\*\*Evaluation:\*\* identity .*model\.eval\(\)/);
  });

  it('warns that functional dropout defaults to training=True, and shows an explicit flag', () => {
    const implicit = describeDropoutCall({ api: api('torch.nn.functional.dropout'), rate: 0.5, rateIsDefault: false }).join('\n');
    assert.match(implicit, /`training` defaults to True/);
    const explicit = describeDropoutCall({ api: api('torch.nn.functional.dropout'), rate: 0.5, rateIsDefault: false, trainingText: 'self.training' }).join('\n');
    assert.match(explicit, /here `training=self\.training`/);
    const alpha = describeDropoutCall({ api: api('torch.nn.functional.alpha_dropout'), rate: 0.1, rateIsDefault: false }).join('\n');
    assert.match(alpha, /`training` defaults to False/);
  });

  it("gives Gaussian dropout's sigma sqrt(p/(1-p))", () => {
    const text = describeDropoutCall({ api: api('keras.layers.GaussianDropout'), rate: 0.5, rateIsDefault: false }).join('\n');
    assert.match(text, /σ = √\(0\.5\/\(1−0\.5\)\) = 1;/); // sqrt(0.5 / 0.5) = 1
  });

  it('knows the framework defaults and flags invalid rates', () => {
    assert.strictEqual(defaultRate(api('torch.nn.Dropout')), 0.5);
    assert.strictEqual(defaultRate(api('torch.nn.functional.scaled_dot_product_attention')), 0);
    assert.strictEqual(defaultRate(api('keras.layers.Dropout')), undefined);
    const byDefault = describeDropoutCall({ api: api('torch.nn.Dropout'), rate: 0.5, rateIsDefault: true }).join('\n');
    assert.match(byDefault, /Rate \(p\): 0\.5 \(default\)/);
    const invalid = describeDropoutCall({ api: api('torch.nn.Dropout'), rate: 1.5, rateIsDefault: false }).join('\n');
    assert.match(invalid, /not a valid drop probability/);
  });

  it('explains recurrent dropout per framework: torch between stacked layers, Keras variational on the inputs', () => {
    const torch = describeDropoutCall({ api: { framework: 'torch', variant: 'recurrent', style: 'module', rateKeyword: 'dropout', display: 'nn.LSTM' }, rate: 0.3, rateIsDefault: false }).join('\n');
    assert.match(torch, /except the last, so it does nothing when `num_layers` is 1/);
    const keras = describeDropoutCall({ api: { framework: 'keras', variant: 'recurrent', style: 'module', rateKeyword: 'dropout', display: 'LSTM' }, rate: 0.3, rateIsDefault: false }).join('\n');
    assert.match(keras, /one mask per sequence/);
    assert.match(keras, /identity unless called with `training=True`/);
  });

  it('says scaled_dot_product_attention drops even after eval()', () => {
    const text = describeDropoutCall({ api: api('torch.nn.functional.scaled_dot_product_attention'), rate: 0.1, rateIsDefault: false }).join('\n');
    assert.match(text, /even after `model\.eval\(\)`/);
  });
});
