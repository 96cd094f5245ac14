// The language server as an editor uses it: `dropout-lab server --stdio` in a child process, driven
// over LSP. Diagnostics are checked against the CLI's JSON for the same file (computed by another
// process through another code path), and every wait is on a message, never on time.
import * as assert from 'assert';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { StreamMessageReader, type CodeAction, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { runCli } from '../cli/cliRunner';
import { tempDir, writeFiles } from '../lint/tempFiles';
import { applyWorkspaceEdit, LspTestClient } from './lspClient';

/** A model with an invalid rate (DRP010, error), functional dropout not tied to training (DRP004, fixable) and dropout before BatchNorm (DRP006, with the BatchNorm as related location). */
export const MODEL = `import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 256)
        self.drop = nn.Dropout(1.5)
        self.bn = nn.BatchNorm1d(256)
        self.fc2 = nn.Linear(256, 10)

    def forward(self, x):
        h = self.drop(torch.relu(self.fc1(x)))
        h = self.bn(h)
        h = F.dropout(h, 0.2)
        return self.fc2(h)
`;

const SEVERITY: Record<string, number> = { error: 1, warning: 2, information: 3, hint: 4 };

/** The CLI's JSON records for a file, as LSP-shaped tuples (0-based positions). */
function cliDiagnostics(file: string, cwd: string): string[] {
  const run = runCli(['lint', '--format', 'json', file], cwd);
  assert.ok(run.code === 0 || run.code === 1, run.stderr);
  const records = JSON.parse(run.stdout) as { line: number; column: number; endLine: number; endColumn: number; rule: string; severity: string; message: string; cell?: number }[];
  return records.map((r) => JSON.stringify([r.cell ?? null, r.rule, r.line - 1, r.column - 1, r.endLine - 1, r.endColumn - 1, SEVERITY[r.severity], r.message])).sort();
}

function lspTuples(diagnostics: readonly Diagnostic[], cell: number | null = null): string[] {
  return diagnostics.map((d) => JSON.stringify([cell, d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.severity, d.message])).sort();
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function rules(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => String(d.code)).sort();
}

describe('language server over stdio', function () {
  this.timeout(120_000);
  let client: LspTestClient | undefined;

  afterEach(() => {
    client?.kill();
    client = undefined;
  });

  it('initializes with incremental sync, notebooks, code actions, hovers and a parser that is ready', async () => {
    client = new LspTestClient();
    const result = await client.initialize();
    const caps = result.capabilities;
    assert.deepStrictEqual(caps.textDocumentSync, { openClose: true, change: 2, save: { includeText: false } });
    assert.deepStrictEqual(caps.notebookDocumentSync, { notebookSelector: [{ notebook: '*', cells: [{ language: 'python' }] }] });
    assert.deepStrictEqual(caps.codeActionProvider, { codeActionKinds: ['quickfix', 'source.fixAll.dropoutLab'] });
    assert.strictEqual(caps.hoverProvider, true);
    assert.strictEqual(result.serverInfo?.name, 'dropout-lab');
    // A client without pull diagnostics gets pushed ones, and no code lenses (it cannot open the panel).
    assert.strictEqual(caps.diagnosticProvider, undefined);
    assert.strictEqual(caps.codeLensProvider, undefined);
    assert.strictEqual(await client.shutdown(), 0);
  });

  it('publishes the same diagnostics as `dropout-lab lint --format json` for an opened file', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'model.py': MODEL });
    const file = path.join(dir, 'model.py');
    const uri = pathToFileURL(file).toString();
    client = new LspTestClient({ rootUri: pathToFileURL(dir).toString() });
    await client.initialize();
    await client.open(uri, MODEL);
    const diagnostics = await client.diagnostics(uri, 1);
    const expected = cliDiagnostics(file, dir);
    assert.deepStrictEqual(expected.map((t) => JSON.parse(t)[1]).sort(), ['DRP004', 'DRP006', 'DRP010'], 'the fixture has the findings it was written for');
    assert.deepStrictEqual(lspTuples(diagnostics), expected);
    for (const d of diagnostics) {
      assert.strictEqual(d.source, 'Dropout Lab');
      assert.match(d.codeDescription?.href ?? '', new RegExp(`/docs/rules/${String(d.code)}\\.md$`));
    }
    const beforeBn = diagnostics.find((d) => d.code === 'DRP006');
    assert.strictEqual(beforeBn?.relatedInformation?.length, 1, 'DRP006 points at the BatchNorm');
    assert.strictEqual(beforeBn.relatedInformation[0].location.uri, uri);
    assert.strictEqual(beforeBn.relatedInformation[0].location.range.start.line, MODEL.split('\n').findIndex((l) => l.includes('self.bn(h)')));
  });

  it('re-lints after an incremental edit and publishes for the new version', async () => {
    const uri = 'file:///virtual/edit_model.py';
    client = new LspTestClient();
    await client.initialize();
    await client.open(uri, MODEL);
    assert.deepStrictEqual(rules(await client.diagnostics(uri, 1)), ['DRP004', 'DRP006', 'DRP010']);
    const line = MODEL.split('\n').findIndex((l) => l.includes('nn.Dropout(1.5)'));
    const column = MODEL.split('\n')[line].indexOf('1.5');
    // Typing the rate 1.5 -> 0.1 as two small edits in one change notification.
    await client.change(uri, 2, [
      { range: { start: { line, character: column }, end: { line, character: column + 1 } }, text: '0' },
      { range: { start: { line, character: column + 2 }, end: { line, character: column + 3 } }, text: '1' },
    ]);
    assert.deepStrictEqual(rules(await client.diagnostics(uri, 2)), ['DRP004', 'DRP006']);
    // At the default log level the server does not write a log line per lint (each is IPC for the editor).
    assert.ok(!client.messages.some((m) => m.method === 'window/logMessage' && /Linted/.test((m.params as { message: string }).message)));
  });

  it('applies the quick fix a code action carries, and the finding is gone', async () => {
    const uri = 'file:///virtual/fix_model.py';
    client = new LspTestClient();
    await client.initialize();
    await client.open(uri, MODEL);
    const diagnostics = await client.diagnostics(uri, 1);
    const functional = diagnostics.find((d) => d.code === 'DRP004')!;
    const actions = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: functional.range, context: { diagnostics: [functional] },
    }) as CodeAction[];
    assert.deepStrictEqual(actions.map((a) => a.title), ['Pass training=self.training', 'Disable DRP004 for this line', 'Show documentation for DRP004']);
    const fix = actions[0];
    assert.strictEqual(fix.isPreferred, true);
    assert.deepStrictEqual(fix.diagnostics, [functional]);
    const fixed = applyWorkspaceEdit(uri, MODEL, fix.edit);
    assert.match(fixed, /F\.dropout\(h, 0\.2, training=self\.training\)/);
    await client.change(uri, 2, [{ text: fixed }]);
    assert.deepStrictEqual(rules(await client.diagnostics(uri, 2)), ['DRP006', 'DRP010']);
    const docs = actions[2];
    assert.deepStrictEqual(docs.command, { title: 'Show documentation for DRP004', command: 'dropoutLab.showRuleDocumentation', arguments: ['DRP004'] });
  });

  it('answers malformed JSON with a parse error and an invalid message with Invalid Request, then keeps serving', async () => {
    client = new LspTestClient();
    await client.initialize();
    const errors: { id: unknown; error: { code: number; message: string } }[] = [];
    // Error responses the connection cannot match to a request of its own reach the raw reader only: listen there too.
    const raw = new StreamMessageReader(client.child.stdout);
    const gotTwo = new Promise<void>((resolve) => raw.listen((message) => {
      const response = message as { id?: unknown; error?: { code: number; message: string } };
      if (response.error && (response.id === null || response.id === 7)) errors.push(response as never);
      if (errors.length === 2) resolve();
    }));
    const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    client.child.stdin.write(frame('{"jsonrpc": "2.0", "id": 3, "method": "initialize", '));
    client.child.stdin.write(frame('{"jsonrpc": "2.0", "id": 7, "method": 42}'));
    await gotTwo;
    raw.dispose();
    assert.strictEqual(errors[0].error.code, -32700);
    assert.strictEqual(errors[0].id, null);
    assert.strictEqual(errors[1].error.code, -32600);
    assert.strictEqual(errors[1].id, 7);
    assert.match(errors[1].error.message, /method/);
    // Still serving: a normal request gets its normal answer.
    const hover = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///nothing/open.py' }, position: { line: 0, character: 0 } });
    assert.strictEqual(hover, null);
  });

  it('ends when the editor closes its stdin without shutdown (exit code 1), never lingering', async () => {
    client = new LspTestClient();
    await client.initialize();
    client.child.stdin.end();
    assert.strictEqual(await client.exited, 1);
  });

  it('serves from a process with the large young generation, which ends with the process the editor started', async () => {
    client = new LspTestClient();
    await client.initialize();
    // The server restarts itself once with its heap flags (src/server/heap.ts) and says so.
    const log = await client.waitFor((m) => m.method === 'window/logMessage' && /Dropout Lab server .*\(pid \d+, /.test((m.params as { message: string }).message));
    const message = (log.params as { message: string }).message;
    assert.match(message, /semi-space 64 MB \(--max-semi-space-size\), no allocation-site pretenuring/, message);
    const servingPid = Number(/pid (\d+)/.exec(message)![1]);
    assert.notStrictEqual(servingPid, client.child.pid, 'the started process passed the work on');
    assert.strictEqual(isRunning(servingPid), true);
    // An editor stopping the server signals the process it started: the serving one must go too.
    client.child.kill('SIGTERM');
    await client.exited;
    for (let tries = 0; isRunning(servingPid) && tries < 600; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.strictEqual(isRunning(servingPid), false, 'the serving process outlived the one the editor stopped');
  });

  it('answers an unknown method with MethodNotFound and bad params with InvalidParams', async () => {
    client = new LspTestClient();
    await client.initialize();
    await assert.rejects(client.connection.sendRequest('dropoutLab/noSuchThing', {}), (error: { code: number }) => error.code === -32601);
    await assert.rejects(client.connection.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///a.py' } }), (error: { code: number; message: string }) => {
      assert.strictEqual(error.code, -32602);
      assert.match(error.message, /position/);
      return true;
    });
    assert.strictEqual(await client.shutdown(), 0);
  });
});
