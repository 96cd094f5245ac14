// End-to-end tests of `dropout-lab lint` through the compiled CLI in a child process.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir, writeFiles } from '../lint/tempFiles';
import { assertNoStackTrace, runCli } from './cliRunner';
import { sarifSchemaErrors } from './sarifSchema';

const BUGGY = 'import torch.nn as nn\nlayer = nn.Dropout(1.5)\n';
const CLEAN = 'import torch.nn as nn\nlayer = nn.Dropout(0.5)\n';

function notebook(...cells: string[]): string {
  return JSON.stringify({ cells: cells.map((source) => ({ cell_type: 'code', metadata: {}, outputs: [], source })), metadata: {}, nbformat: 4, nbformat_minor: 5 });
}

describe('dropout-lab lint (CLI)', function () {
  this.timeout(120_000);

  it('exits 0 on clean code and 1 with findings, printing path:line:col: RULE message', () => {
    const dir = tempDir();
    writeFiles(dir, { 'clean.py': CLEAN, 'buggy.py': BUGGY });
    const clean = runCli(['lint', 'clean.py'], dir);
    assert.strictEqual(clean.code, 0, clean.stderr);
    assert.strictEqual(clean.stdout, 'No dropout problems found in 1 file.\n');
    const buggy = runCli(['lint', '.'], dir);
    assert.strictEqual(buggy.code, 1);
    assert.strictEqual(buggy.stdout, 'buggy.py:2:20: DRP010 Invalid dropout rate p=1.5 in nn.Dropout: it must be a probability in [0, 1).\nFound 1 problem in 2 files.\n');
  });

  it('exits 2 with a clear message for usage mistakes, never a stack trace', () => {
    const dir = tempDir();
    writeFiles(dir, { 'a.py': CLEAN });
    const cases: [string[], RegExp][] = [
      [['lint', 'missing.py'], /no such file or directory: missing\.py/],
      [['lint', 'a.py', '--format', 'xml'], /unknown format 'xml'/],
      [['lint', 'a.py', '--select', 'DRP999'], /--select: unknown rule "DRP999"/],
      [['lint', 'a.py', '--ignore'], /--ignore needs a value/],
      [['lint', 'a.py', '--max-file-size', 'lots'], /--max-file-size: must be a positive number of bytes/],
      [['lint', 'a.py', '--jobs', '0'], /--jobs must be a whole number/],
      [['lint', 'a.py', '--colour'], /unknown option '--colour'/],
    ];
    for (const [args, message] of cases) {
      const run = runCli(args, dir);
      assert.strictEqual(run.code, 2, args.join(' '));
      assert.match(run.stderr, message);
      assertNoStackTrace(run);
    }
  });

  it('walks directories, skipping VCS, caches and virtualenvs, and includes notebooks with their cell', () => {
    const dir = tempDir();
    writeFiles(dir, {
      'pkg/model.py': BUGGY,
      'pkg/notes.txt': BUGGY,
      'nb.ipynb': notebook('import torch.nn as nn\n', '%matplotlib inline\nd = nn.Dropout(2)\n'),
      '.git/hooks/x.py': BUGGY,
      'node_modules/m/x.py': BUGGY,
      '__pycache__/x.py': BUGGY,
      '.ipynb_checkpoints/nb-checkpoint.ipynb': notebook(BUGGY),
      'venv/lib/x.py': BUGGY,
      'myenv/pyvenv.cfg': 'home = /usr/bin\n',
      'myenv/lib/x.py': BUGGY,
    });
    fs.symlinkSync(path.join(dir, 'pkg'), path.join(dir, 'pkg-link'));
    fs.symlinkSync(path.join(dir, 'pkg', 'model.py'), path.join(dir, 'z-linked.py'));
    fs.symlinkSync(path.join(dir, 'nowhere.py'), path.join(dir, 'z-dangling.py'));
    const run = runCli(['lint', '.', '--format', 'json'], dir);
    assert.strictEqual(run.code, 1, run.stderr);
    const records = JSON.parse(run.stdout);
    // A symlinked file is linted; a symlinked folder is not followed; a dangling link is passed over.
    assert.deepStrictEqual(records.map((r: { file: string }) => r.file), ['nb.ipynb', path.join('pkg', 'model.py'), 'z-linked.py']);
    assert.deepStrictEqual(records[0], {
      file: 'nb.ipynb', line: 2, column: 16, endLine: 2, endColumn: 17, rule: 'DRP010', severity: 'error',
      message: 'Invalid dropout rate p=2 in nn.Dropout: it must be a probability in [0, 1), not a percentage.', cell: 2,
    });
    const text = runCli(['lint', 'nb.ipynb'], dir);
    assert.match(text.stdout, /^nb\.ipynb:cell 2:2:16: DRP010 /);
  });

  it('reports unreadable and broken files per file and goes on with the rest', () => {
    const dir = tempDir();
    writeFiles(dir, {
      'a_latin1.py': Buffer.from([0x78, 0x20, 0x3d, 0x20, 0x22, 0xe9, 0x22, 0x0a]),
      'b_declared.py': Buffer.concat([Buffer.from('# -*- coding: latin-1 -*-\nimport torch.nn as nn\ns = "'), Buffer.from([0xe9]), Buffer.from('"; d = nn.Dropout(3)\n')]),
      'c_broken.ipynb': '{"cells": 5}',
      'd_model.py': BUGGY,
    });
    const run = runCli(['lint', '.'], dir);
    assert.strictEqual(run.code, 1);
    assert.match(run.stderr, /a_latin1\.py: error: not valid UTF-8 \(first bad byte at offset 5\)/);
    assert.match(run.stderr, /c_broken\.ipynb: error: not a valid notebook: "cells" must be a list, not number/);
    // The declared encoding is honoured; column counts the decoded "é" as one character.
    assert.match(run.stdout, /b_declared\.py:3:25: DRP010/);
    assert.match(run.stdout, /d_model\.py:2:20: DRP010/);
    assert.match(run.stdout, /Found 2 problems in 4 files \(2 could not be read or parsed: details on stderr\)\.\n$/);
    assertNoStackTrace(run);
  });

  it('reads [tool.dropout-lab] from the nearest pyproject.toml; command-line flags win', () => {
    const dir = tempDir();
    writeFiles(dir, {
      'pyproject.toml': '[tool.dropout-lab]\nignore = ["DRP010"]\nexclude = ["generated"]\n',
      'src/m.py': BUGGY,
      'generated/g.py': BUGGY,
      'strict/pyproject.toml': '[tool.dropout-lab.severity]\ninvalid-dropout-rate = "hint"\n[tool.dropout-lab.per-file-ignores]\n"tests/**" = ["DRP010"]\n',
      'strict/m.py': BUGGY,
      'strict/tests/t.py': BUGGY,
    });
    const run = runCli(['lint', '.', '--format', 'json'], dir);
    // src/m.py: ignored by the root config; generated/: excluded; strict/: its own config (hint → exit 0).
    assert.strictEqual(run.code, 0, run.stderr);
    const records = JSON.parse(run.stdout) as { file: string; severity: string }[];
    assert.deepStrictEqual(records.map((r) => [r.file, r.severity]), [[path.join('strict', 'm.py'), 'hint']]);
    const selected = runCli(['lint', 'src', '--select', 'DRP010'], dir);
    assert.strictEqual(selected.code, 1);
    assert.match(selected.stdout, /src[/\\]m\.py:2:20: DRP010/);
    const ignored = runCli(['lint', 'strict', '--ignore', 'invalid-dropout-rate'], dir);
    assert.strictEqual(ignored.stdout, 'No dropout problems found in 2 files.\n');
  });

  it('uses --config instead of discovery', () => {
    const dir = tempDir();
    writeFiles(dir, { 'pyproject.toml': '[tool.dropout-lab]\nignore = ["DRP010"]\n', 'm.py': BUGGY, 'ci.toml': '[severity]\nDRP010 = "warning"\n' });
    const run = runCli(['lint', 'm.py', '--config', 'ci.toml', '--format', 'json'], dir);
    assert.strictEqual(run.code, 1);
    assert.strictEqual(JSON.parse(run.stdout)[0].severity, 'warning');
  });

  it('exits 2 on a bad configuration, naming the file and the key', () => {
    const dir = tempDir();
    writeFiles(dir, { 'pyproject.toml': '[tool.dropout-lab.severity]\nDRP007 = "loud"\n', 'm.py': CLEAN });
    const run = runCli(['lint', '.'], dir);
    assert.strictEqual(run.code, 2);
    assert.match(run.stderr, /configuration error: .*pyproject\.toml: tool\.dropout-lab\.severity\.DRP007: must be one of error, warning, information, hint, off, got "loud"/);
    assertNoStackTrace(run);
    writeFiles(dir, { 'pyproject.toml': '[tool.dropout-lab]\nselect = [\n' });
    const toml = runCli(['lint', '.'], dir);
    assert.strictEqual(toml.code, 2);
    assert.match(toml.stderr, /pyproject\.toml: not valid TOML at line \d+, column \d+/);
    const missing = runCli(['lint', '.', '--config', 'nope.toml'], dir);
    assert.strictEqual(missing.code, 2);
    assert.match(missing.stderr, /nope\.toml: cannot read the configuration file \(ENOENT\)/);
  });

  it('skips files over the size limit with a notice, not silently', () => {
    const dir = tempDir();
    writeFiles(dir, { 'big.py': `${BUGGY}${'x = 1\n'.repeat(100)}`, 'small.py': CLEAN });
    const run = runCli(['lint', '.', '--max-file-size', '300'], dir);
    assert.strictEqual(run.code, 0);
    assert.match(run.stderr, /big\.py: skipped: 646 bytes is over the 300 bytes size limit \(max-file-size\)/);
    assert.strictEqual(run.stdout, 'No dropout problems found in 2 files (1 skipped: details on stderr).\n');
  });

  it('writes valid SARIF 2.1.0', () => {
    const dir = tempDir();
    writeFiles(dir, { 'm.py': BUGGY, 'nb.ipynb': notebook(BUGGY), 'bad.ipynb': '[]' });
    const run = runCli(['lint', '.', '--format', 'sarif'], dir);
    assert.strictEqual(run.code, 1);
    const log = JSON.parse(run.stdout);
    assert.deepStrictEqual(sarifSchemaErrors(log), []);
    // What the schema cannot say: each result's ruleIndex points at the descriptor of its ruleId.
    for (const result of log.runs[0].results) assert.strictEqual(log.runs[0].tool.driver.rules[result.ruleIndex].id, result.ruleId);
    assert.deepStrictEqual(log.runs[0].results.map((r: { ruleId: string }) => r.ruleId), ['DRP010', 'DRP010']);
    assert.strictEqual(log.runs[0].invocations[0].toolExecutionNotifications.length, 1);
  });

  it('--fix leaves files without safe fixes byte-for-byte unchanged', () => {
    const dir = tempDir();
    writeFiles(dir, { 'm.py': `\ufeff${BUGGY.replace(/\n/g, '\r\n')}` });
    const before = fs.readFileSync(path.join(dir, 'm.py'));
    const run = runCli(['lint', 'm.py', '--fix'], dir);
    assert.strictEqual(run.code, 1);
    assert.match(run.stdout, /m\.py:2:20: DRP010/);
    assert.ok(fs.readFileSync(path.join(dir, 'm.py')).equals(before));
  });

  it('--fix applies safe fixes in place, re-lints, and leaves the rest', () => {
    const dir = tempDir();
    const head = [
      'import torch.nn as nn',
      'import torch.nn.functional as F',
      '',
      'class Head(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.fc = nn.Linear(128, 10)',
      '',
      '    def forward(self, x):',
      '        return self.fc(F.dropout(x, 0.5))',
      '',
    ].join('\n');
    writeFiles(dir, { 'head.py': head, 'rate.py': BUGGY });
    const before = runCli(['lint', '.', '--format', 'json'], dir);
    assert.deepStrictEqual(JSON.parse(before.stdout).map((r: { rule: string }) => r.rule), ['DRP004', 'DRP010']);
    const fixed = runCli(['lint', '.', '--fix'], dir);
    assert.strictEqual(fixed.code, 1, fixed.stderr);
    assert.match(fixed.stdout, /Fixed 1 problem in 1 file\./);
    // Only the unfixable DRP010 is left; rate.py is untouched.
    assert.match(fixed.stdout, /^rate\.py:2:20: DRP010 .*\nFixed 1 problem in 1 file\.\nFound 1 problem in 2 files\.\n$/);
    assert.strictEqual(fs.readFileSync(path.join(dir, 'rate.py'), 'utf8'), BUGGY);
    const after = fs.readFileSync(path.join(dir, 'head.py'), 'utf8');
    assert.notStrictEqual(after, head);
    assert.strictEqual(after.split('\n').length, head.split('\n').length);
    const relint = runCli(['lint', 'head.py'], dir);
    assert.strictEqual(relint.code, 0, relint.stdout);
  });

  it('prints its usage with --help', () => {
    const run = runCli(['lint', '--help'], tempDir());
    assert.strictEqual(run.code, 0);
    assert.match(run.stdout, /--format text\|json\|sarif/);
    assert.match(run.stdout, /Exit codes: 0 clean, 1 findings/);
  });
});
