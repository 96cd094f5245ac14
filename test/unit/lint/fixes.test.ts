import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { createPythonParser, lintSource, RULES, type LintResult } from '../../../src/lint';
import { applyEdits, EditConflictError, errorCount, fixSource, nonOverlappingFixes } from '../../../src/lint/fixes';
import type { Tree } from '../../../src/lint/parser';
import type { Finding, Fix, Range, TextEdit } from '../../../src/lint/types';
import './helpers';
import { createRandom, mutateSource, SEED_SOURCES } from './hostileInputs';

const at = (line: number, column: number, endLine = line, endColumn = column): Range => ({ start: { line, column }, end: { line: endLine, column: endColumn } });
const edit = (range: Range, newText: string): TextEdit => ({ range, newText });

/** A stand-in linter: one finding per regex match, with the fix `make` builds for it. */
function fakeLinter(pattern: RegExp, make: (match: RegExpExecArray, range: Range) => Fix) {
  return (_tree: Tree, source: string): LintResult => {
    const findings: Finding[] = [];
    const lines = source.split('\n');
    lines.forEach((text, line) => {
      const re = new RegExp(pattern.source, 'g');
      for (let m = re.exec(text); m; m = re.exec(text)) {
        const range = at(line, m.index, line, m.index + m[0].length);
        findings.push({ rule: 'DRP010', severity: 'error', message: 'bad', range, related: [], fixes: [make(m, range)] });
      }
    });
    return { findings, failures: [] };
  };
}

