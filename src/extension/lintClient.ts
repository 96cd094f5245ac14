// The linter runs as Dropout Lab's language server (src/server) in a worker thread of the extension
// host, and the extension is its LSP client (vscode-languageclient) over the worker's message port.
// Diagnostics, code actions, hovers, code lenses and notebook findings all come from the server;
// the main thread only syncs documents and applies the results, so typing never waits for a lint.
//
// Why a worker thread and not a child process: the extension host is the one Node process the
// extension can rely on in every kind of VS Code (desktop, remote, code-server, Restricted Mode),
// a thread starts in milliseconds, and the port transport needs no framing or pipes.
import * as path from 'path';
import { Worker } from 'worker_threads';
import * as vscode from 'vscode';
import {
  LanguageClient, PortMessageReader, PortMessageWriter, RevealOutputChannelOn,
  type ConfigurationParams, type LanguageClientOptions, type ServerOptions,
} from 'vscode-languageclient/node';
import type { Logger } from './log';
import { serverSettings } from './settings';

/**
 * Python documents in the file systems users edit in (local, remote, untitled, virtual, notebook
 * cells), but not the read-only views other tools open (git diffs, output, SCM input).
 */
const PYTHON_SCHEMES = ['file', 'untitled', 'vscode-notebook-cell', 'vscode-remote', 'vscode-vfs', 'vscode-userdata', 'vsls', 'memfs'];
export const LINTED_DOCUMENTS: { language: string; scheme: string }[] = PYTHON_SCHEMES.map((scheme) => ({ language: 'python', scheme }));

/** The worker bundle esbuild writes next to extension.js (src/extension/lintServerWorker.ts). */
export const SERVER_WORKER = 'lintServerWorker.js';

/** Data the worker gets at start (read by lintServerWorker.ts). */
export interface LintServerWorkerData {
  /** dist/: the parser wasm files and docs/rules live there. */
  wasmDir: string;
}

export class LintClient implements vscode.Disposable {
  readonly client: LanguageClient;
  private readonly workers = new Set<Worker>();

  constructor(private readonly dist: string, private readonly logger: Logger, outputChannel?: vscode.LogOutputChannel) {
    const serverOptions: ServerOptions = async () => {
      const worker = this.startWorker();
      return { reader: new PortMessageReader(worker), writer: new PortMessageWriter(worker) };
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: LINTED_DOCUMENTS,
      diagnosticCollectionName: 'dropout-lab',
      outputChannel,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      // Published diagnostics: cells, pyproject.toml and documents in background tabs all get them.
      initializationOptions: { clientCommands: true, diagnosticMode: 'push' },
      // Cells of every notebook type holding Python code are linted together (LSP 3.17 notebook sync).
      notebookDocumentOptions: { filterCells: (_notebook, cells) => cells.filter((cell) => cell.kind === vscode.NotebookCellKind.Code) },
      middleware: {
        // A closed document's problems go at once, without waiting for the server's empty publish.
        didClose: (document, next) => {
          this.client.diagnostics?.delete(document.uri);
          return next(document);
        },
        workspace: {
          configuration: (params, token, next) => this.answerConfiguration(params, token, next),
        },
      },
    };
    // The server registers for settings changes (it then pulls them) and pyproject.toml changes itself.
    this.client = new LanguageClient('dropoutLab', 'Dropout Lab', serverOptions, clientOptions);
  }

  /** Starts the server; resolves when it answered `initialize`. Failures are logged, never thrown. */
  async start(): Promise<void> {
    try {
      await this.client.start();
    } catch (error) {
      this.logger.error('The Dropout Lab linter could not start', error);
    }
  }

  private startWorker(): Worker {
    const workerData: LintServerWorkerData = { wasmDir: this.dist };
    const worker = new Worker(path.join(this.dist, SERVER_WORKER), { workerData, name: 'Dropout Lab linter' });
    this.workers.add(worker);
    worker.on('error', (error) => this.logger.error('The Dropout Lab linter thread failed', error));
    worker.on('exit', (code) => {
      this.workers.delete(worker);
      if (code !== 0) this.logger.warn(`The Dropout Lab linter thread exited with code ${code}.`);
    });
    return worker;
  }

  /**
   * `workspace/configuration` for section `dropoutLab`: the same setting names as package.json, but
   * a lint setting the user has not set is left out, so its default never hides pyproject.toml.
   */
  private async answerConfiguration(
    params: ConfigurationParams,
    token: vscode.CancellationToken,
    next: (params: ConfigurationParams, token: vscode.CancellationToken) => unknown,
  ): Promise<unknown[]> {
    const others = params.items.filter((item) => item.section !== 'dropoutLab');
    const answered = others.length ? await Promise.resolve(next({ items: others }, token)) : [];
    const fromNext = Array.isArray(answered) ? answered : [];
    let index = 0;
    return params.items.map((item) => {
      if (item.section !== 'dropoutLab') return fromNext[index++] ?? null;
      const scope = item.scopeUri ? this.client.protocol2CodeConverter.asUri(item.scopeUri) : undefined;
      // Settings objects are proxies that cannot cross to the worker thread: send plain JSON.
      return JSON.parse(JSON.stringify(serverSettings(scope))) as unknown;
    });
  }

  async dispose(): Promise<void> {
    try {
      if (this.client.needsStop()) await this.client.stop(5000);
    } catch (error) {
      this.logger.warn(`The Dropout Lab linter did not stop cleanly: ${String(error)}`);
    } finally {
      // A server that did not exit within the grace period is ended with its thread.
      await Promise.all([...this.workers].map((worker) => worker.terminate()));
    }
  }
}
