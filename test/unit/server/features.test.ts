// Language server features beyond open/edit: fix-all, `# noqa`, pulled diagnostics, notebooks,
// settings from workspace/configuration and pyproject.toml, the size limit, hovers, code lens
// data and the documentation command. Expected values come from the CLI (another process and
// path through the core) or from the fixture text itself.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { CodeAction, CodeLens, Diagnostic, DocumentDiagnosticReport, Hover, MarkupContent, ShowMessageParams } from 'vscode-languageserver-protocol/node';
import { runCli } from '../cli/cliRunner';
import { tempDir, writeFiles } from '../lint/tempFiles';
import { applyWorkspaceEdit, LspTestClient, REPO } from './lspClient';
import { MODEL } from './server.test';

const SEVERITY: Record<string, number> = { error: 1, warning: 2, information: 3, hint: 4 };

interface CliRecord { line: number; column: number; endLine: number; endColumn: number; rule: string; severity: string; message: string; cell?: number }

function cliRecords(file: string, cwd: string, extra: string[] = []): CliRecord[] {
  const run = runCli(['lint', '--format', 'json', ...extra, file], cwd);
  assert.ok(run.code === 0 || run.code === 1, run.stderr);
  return JSON.parse(run.stdout) as CliRecord[];
}

function tuple(rule: unknown, range: Diagnostic['range'], severity: unknown, message: string): string {
  return JSON.stringify([rule, range.start.line, range.start.character, range.end.line, range.end.character, severity, message]);
}

function fromCli(records: readonly CliRecord[]): string[] {
  return records.map((r) => tuple(r.rule, { start: { line: r.line - 1, character: r.column - 1 }, end: { line: r.endLine - 1, character: r.endColumn - 1 } }, SEVERITY[r.severity], r.message)).sort();
}

function fromLsp(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => tuple(d.code, d.range, d.severity, d.message)).sort();
}

function rules(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => String(d.code)).sort();
}

function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(index >= 0, `fixture has ${needle}`);
  return index;
}

