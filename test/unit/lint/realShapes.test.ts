// Real-code shapes: model zoos, training scripts, notebooks, written here in the shapes public code
// uses (nothing copied). Each shape comes as `<shape>_ok` (written right: no finding at all) and
// `<shape>_bug` (one mistake introduced: exactly the findings its `# DRPnnn` comments name, on their
// lines). The expectations come from those hand-written comments, never from the linter's output.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { lintFile, type FileReport } from '../../../src/lint';
import './helpers';

function realDir(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'test', 'fixtures', 'lint', 'real');
    if (fs.existsSync(candidate)) return candidate;
  }
  return path.join(process.cwd(), 'test', 'fixtures', 'lint', 'real');
}

const REAL = realDir();

/** `cell:line RULE` (1-based; cell 0 for .py files) for each rule a `#` comment names on its line. */
function marked(file: string): string[] {
  const cells: string[][] = file.endsWith('.ipynb')
    ? (JSON.parse(fs.readFileSync(file, 'utf8')).cells as { cell_type: string; source: string[] | string }[])
      .map((cell) => (cell.cell_type === 'code' ? (Array.isArray(cell.source) ? cell.source.join('') : cell.source).split('\n') : []))
    : [fs.readFileSync(file, 'utf8').split('\n')];
  const found: string[] = [];
  cells.forEach((lines, cell) => lines.forEach((text, line) => {
    // Only the comment part: a rule id in a string is not an expectation.
    const comment = /#[^'"]*$/.exec(text)?.[0] ?? '';
    for (const rule of new Set(comment.match(/\bDRP\d{3}\b/g) ?? [])) found.push(`${file.endsWith('.ipynb') ? cell + 1 : 0}:${line + 1} ${rule}`);
  }));
  return found.sort();
}

function reported(report: FileReport): string[] {
  return [...new Set(report.findings.map((f) => `${f.cell === undefined ? 0 : f.cell + 1}:${f.range.start.line + 1} ${f.rule}`))].sort();
}

const files = fs.readdirSync(REAL).filter((f) => /\.(py|ipynb)$/.test(f)).sort();
const shapes = [...new Set(files.map((f) => f.replace(/_(ok|bug)\.(py|ipynb)$/, '')))];

describe('real-code shapes (test/fixtures/lint/real)', () => {
  it('has at least 30 fixtures, every shape both written right (_ok) and with a mistake (_bug)', () => {
    assert.ok(files.length >= 30, `${files.length} fixtures`);
    for (const shape of shapes) {
      const variants = files.filter((f) => f.replace(/_(ok|bug)\.(py|ipynb)$/, '') === shape).map((f) => /_(ok|bug)\./.exec(f)?.[1]).sort();
      assert.deepStrictEqual(variants, ['bug', 'ok'], shape);
    }
  });

  for (const name of files) {
    const file = path.join(REAL, name);
    const bug = /_bug\./.test(name);
    it(`${name}: ${bug ? 'exactly the marked findings' : 'silent'}`, () => {
      const expected = marked(file);
      if (bug) assert.ok(expected.length > 0, 'a _bug fixture marks at least one finding');
      else assert.deepStrictEqual(expected, [], 'an _ok fixture marks nothing');
      const report = lintFile(file);
      assert.strictEqual(report.error, undefined, report.error);
      assert.deepStrictEqual(report.failures, []);
      const messages = report.findings.map((f) => `${f.range.start.line + 1} ${f.rule} ${f.message}`).join('\n');
      assert.deepStrictEqual(reported(report), expected, messages);
    });
  }
});