describe('fixes', () => {
  describe('applyEdits', () => {
    it('applies edits in any order, with UTF-16 columns', () => {
      const source = 'a😀 = nn.Dropout(1.5)\nb = 2\n';
      const out = applyEdits(source, [edit(at(1, 4, 1, 5), '3'), edit(at(0, 17, 0, 20), '0.5'), edit(at(0, 0), '# fixed\n')]);
      assert.strictEqual(out, '# fixed\na😀 = nn.Dropout(0.5)\nb = 3\n');
    });

    it('clamps positions past a line end or past the end of the file', () => {
      assert.strictEqual(applyEdits('ab\ncd', [edit(at(0, 99), '!')]), 'ab!\ncd');
      assert.strictEqual(applyEdits('ab\ncd', [edit(at(7, 0), '\nef')]), 'ab\ncd\nef');
    });

    it('refuses overlapping edits and two insertions at one point', () => {
      assert.throws(() => applyEdits('abcdef', [edit(at(0, 0, 0, 3), 'x'), edit(at(0, 2, 0, 4), 'y')]), EditConflictError);
      assert.throws(() => applyEdits('abcdef', [edit(at(0, 1), 'x'), edit(at(0, 1), 'y')]), EditConflictError);
      assert.throws(() => applyEdits('abcdef', [edit(at(0, 0, 0, 4), 'x'), edit(at(0, 2), 'y')]), EditConflictError);
      // Touching edits are fine.
      assert.strictEqual(applyEdits('abcdef', [edit(at(0, 0, 0, 3), 'X'), edit(at(0, 3, 0, 6), 'Y')]), 'XY');
    });
  });

  it('nonOverlappingFixes keeps the first of conflicting fixes, whole fixes only', () => {
    const source = 'abcdef';
    const f1: Fix = { title: 'one', safe: true, edits: [edit(at(0, 0, 0, 2), 'X')] };
    const f2: Fix = { title: 'two', safe: true, edits: [edit(at(0, 4, 0, 5), 'Y'), edit(at(0, 1, 0, 3), 'Z')] };
    const f3: Fix = { title: 'three', safe: true, edits: [edit(at(0, 5, 0, 6), 'W')] };
    assert.deepStrictEqual(nonOverlappingFixes(source, [f1, f2, f3]).map((f) => f.title), ['one', 'three']);
  });

  describe('fixSource', () => {
    it('iterates to a fixpoint: a fix whose result needs another fix', () => {
      // Dividing by ten is "safe" only for multiples of ten, so 500 → 50 → 5 takes two rounds.
      const lint = fakeLinter(/Dropout\((\d+)\)/, (m, range) => {
        const value = Number(m[1]);
        return { title: 'shrink', safe: value >= 10 && value % 10 === 0, edits: [edit(range, `Dropout(${value / 10})`)] };
      });
      const result = fixSource('d = Dropout(500)\ne = Dropout(30)\n', {}, { lint });
      assert.strictEqual(result.output, 'd = Dropout(5)\ne = Dropout(3)\n');
      assert.strictEqual(result.rounds, 2);
      assert.strictEqual(result.applied.length, 3);
      assert.deepStrictEqual(result.refused, []);
    });

    it('applies only safe fixes', () => {
      const lint = fakeLinter(/Dropout\(2\)/, (_m, range) => ({ title: 'suggested only', safe: false, edits: [edit(range, 'Dropout(0.2)')] }));
      const result = fixSource('Dropout(2)\n', {}, { lint });
      assert.strictEqual(result.changed, false);
      assert.strictEqual(result.remaining.length, 1);
    });

    it('refuses a fix that would break parsing, and still applies the others', () => {
      const lint = fakeLinter(/BREAK|GOOD/, (m, range) => ({ title: m[0], safe: true, edits: [edit(range, m[0] === 'BREAK' ? 'def (' : 'fine')] }));
      const result = fixSource('x = BREAK\ny = GOOD\n', {}, { lint });
      assert.strictEqual(result.output, 'x = BREAK\ny = fine\n');
      assert.deepStrictEqual(result.refused.map((r) => [r.title, r.reason]), [['BREAK', 'the fixed code would not parse']]);
    });

    it('does not make already broken code worse, but may fix around it', () => {
      const lint = fakeLinter(/GOOD/, (_m, range) => ({ title: 'good', safe: true, edits: [edit(range, 'fine')] }));
      const result = fixSource('def broken(:\n    pass\ny = GOOD\n', {}, { lint });
      assert.strictEqual(result.output, 'def broken(:\n    pass\ny = fine\n');
    });

    it('stops on a cycle and after maxRounds', () => {
      const flip = fakeLinter(/\b[AB]\b/, (m, range) => ({ title: 'flip', safe: true, edits: [edit(range, m[0] === 'A' ? 'B' : 'A')] }));
      const cycle = fixSource('x = A\n', {}, { lint: flip });
      assert.strictEqual(cycle.output, 'x = B\n');
      assert.strictEqual(cycle.rounds, 1);
      const grow = fakeLinter(/x$/, (_m, range) => ({ title: 'grow', safe: true, edits: [edit(at(range.end.line, range.end.column), 'x')] }));
      const bounded = fixSource('v = x\n', {}, { lint: grow, maxRounds: 4 });
      assert.strictEqual(bounded.output, 'v = xxxxx\n');
      assert.strictEqual(bounded.rounds, 4);
    });
  });

  it('real rules: --fix on every docs "Bad" example parses and is a fixpoint for the safe fixes', () => {
    const docs = path.resolve(__dirname, '../../../../docs/rules');
    let applied = 0;
    for (const rule of RULES) {
      const text = fs.readFileSync(path.join(docs, `${rule.id}.md`), 'utf8');
      const bad = /^## Bad\n```python\n([\s\S]*?)```/m.exec(text)![1];
      const result = fixSource(bad);
      applied += result.applied.length;
      const parser = createPythonParser();
      const tree = parser.parse(result.output)!;
      assert.strictEqual(errorCount(tree), 0, `${rule.id}: fixed code does not parse:\n${result.output}`);
      tree.delete();
      parser.delete();
      const left = lintSource(result.output).filter((f) => f.fixes.some((x) => x.safe));
      assert.deepStrictEqual(left.map((f) => f.rule), [], `${rule.id}: safe fixes left after --fix`);
      for (const fixed of result.applied) {
        assert.ok(!lintSource(result.output).some((f) => f.rule === fixed.rule && f.range.start.line === fixed.line), `${rule.id}: ${fixed.rule} still reported where it was fixed`);
      }
    }
    // Some rules offer safe fixes (DRP004, DRP011, …): the loop above must have exercised them.
    assert.ok(applied > 0, 'no safe fix was applied to any example');
  });

  it('real rules: every fix offered (safe or suggested) keeps the code parseable', () => {
    const docs = path.resolve(__dirname, '../../../../docs/rules');
    const sources = RULES.map((rule) => /^## Bad\n```python\n([\s\S]*?)```/m.exec(fs.readFileSync(path.join(docs, `${rule.id}.md`), 'utf8'))![1]);
    sources.push(...SEED_SOURCES);
    const random = createRandom(31);
    for (let i = 0; i < 60; i++) sources.push(mutateSource(random));
    const parser = createPythonParser();
    const errors = (text: string) => {
      const tree = parser.parse(text)!;
      const count = errorCount(tree);
      tree.delete();
      return count;
    };
    let checked = 0;
    try {
      for (const source of sources) {
        const before = errors(source);
        for (const finding of lintSource(source)) {
          for (const fix of finding.fixes) {
            const after = errors(applyEdits(source, fix.edits));
            assert.ok(after <= before, `${finding.rule} fix "${fix.title}" breaks parsing of:\n${source}`);
            checked++;
          }
        }
      }
    } finally {
      parser.delete();
    }
    assert.ok(checked >= 10, `only ${checked} fixes checked`);
  });
});
