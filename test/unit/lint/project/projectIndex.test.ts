// The project index as the editor uses it: unsaved text wins over the disk, a changed summary is
// reported (and only then), dependents are the modules that import a file (directly or through a
// re-exporting package), deleted modules become unknown, and configured roots are searched.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { lintSource } from '../../../../src/lint';
import { ProjectIndex } from '../../../../src/lint/project';
import { tempDir, writeFiles } from '../tempFiles';
import '../helpers';

const MODEL_WITH_DROPOUT = `import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)
        self.drop = nn.Dropout(0.5)

    def forward(self, x):
        return self.fc(self.drop(x))
`;

const MODEL_WITHOUT_DROPOUT = MODEL_WITH_DROPOUT.replace('        self.drop = nn.Dropout(0.5)\n', '').replace('self.fc(self.drop(x))', 'self.fc(x)');

const TRAIN = `import torch
from model import Net

net = Net()
with torch.no_grad():
    for x in test_loader:
        print(net(x))
`;

function drp002Lines(index: ProjectIndex, file: string, source: string): number[] {
  return lintSource(source, { project: { index, file } }).filter((f) => f.rule === 'DRP002').map((f) => f.range.start.line + 1);
}

describe('project index: keeping it current', () => {
  it('follows unsaved edits of a module: adding and removing a dropout changes the importing file\'s findings', () => {
    const dir = tempDir();
    writeFiles(dir, { 'model.py': MODEL_WITHOUT_DROPOUT, 'train.py': TRAIN });
    const index = new ProjectIndex();
    const train = path.join(dir, 'train.py');
    const model = path.join(dir, 'model.py');
    assert.deepStrictEqual(drp002Lines(index, train, TRAIN), []);
    assert.strictEqual(index.update(model, MODEL_WITH_DROPOUT), true);
    assert.deepStrictEqual(drp002Lines(index, train, TRAIN), [7]);
    // A comment (even one that moves every line) does not change what the module offers: nothing to re-lint.
    assert.strictEqual(index.update(model, `# the classifier\n${MODEL_WITH_DROPOUT}`), false);
    assert.strictEqual(index.update(model, MODEL_WITHOUT_DROPOUT), true);
    assert.deepStrictEqual(drp002Lines(index, train, TRAIN), []);
    // Closing the editor: the disk's text (no dropout) counts again.
    index.update(model, MODEL_WITH_DROPOUT);
    assert.strictEqual(index.close(model), true);
    assert.deepStrictEqual(drp002Lines(index, train, TRAIN), []);
  });

  it('forgets a deleted module (its models become unknown) and finds it again when re-created', () => {
    const dir = tempDir();
    writeFiles(dir, { 'model.py': MODEL_WITH_DROPOUT, 'train.py': TRAIN });
    const index = new ProjectIndex();
    const train = path.join(dir, 'train.py');
    const model = path.join(dir, 'model.py');
    assert.deepStrictEqual(drp002Lines(index, train, TRAIN), [7]);
    fs.rmSync(model);
    index.remove(model);
    assert.deepStrictEqual(drp002Lines(index, train, TRAIN), []);
    writeFiles(dir, { 'model.py': MODEL_WITH_DROPOUT });
    assert.strictEqual(index.changed(model), true);
    assert.deepStrictEqual(drp002Lines(index, train, TRAIN), [7]);
  });

  it('names the dependents of a module: its importers, also through a re-exporting package', () => {
    const dir = tempDir();
    writeFiles(dir, {
      'pkg/__init__.py': 'from .model import Net\n',
      'pkg/model.py': MODEL_WITH_DROPOUT,
      'train.py': 'from pkg import Net\n',
      'other.py': 'import os\n',
    });
    const index = new ProjectIndex();
    index.indexFolder(dir);
    const dependents = index.dependentsOf(path.join(dir, 'pkg', 'model.py')).map((f) => path.relative(dir, f)).sort();
    assert.deepStrictEqual(dependents, [path.join('pkg', '__init__.py'), 'train.py']);
  });

  it('searches the configured roots', () => {
    const dir = tempDir();
    writeFiles(dir, { 'lib/nets/model.py': MODEL_WITH_DROPOUT, 'scripts/run.py': TRAIN.replace('from model import', 'from nets.model import') });
    const run = path.join(dir, 'scripts', 'run.py');
    const source = TRAIN.replace('from model import', 'from nets.model import');
    assert.deepStrictEqual(drp002Lines(new ProjectIndex(), run, source), []);
    assert.deepStrictEqual(drp002Lines(new ProjectIndex({ roots: [path.join(dir, 'lib')] }), run, source), [7]);
  });

  it('reports what it indexed', () => {
    const dir = tempDir();
    writeFiles(dir, { 'a.py': 'x = 1\ny = 2\n', 'sub/b.py': 'z = 3\n', '.venv/c.py': 'skipped = True\n', 'notes.txt': 'not python\n' });
    const stats = new ProjectIndex().indexFolder(dir);
    assert.strictEqual(stats.files, 2);
    assert.strictEqual(stats.lines, 5);
  });
});