describe('language server features', function () {
  this.timeout(120_000);
  let client: LspTestClient | undefined;

  afterEach(() => {
    client?.kill();
    client = undefined;
  });

  it('fix-all (source.fixAll) produces what `lint --fix` writes, and leaves what the CLI still reports', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'cli_copy.py': MODEL, 'model.py': MODEL });
    const uri = pathToFileURL(path.join(dir, 'model.py')).toString();
    client = new LspTestClient({ rootUri: pathToFileURL(dir).toString() });
    await client.initialize();
    await client.open(uri, MODEL);
    await client.diagnostics(uri, 1);
    const actions = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll'] },
    }) as CodeAction[];
    assert.deepStrictEqual(actions.map((a) => [a.kind, a.title]), [['source.fixAll.dropoutLab', 'Dropout Lab: fix all safely fixable problems']]);
    const fixed = applyWorkspaceEdit(uri, MODEL, actions[0].edit);
    const fix = runCli(['lint', '--fix', path.join(dir, 'cli_copy.py')], dir);
    assert.strictEqual(fix.code, 1, fix.stderr); // problems without a safe fix remain
    assert.strictEqual(fixed, fs.readFileSync(path.join(dir, 'cli_copy.py'), 'utf8'));
    assert.notStrictEqual(fixed, MODEL);
    await client.change(uri, 2, [{ text: fixed }]);
    assert.deepStrictEqual(fromLsp(await client.diagnostics(uri, 2)), fromCli(cliRecords(path.join(dir, 'cli_copy.py'), dir)));
  });

  it('"Disable DRPnnn for this line" writes # noqa, extends an existing list, and silences the finding', async () => {
    const uri = 'file:///virtual/noqa_model.py';
    const withComment = MODEL.replace('nn.Dropout(1.5)', 'nn.Dropout(1.5)  # noqa: DRP015');
    client = new LspTestClient();
    await client.initialize();
    await client.open(uri, withComment);
    const invalid = (await client.diagnostics(uri, 1)).find((d) => d.code === 'DRP010')!;
    const actions = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: invalid.range, context: { diagnostics: [invalid], only: ['quickfix'] },
    }) as CodeAction[];
    const disable = actions.find((a) => a.title === 'Disable DRP010 for this line');
    assert.ok(disable, actions.map((a) => a.title).join(', '));
    const edited = applyWorkspaceEdit(uri, withComment, disable.edit);
    const line = edited.split('\n')[lineOf(edited, 'nn.Dropout(1.5)')];
    assert.strictEqual(line, '        self.drop = nn.Dropout(1.5)  # noqa: DRP015, DRP010');
    await client.change(uri, 2, [{ text: edited }]);
    assert.deepStrictEqual(rules(await client.diagnostics(uri, 2)), ['DRP004', 'DRP006']);

    // Without a comment on the line, one is appended.
    const functional = (await client.diagnostics(uri, 2)).find((d) => d.code === 'DRP004')!;
    const more = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: functional.range, context: { diagnostics: [functional] },
    }) as CodeAction[];
    const appended = applyWorkspaceEdit(uri, edited, more.find((a) => a.title === 'Disable DRP004 for this line')?.edit);
    assert.strictEqual(appended.split('\n')[lineOf(appended, 'F.dropout')], '        h = F.dropout(h, 0.2)  # noqa: DRP004');
  });

  it('serves pulled diagnostics equal to the published ones, and pull-only when the client asks for pull', async () => {
    const uri = 'file:///virtual/pull_model.py';
    client = new LspTestClient();
    await client.initialize();
    await client.open(uri, MODEL);
    const published = await client.diagnostics(uri, 1);
    const report = await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } }) as DocumentDiagnosticReport;
    assert.strictEqual(report.kind, 'full');
    assert.deepStrictEqual(report.items, published);
    assert.strictEqual(await client.shutdown(), 0);

    client = new LspTestClient({ capabilities: { textDocument: { diagnostic: { dynamicRegistration: false } } } });
    const result = await client.initialize();
    assert.deepStrictEqual(result.capabilities.diagnosticProvider, { identifier: 'dropout-lab', interFileDependencies: false, workspaceDiagnostics: false });
    await client.open(uri, MODEL);
    const pulled = await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } }) as DocumentDiagnosticReport;
    assert.deepStrictEqual(pulled.kind === 'full' ? pulled.items : [], published);
    assert.ok(!client.messages.some((m) => m.method === 'textDocument/publishDiagnostics'), 'a pull client gets no pushed duplicates');
  });

  it('lints a notebook as one program and publishes each finding on its cell, as the CLI numbers them', async () => {
    const cells = [
      { kind: 2, language: 'python', text: 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n%matplotlib inline\n' },
      { kind: 1, language: 'markdown', text: '# The model\nDropout before the head.' },
      { kind: 2, language: 'python', text: 'class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(8, 4)\n        self.drop = nn.Dropout(1.2)\n\n    def forward(self, x):\n        return self.fc(F.dropout(x, 0.3))\n' },
      { kind: 2, language: 'python', text: '!pip install torch\nmodel = Net()\nmodel.eval()\nwith torch.no_grad():\n    y = model(torch.zeros(2, 8))\n' },
    ];
    const dir = tempDir();
    const ipynb = {
      nbformat: 4, nbformat_minor: 5, metadata: { language_info: { name: 'python' } },
      cells: cells.map((c) => (c.kind === 2
        ? { cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: c.text.split(/(?<=\n)/) }
        : { cell_type: 'markdown', metadata: {}, source: c.text.split(/(?<=\n)/) })),
    };
    writeFiles(dir, { 'notebook.ipynb': JSON.stringify(ipynb, null, 1) });
    const records = cliRecords(path.join(dir, 'notebook.ipynb'), dir);
    assert.deepStrictEqual([...new Set(records.map((r) => r.cell))], [3], 'both findings are in the model cell (cell 3, 1-based, markdown counted)');
    assert.deepStrictEqual(records.map((r) => r.rule).sort(), ['DRP004', 'DRP010']);

    const notebookUri = pathToFileURL(path.join(dir, 'notebook.ipynb')).toString();
    const cellUri = (i: number) => `vscode-notebook-cell:${path.join(dir, 'notebook.ipynb')}#cell${i}`;
    client = new LspTestClient({ rootUri: pathToFileURL(dir).toString() });
    await client.initialize();
    await client.connection.sendNotification('notebookDocument/didOpen', {
      notebookDocument: { uri: notebookUri, notebookType: 'jupyter-notebook', version: 1, cells: cells.map((c, i) => ({ kind: c.kind, document: cellUri(i) })) },
      cellTextDocuments: cells.map((c, i) => ({ uri: cellUri(i), languageId: c.language, version: 1, text: c.text })),
    });
    const perCell = await Promise.all([0, 2, 3].map((i) => client!.diagnostics(cellUri(i), 1)));
    assert.deepStrictEqual(fromLsp(perCell[1]), fromCli(records));
    assert.deepStrictEqual(perCell[0], []);
    assert.deepStrictEqual(perCell[2], []);
    assert.ok(!client.messages.some((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === cellUri(1)), 'markdown cells get nothing');

    // Cells see each other: without the import in cell 0, F.dropout in cell 2 is no longer torch's.
    const since = client.messages.length;
    await client.connection.sendNotification('notebookDocument/didChange', {
      notebookDocument: { uri: notebookUri, version: 2 },
      change: { cells: { textContent: [{ document: { uri: cellUri(0), version: 2 }, changes: [{ range: { start: { line: 2, character: 0 }, end: { line: 3, character: 0 } }, text: '' }] }] } },
    });
    assert.deepStrictEqual(rules(await client.diagnostics(cellUri(2), 1, since)), ['DRP010']);
  });

  it('applies settings from workspace/configuration and re-reads them on didChangeConfiguration', async () => {
    let settings: unknown = { severity: { DRP010: 'warning' }, maxFileSize: null, select: [] };
    const uri = 'file:///virtual/settings_model.py';
    client = new LspTestClient({ capabilities: { workspace: { configuration: true } }, configuration: () => settings });
    await client.initialize();
    await client.open(uri, MODEL);
    const first = await client.diagnostics(uri, 1);
    assert.deepStrictEqual(rules(first), ['DRP004', 'DRP006', 'DRP010'], 'null and [] count as not set');
    assert.strictEqual(first.find((d) => d.code === 'DRP010')?.severity, 2);
    const request = client.configurationRequests[0] as { items: { scopeUri: string; section: string }[] };
    assert.deepStrictEqual(request.items, [{ scopeUri: uri, section: 'dropoutLab' }]);

    settings = { ignore: ['functional-dropout-ignores-mode'], severity: { DRP006: 'off' }, codeActions: { disableLine: false } };
    const since = client.messages.length;
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const second = await client.diagnostics(uri, 1, since);
    assert.deepStrictEqual(rules(second), ['DRP010']);
    assert.strictEqual(second[0].severity, 1, 'back to the rule default');
    const actions = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: second[0].range, context: { diagnostics: second },
    }) as CodeAction[];
    assert.ok(!actions.some((a) => a.title.startsWith('Disable')), 'codeActions.disableLine: false');

    settings = { enable: false };
    const third = client.messages.length;
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.deepStrictEqual(await client.diagnostics(uri, 1, third), []);
  });

  it('reads [tool.dropout-lab] from pyproject.toml like the CLI, with settings on top, and reports a broken one on the file', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'pyproject.toml': '[tool.dropout-lab]\nignore = ["DRP006"]\n[tool.dropout-lab.severity]\nDRP004 = "error"\n', 'pkg/model.py': MODEL });
    const file = path.join(dir, 'pkg', 'model.py');
    const uri = pathToFileURL(file).toString();
    let settings: unknown = {};
    client = new LspTestClient({ rootUri: pathToFileURL(dir).toString(), capabilities: { workspace: { configuration: true } }, configuration: () => settings });
    await client.initialize();
    await client.open(uri, MODEL);
    const diagnostics = await client.diagnostics(uri, 1);
    assert.deepStrictEqual(rules(diagnostics), ['DRP004', 'DRP010']);
    assert.deepStrictEqual(fromLsp(diagnostics), fromCli(cliRecords(file, dir)));

    // Editor settings win over pyproject.toml: a select of their own brings DRP006 back.
    settings = { select: ['DRP006'] };
    let since = client.messages.length;
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.deepStrictEqual(rules(await client.diagnostics(uri, 1, since)), ['DRP006']);

    settings = {};
    since = client.messages.length;
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.deepStrictEqual(rules(await client.diagnostics(uri, 1, since)), ['DRP004', 'DRP010']);

    fs.writeFileSync(path.join(dir, 'pyproject.toml'), '[tool.dropout-lab]\nignore = ["DRP999"]\n');
    since = client.messages.length;
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(path.join(dir, 'pyproject.toml')).toString(), type: 2 }] });
    const problem = await client.diagnostics(pathToFileURL(path.join(dir, 'pyproject.toml')).toString(), undefined, since);
    assert.strictEqual(problem.length, 1);
    assert.strictEqual(problem[0].severity, 1);
    assert.strictEqual(problem[0].range.start.line, 1);
    assert.match(problem[0].message, /DRP999/);
    assert.deepStrictEqual(rules(await client.diagnostics(uri, 1, since)), ['DRP004', 'DRP006', 'DRP010'], 'linted with the defaults meanwhile');
  });

  it('skips a document over maxFileSize with one notice and no diagnostics, and keeps serving', async () => {
    const uri = 'file:///virtual/huge_model.py';
    client = new LspTestClient({ initializationOptions: { settings: { maxFileSize: 200 } } });
    await client.initialize();
    await client.open(uri, MODEL);
    assert.deepStrictEqual(await client.diagnostics(uri, 1), []);
    const notice = await client.waitFor((m) => m.method === 'window/showMessage');
    assert.match((notice.params as ShowMessageParams).message, /skipped huge_model\.py: .* over the 200 bytes size limit/);
    await client.change(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# more\n' }]);
    assert.deepStrictEqual(await client.diagnostics(uri, 2), []);
    assert.strictEqual(client.messages.filter((m) => m.method === 'window/showMessage').length, 1, 'said once per document');
    // A small document is still linted.
    await client.open('file:///virtual/small.py', 'import torch.nn as nn\nd = nn.Dropout(2)\n');
    assert.deepStrictEqual(rules(await client.diagnostics('file:///virtual/small.py', 1)), ['DRP010']);
  });

  it('hovers on a dropout layer and on its application, with the finding on it', async () => {
    const uri = 'file:///virtual/hover_model.py';
    client = new LspTestClient();
    await client.initialize();
    await client.open(uri, MODEL);
    await client.diagnostics(uri, 1);
    const defined = lineOf(MODEL, 'nn.Dropout(1.5)');
    const onLayer = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: defined, character: MODEL.split('\n')[defined].indexOf('Dropout') } }) as Hover;
    const text = (onLayer.contents as MarkupContent).value;
    assert.match(text, /\*\*nn\.Dropout\*\*/);
    assert.match(text, /1\.5 — not a valid drop probability/);
    assert.match(text, /DRP010/);
    const applied = lineOf(MODEL, 'self.drop(torch.relu');
    const onApplication = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: applied, character: MODEL.split('\n')[applied].indexOf('drop(') } }) as Hover;
    assert.match((onApplication.contents as MarkupContent).value, new RegExp(`Applies the dropout module defined at line ${defined + 1}\\.`));
    const nothing = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
    assert.strictEqual(nothing, null);
  });

  it('gives VS Code-like clients code lenses carrying the network panel model, and others a documentation command', async () => {
    const source = 'import torch.nn as nn\n\n\nclass Head(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc1 = nn.Linear(20, 64)\n        self.drop = nn.Dropout(0.25)\n        self.fc2 = nn.Linear(64, 3)\n\n    def forward(self, x):\n        return self.fc2(self.drop(self.fc1(x)))\n';
    const uri = 'file:///virtual/lens/head.py';
    client = new LspTestClient({ initializationOptions: { clientCommands: true } });
    const result = await client.initialize();
    assert.strictEqual(result.capabilities.executeCommandProvider, undefined, 'VS Code runs the commands itself');
    await client.open(uri, source);
    const lenses = await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } }) as CodeLens[];
    assert.strictEqual(lenses.length, 1);
    assert.strictEqual(lenses[0].range.start.line, 3);
    assert.strictEqual(lenses[0].command?.command, 'dropoutLab.visualizeModel');
    const spec = lenses[0].command?.arguments?.[0] as { name: string; layers: { label: string; units: number; dropoutRate?: number }[] };
    assert.match(spec.name, /^Head \(head\.py\)/);
    assert.deepStrictEqual(spec.layers.map((l) => [l.units, l.dropoutRate]), [[20, undefined], [64, 0.25], [3, undefined]]);
    assert.match(spec.layers[1].label, /fc1/);
    assert.strictEqual(await client.shutdown(), 0);

    client = new LspTestClient({ capabilities: { window: { showDocument: { support: true } } } });
    const generic = await client.initialize();
    assert.deepStrictEqual(generic.capabilities.executeCommandProvider, { commands: ['dropoutLab.showRuleDocumentation'] });
    const link = await client.connection.sendRequest('workspace/executeCommand', { command: 'dropoutLab.showRuleDocumentation', arguments: ['invalid-dropout-rate'] });
    const shown = await client.waitFor((m) => m.method === 'window/showDocument');
    assert.strictEqual((shown.params as { uri: string }).uri, link);
    assert.match(String(link), /docs\/rules\/DRP010\.md$/);
    await assert.rejects(client.connection.sendRequest('workspace/executeCommand', { command: 'dropoutLab.showRuleDocumentation', arguments: ['DRP999'] }), (e: { code: number }) => e.code === -32602);
  });

  it('publishes the last version after a burst of edits, never an older version after a newer one', async () => {
    const dir = tempDir();
    const uri = pathToFileURL(path.join(dir, 'burst_model.py')).toString();
    client = new LspTestClient({ rootUri: pathToFileURL(dir).toString() });
    await client.initialize();
    await client.open(uri, MODEL);
    let text = MODEL;
    const line = lineOf(MODEL, 'F.dropout(h, 0.2)');
    const column = MODEL.split('\n')[line].indexOf('0.2') + 3;
    for (let version = 2; version <= 21; version++) {
      // Type "0" after the rate twenty times without waiting: 0.2 → 0.200…0
      void client.change(uri, version, [{ range: { start: { line, character: column }, end: { line, character: column } }, text: '0' }]);
      text = text.replace(/F\.dropout\(h, 0\.2(0*)\)/, 'F.dropout(h, 0.2$10)');
    }
    const last = await client.diagnostics(uri, 21);
    writeFiles(dir, { 'burst_model.py': text });
    assert.deepStrictEqual(fromLsp(last), fromCli(cliRecords(path.join(dir, 'burst_model.py'), dir)));
    const versions = client.messages.filter((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === uri).map((m) => (m.params as { version: number }).version);
    assert.deepStrictEqual(versions, [...versions].sort((a, b) => a - b), `published in order: ${versions.join(', ')}`);
  });
});

