import * as assert from 'assert';
import { createPythonParser } from '../../../src/lint';
import { buildModelGraphs, modelContains, isBatchNorm, isDropout, type ModelGraph } from '../../../src/lint/modelGraph';
import { collectImports, collectModuleConstants } from '../../../src/lint/resolve';
import './helpers';

function graphs(source: string): ModelGraph[] {
  const tree = createPythonParser().parse(source)!;
  const root = tree.rootNode;
  return buildModelGraphs(root, collectImports(root), collectModuleConstants(root));
}

function byName(all: ModelGraph[], name: string): ModelGraph {
  const g = all.find((m) => m.name === name);
  assert.ok(g, `no model named ${name} in ${all.map((m) => m.name).join(', ')}`);
  return g;
}

/** `kind` or `kind:rate` per layer, in data-flow order. */
function chain(g: ModelGraph): string[] {
  return g.layers.map((l) => (l.dropout && l.kind === 'dropout' ? `${l.kind}:${l.dropout.rate}` : l.kind));
}

describe('model graph', () => {
  it('follows a module class from __init__ attributes through forward, expanding nested Sequentials', () => {
    const source = [
      'import torch',
      'import torch.nn as nn',
      'import torch.nn.functional as F',
      'class Net(nn.Module):',
      '    def __init__(self, p=0.4):',
      '        super().__init__()',
      '        self.features = nn.Sequential(nn.Conv2d(3, 16, 3), nn.ReLU(), nn.MaxPool2d(2))',
      '        self.drop = nn.Dropout(p)',
      '        self.fc = nn.Linear(400, 10)',
      '    def forward(self, x):',
      '        x = self.features(x)',
      '        x = x.view(x.size(0), -1)',
      '        x = self.drop(F.relu(x))',
      '        return self.fc(x)',
    ].join('\n');
    const net = byName(graphs(source), 'Net');
    assert.strictEqual(net.kind, 'module-class');
    assert.strictEqual(net.framework, 'torch');
    assert.ok(net.flowKnown);
    assert.deepStrictEqual(chain(net), ['conv', 'activation', 'pool', 'flatten', 'activation', 'dropout:0.4', 'dense']); // x.view(x.size(0), -1) flattens
    assert.deepStrictEqual(net.layers.map((l) => l.inputs), [[], [0], [1], [2], [3], [4], [5]]);
    assert.deepStrictEqual(net.outputs, [6]);
    assert.ok(net.layers[0].fromModelInput);
    assert.strictEqual(net.layers[0].name, 'self.features[0]');
    assert.strictEqual(net.layers[0].inFeatures, 3);
    assert.strictEqual(net.layers[0].outFeatures, 16);
    assert.strictEqual(net.layers[6].name, 'self.fc');
    assert.strictEqual(net.layers[6].outFeatures, 10);
    assert.ok(net.layers[5].dropout?.rateIsParameterDefault, 'rate 0.4 comes from the default of p');
    // Line 8 (0-based 7) holds `nn.Dropout(p)`.
    assert.strictEqual(net.layers[5].range.start.line, 7);
    assert.strictEqual(net.layers[5].callNode?.text, 'self.drop(F.relu(x))');
  });

  it('builds Sequentials from lists, OrderedDict, ModuleList loops and add_module', () => {
    const source = [
      'from collections import OrderedDict',
      'from torch import nn',
      'class M(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        layers = [nn.Linear(8, 8)]',
      '        layers.append(nn.BatchNorm1d(8))',
      '        layers += [nn.ReLU(), nn.Dropout(0.1)]',
      '        self.body = nn.Sequential(*layers)',
      '        self.head = nn.Sequential(OrderedDict([("fc", nn.Linear(8, 2)), ("act", nn.Softmax(dim=1))]))',
      '        self.blocks = nn.ModuleList([nn.Linear(8, 8), nn.GELU()])',
      '        self.add_module("extra", nn.Identity())',
      '    def forward(self, x):',
      '        for block in self.blocks:',
      '            x = block(x)',
      '        x = self.extra(self.body(x))',
      '        return self.head(x)',
    ].join('\n');
    const m = byName(graphs(source), 'M');
    assert.deepStrictEqual(chain(m), ['dense', 'activation', 'dense', 'batchnorm', 'activation', 'dropout:0.1', 'identity', 'dense', 'activation']);
    assert.deepStrictEqual(m.layers.map((l) => l.name), [
      'self.blocks[0]', 'self.blocks[1]', 'self.body[0]', 'self.body[1]', 'self.body[2]', 'self.body[3]', 'self.extra', 'self.head.fc', 'self.head.act',
    ]);
    assert.strictEqual(m.layers[8].activation, 'softmax');
  });

  it('finds standalone torch Sequentials and Keras Sequential / functional / subclassed models', () => {
    const source = [
      'import torch.nn as nn',
      'from tensorflow import keras',
      'from tensorflow.keras import layers',
      'net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))',
      'seq = keras.Sequential([layers.Dense(64, activation="relu"), layers.Dropout(0.5), layers.Dense(10)])',
      'added = keras.Sequential()',
      'added.add(layers.Dense(3, activation="selu"))',
      'added.add(layers.AlphaDropout(0.1))',
      'def block(x, n):',
      '    x = layers.Conv2D(n, 3)(x)',
      '    return layers.BatchNormalization()(x)',
      'inputs = keras.Input(shape=(28, 28, 1))',
      'x = block(inputs, 8)',
      'x = layers.GlobalAveragePooling2D()(x)',
      'outputs = layers.Dense(10, activation="softmax")(x)',
      'func = keras.Model(inputs=inputs, outputs=outputs)',
      'class Sub(keras.Model):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.d = layers.Dense(4)',
      '    def call(self, inputs, training=False):',
      '        return self.d(inputs)',
    ].join('\n');
    const all = graphs(source);
    assert.deepStrictEqual(all.map((g) => `${g.kind}:${g.name}`), [
      'sequential:net', 'keras-sequential:seq', 'keras-sequential:added', 'keras-functional:func', 'keras-subclass:Sub',
    ]);
    assert.deepStrictEqual(chain(byName(all, 'seq')), ['dense', 'dropout:0.5', 'dense']);
    assert.strictEqual(byName(all, 'seq').layers[0].activation, 'relu');
    assert.deepStrictEqual(chain(byName(all, 'added')), ['dense', 'dropout:0.1']);
    assert.strictEqual(byName(all, 'added').layers[1].dropout?.variant, 'alpha');
    const func = byName(all, 'func');
    assert.deepStrictEqual(chain(func), ['input', 'conv', 'batchnorm', 'global-pool', 'dense']);
    assert.ok(func.layers[0].fromModelInput);
    assert.deepStrictEqual(func.layers[1].inputs, [0]);
    assert.deepStrictEqual(func.outputs, [4]);
    assert.deepStrictEqual(chain(byName(all, 'Sub')), ['dense']);
  });

  it('resolves through imports only: a user class named Dropout is a user block', () => {
    const source = [
      'import torch.nn as nn',
      'class Dropout(nn.Module):',
      '    def forward(self, x):',
      '        return x',
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.a = Dropout()',
      '        self.b = nn.Linear(2, 2)',
      '    def forward(self, x):',
      '        return self.b(self.a(x))',
    ].join('\n');
    const all = graphs(source);
    const net = byName(all, 'Net');
    assert.deepStrictEqual(chain(net), ['other', 'dense']);
    assert.strictEqual(net.layers[0].userClass, 'Dropout');
    assert.strictEqual(modelContains(net, isDropout, all), undefined);
    assert.strictEqual(byName(all, 'Dropout').isTopLevel, false, 'used as a layer by Net');
  });

  it('modelContains follows user blocks of the same file', () => {
    const source = [
      'from torch import nn',
      'class Block(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.bn = nn.BatchNorm2d(4)',
      '    def forward(self, x):',
      '        return self.bn(x)',
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.block = Block()',
      '        self.drop = nn.Dropout(0.5)',
      '    def forward(self, x):',
      '        return self.drop(self.block(x))',
      'model = Net()',
    ].join('\n');
    const all = graphs(source);
    const net = byName(all, 'Net');
    assert.strictEqual(modelContains(net, isBatchNorm, all)?.name, 'self.bn');
    assert.strictEqual(modelContains(net, isDropout, all)?.name, 'self.drop');
    assert.ok(net.isTopLevel);
    assert.ok(!byName(all, 'Block').isTopLevel);
  });

  it('understands nn.Sequential subclasses, inherited forward and helper methods', () => {
    const source = [
      'import torch.nn as nn',
      'class Head(nn.Sequential):',
      '    def __init__(self, dim, p):',
      '        layers = [nn.Linear(dim, dim), nn.ReLU()]',
      '        layers.append(nn.Dropout(p))',
      '        super().__init__(*layers)',
      'class Base(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.fc = nn.Linear(3, 3)',
      '    def forward(self, x):',
      '        return self._impl(x)',
      '    def _impl(self, x):',
      '        return self.fc(x).relu()',
      'class Child(Base):',
      '    def forward(self, x):',
      '        return super().forward(x).flatten(1)',
    ].join('\n');
    const all = graphs(source);
    assert.deepStrictEqual(chain(byName(all, 'Head')), ['dense', 'activation', 'dropout:undefined']);
    assert.ok(byName(all, 'Head').flowKnown);
    assert.deepStrictEqual(chain(byName(all, 'Child')), ['dense', 'activation', 'flatten']);
    assert.deepStrictEqual(byName(all, 'Child').outputs, [2]);
  });

  it('marks layer lists built in alternative branches as order-unknown, loops as repeated', () => {
    const source = [
      'import torch.nn as nn',
      'def make(cfg, bn):',
      '    layers = []',
      '    for v in cfg:',
      '        layers.append(nn.Linear(v, v))',
      '        if bn:',
      '            layers.append(nn.BatchNorm1d(v))',
      '        else:',
      '            layers.append(nn.Dropout(0.1))',
      '    return nn.Sequential(*layers)',
      'def plain(n):',
      '    layers = []',
      '    for _ in range(n):',
      '        layers += [nn.Linear(4, 4), nn.ReLU()]',
      '    return nn.Sequential(*layers)',
    ].join('\n');
    const all = graphs(source);
    assert.strictEqual(byName(all, 'make').flowKnown, false);
    const plain = byName(all, 'plain');
    assert.ok(plain.flowKnown);
    assert.deepStrictEqual(plain.layers.map((l) => l.name), ['plain[…]', 'plain[…]']);
    assert.ok(!plain.isTopLevel, 'a helper returning a block is not a complete model');
  });

  it('treats a Keras model applied inside another functional model as a component', () => {
    const source = [
      'from tensorflow import keras',
      'from tensorflow.keras import layers',
      'inp = keras.Input(shape=(8,))',
      'encoder = keras.Model(inp, layers.Dropout(0.2)(layers.Dense(4)(inp)))',
      'x = keras.Input(shape=(8,))',
      'autoencoder = keras.Model(x, layers.Dense(8)(encoder(x)))',
    ].join('\n');
    const all = graphs(source);
    assert.strictEqual(byName(all, 'encoder').isTopLevel, false);
    assert.strictEqual(byName(all, 'autoencoder').isTopLevel, true);
    assert.deepStrictEqual(chain(byName(all, 'autoencoder')), ['input', 'other', 'dense']);
  });
});
