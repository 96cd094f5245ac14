// `dropout-lab lint` with the project: one file alone finds a bug whose model lives in a sibling
// module, a folder is linted with the same knowledge in worker threads, `--no-project` lints files
// alone, and `[tool.dropout-lab] roots` adds import roots.
import * as assert from 'assert';
import * as path from 'path';
import { tempDir, writeFiles } from '../lint/tempFiles';
import { assertNoStackTrace, runCli } from './cliRunner';

const MODEL = `import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 2)
        self.drop = nn.Dropout(0.3)

    def forward(self, x):
        return self.fc(self.drop(x))
`;

const PREDICT = (module: string) => `import torch
from ${module} import Net

net = Net()
net.load_state_dict(torch.load("net.pt"))
with torch.no_grad():
    for batch in test_loader:
        print(net(batch))
`;

describe('dropout-lab lint (CLI) with the project index', function () {
  this.timeout(120_000);

  it('finds the bug in train.py alone when its model is in a sibling model.py; --no-project does not', () => {
    const dir = tempDir();
    writeFiles(dir, { 'model.py': MODEL, 'predict.py': PREDICT('model') });
    const run = runCli(['lint', 'predict.py'], dir);
    assertNoStackTrace(run);
    assert.strictEqual(run.code, 1, run.stderr);
    assert.match(run.stdout, /^predict\.py:8:15: DRP002 'net' \(Net \(model\.py\), with nn\.Dropout\(p=0\.3\)\)/m);
    const alone = runCli(['lint', '--no-project', 'predict.py'], dir);
    assert.strictEqual(alone.code, 0, alone.stdout);
  });

  it('lints a folder in worker threads with the same knowledge (several jobs)', () => {
    const dir = tempDir();
    writeFiles(dir, { 'model.py': MODEL, 'predict.py': PREDICT('model'), 'other.py': 'x = 1\n' });
    const run = runCli(['lint', '--jobs', '2', '--format', 'json', '.'], dir);
    assert.strictEqual(run.code, 1, run.stderr);
    const records = JSON.parse(run.stdout) as Array<{ file: string; line: number; rule: string }>;
    assert.deepStrictEqual(records.filter((r) => r.rule === 'DRP002').map((r) => `${r.file}:${r.line}`), ['predict.py:8']);
  });

  it('searches the roots set in pyproject.toml', () => {
    const dir = tempDir();
    writeFiles(dir, {
      'pyproject.toml': '[tool.dropout-lab]\nroots = ["vendor"]\n',
      'vendor/netlib/model.py': MODEL,
      'scripts/predict.py': PREDICT('netlib.model'),
    });
    const run = runCli(['lint', path.join('scripts', 'predict.py')], dir);
    assert.strictEqual(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /DRP002 'net' \(Net \(model\.py\)/);
    writeFiles(dir, { 'pyproject.toml': '[tool.dropout-lab]\nroots = "vendor"\n' });
    const bad = runCli(['lint', path.join('scripts', 'predict.py')], dir);
    assert.strictEqual(bad.code, 2);
    assert.match(bad.stderr, /roots.*must be a list of folders/);
  });
});
