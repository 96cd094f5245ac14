import * as assert from 'assert';
import { at, lint } from './helpers';
import { applyFirstFix, fixture, where } from './modelFixtures';

const only = (source: string) => lint(source).filter((f) => f.rule === 'DRP001');

describe('DRP001 dropout-on-output-layer', () => {
  it('flags the last layer of a Sequential that is the model, not dropout before the final Linear', () => {
    const source = fixture('DRP001', 'torch_sequential.py');
    const findings = only(source);
    assert.deepStrictEqual(at(findings, 'DRP001'), [where(source, 'nn.Dropout(0.5),')]);
    assert.strictEqual(findings[0].severity, 'warning');
    assert.match(findings[0].message, /model\[3\] \(nn\.Dropout, p=0\.5\).*model `model`.*after the last nn\.Linear/);
    // The suggested fix removes the element; the result has no DRP001 and still has the Linear head.
    assert.strictEqual(findings[0].fixes[0].safe, false);
    const fixed = applyFirstFix(source, findings[0]);
    assert.ok(fixed.includes('    nn.Linear(256, 10),\n)'), fixed);
    assert.deepStrictEqual(at(lint(fixed), 'DRP001'), []);
  });

  it('flags the value forward returns, with module and functional dropout', () => {
    const source = fixture('DRP001', 'torch_class.py');
    const findings = only(source);
    assert.deepStrictEqual(at(findings, 'DRP001'), [where(source, 'self.out_drop(x)'), where(source, 'F.dropout(F.softmax')]);
    assert.match(findings[0].message, /self\.out_drop \(nn\.Dropout, p=0\.3\).*model Net/);
    assert.match(findings[1].message, /F\.dropout\(p=0\.2\).*model FunctionalNet/);
    // `x = self.out_drop(x)` is removed as a line; the functional call is replaced by its input.
    const fixedClass = applyFirstFix(source, findings[0]);
    assert.ok(!fixedClass.includes('x = self.out_drop(x)'));
    const fixedFunctional = applyFirstFix(source, findings[1]);
    assert.ok(fixedFunctional.includes('        return F.softmax(self.head(x), dim=1)\n'), fixedFunctional);
    assert.deepStrictEqual(at(lint(fixedFunctional), 'DRP001'), [where(fixedFunctional, 'self.out_drop(x)')]);
  });

  it('flags Keras Sequential (list and model.add), functional outputs and a subclassed call', () => {
    const source = fixture('DRP001', 'keras_models.py');
    const findings = only(source);
    assert.deepStrictEqual(at(findings, 'DRP001'), [
      where(source, 'layers.Dropout(0.2)'),
      where(source, 'Dropout(0.1)'),
      where(source, 'layers.Dropout(0.5)(logits)'),
      where(source, 'self.drop(self.dense(inputs)'),
    ]);
    assert.match(findings[2].message, /Dropout\(rate=0\.5\).*model `functional`/);
    assert.match(findings[3].message, /self\.drop \(Dropout, rate=0\.4\).*model TinyModel/);
    const removedAdd = applyFirstFix(source, findings[1]);
    assert.ok(!removedAdd.includes('added.add(Dropout(0.1))') && removedAdd.includes('added.add(Dense(1))\n'));
    const functional = applyFirstFix(source, findings[2]);
    assert.ok(functional.includes('outputs = logits\n'));
  });

  it('stays silent on dropout before the head, sub-blocks, residual returns and user classes named Dropout', () => {
    assert.deepStrictEqual(at(lint(fixture('DRP001', 'clean.py')), 'DRP001'), []);
  });

  it('stays silent on a Sequential sub-block whose output feeds further layers', () => {
    const source = [
      'import torch.nn as nn',
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.features = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.5))',
      '        self.classifier = nn.Linear(8, 2)',
      '    def forward(self, x):',
      '        return self.classifier(self.features(x))',
      'net = Net()',
    ].join('\n');
    assert.deepStrictEqual(at(lint(source), 'DRP001'), []);
  });

  it('stays silent when the data flow cannot be followed', () => {
    const source = [
      'import torch.nn as nn',
      'def build(cfg):',
      '    layers = []',
      '    for item in cfg:',
      '        if item == "D":',
      '            layers.append(nn.Dropout(0.5))',
      '        else:',
      '            layers.append(nn.Linear(item, item))',
      '    model = nn.Sequential(*layers)',
      '    model.train()',
      '    return model',
    ].join('\n');
    assert.deepStrictEqual(at(lint(source), 'DRP001'), []);
  });

  it('judges the main returned value: not early feature returns, but the first element of a tuple', () => {
    const source = [
      'import torch.nn as nn',
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.body = nn.Linear(8, 8)',
      '        self.drop = nn.Dropout(0.3)',
      '        self.fc = nn.Linear(8, 2)',
      '    def forward(self, x, features_only=False):',
      '        feats = self.drop(self.body(x))',
      '        if features_only:',
      '            return feats',
      '        return self.fc(feats)',
      'class LM(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.rnn = nn.LSTM(8, 8)',
      '        self.decoder = nn.Linear(8, 8)',
      '        self.drop = nn.Dropout(0.2)',
      '    def forward(self, x, hidden):',
      '        out, hidden = self.rnn(x, hidden)',
      '        return self.drop(self.decoder(out)), hidden',
      'net, lm = Net(), LM()',
    ].join('\n');
    assert.deepStrictEqual(at(lint(source), 'DRP001'), [where(source, 'self.drop(self.decoder(out))')]);
  });

  it('stays silent on an explicit always-on prenet and on modules handed to another model', () => {
    const source = [
      'import torch.nn as nn',
      'import torch.nn.functional as F',
      'class Prenet(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.fc = nn.Linear(80, 256)',
      '    def forward(self, x):',
      '        return F.dropout(F.relu(self.fc(x)), p=0.5, training=True)',
      'class Encoder(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.proj = nn.Linear(8, 8)',
      '        self.drop = nn.Dropout(0.1)',
      '    def forward(self, x):',
      '        return self.drop(self.proj(x))',
      'class Pair(nn.Module):',
      '    def __init__(self, encoder, head):',
      '        super().__init__()',
      '        self.encoder, self.head = encoder, head',
      '    def forward(self, x):',
      '        return self.head(self.encoder(x))',
      'prenet = Prenet()',
      'model = Pair(Encoder(), nn.Linear(8, 2))',
    ].join('\n');
    assert.deepStrictEqual(at(lint(source), 'DRP001'), []);
  });

  it('stays silent on an encoder returning hidden states after its final dropout; a rate defaulting to 0 is "off by default"', () => {
    const encoder = [
      'import torch.nn as nn', '',
      'class TextEncoderModel(nn.Module):',
      '    def __init__(self, cfg):',
      '        super().__init__()',
      '        self.embed = nn.Embedding(cfg.vocab, 512)',
      '        self.layers = nn.TransformerEncoder(nn.TransformerEncoderLayer(512, 8), 6)',
      '        self.norm = nn.LayerNorm(512)',
      '        self.rate = cfg.dropout if cfg.training else 0.0',
      '        self.dropout = nn.Dropout(self.rate)', '',
      '    def forward(self, tokens):',
      '        hidden = self.norm(self.layers(self.embed(tokens)))',
      '        hidden = self.dropout(hidden)',
      '        return {"encoder_output": hidden}', '',
    ].join('\n');
    assert.deepStrictEqual(at(lint(encoder), 'DRP001'), []);
    const head = [
      'import torch.nn as nn', '',
      'class HeadModel(nn.Module):',
      '    def __init__(self, out_dropout=0.0):',
      '        super().__init__()',
      '        self.fc = nn.Linear(64, 10)',
      '        self.drop = nn.Dropout(out_dropout)', '',
      '    def forward(self, x):',
      '        return self.drop(self.fc(x))', '',
    ].join('\n');
    const findings = lint(head).filter((f) => f.rule === 'DRP001');
    assert.deepStrictEqual(at(findings, 'DRP001'), ['10:16']);
    assert.match(findings[0]!.message, /p defaults to 0, off by default/);
    assert.doesNotMatch(findings[0]!.message, /p=0\b/);
    // A literal 0 does nothing at all.
    assert.deepStrictEqual(at(lint(head.replace('nn.Dropout(out_dropout)', 'nn.Dropout(0.0)')), 'DRP001'), []);
  });
});
