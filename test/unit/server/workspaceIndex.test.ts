// Background indexing of the workspace folders and re-linting of dependents in the language server.
// In process: which files a folder walk summarises (what users expect skipped is skipped), that it
// gives the event loop turns while it works and waits while a lint is due. Over stdio: the model in
// a closed model.py is known in the open train.py, and editor edits, disk changes and a deletion of
// model.py republish train.py's (and a notebook's) diagnostics without touching them. Expected
// findings: the fixture's `# expect: DRP002` marker, and the CLI on the same files on disk.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { Diagnostic, LogMessageParams } from 'vscode-languageserver-protocol/node';
import { loadPython } from '../../../src/lint';
import { ProjectIndex } from '../../../src/lint/project';
import { SLICE_FILES, WorkspaceIndexer, type FolderIndexResult } from '../../../src/server/workspaceIndex';
import { runCli } from '../cli/cliRunner';
import { tempDir, writeFiles } from '../lint/tempFiles';
import { LspTestClient, REPO } from './lspClient';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function module(name: string): string {
  return `import torch.nn as nn\n\n\nclass ${name}(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 2)\n\n    def forward(self, x):\n        return self.fc(x)\n`;
}

describe('workspace folder indexing (in process)', function () {
  this.timeout(60_000);
  before(() => loadPython());

  it('summarises the project modules and skips VCS, node_modules, virtualenvs, installed packages, hidden and excluded folders and over-size files', async () => {
    const dir = tempDir();
    const expected = ['app/__init__.py', 'app/model.py', 'app/train.py', 'scripts/run.py', 'stubs/api.pyi', 'top.py'];
    const skipped = [
      '.git/hooks/hook.py', 'node_modules/pkg/gyp.py', '.venv/lib/python3/site-packages/torch_stub.py',
      'myenv/lib/python3/site-packages/other.py', 'vendor/site-packages/dep.py', '.hidden/tool.py',
      'app/__pycache__/model.py', 'generated/big_table.py', 'notes.txt',
    ];
    writeFiles(dir, Object.fromEntries([...expected, ...skipped].map((f) => [f, module('M')])));
    writeFiles(dir, { 'myenv/pyvenv.cfg': 'home = /usr/bin\n', 'huge.py': `# ${'x'.repeat(2 * 1024 * 1024 + 10)}\n` });
    const index = new ProjectIndex();
    const results: FolderIndexResult[] = [];
    const indexer = new WorkspaceIndexer({
      setup: async () => ({ index, excluded: (file) => path.relative(dir, file).split(path.sep)[0] === 'generated' }),
      lintPending: () => false,
      indexed: (result) => results.push(result),
    });
    indexer.add([dir]);
    await indexer.idle();
    const indexed = index.indexedFiles().map((f) => path.relative(dir, f).split(path.sep).join('/')).sort();
    assert.deepStrictEqual(indexed, expected);
    assert.strictEqual(results.length, 1);
    assert.strictEqual(results[0].files, expected.length);
    assert.strictEqual(results[0].added, expected.length);
    assert.strictEqual(results[0].tooLarge, 1, 'huge.py is over the size limit');
    assert.strictEqual(results[0].cancelled, false);
    assert.deepStrictEqual(results[0].failed, []);
  });

  it('gives the event loop turns while it works, and summarises nothing while a lint is due', async () => {
    const dir = tempDir();
    const count = SLICE_FILES * 4;
    writeFiles(dir, Object.fromEntries(Array.from({ length: count }, (_, i) => [`pkg/m${String(i).padStart(2, '0')}.py`, module(`M${i}`)])));
    const index = new ProjectIndex();
    let lintDue = true;
    let asked = 0;
    const indexer = new WorkspaceIndexer({
      setup: async () => ({ index, excluded: () => false }),
      lintPending: () => {
        asked++;
        return lintDue;
      },
      indexed: () => undefined,
    });
    indexer.add([dir]);
    // The walk reached the files and keeps asking whether the lint is done: nothing is summarised meanwhile.
    while (asked < 3) await turn();
    assert.strictEqual(index.indexedFiles().length, 0);
    lintDue = false;
    // Other work runs between slices: some turns see the walk part-way.
    const seen: number[] = [];
    let done = false;
    const watch = () => {
      seen.push(index.indexedFiles().length);
      if (!done) setImmediate(watch);
    };
    setImmediate(watch);
    try {
      await indexer.idle();
    } finally {
      done = true;
    }
    assert.strictEqual(index.indexedFiles().length, count);
    assert.ok(seen.some((n) => n > 0 && n < count), `a turn ran mid-walk: ${seen.join(',')}`);
    assert.ok(seen.every((n, i) => i === 0 || n - seen[i - 1] <= SLICE_FILES), `at most ${SLICE_FILES} files per slice: ${seen.join(',')}`);
  });

  it('stops a folder that left the workspace', async () => {
    const dir = tempDir();
    writeFiles(dir, Object.fromEntries(Array.from({ length: SLICE_FILES * 3 }, (_, i) => [`m${i}.py`, module(`M${i}`)])));
    const index = new ProjectIndex();
    const results: FolderIndexResult[] = [];
    let lintDue = true;
    let asked = 0;
    const indexer = new WorkspaceIndexer({
      setup: async () => ({ index, excluded: () => false }),
      lintPending: () => { asked++; return lintDue; },
      indexed: (result) => results.push(result),
    });
    indexer.add([dir]);
    while (asked < 2) await turn();
    indexer.remove(dir);
    lintDue = false;
    await indexer.idle();
    assert.strictEqual(results.length, 1);
    assert.strictEqual(results[0].cancelled, true);
    assert.strictEqual(index.indexedFiles().length, 0);
  });
});

