import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { at, lint } from './helpers';

function fixture(rule: string, name: string): string {
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'test', 'fixtures', 'lint', rule, name);
    if (fs.existsSync(candidate)) return fs.readFileSync(candidate, 'utf8');
  }
  return fs.readFileSync(path.join(process.cwd(), 'test', 'fixtures', 'lint', rule, name), 'utf8');
}

describe('DRP019 flax-dropout-without-deterministic', () => {
  it('flags @nn.compact dropouts applied with no flag anywhere; constructor, keyword, positional and **kwargs flags are silent', () => {
    const findings = lint(fixture('DRP019', 'compact_modules.py'));
    // Line 13: nn.Dropout(rate=...)(pooled); line 46: the second drop(x) of a local layer.
    assert.deepStrictEqual(at(findings, 'DRP019'), ['13:18', '46:16']);
    const [inline, local] = findings.filter((f) => f.rule === 'DRP019');
    assert.match(inline.message, /^nn\.Dropout\(rate=self\.dropout_rate\) is given no deterministic, neither when it is built nor when it is applied: Flax raises a ValueError/);
    assert.match(local.message, /^drop\(\.\.\.\) passes no deterministic, and nn\.Dropout\(rate=0\.3\) \(built on line 43\) has none either/);
  });

  it('flags a setup() dropout called without the flag; a flag at construction or at every call is silent', () => {
    const findings = lint(fixture('DRP019', 'setup_modules.py'));
    assert.deepStrictEqual(at(findings, 'DRP019'), ['18:13']);
    assert.match(findings.find((f) => f.rule === 'DRP019')!.message, /^self\.dropout\(\.\.\.\) passes no deterministic, and nn\.Dropout\(rate=self\.rate\) \(built on line 14\)/);
  });

  it('leaves torch dropouts, nnx dropouts and layers handed elsewhere alone', () => {
    const source = [
      'import torch.nn as tnn', 'from flax import nnx', 'import flax.linen as nn', '',
      'class Net(tnn.Module):', '    def __init__(self):', '        super().__init__()', '        self.drop = tnn.Dropout(0.5)', '',
      '    def forward(self, x):', '        return self.drop(x)', '',
      'class Block(nnx.Module):', '    def __init__(self, rngs):', '        self.drop = nnx.Dropout(0.1, rngs=rngs)', '',
      '    def __call__(self, x):', '        return self.drop(x)', '',
      'class Stack(nn.Module):', '    def setup(self):', '        self.drops = [nn.Dropout(0.1) for _ in range(3)]', '',
      '    def __call__(self, x, train):', '        for drop in self.drops:', '            x = drop(x, deterministic=not train)', '        return x', '',
    ].join('\n');
    assert.deepStrictEqual(at(lint(source), 'DRP019'), []);
  });
});
