// What the linted file itself contributes to project questions: names it imports resolve through
// its imports, names it defines through its own summary, and names that happen to be properties of
// every JavaScript object (`constructor`, `toString`) are ordinary Python names.
import * as assert from 'assert';
import * as path from 'path';
import { lintSource } from '../../../../src/lint';
import { ProjectIndex } from '../../../../src/lint/project';
import { tempDir, writeFiles } from '../tempFiles';
import '../helpers';

const MODEL = `import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)
        self.drop = nn.Dropout(0.5)

    def forward(self, x):
        return self.fc(self.drop(x))
`;

const HELPERS = `def freeze_for_eval(model):
    model.eval()
`;

describe("project index: the linted file's own names", () => {
  it('resolves imported models and helpers, and Python names shaped like JavaScript object properties', () => {
    const dir = tempDir();
    writeFiles(dir, { 'model.py': MODEL, 'helpers.py': HELPERS });
    const index = new ProjectIndex();
    const file = path.join(dir, 'predict.py');
    const source = [
      'import torch',
      'from model import Net',
      'from helpers import freeze_for_eval',
      '',
      '',
      'def make_inputs(shape):',
      '    constructor = torch.randn',
      '    toString = constructor(*shape)',
      '    return toString',
      '',
      '',
      'net = Net()',
      'with torch.no_grad():',
      '    for x in test_loader:',
      '        print(net(x))',
      '        probe = hasOwnProperty(x)',
      '',
      'valueOf = Net()',
      'freeze_for_eval(valueOf)',
      'with torch.no_grad():',
      '    for x in test_loader:',
      '        print(valueOf(x))',
      '',
    ].join('\n');
    const findings = lintSource(source, { project: { index, file } });
    // The first loop runs a model from model.py in training mode; the second one is switched to
    // eval by a helper of helpers.py, known only through the import.
    assert.deepStrictEqual(findings.filter((f) => f.rule === 'DRP002').map((f) => f.range.start.line + 1), [15]);
  });

  it('answers questions about callers from a folder walk inside the lint (CLI), or only from what is indexed (server)', () => {
    const dir = tempDir();
    const predictor = [
      'import torch', '', '',
      'def predict(model, test_loader):',
      '    outputs = []',
      '    with torch.no_grad():',
      '        for x in test_loader:',
      '            outputs.append(model(x))',
      '    return outputs', '',
    ].join('\n');
    const main = ['from model import Net', 'from predictor import predict', '', 'predict(Net(), [])', ''].join('\n');
    writeFiles(dir, { 'model.py': MODEL, 'predictor.py': predictor, 'main.py': main });
    const file = path.join(dir, 'predictor.py');
    const drp002 = (index: ProjectIndex) => lintSource(predictor, { project: { index, file } }).filter((f) => f.rule === 'DRP002').map((f) => f.range.start.line + 1);
    // The CLI's index walks the project on the first question about who calls predict().
    assert.deepStrictEqual(drp002(new ProjectIndex()), [8]);
    // The server's index never walks inside a lint: main.py is unknown until its background indexing.
    const serverIndex = new ProjectIndex({ indexCallersOnDemand: false });
    assert.deepStrictEqual(drp002(serverIndex), []);
    assert.ok(!serverIndex.indexedFiles().includes(path.join(dir, 'main.py')), 'main.py was not read during the lint');
    serverIndex.indexFolder(dir);
    assert.deepStrictEqual(drp002(serverIndex), [8]);
  });
});
