// The examples/ workspace (what `npm start` opens) must show what its comments say: every rule named
// in a line's `# DRPnnn` comment is reported on that line, nothing else is reported anywhere, and
// clean_model.py is clean. The expectations come from the hand-written comments, not from the
// linter's output: a newcomer who reads `# DRP002` must see the squiggle there.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { lintFile, loadPython, type FileReport } from '../../../src/lint';

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', '..', 'examples');

/** `cell:line RULE` (1-based, cell 0 for plain files) for every rule a `#` comment names on its line. */
function markedFindings(file: string): string[] {
  const cells: string[][] = file.endsWith('.ipynb')
    ? (JSON.parse(fs.readFileSync(file, 'utf8')).cells as { cell_type: string; source: string[] }[])
      .map((cell) => (cell.cell_type === 'code' ? cell.source.join('').split('\n') : []))
    : [fs.readFileSync(file, 'utf8').split('\n')];
  const found: string[] = [];
  cells.forEach((lines, cell) => lines.forEach((text, line) => {
    const comment = /#.*$/.exec(text)?.[0] ?? '';
    for (const rule of new Set(comment.match(/\bDRP\d{3}\b/g) ?? [])) {
      found.push(`${file.endsWith('.ipynb') ? cell + 1 : 0}:${line + 1} ${rule}`);
    }
  }));
  return found;
}

function reportedFindings(report: FileReport): string[] {
  const found = report.findings.map((f) => `${f.cell === undefined ? 0 : f.cell + 1}:${f.range.start.line + 1} ${f.rule}`);
  return [...new Set(found)];
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
    it(`${name}: every rule a # DRPnnn comment names is reported on that line, and nothing else`, () => {
      const file = path.join(EXAMPLES, name);
      const report = lintFile(file);
      assert.strictEqual(report.error, undefined, report.error);
      assert.deepStrictEqual(report.failures, []);
      assert.deepStrictEqual(reportedFindings(report).sort(), markedFindings(file).sort());
    });
  }

  it('marks every rule that the README table says a file shows', () => {
    const readme = fs.readFileSync(path.join(EXAMPLES, 'README.md'), 'utf8');
    for (const row of readme.split('\n').filter((line) => /^\| `[^`]+\.(py|ipynb)` \|/.test(line))) {
      const name = /`([^`]+)`/.exec(row)![1];
      const listed = [...new Set(row.split('|')[3].match(/DRP\d{3}/g) ?? [])].sort();
      const marked = [...new Set(markedFindings(path.join(EXAMPLES, name)).map((m) => m.split(' ')[1]))].sort();
      assert.deepStrictEqual(marked, listed, name);
    }
  });

  it('clean_model.py has no findings', () => {
    const report = lintFile(path.join(EXAMPLES, 'clean_model.py'));
    assert.deepStrictEqual(report.findings.map((f) => `${f.rule} ${f.range.start.line + 1}: ${f.message}`), []);
  });
});