describe('language server project knowledge', function () {
  this.timeout(120_000);
  let client: LspTestClient | undefined;

  afterEach(() => {
    client?.kill();
    client = undefined;
  });

  // The project fixture: train.py evaluates a model class defined in model.py without eval().
  const FIXTURE = path.join(REPO, 'test', 'fixtures', 'projects', 'sibling_module', 'buggy');
  const MODULE = fs.readFileSync(path.join(FIXTURE, 'model.py'), 'utf8');
  const SCRIPT = fs.readFileSync(path.join(FIXTURE, 'train.py'), 'utf8');

  function cliTuples(file: string, dir: string): string[] {
    return fromCli(cliRecords(file, dir));
  }

  it('re-lints an open file when a module it imports changes on disk or in the editor, agreeing with the CLI on the same files', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'model.py': MODULE, 'train.py': SCRIPT });
    const moduleUri = pathToFileURL(path.join(dir, 'model.py')).toString();
    const scriptUri = pathToFileURL(path.join(dir, 'train.py')).toString();
    client = new LspTestClient({ rootUri: pathToFileURL(dir).toString() });
    await client.initialize();
    await client.open(scriptUri, SCRIPT);
    const first = await client.diagnostics(scriptUri, 1);
    assert.deepStrictEqual(rules(first), ['DRP002'], 'the model from model.py is known in train.py');
    assert.deepStrictEqual(fromLsp(first), cliTuples(path.join(dir, 'train.py'), dir));

    // model.py (not open) loses its dropout on disk: the watcher event brings train.py up to date.
    const withoutDropout = MODULE.replace(/nn\.Dropout\([^)]*\)/, 'nn.Identity()');
    assert.notStrictEqual(withoutDropout, MODULE);
    writeFiles(dir, { 'model.py': withoutDropout });
    let since = client.messages.length;
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: moduleUri, type: 2 }] });
    const second = await client.diagnostics(scriptUri, 1, since);
    assert.deepStrictEqual(rules(second), [], 'no dropout in the model, nothing to warn about');
    assert.deepStrictEqual(fromLsp(second), cliTuples(path.join(dir, 'train.py'), dir));

    // Opened and edited in the editor, dropout back: the editor's text counts before it is saved.
    since = client.messages.length;
    await client.open(moduleUri, withoutDropout);
    await client.change(moduleUri, 2, [{ text: MODULE }]);
    writeFiles(dir, { 'model.py': MODULE }); // for the CLI's view of the same files
    const third = await client.diagnostics(scriptUri, 1, since);
    assert.deepStrictEqual(rules(third), ['DRP002']);
    assert.deepStrictEqual(fromLsp(third), cliTuples(path.join(dir, 'train.py'), dir));
  });

  it('finds modules under extra import roots from pyproject.toml or dropoutLab.roots, as the CLI does', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'pyproject.toml': '[tool.dropout-lab]\nroots = ["src/lib"]\n', 'src/lib/model.py': MODULE, 'train.py': SCRIPT });
    const scriptUri = pathToFileURL(path.join(dir, 'train.py')).toString();
    let settings: unknown = {};
    client = new LspTestClient({ rootUri: pathToFileURL(dir).toString(), capabilities: { workspace: { configuration: true } }, configuration: () => settings });
    await client.initialize();
    await client.open(scriptUri, SCRIPT);
    const viaPyproject = await client.diagnostics(scriptUri, 1);
    assert.deepStrictEqual(rules(viaPyproject), ['DRP002'], 'model.py is found under src/lib');
    assert.deepStrictEqual(fromLsp(viaPyproject), cliTuples(path.join(dir, 'train.py'), dir));

    // Without the pyproject.toml entry the module is unknown, until the editor setting names the root.
    writeFiles(dir, { 'pyproject.toml': '[tool.dropout-lab]\nignore = ["DRP015"]\n' });
    let since = client.messages.length;
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(path.join(dir, 'pyproject.toml')).toString(), type: 2 }] });
    assert.deepStrictEqual(rules(await client.diagnostics(scriptUri, 1, since)), []);
    settings = { roots: ['src/lib'] };
    since = client.messages.length;
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.deepStrictEqual(rules(await client.diagnostics(scriptUri, 1, since)), ['DRP002']);
  });
});
