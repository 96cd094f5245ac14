// The live linter reuses work across edits (adopted snapshot statements, memoized per-unit
// analyses). Whatever it reuses, after every edit it must report exactly what a fresh lint of the
// same text reports: same rules, ranges, messages, severities, fixes and related locations.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { loadPython, lintSource } from '../../../src/lint';
import { IncrementalLinter, type DocumentChange } from '../../../src/lint/incremental';
import type { Finding } from '../../../src/lint/types';
import { createRandom } from './hostileInputs';

const ROOT = path.join(__dirname, '..', '..', '..', '..');

/** Everything a user sees of a finding, in a comparable form. */
function shown(findings: readonly Finding[]): string[] {
  return findings.map((f) => JSON.stringify([f.rule, f.severity, f.message, f.range, f.cell ?? null, f.fixes, f.related]));
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) };
}

/** Every example model file of the repository, one after the other: many models, loops and rules in one file. */
function examplesFile(): string {
  const dir = path.join(ROOT, 'examples');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.py')).sort()
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n\n');
}

/** A long file in the style of the keystroke benchmark: blocks with dropout, train and evaluate functions. */
function blocksFile(blocks: number): string {
  const out = ['import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', '', 'DROP = 0.3', ''];
  for (let b = 0; b < blocks; b++) {
    out.push(
      `class Block${b}(nn.Module):`,
      '    def __init__(self, width=64, p=DROP):',
      '        super().__init__()',
      '        self.fc = nn.Linear(width, width)',
      '        self.bn = nn.BatchNorm1d(width)',
      `        self.drop = nn.Dropout(${b % 3 === 0 ? 'p' : `0.${(b % 7) + 1}`})`,
      '    def forward(self, x):',
      `        h = self.drop(F.relu(self.bn(self.fc(x))))`,
      `        return F.dropout(h, p=0.${(b % 5) + 1}, training=self.training)`,
      '',
      `def evaluate${b}(model, loader):`,
      b % 2 ? '    model.eval()' : '    pass',
      '    with torch.no_grad():',
      '        return [model(x) for x, _ in loader]',
      '',
      `def train${b}(model, loader, opt):`,
      '    for x, y in loader:',
      '        opt.zero_grad()',
      '        F.cross_entropy(model(x), y).backward()',
      '        opt.step()',
      `    evaluate${b}(model, loader)`,
      '',
    );
  }
  out.push(
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    `        self.blocks = nn.Sequential(${Array.from({ length: Math.min(blocks, 6) }, (_, i) => `Block${i}()`).join(', ')})`,
    '        self.head = nn.Linear(64, 10)',
    '        self.out_drop = nn.Dropout(0.5)',
    '    def forward(self, x):',
    '        return self.out_drop(self.head(self.blocks(x)))',
    '',
    'net = Net()',
    'with torch.no_grad():',
    '    net(torch.zeros(1, 64))',
    '',
  );
  return out.join('\n');
}

/** Replacements that change what other statements see: names, imports, modes, rates, constants. */
const SWAPS: ReadonlyArray<[string, string]> = [
  ['.eval()', '.train()'], ['.train()', '.eval()'], ['    pass', '    model.eval()'], ['    model.eval()', '    pass'],
  ['nn.Module', 'object'], ['object', 'nn.Module'], ['import torch.nn as nn', 'import torch.nn as tnn'],
  ['import torch.nn.functional as F', 'import torch.nn.functional as G'], ['DROP = 0.3', 'DROP = 1.3'], ['DROP = 1.3', 'DROP = 0.3'],
  ['Block1(', 'Block9('], ['class Block2', 'class Block2x'], ['0.5', '1.5'], ['training=self.training', 'training=True'],
  ['BatchNorm1d', 'LayerNorm'], ['LayerNorm', 'BatchNorm1d'], ['Dropout(', 'Dropout2d('], ['evaluate1(', 'evaluate2('],
  ['with torch.no_grad():', 'if True:'], ['F.relu', 'torch.selu'], ['return', 'return 1 +'], ['# noqa', '#'],
];
const SNIPPETS = ['5', '0', ' ', '\n', '(', ')', ':', '\n    ', 'x', '# noqa: DRP001', 'model.eval()\n    ', '"""', ''];

