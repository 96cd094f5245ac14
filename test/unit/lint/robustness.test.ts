// Issue 8: the linter never throws, whatever the bytes. Fixed seeds and bounded sizes keep this
// fast and repeatable; `node scripts/fuzz.js` runs the same generators for much longer.
// Assertions are about behaviour (no exception, no crashed rule, a clear skip), never timing.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { createPythonParser, lintSource, lintText, type LintResult } from '../../../src/lint';
import { errorCount, fixSource } from '../../../src/lint/fixes';
import { IncrementalLinter } from '../../../src/lint/incremental';
import { lintFileContents } from '../../../src/lint/lintFile';
import { LintWorkerPool } from '../../../src/lint/workerPool';
import type { Rule } from '../../../src/lint/linter';
import { ALL_RULES } from '../../../src/lint/rules';
import { assertNoStackTrace, runCli } from '../cli/cliRunner';
import { at } from './helpers';
import { brokenNotebooks, createRandom, mutateSource, pathologicalSources, randomBytes, SEED_SOURCES } from './hostileInputs';
import { tempDir, writeFiles } from './tempFiles';

// No parse deadline: whether a 2 MB parse beats the default 5 s deadline depends on machine load,
// and these tests are about what the linter reports, never about timing.
const BIG = { maxFileBytes: 8 * 1024 * 1024, parseTimeoutMs: Infinity };
const WORKER = path.resolve(__dirname, '../../../src/lint/worker.js');

function assertLinted(result: LintResult, label: string): void {
  assert.ok(Array.isArray(result.findings), label);
  assert.deepStrictEqual(result.failures, [], `a rule crashed on ${label}`);
}

function errorsOf(source: string): number {
  const parser = createPythonParser();
  const tree = parser.parse(source)!;
  try {
    return errorCount(tree);
  } finally {
    tree.delete();
    parser.delete();
  }
}

