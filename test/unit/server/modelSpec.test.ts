// The code lens's model description for the network panel, from model graphs of real snippets:
// layer sizes in data-flow order, each dropout's rate on the layer whose outputs it drops.
import * as assert from 'assert';
import { createPythonParser, loadPython } from '../../../src/lint';
import { buildModelGraphs } from '../../../src/lint/modelGraph';
import { collectImports, collectModuleConstants } from '../../../src/lint/resolve';
import { networkSpecForModel } from '../../../src/server/modelSpec';

before(async function () {
  this.timeout(30000);
  await loadPython();
});

function specs(source: string) {
  const tree = createPythonParser().parse(source)!;
  try {
    const root = tree.rootNode;
    return buildModelGraphs(root, collectImports(root), collectModuleConstants(root)).map((g) => networkSpecForModel(g, 'model.py'));
  } finally {
    tree.delete();
  }
}

const shape = (spec: ReturnType<typeof networkSpecForModel>) => spec?.layers.map((l) => [l.units, l.dropoutRate ?? null]);

describe('network panel spec from a model graph', () => {
  it('follows a module class forward: input, hidden layers with their dropout rates, output', () => {
    const [spec] = specs(`
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 300)
        self.drop = nn.Dropout(0.3)
        self.fc2 = nn.Linear(300, 10)
    def forward(self, x):
        return self.fc2(self.drop(self.fc1(x).relu()))
`);
    assert.deepStrictEqual(shape(spec), [[784, null], [300, 0.3], [10, null]]);
    assert.strictEqual(spec?.name, 'Net (model.py)');
    assert.deepStrictEqual(spec?.layers.map((l) => l.label), ['input (784)', 'fc1 (nn.Linear): 300', 'fc2 (nn.Linear): 10']);
  });

  it('reads a standalone nn.Sequential', () => {
    const [spec] = specs(`
from torch import nn
model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Dropout(0.5), nn.Linear(64, 64), nn.Dropout(0.25), nn.Linear(64, 3))
`);
    assert.deepStrictEqual(shape(spec), [[20, null], [64, 0.5], [64, 0.25], [3, null]]);
  });

  it('never puts a rate on the output layer (a dropout after it is a finding, not a setting)', () => {
    const [spec] = specs(`
from torch import nn
model = nn.Sequential(nn.Linear(8, 4), nn.Dropout(0.5))
`);
    assert.deepStrictEqual(shape(spec), [[8, null], [4, null]]);
  });

  it('gives no spec when fewer than two sizes are known statically', () => {
    const [spec] = specs(`
import torch.nn as nn
class Head(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.fc = nn.Linear(width, width)
        self.drop = nn.Dropout(0.1)
    def forward(self, x):
        return self.drop(self.fc(x))
`);
    assert.strictEqual(spec, undefined);
  });

  it('summarises more layers than the panel draws, keeping input and output', () => {
    const hidden = Array.from({ length: 14 }, (_, i) => `nn.Linear(${i + 10}, ${i + 11}), nn.Dropout(0.1)`).join(', ');
    const [spec] = specs(`from torch import nn\nmodel = nn.Sequential(${hidden}, nn.Linear(24, 2))\n`);
    assert.ok(spec);
    assert.strictEqual(spec.layers.length, 12);
    assert.strictEqual(spec.layers[0].units, 10);
    assert.strictEqual(spec.layers[11].units, 2);
    // 15 sized layers after the input: 14 hidden + output; 10 hidden are drawn, 4 summarised.
    assert.match(spec.name, /4 of 14 hidden layers not shown/);
  });
});