interface CliRecord { line: number; column: number; endLine: number; endColumn: number; rule: string; message: string; cell?: number }

function cli(file: string, cwd: string): CliRecord[] {
  const run = runCli(['lint', '--format', 'json', file], cwd);
  assert.ok(run.code === 0 || run.code === 1, run.stderr);
  return JSON.parse(run.stdout) as CliRecord[];
}

function same(diagnostics: readonly Diagnostic[], records: readonly CliRecord[]): void {
  const lsp = diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.message].join('|')).sort();
  const fromCli = records.map((r) => [r.rule, r.line - 1, r.column - 1, r.endLine - 1, r.endColumn - 1, r.message].join('|')).sort();
  assert.deepStrictEqual(lsp, fromCli);
}

describe('language server: workspace index and dependents', function () {
  this.timeout(180_000);
  let client: LspTestClient | undefined;

  afterEach(() => {
    client?.kill();
    client = undefined;
  });

  const FIXTURE = path.join(REPO, 'test', 'fixtures', 'projects', 'sibling_module', 'buggy');
  const MODULE = fs.readFileSync(path.join(FIXTURE, 'model.py'), 'utf8');
  const SCRIPT = fs.readFileSync(path.join(FIXTURE, 'train.py'), 'utf8');
  // The same model without any dropout: evaluating it in train mode is harmless.
  const NO_DROPOUT = MODULE.replace(/\n\s*self\.drop = nn\.Dropout\([^)]*\)/, '').replace('self.fc2(self.drop(self.fc1(x).relu()))', 'self.fc2(self.fc1(x).relu())');
  // Dropout put back, applied right before the output layer.
  const DROPOUT_BEFORE_OUTPUT = NO_DROPOUT.replace('self.fc2 = nn.Linear(hidden, 2)', 'self.fc2 = nn.Linear(hidden, 2)\n        self.out_drop = nn.Dropout(0.2)')
    .replace('self.fc2(self.fc1(x).relu())', 'self.fc2(self.out_drop(self.fc1(x).relu()))');
  const MARKED = SCRIPT.split('\n').findIndex((l) => l.includes('# expect: DRP002'));
  const NOTEBOOK_CELLS = ['from model import SpamFilter\nimport torch\n', 'model = SpamFilter()\nwith torch.no_grad():\n    y = model(torch.zeros(2, 5000))\n'];

  it('knows a closed model.py in the open train.py and a notebook, and re-lints them when model.py is edited, changed on disk or deleted', async () => {
    assert.ok(MARKED >= 0 && !NO_DROPOUT.includes('Dropout') && DROPOUT_BEFORE_OUTPUT.includes('nn.Dropout(0.2)'));
    const dir = tempDir();
    writeFiles(dir, { 'model.py': MODULE, 'train.py': SCRIPT, 'lib/other.py': module('Other'), '.venv/lib/site-packages/dep.py': module('Dep') });
    const notebook = path.join(dir, 'explore.ipynb');
    writeFiles(dir, {
      'explore.ipynb': JSON.stringify({
        nbformat: 4, nbformat_minor: 5, metadata: { language_info: { name: 'python' } },
        cells: NOTEBOOK_CELLS.map((text) => ({ cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: text.split(/(?<=\n)/) })),
      }),
    });
    const moduleUri = pathToFileURL(path.join(dir, 'model.py')).toString();
    const scriptUri = pathToFileURL(path.join(dir, 'train.py')).toString();
    const cellUri = (i: number) => `vscode-notebook-cell:${notebook}#cell${i}`;
    const train = path.join(dir, 'train.py');
    client = new LspTestClient({ rootUri: pathToFileURL(dir).toString(), capabilities: { workspace: { workspaceFolders: true } } });
    await client.initialize();

    // The folder is indexed in the background: model.py, train.py and lib/other.py (not the virtualenv).
    const log = await client.waitFor((m) => m.method === 'window/logMessage' && (m.params as LogMessageParams).message.startsWith(`Indexed ${dir}:`));
    assert.match((log.params as LogMessageParams).message, /: 3 Python module\(s\)/);

    // Only train.py and the notebook are open: the model class of the closed model.py is known.
    await client.open(scriptUri, SCRIPT);
    await client.connection.sendNotification('notebookDocument/didOpen', {
      notebookDocument: { uri: pathToFileURL(notebook).toString(), notebookType: 'jupyter-notebook', version: 1, cells: NOTEBOOK_CELLS.map((_, i) => ({ kind: 2, document: cellUri(i) })) },
      cellTextDocuments: NOTEBOOK_CELLS.map((text, i) => ({ uri: cellUri(i), languageId: 'python', version: 1, text })),
    });
    const expectBoth = async (since: number, findings: number) => {
      // Waits for the publish that has the expected number of findings (earlier ones may be in flight).
      const scriptDiagnostics = await client!.waitFor((m) => m.method === 'textDocument/publishDiagnostics'
        && (m.params as { uri: string }).uri === scriptUri && (m.params as { diagnostics: unknown[] }).diagnostics.length === findings, since);
      const cellDiagnostics = await client!.waitFor((m) => m.method === 'textDocument/publishDiagnostics'
        && (m.params as { uri: string }).uri === cellUri(1) && (m.params as { diagnostics: unknown[] }).diagnostics.length === findings, since);
      const script = (scriptDiagnostics.params as { diagnostics: Diagnostic[] }).diagnostics;
      const cell = (cellDiagnostics.params as { diagnostics: Diagnostic[] }).diagnostics;
      same(script, cli(train, dir));
      same(cell, cli(notebook, dir).map(({ cell: _cell, ...r }) => r));
      if (findings) {
        assert.deepStrictEqual(script.map((d) => [d.code, d.range.start.line]), [['DRP002', MARKED]], 'the marked line');
        assert.deepStrictEqual(cell.map((d) => [d.code, d.range.start.line]), [['DRP002', 2]], 'model(...) under no_grad, no eval()');
      }
    };
    await expectBoth(0, 1);

    // model.py opened and edited, never saved: the dropout goes, then comes back before the output layer.
    let since = client.messages.length;
    await client.open(moduleUri, MODULE);
    await client.change(moduleUri, 2, [{ text: NO_DROPOUT }]);
    writeFiles(dir, { 'model.py': NO_DROPOUT }); // the CLI's view of the same text
    await expectBoth(since, 0);
    since = client.messages.length;
    await client.change(moduleUri, 3, [{ text: DROPOUT_BEFORE_OUTPUT }]);
    writeFiles(dir, { 'model.py': DROPOUT_BEFORE_OUTPUT });
    await expectBoth(since, 1);
    assert.match((await client.diagnostics(scriptUri, 1, since)).map((d) => d.message).join('\n'), /nn\.Dropout\(p=0\.2\)/, 'the message names the new dropout');
    assert.ok(!client.messages.slice(since).some((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string; version?: number }).uri === scriptUri && (m.params as { version?: number }).version !== 1), 'train.py itself never changed');

    // Closed, then changed on disk: the watcher event brings the dependents up to date.
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: moduleUri } });
    since = client.messages.length;
    writeFiles(dir, { 'model.py': NO_DROPOUT });
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: moduleUri, type: 2 }] });
    await expectBoth(since, 0);
    since = client.messages.length;
    writeFiles(dir, { 'model.py': MODULE });
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: moduleUri, type: 2 }] });
    await expectBoth(since, 1);

    // Deleted: the model is unknown again, and the cross-file findings go away.
    since = client.messages.length;
    fs.rmSync(path.join(dir, 'model.py'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: moduleUri, type: 3 }] });
    await expectBoth(since, 0);

    // Re-created (a rename back): known again.
    since = client.messages.length;
    writeFiles(dir, { 'model.py': MODULE });
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: moduleUri, type: 1 }] });
    await expectBoth(since, 1);
  });

  it('re-lints an open notebook when the only module it imports changes (no other file depends on it)', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'model.py': MODULE });
    const notebook = path.join(dir, 'explore.ipynb');
    const notebookJson = (cells: string[]) => JSON.stringify({
      nbformat: 4, nbformat_minor: 5, metadata: { language_info: { name: 'python' } },
      cells: cells.map((text) => ({ cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: text.split(/(?<=\n)/) })),
    });
    writeFiles(dir, { 'explore.ipynb': notebookJson(NOTEBOOK_CELLS) });
    const moduleUri = pathToFileURL(path.join(dir, 'model.py')).toString();
    const cellUri = (i: number) => `vscode-notebook-cell:${notebook}#cell${i}`;
    client = new LspTestClient({ rootUri: pathToFileURL(dir).toString() });
    await client.initialize();
    await client.connection.sendNotification('notebookDocument/didOpen', {
      notebookDocument: { uri: pathToFileURL(notebook).toString(), notebookType: 'jupyter-notebook', version: 1, cells: NOTEBOOK_CELLS.map((_, i) => ({ kind: 2, document: cellUri(i) })) },
      cellTextDocuments: NOTEBOOK_CELLS.map((text, i) => ({ uri: cellUri(i), languageId: 'python', version: 1, text })),
    });
    const published = (since: number, findings: number) => client!.waitFor((m) => m.method === 'textDocument/publishDiagnostics'
      && (m.params as { uri: string }).uri === cellUri(1) && (m.params as { diagnostics: unknown[] }).diagnostics.length === findings, since);
    const first = await published(0, 1);
    same((first.params as { diagnostics: Diagnostic[] }).diagnostics, cli(notebook, dir).map(({ cell: _cell, ...r }) => r));
    const since = client.messages.length;
    writeFiles(dir, { 'model.py': NO_DROPOUT });
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: moduleUri, type: 2 }] });
    const second = await published(since, 0);
    same((second.params as { diagnostics: Diagnostic[] }).diagnostics, cli(notebook, dir));
  });

  it('indexes a workspace folder added later, and says when it is done', async () => {
    const first = tempDir();
    const second = tempDir();
    writeFiles(first, { 'a.py': module('A') });
    writeFiles(second, { 'b.py': module('B'), 'pkg/__init__.py': '', 'pkg/c.py': module('C'), 'node_modules/x/y.py': module('Y') });
    client = new LspTestClient({ rootUri: pathToFileURL(first).toString(), capabilities: { workspace: { workspaceFolders: true } } });
    await client.initialize();
    const indexed = (dir: string) => client!.waitFor((m) => m.method === 'window/logMessage' && (m.params as LogMessageParams).message.startsWith(`Indexed ${dir}:`));
    assert.match(((await indexed(first)).params as LogMessageParams).message, /: 1 Python module\(s\)/);
    await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [{ uri: pathToFileURL(second).toString(), name: 'second' }], removed: [] } });
    assert.match(((await indexed(second)).params as LogMessageParams).message, /: 3 Python module\(s\)/);
  });
});
