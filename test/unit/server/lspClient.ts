// Drives `node bin/dropout-lab.js server --stdio` as an editor would: a child process and a
// vscode-jsonrpc connection over its stdin/stdout. Notifications are recorded so tests wait on
// them by condition (never by time): `waitFor` resolves as soon as a matching message exists.
import * as assert from 'assert';
import { spawn, type ChildProcessWithoutNullStreams } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  createMessageConnection, StreamMessageReader, StreamMessageWriter,
  type ClientCapabilities, type Diagnostic, type InitializeResult, type MessageConnection, type PublishDiagnosticsParams, type TextEdit, type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';

export const REPO = path.resolve(__dirname, '../../../..');
export const BIN = path.join(REPO, 'bin', 'dropout-lab.js');

interface Recorded {
  method: string;
  params: unknown;
}

interface Waiter {
  test: (message: Recorded) => boolean;
  resolve: (message: Recorded) => void;
}

export interface ServerOptions {
  capabilities?: ClientCapabilities;
  initializationOptions?: unknown;
  rootUri?: string | null;
  /** Answers workspace/configuration items (section dropoutLab, by scopeUri). */
  configuration?: (scopeUri: string | undefined) => unknown;
}

export class LspTestClient {
  readonly child: ChildProcessWithoutNullStreams;
  readonly connection: MessageConnection;
  readonly messages: Recorded[] = [];
  readonly configurationRequests: unknown[] = [];
  private readonly waiters: Waiter[] = [];
  readonly exited: Promise<number | null>;
  stderr = '';
  initializeResult!: InitializeResult;

  constructor(private readonly options: ServerOptions = {}) {
    // bin/dropout-lab.js runs the bundle: `npm test` builds it first; alone, run `npm run build`.
    assert.ok(fs.existsSync(path.join(REPO, 'dist', 'cli.js')), 'dist/cli.js is missing: run `npm run build` before these tests');
    this.child = spawn(process.execPath, [BIN, 'server', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (chunk: Buffer) => { this.stderr += chunk.toString(); });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
    this.connection = createMessageConnection(new StreamMessageReader(this.child.stdout), new StreamMessageWriter(this.child.stdin));
    this.connection.onNotification((method: string, params: unknown) => this.record({ method, params }));
    this.connection.onRequest('workspace/configuration', (params: { items: { scopeUri?: string; section?: string }[] }) => {
      this.configurationRequests.push(params);
      return params.items.map((item) => (this.options.configuration ? this.options.configuration(item.scopeUri) : null));
    });
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('workspace/diagnostic/refresh', () => {
      this.record({ method: 'workspace/diagnostic/refresh', params: null });
      return null;
    });
    this.connection.onRequest('window/showDocument', (params: unknown) => {
      this.record({ method: 'window/showDocument', params });
      return { success: true };
    });
    this.connection.listen();
  }

  async initialize(): Promise<InitializeResult> {
    this.initializeResult = await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: this.options.rootUri ?? null,
      workspaceFolders: this.options.rootUri ? [{ uri: this.options.rootUri, name: 'root' }] : null,
      capabilities: this.options.capabilities ?? {},
      initializationOptions: this.options.initializationOptions,
    }) as InitializeResult;
    await this.connection.sendNotification('initialized', {});
    return this.initializeResult;
  }

  private record(message: Recorded): void {
    this.messages.push(message);
    for (const waiter of [...this.waiters]) {
      if (waiter.test(message)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  }

  /** The first recorded message after `since` (an index into `messages`) that matches, or the next one to arrive. */
  waitFor(test: (message: Recorded) => boolean, since = 0): Promise<Recorded> {
    const found = this.messages.slice(since).find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  /** Diagnostics published for `uri` at `version` (or any version when omitted). */
  async diagnostics(uri: string, version?: number, since = 0): Promise<Diagnostic[]> {
    const message = await this.waitFor((m) => m.method === 'textDocument/publishDiagnostics'
      && (m.params as PublishDiagnosticsParams).uri === uri
      && (version === undefined || (m.params as PublishDiagnosticsParams).version === version), since);
    return (message.params as PublishDiagnosticsParams).diagnostics;
  }

  open(uri: string, text: string, version = 1, languageId = 'python'): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  change(uri: string, version: number, changes: { range?: TextEdit['range']; text: string }[]): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
  }

  async shutdown(): Promise<number | null> {
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    const code = await this.exited;
    this.connection.dispose();
    return code;
  }

  /** Ends the server whatever state it is in (after a failed test). */
  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
    this.connection.dispose();
  }
}

/** Applies a workspace edit's changes for one document to its text (as the editor would). */
export function applyWorkspaceEdit(uri: string, text: string, edit: WorkspaceEdit | undefined): string {
  assert.ok(edit?.changes?.[uri], `the edit changes ${uri}`);
  return TextDocument.applyEdits(TextDocument.create(uri, 'python', 0, text), edit.changes[uri]);
}
