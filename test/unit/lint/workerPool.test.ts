import * as assert from 'assert';
import * as path from 'path';
import { lintFile } from '../../../src/lint/lintFile';
import { LintWorkerPool } from '../../../src/lint/workerPool';
import './helpers';
import { tempDir, writeFiles } from './tempFiles';

// The compiled worker entry next to this test's compiled sources (dist/lintWorker.js when bundled).
const WORKER = path.resolve(__dirname, '../../../src/lint/worker.js');

describe('LintWorkerPool', function () {
  this.timeout(60_000);

  it('lints files in worker threads with the same results as in-process, in order', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'a.py': 'import torch.nn as nn\na = nn.Dropout(1.5)\n',
      'b.ipynb': JSON.stringify({ cells: [{ cell_type: 'code', source: 'import torch.nn as nn\nnn.Dropout(2)\n' }] }),
      'c.py': 'x = 1\n',
      'd.ipynb': 'not json',
    });
    const files = ['a.py', 'b.ipynb', 'c.py', 'd.ipynb', 'missing.py'].map((f) => path.join(dir, f));
    const pool = new LintWorkerPool({ workerScript: WORKER, size: 2 });
    const seen: string[] = [];
    try {
      const reports = await pool.lintFiles(files.map((file) => ({ file, options: {} })), (r) => seen.push(path.basename(r.file)));
      assert.deepStrictEqual(reports, files.map((file) => lintFile(file, {})));
      assert.deepStrictEqual(seen.sort(), ['a.py', 'b.ipynb', 'c.py', 'd.ipynb', 'missing.py']);
      assert.strictEqual(reports[1].findings[0].cell, 0);
      // Bytes the caller read itself (a virtual workspace) are linted without touching the disk.
      const [fromBytes] = await pool.lintFiles([{ file: 'memfs:/x.py', options: {}, contents: Buffer.from('import torch.nn as nn\nnn.Dropout(2)\n') }]);
      assert.deepStrictEqual(fromBytes.findings.map((f) => f.rule), ['DRP010']);
    } finally {
      await pool.dispose();
    }
  });

  it('gives its workers a deep stack, so deeply nested code lints without a crashed rule', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'deep.py': `import torch.nn as nn\nx = ${'('.repeat(20_000)}nn.Dropout(2)${')'.repeat(20_000)}\n` });
    const pool = new LintWorkerPool({ workerScript: WORKER, size: 1 });
    try {
      const [report] = await pool.lintFiles([{ file: path.join(dir, 'deep.py'), options: {} }]);
      assert.deepStrictEqual(report.failures, []);
      assert.deepStrictEqual(report.findings.map((f) => f.rule), ['DRP010']);
    } finally {
      await pool.dispose();
    }
  });

  it('reports a crashed worker on its file and carries on with a new worker', async () => {
    const dir = tempDir();
    // A worker that crashes on files named crash*, exits on exit*, and answers the rest.
    writeFiles(dir, {
      'crashy.js': `const { parentPort } = require('worker_threads');
parentPort.on('message', (task) => {
  if (task.file.includes('crash')) throw new Error('boom in ' + task.file);
  if (task.file.includes('exit')) process.exit(3);
  parentPort.postMessage({ id: task.id, report: { file: task.file, kind: 'python', findings: [], failures: [] } });
});`,
    });
    const pool = new LintWorkerPool({ workerScript: path.join(dir, 'crashy.js'), size: 1 });
    try {
      const reports = await pool.lintFiles(['ok1.py', 'crash.py', 'ok2.py', 'exit.py', 'ok3.py'].map((file) => ({ file, options: {} })));
      assert.deepStrictEqual(reports.map((r) => r.error ?? 'ok'), [
        'ok',
        'the lint worker crashed on this file: boom in crash.py',
        'ok',
        'the lint worker exited (code 3) on this file',
        'ok',
      ]);
    } finally {
      await pool.dispose();
    }
  });

  it('gives up on a file whose worker never answers, and replaces the worker', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'stuck.js': `const { parentPort } = require('worker_threads');
parentPort.on('message', (task) => {
  if (task.file.includes('stuck')) return;
  parentPort.postMessage({ id: task.id, report: { file: task.file, kind: 'python', findings: [], failures: [] } });
});`,
    });
    const pool = new LintWorkerPool({ workerScript: path.join(dir, 'stuck.js'), size: 1, taskTimeoutMs: 300 });
    try {
      const reports = await pool.lintFiles(['stuck.py', 'fine.py'].map((file) => ({ file, options: {} })));
      assert.deepStrictEqual(reports.map((r) => r.error ?? 'ok'), ['linting took longer than 300 ms; skipped', 'ok']);
    } finally {
      await pool.dispose();
    }
  });

  it('refuses work after dispose and settles what was queued', async () => {
    const pool = new LintWorkerPool({ workerScript: WORKER, size: 1 });
    const pending = pool.lintFiles([{ file: '/nonexistent/a.py', options: {} }, { file: '/nonexistent/b.py', options: {} }]);
    await pool.dispose();
    const reports = await pending;
    assert.strictEqual(reports.length, 2);
    assert.ok(reports.every((r) => r.error));
    await assert.rejects(pool.lintFiles([]), /disposed/);
  });
});