describe('robustness: hostile input never takes the linter down', function () {
  this.timeout(300_000);

  it('isolates a crashing rule: recorded as a failure, the other rules still report', () => {
    // A stand-in for a rule with a bug, registered for this test only.
    const broken: Rule = { id: 'DRP017', check() { throw new Error('rule bug'); } };
    const rules = ALL_RULES as Rule[];
    rules.push(broken);
    try {
      const result = lintText('import torch.nn as nn\nnn.Dropout(2)\n');
      assert.deepStrictEqual(result.failures, [{ rule: 'DRP017', message: 'rule bug' }]);
      assert.deepStrictEqual(at(result.findings, 'DRP010'), ['2:12']);
      // The developer entry point lets the exception through, so rule tests see it.
      assert.throws(() => lintSource('x = 1\n'), /rule bug/);
    } finally {
      rules.splice(rules.indexOf(broken), 1);
    }
  });

  it('lints mutated model code without a crash, incrementally too', () => {
    const random = createRandom(0xd40f);
    const incremental = new IncrementalLinter({ capacity: 2 });
    try {
      for (let i = 0; i < 150; i++) {
        const source = mutateSource(random);
        assertLinted(lintText(source), `mutant ${i}`);
        assertLinted(incremental.update('doc', source), `incremental mutant ${i}`);
      }
    } finally {
      incremental.dispose();
    }
  });

  it('--fix on mutated code never leaves more syntax errors than it found', () => {
    const random = createRandom(77);
    for (let i = 0; i < 40; i++) {
      const source = mutateSource(random);
      const result = fixSource(source);
      assert.deepStrictEqual(result.failures, [], `mutant ${i}`);
      assert.ok(errorsOf(result.output) <= errorsOf(source), `fix made mutant ${i} worse`);
    }
    for (const source of SEED_SOURCES) assert.ok(errorsOf(fixSource(source).output) === 0);
  });

  it('handles random bytes, NUL and invalid UTF-8 as files and as text', () => {
    const random = createRandom(4242);
    for (let i = 0; i < 60; i++) {
      const bytes = randomBytes(random, Math.floor(random() * 4096));
      for (const name of ['random.py', 'random.ipynb']) {
        const report = lintFileContents(name, bytes);
        assert.deepStrictEqual(report.failures, [], name);
      }
      // Force the parser through arbitrary characters too.
      assertLinted(lintText(Buffer.from(bytes).toString('latin1')), `bytes ${i} as latin-1`);
    }
    const nul = 'import torch.nn as nn\0\nx = nn.Dropout(1.5)\0\n\0\0';
    assertLinted(lintText(nul), 'NUL');
    assertLinted(lintText('\ud800\udfff\udc00 = nn.Dropout(2)\n'), 'lone surrogates');
    const invalid = lintFileContents('bad.py', Buffer.from([0x61, 0x20, 0x3d, 0x20, 0xff, 0xfe, 0x0a]));
    assert.match(invalid.error ?? '', /not valid UTF-8 \(first bad byte at offset 4\)/);
  });

  it('survives 20,000-deep nesting of every kind (in a lint worker, as the CLI runs it)', async () => {
    // A worker bounds each file's time, so a rule that is slow on deep nesting fails this test
    // instead of hanging the suite (a synchronous lint cannot be interrupted in this thread).
    const dir = tempDir();
    const cases = pathologicalSources(20_000);
    writeFiles(dir, Object.fromEntries(cases.map(([name, source]) => [`${name.replace(/\s+/g, '-')}.py`, source])));
    const pool = new LintWorkerPool({ workerScript: WORKER, size: 2, taskTimeoutMs: 120_000 });
    try {
      const reports = await pool.lintFiles(cases.map(([name]) => ({ file: path.join(dir, `${name.replace(/\s+/g, '-')}.py`), options: BIG })));
      const problems = reports.flatMap((r) => [
        ...(r.error ? [`${path.basename(r.file)}: ${r.error}`] : []),
        ...r.failures.map((f) => `${path.basename(r.file)}: ${f.rule} ${f.message}`),
      ]);
      assert.deepStrictEqual(problems, []);
    } finally {
      await pool.dispose();
    }
    // The rules still see through moderate nesting.
    const nested = pathologicalSources(50).find(([name]) => name === 'calls')![1];
    assert.deepStrictEqual(at(lintText(nested, { parseTimeoutMs: Infinity }).findings, 'DRP010'), ['2:116']);
  });

  it('skips a 2 MB single line with a notice at the default limit, and lints it when allowed', () => {
    const line = `import torch.nn as nn; x = [${'nn.Dropout(0.5), '.repeat(125_000)}nn.Dropout(3)]\n`;
    assert.ok(line.length > 2_000_000);
    const skipped = lintText(line);
    assert.match(skipped.skipped ?? '', /^skipped: 2 MB is over the 1 MB size limit \(max-file-size\)$/);
    assert.deepStrictEqual(skipped.findings, []);
    const linted = lintText(line, BIG);
    assertLinted(linted, '2 MB line');
    assert.deepStrictEqual(at(linted.findings, 'DRP010').map((p) => p.split(':')[0]), ['1']);
  });

  it('lints a 100,000-line file to its last line', () => {
    const source = `import torch.nn as nn\n${'x = 1\n'.repeat(99_998)}nn.Dropout(2)\n`;
    const result = lintText(source, { parseTimeoutMs: Infinity });
    assertLinted(result, '100k lines');
    assert.deepStrictEqual(at(result.findings, 'DRP010'), ['100000:12']);
  });

  it('gives every broken notebook an error or a lint, never an exception', () => {
    const random = createRandom(9);
    for (const json of brokenNotebooks(random)) {
      const report = lintFileContents('nb.ipynb', Buffer.from(json));
      assert.deepStrictEqual(report.failures, [], json.slice(0, 80));
      assert.ok(report.error === undefined || report.error.length > 10);
    }
  });

  it('CLI: hundreds of hostile files next to one buggy model: exit 1, no stack trace, the real finding reported', () => {
    const dir = tempDir('dropout-lab-hostile-');
    const random = createRandom(2026);
    const files: Record<string, string | Uint8Array> = {};
    for (let i = 0; i < 150; i++) files[`mutants/m${i}.py`] = mutateSource(random);
    for (let i = 0; i < 60; i++) files[`bytes/b${i}.py`] = randomBytes(random, 1 + Math.floor(random() * 2048));
    for (let i = 0; i < 20; i++) files[`bytes/n${i}.ipynb`] = randomBytes(random, 1 + Math.floor(random() * 512));
    brokenNotebooks(random).forEach((json, i) => { files[`notebooks/broken${i}.ipynb`] = json; });
    pathologicalSources(20_000).forEach(([, source], i) => { files[`deep/d${i}.py`] = source; });
    files['huge/line.py'] = `x = "${'a'.repeat(2_100_000)}"\n`;
    files['huge/lines.py'] = 'x = 1\n'.repeat(100_000);
    files['empty.py'] = '';
    files['nul.py'] = '\0'.repeat(1000);
    files['zzz_model.py'] = 'import torch.nn as nn\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.drop = nn.Dropout(p=1.2)\n';
    writeFiles(dir, files);
    fs.mkdirSync(path.join(dir, 'dir.py'));
    fs.symlinkSync(dir, path.join(dir, 'loop'));
    fs.symlinkSync(path.join(dir, 'missing-target.py'), path.join(dir, 'dangling.py'));
    assert.ok(Object.keys(files).length >= 250);

    const run = runCli(['lint', '.'], dir);
    assert.ok(run.code === 0 || run.code === 1, `exit ${run.code}: ${run.stderr.slice(0, 500)}`);
    assert.strictEqual(run.code, 1);
    assertNoStackTrace(run);
    assert.match(run.stdout, /^zzz_model\.py:6:34: DRP010 Invalid dropout rate p=1\.2 in nn\.Dropout/m);
    assert.match(run.stderr, /huge[/\\]line\.py: skipped: 2 MB is over the 1 MB size limit/);
    assert.match(run.stderr, /bytes[/\\]n0\.ipynb: error: not a valid notebook: not UTF-8 text/);
  });
});
