// The examples/ workspace (what `npm start` opens) must show what its comments say: every line
// marked `# DRP010` gets exactly that finding and no other line does, and clean_model.py is clean.
// The expectations come from the hand-written comments, not from the linter's output.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { lintFile, loadPython, type FileReport } from '../../../src/lint';

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', '..', 'examples');

/** `cell:line` (1-based, cell 0 for plain files) of every line whose comment names `rule`. */
function markedLines(file: string, rule: string): string[] {
  const marker = new RegExp(`#[^\\n]*\\b${rule}\\b`);
  const cells: string[][] = file.endsWith('.ipynb')
    ? (JSON.parse(fs.readFileSync(file, 'utf8')).cells as { cell_type: string; source: string[] }[])
      .map((cell) => (cell.cell_type === 'code' ? cell.source.join('').split('\n') : []))
    : [fs.readFileSync(file, 'utf8').split('\n')];
  const found: string[] = [];
  cells.forEach((lines, cell) => lines.forEach((text, line) => {
    if (marker.test(text)) found.push(`${file.endsWith('.ipynb') ? cell + 1 : 0}:${line + 1}`);
  }));
  return found;
}

function findingLines(report: FileReport, rule: string): string[] {
  return report.findings.filter((f) => f.rule === rule).map((f) => `${f.cell === undefined ? 0 : f.cell + 1}:${f.range.start.line + 1}`);
}

describe('examples/ workspace', () => {
  before(async function () {
    this.timeout(30000);
    await loadPython();
  });

  const files = fs.readdirSync(EXAMPLES).filter((f) => /\.(py|ipynb)$/.test(f)).sort();

  it('has PyTorch and Keras model files, a notebook and a clean file', () => {
    assert.ok(files.includes('clean_model.py'));
    assert.ok(files.some((f) => f.endsWith('.ipynb')));
    assert.ok(files.length >= 6, files.join(', '));
  });

  for (const name of files) {
    it(`${name}: DRP010 exactly on the lines marked # DRP010`, () => {
      const file = path.join(EXAMPLES, name);
      const report = lintFile(file);
      assert.strictEqual(report.error, undefined, report.error);
      assert.deepStrictEqual(findingLines(report, 'DRP010').sort(), markedLines(file, 'DRP010').sort());
    });
  }

  it('clean_model.py has no findings', () => {
    const report = lintFile(path.join(EXAMPLES, 'clean_model.py'));
    assert.deepStrictEqual(report.findings.map((f) => `${f.rule} ${f.range.start.line + 1}: ${f.message}`), []);
  });
});
