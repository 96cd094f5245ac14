// Code without its imports (a pasted snippet, a lone notebook cell) is read by the names it uses,
// and a module-level Sequential that nothing else uses is the model itself.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { lint } from './helpers';

function fixture(name: string): string {
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'test', 'fixtures', 'lint', 'snippets', name);
    if (fs.existsSync(candidate)) return fs.readFileSync(candidate, 'utf8');
  }
  return fs.readFileSync(path.join(process.cwd(), 'test', 'fixtures', 'lint', 'snippets', name), 'utf8');
}

const all = (source: string): string[] => lint(source).map((f) => `${f.rule} ${f.range.start.line + 1}:${f.range.start.column + 1}`);

describe('snippets without imports', () => {
  it('reads Sequential() / model.add(Dropout(...)) as Keras: dropout after the softmax layer is flagged, the fixed cell is silent', () => {
    const findings = lint(fixture('keras_cell.py'));
    assert.deepStrictEqual(all(fixture('keras_cell.py')), ['DRP001 6:9']);
    assert.match(findings[0].message, /net\[3\] \(Dropout, rate=0\.2\) is applied to the output of model `net`/);
    assert.deepStrictEqual(all(fixture('keras_cell_good.py')), []);
  });

  it('reads nn / F as torch: an untied F.dropout in forward is flagged, the tied one is not', () => {
    assert.deepStrictEqual(all(fixture('torch_snippet.py')), ['DRP004 9:13']);
  });

  it('names the file defines itself are its own: a local Sequential and Dropout are not the framework\'s', () => {
    assert.deepStrictEqual(all(fixture('own_classes.py')), []);
    // The same calls with the definitions gone are Keras (and the rate 5 is invalid).
    const bare = fixture('own_classes.py').split('\n').filter((line, i) => i >= 14).join('\n');
    assert.deepStrictEqual(all(bare).filter((f) => f.startsWith('DRP010')), ['DRP010 2:18']);
  });

  it('a file with imports is never given implied ones', () => {
    assert.deepStrictEqual(all('import numpy as np\nnet = Sequential()\nnet.add(Dense(3))\nnet.add(Dropout(5))\n'), []);
  });
});

describe('module-level Sequential', () => {
  it('is the model when nothing else names it (DRP001 on its final dropout), a block when another model uses it', () => {
    const source = fixture('module_sequential.py');
    assert.deepStrictEqual(all(source), ['DRP001 9:5']);
    // Whatever it is called (`regressor` is a model name anyway; `mlp_a` is not).
    const neutral = source.replace(/regressor/g, 'mlp_a');
    assert.deepStrictEqual(all(neutral), ['DRP001 9:5']);
    // Named as a part of something: a block.
    assert.deepStrictEqual(all(source.replace(/regressor/g, 'conv_block')), []);
    // Used by name elsewhere (not as a model): a block again.
    assert.deepStrictEqual(all(`${neutral}\nparts = [mlp_a]\n`), []);
  });
});
