import * as assert from 'assert';
import { createPythonParser, lintSource } from '../../../src/lint';
import { IncrementalLinter, type DocumentChange } from '../../../src/lint/incremental';
import type { Finding } from '../../../src/lint/types';
import { at } from './helpers';
import { createRandom } from './hostileInputs';

/** Deterministic PRNG so the edit sequences are the same on every run. */
const rng = createRandom;

const MODEL = [
  'import torch.nn as nn',
  '# é ü — non-ASCII and 😀 astral characters shift UTF-16 columns',
  'class Net(nn.Module):',
  '    def __init__(self):',
  '        super().__init__()',
  '        self.drop = nn.Dropout(1.5)  # noqa: DRP001',
  '        self.fc = nn.Linear(10, 2)',
  '    def forward(self, x):',
  '        return self.fc(self.drop(x))',
  '',
].join('\n');

function fullParse(text: string): string {
  const parser = createPythonParser();
  const tree = parser.parse(text)!;
  const shape = tree.rootNode.toString();
  tree.delete();
  parser.delete();
  return shape;
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) };
}

const summary = (findings: Finding[]) => findings.map((f) => `${f.rule}@${f.range.start.line}:${f.range.start.column}-${f.range.end.line}:${f.range.end.column}`);

describe('IncrementalLinter', () => {
  let linter: IncrementalLinter;
  beforeEach(() => { linter = new IncrementalLinter({ capacity: 3 }); });
  afterEach(() => linter.dispose());

  it('lints an opened document like lintSource', () => {
    const result = linter.open('a', MODEL);
    assert.deepStrictEqual(summary(result.findings), summary(lintSource(MODEL)));
    assert.deepStrictEqual(at(result.findings, 'DRP010'), ['6:32']);
    assert.strictEqual(linter.getText('a'), MODEL);
  });

  it('re-parses random edit sequences incrementally to the same tree and findings as a full parse', () => {
    const random = rng(20261127);
    const snippets = ['x', ' ', '\n', '(', ')', 'nn.Dropout(2)', 'é', '😀', '\n    ', ':', '"""', '#', ''];
    let text = MODEL;
    linter.open('doc', text);
    for (let step = 0; step < 150; step++) {
      const changes: DocumentChange[] = [];
      let expected = text;
      // One to three changes per event, each relative to the text after the previous one.
      for (let k = 1 + Math.floor(random() * 3); k > 0; k--) {
        let start = Math.floor(random() * (expected.length + 1));
        let end = Math.min(expected.length, start + Math.floor(random() * 6));
        // Never split a surrogate pair: editors do not either.
        if (/[\udc00-\udfff]/.test(expected[start] ?? '')) start--;
        if (/[\udc00-\udfff]/.test(expected[end] ?? '')) end++;
        const insert = snippets[Math.floor(random() * snippets.length)];
        changes.push({ range: { start: positionOf(expected, start), end: positionOf(expected, end) }, text: insert });
        expected = expected.slice(0, start) + insert + expected.slice(end);
      }
      const result = linter.applyEdits('doc', changes);
      text = expected;
      assert.strictEqual(linter.getText('doc'), text, `text after step ${step}`);
      assert.strictEqual(linter.getTree('doc')!.rootNode.toString(), fullParse(text), `tree after step ${step}`);
      assert.deepStrictEqual(summary(result.findings), summary(lintSource(text)), `findings after step ${step}`);
    }
  });

  it('update() diffs against the cached text', () => {
    linter.open('doc', MODEL);
    const edited = MODEL.replace('nn.Dropout(1.5)', 'nn.Dropout(0.5)\n        self.extra = nn.Dropout(3)');
    const result = linter.update('doc', edited);
    assert.deepStrictEqual(at(result.findings, 'DRP010'), ['7:33']);
    assert.strictEqual(linter.getTree('doc')!.rootNode.toString(), fullParse(edited));
    // Unchanged text: the cached tree is linted again.
    assert.deepStrictEqual(at(linter.update('doc', edited).findings, 'DRP010'), ['7:33']);
  });

  it('update() finds the edit in a long document, wherever it falls (block edges included)', () => {
    // Several kilobytes: the common prefix and suffix are compared a block at a time.
    let text = Array.from({ length: 60 }, () => MODEL).join('');
    linter.open('long', text);
    const random = rng(7);
    const places = [0, 1, 1023, 1024, 1025, 2047, 2048, 4095, 4096, 3072, 1024, 0];
    for (let step = 0; step < 40; step++) {
      const from = step < places.length ? places[step] : step < 2 * places.length ? text.length - places[step - places.length] : Math.floor(random() * text.length);
      const start = Math.max(0, Math.min(text.length, from));
      // Every fourth edit replaces one character by another (a comment starts there): the length stays, only that block differs.
      const end = Math.min(text.length, start + (step % 4 === 3 ? 1 : step % 3));
      const insert = step % 4 === 3 ? (text[start] === '#' ? '(' : '#') : ['', 'x', 'nn.Dropout(2)\n'][step % 3];
      text = text.slice(0, start) + insert + text.slice(end);
      const result = linter.update('long', text);
      assert.strictEqual(linter.getText('long'), text, `text after step ${step}`);
      assert.strictEqual(linter.getTree('long')!.rootNode.toString(), fullParse(text), `tree after step ${step}`);
      assert.deepStrictEqual(summary(result.findings), summary(lintSource(text)), `findings after step ${step}`);
    }
  });

  it('recovers from a missed change event when given the expected text', () => {
    linter.open('doc', 'import torch.nn as nn\nx = nn.Dropout(0.5)\n');
    const truth = 'import torch.nn as nn\nx = nn.Dropout(5)\ny = 1\n';
    const result = linter.applyEdits('doc', [{ range: { start: { line: 2, column: 0 }, end: { line: 2, column: 0 } }, text: 'y = 1\n' }], {}, truth);
    assert.strictEqual(linter.getText('doc'), truth);
    assert.deepStrictEqual(at(result.findings, 'DRP010'), ['2:16']);
  });

  it('keeps at most `capacity` trees, evicting the least recently used', () => {
    linter.open('a', 'a = 1\n');
    linter.open('b', 'b = 1\n');
    linter.open('c', 'c = 1\n');
    linter.lint('a');
    linter.open('d', 'd = 1\n');
    assert.strictEqual(linter.size, 3);
    assert.deepStrictEqual(['a', 'b', 'c', 'd'].map((k) => linter.has(k)), [true, false, true, true]);
    linter.close('a');
    assert.strictEqual(linter.has('a'), false);
    // A change to an evicted document without its text cannot be applied, and says so.
    assert.match(linter.applyEdits('b', []).skipped ?? '', /not open/);
    assert.deepStrictEqual(linter.applyEdits('b', [], {}, 'b = 2\n').skipped, undefined);
  });

  it('reports documents over the size limit or the parse deadline as skipped', () => {
    const big = 'x = 1\n'.repeat(50_000);
    const tooBig = linter.open('big', big, { maxFileBytes: 1000 });
    assert.match(tooBig.skipped ?? '', /skipped: 293 KB is over the 1000 bytes size limit/);
    assert.strictEqual(linter.has('big'), false);
    // A deadline already in the past when the parser first checks it.
    const timedOut = linter.open('big', big, { parseTimeoutMs: 1e-9 });
    assert.match(timedOut.skipped ?? '', /parsing took longer than 1e-9 ms/);
    // The parser was reset: the next document parses normally.
    assert.deepStrictEqual(at(linter.open('next', 'import torch.nn as nn\nnn.Dropout(2)\n').findings, 'DRP010'), ['2:12']);
  });

  it('never throws after dispose', () => {
    linter.open('a', 'a = 1\n');
    linter.dispose();
    assert.match(linter.open('a', 'a = 2\n').skipped ?? '', /disposed/);
    assert.strictEqual(linter.size, 0);
  });
});