/** One random change: a swap of a meaningful token, or a character-level edit anywhere. */
function randomChange(text: string, random: () => number): { start: number; end: number; insert: string } {
  if (random() < 0.5) {
    const [from, to] = SWAPS[Math.floor(random() * SWAPS.length)];
    const hits: number[] = [];
    for (let i = text.indexOf(from); i >= 0; i = text.indexOf(from, i + 1)) hits.push(i);
    if (hits.length) {
      const start = hits[Math.floor(random() * hits.length)];
      return { start, end: start + from.length, insert: to };
    }
  }
  let start = Math.floor(random() * (text.length + 1));
  let end = Math.min(text.length, start + Math.floor(random() * 5));
  // Never split a surrogate pair: editors do not either.
  if (/[\udc00-\udfff]/.test(text[start] ?? '')) start--;
  if (/[\udc00-\udfff]/.test(text[end] ?? '')) end++;
  return { start, end, insert: SNIPPETS[Math.floor(random() * SNIPPETS.length)] };
}

function checkEditSequence(name: string, initial: string, seed: number, steps: number): void {
  const linter = new IncrementalLinter();
  const random = createRandom(seed);
  let text = initial;
  try {
    assert.deepStrictEqual(shown(linter.open(name, text).findings), shown(lintSource(text)), `${name}: opened`);
    for (let step = 0; step < steps; step++) {
      const { start, end, insert } = randomChange(text, random);
      const change: DocumentChange = { range: { start: positionOf(text, start), end: positionOf(text, end) }, text: insert };
      const next = text.slice(0, start) + insert + text.slice(end);
      const result = linter.applyEdits(name, [change]);
      text = next;
      assert.deepStrictEqual(result.failures, [], `${name} step ${step}: no rule crashed`);
      assert.deepStrictEqual(shown(result.findings), shown(lintSource(text)),
        `${name} step ${step}: inserted ${JSON.stringify(insert)} at ${JSON.stringify(positionOf(text, start))}`);
    }
  } finally {
    linter.dispose();
  }
}

describe('incremental re-lint equals a fresh lint', () => {
  before(async function () {
    this.timeout(30_000);
    await loadPython();
  });

  it('over random edits of all the example models in one file', function () {
    this.timeout(300_000);
    const text = examplesFile();
    assert.ok(lintSource(text).length > 10, 'the examples produce findings to keep equal');
    checkEditSequence('examples.py', text, 1, 150);
  });

  it('over random edits of a long file of blocks, training and evaluation functions', function () {
    this.timeout(300_000);
    const text = blocksFile(16);
    const rules = new Set(lintSource(text).map((f) => f.rule));
    for (const rule of ['DRP001', 'DRP002', 'DRP007'] as const) assert.ok(rules.has(rule), `the file triggers ${rule}`);
    checkEditSequence('blocks.py', text, 2, 200);
  });

  it('over random edits of every rule fixture', function () {
    this.timeout(300_000);
    const dir = path.join(ROOT, 'test', 'fixtures', 'lint');
    const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.py')).sort();
    assert.ok(files.length > 17, `fixtures found in ${dir}`);
    files.forEach((file, i) => checkEditSequence(file, fs.readFileSync(path.join(dir, file), 'utf8'), 100 + i, 12));
  });

  it('when edits come in batches and through update() without a change list', function () {
    this.timeout(120_000);
    const linter = new IncrementalLinter();
    const random = createRandom(3);
    let text = blocksFile(6);
    try {
      linter.open('batch.py', text);
      for (let step = 0; step < 60; step++) {
        if (step % 3 === 0) {
          const { start, end, insert } = randomChange(text, random);
          text = text.slice(0, start) + insert + text.slice(end);
          assert.deepStrictEqual(shown(linter.update('batch.py', text).findings), shown(lintSource(text)), `update step ${step}`);
          continue;
        }
        // Two changes in one event, the second relative to the text after the first.
        const changes: DocumentChange[] = [];
        for (let k = 0; k < 2; k++) {
          const { start, end, insert } = randomChange(text, random);
          changes.push({ range: { start: positionOf(text, start), end: positionOf(text, end) }, text: insert });
          text = text.slice(0, start) + insert + text.slice(end);
        }
        assert.deepStrictEqual(shown(linter.applyEdits('batch.py', changes).findings), shown(lintSource(text)), `batch step ${step}`);
      }
    } finally {
      linter.dispose();
    }
  });
});
