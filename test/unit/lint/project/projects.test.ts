// The multi-file fixture projects (test/fixtures/projects/<name>/{buggy,fixed}): every file of a
// project is linted with the project index, as the CLI does. Each buggy file marks the line of
// every expected finding with `# expect: DRPnnn`; the fixed variant (the same project with the bug
// fixed) must have no warnings at all. A few are also linted without the index, to show that the
// finding needs knowledge from another module.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { lintFile } from '../../../../src/lint/lintFile';
import { readNotebookCells } from '../../../../src/lint/notebook';
import { ProjectIndex } from '../../../../src/lint/project';
import '../helpers';

function projectsDir(): string {
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'test', 'fixtures', 'projects');
    if (fs.existsSync(candidate)) return candidate;
  }
  return path.join(process.cwd(), 'test', 'fixtures', 'projects');
}

function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sourceFiles(full));
    else if (/\.(?:py|ipynb)$/.test(entry.name)) found.push(full);
  }
  return found.sort();
}

/** `relative:line rule` (cells: `relative:cell N:line rule`) of every `# expect:` marker. */
function expectedFindings(root: string): string[] {
  const expected: string[] = [];
  for (const file of sourceFiles(root)) {
    const relative = path.relative(root, file);
    const text = fs.readFileSync(file, 'utf8');
    const units = file.endsWith('.ipynb')
      ? readNotebookCells(text).cells.map((cell, i) => ({ prefix: `cell ${i + 1}:`, source: cell.text }))
      : [{ prefix: '', source: text }];
    for (const unit of units) {
      unit.source.split('\n').forEach((line: string, i: number) => {
        for (const match of line.matchAll(/# expect: (DRP\d{3})/g)) expected.push(`${relative}:${unit.prefix}${i + 1} ${match[1]}`);
      });
    }
  }
  return expected.sort();
}

function lintProject(root: string, withIndex = true): string[] {
  const index = new ProjectIndex();
  const found: string[] = [];
  for (const file of sourceFiles(root)) {
    const report = lintFile(file, withIndex ? { project: { index, file } } : {});
    assert.deepStrictEqual(report.failures, [], `${file}: ${JSON.stringify(report.failures)}`);
    assert.strictEqual(report.error, undefined);
    for (const finding of report.findings) {
      if (finding.severity !== 'warning' && finding.severity !== 'error') continue;
      const cell = finding.cell !== undefined ? `cell ${finding.cell + 1}:` : '';
      found.push(`${path.relative(root, file)}:${cell}${finding.range.start.line + 1} ${finding.rule}`);
    }
  }
  return found.sort();
}

describe('project fixtures: findings that need other modules of the project', function () {
  this.timeout(60_000);
  const base = projectsDir();
  const projects = fs.readdirSync(base).filter((name) => fs.statSync(path.join(base, name)).isDirectory()).sort();

  it('has at least 12 projects, each with a buggy and a fixed variant', () => {
    assert.ok(projects.length >= 12, `only ${projects.length} projects`);
    for (const name of projects) {
      assert.ok(fs.existsSync(path.join(base, name, 'buggy')) && fs.existsSync(path.join(base, name, 'fixed')), name);
    }
  });

  for (const name of projects) {
    it(`${name}: the buggy variant gives exactly the marked findings`, () => {
      const root = path.join(base, name, 'buggy');
      assert.deepStrictEqual(lintProject(root), expectedFindings(root));
    });
    it(`${name}: the fixed variant is clean`, () => {
      assert.deepStrictEqual(lintProject(path.join(base, name, 'fixed')), []);
    });
  }

  it('needs the index: without it, models from other modules stay unknown and nothing is found', () => {
    for (const name of ['sibling_module', 'package_reexport', 'src_layout', 'builder_function', 'notebook_package', 'relative_submodule', 'parameter_injection', 'mode_helpers']) {
      assert.deepStrictEqual(lintProject(path.join(base, name, 'buggy'), false), [], name);
    }
  });

  it('names the model and the module it comes from', () => {
    const root = path.join(base, 'sibling_module', 'buggy');
    const file = path.join(root, 'train.py');
    const report = lintFile(file, { project: { index: new ProjectIndex(), file } });
    const finding = report.findings.find((f) => f.rule === 'DRP002');
    assert.match(finding?.message ?? '', /'model' \(SpamFilter \(model\.py\), with nn\.Dropout\(p=0\.4\)\)/);
  });
});
