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
  State, type ConfigurationParams, type Diagnostic, type LanguageClientOptions, type PublishDiagnosticsParams, type ServerOptions,
} from 'vscode-languageclient/node';
import { LINT_YOUNG_GENERATION_MB } from '../lint/heapSize';
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
  /** One Int32 the server increments when a lint starts and when it ends (ServerOptions.lintActivity). */
  lintActivity?: SharedArrayBuffer;
}

/** What the extension exports (its `activate` result), for tests and other extensions. */
export interface DropoutLabApi {
  /** Lints started by the language server so far, and whether one is running right now. */
  lintActivity(): { started: number; running: boolean };
}

/** Structural equality of JSON values (what arrives over JSON-RPC), without serializing them. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    if (a.length !== other.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], other[i])) return false;
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  for (const key of keys) if (!(key in right) || !sameJson(left[key], right[key])) return false;
  return true;
}

/**
 * Applies published diagnostics with as little main-thread work as possible. vscode-languageclient
 * would convert every diagnostic of every publish into a vscode.Diagnostic (about 10 µs each: a few
 * ms per keystroke in a large file), but an edit changes few findings: an unchanged set is not
 * applied again, and otherwise the longest unchanged runs at both ends keep their converted objects,
 * so only the findings around the edit are converted.
 */
class DiagnosticsApplier {
  private readonly applied = new Map<string, { published: Diagnostic[]; converted: vscode.Diagnostic[] }>();
  private readonly latest = new Map<string, number>();
  private sequence = 0;

  constructor(private readonly client: LanguageClient, private readonly logger: Logger) {
    // Take over the client's (private) publishDiagnostics handler; with another client version
    // that lacks it, the client's own handling stays.
    const internals = client as unknown as { handleDiagnostics?: (params: PublishDiagnosticsParams) => void };
    if (typeof internals.handleDiagnostics === 'function') {
      internals.handleDiagnostics = (params) => {
        this.apply(params).catch((error: unknown) => this.logger.error(`Could not show the diagnostics of ${params.uri}`, error));
      };
    }
  }

  private async apply(params: PublishDiagnosticsParams): Promise<void> {
    const collection = this.client.diagnostics;
    if (!collection) return;
    const turn = ++this.sequence;
    this.latest.set(params.uri, turn);
    const before = this.applied.get(params.uri);
    const published = params.diagnostics;
    const old = before?.published ?? [];
    const shorter = Math.min(published.length, old.length);
    let prefix = 0;
    while (prefix < shorter && sameJson(published[prefix], old[prefix])) prefix++;
    if (before && prefix === published.length && published.length === old.length) return;
    let suffix = 0;
    while (suffix < shorter - prefix && sameJson(published[published.length - 1 - suffix], old[old.length - 1 - suffix])) suffix++;
    const fresh = await this.client.protocol2CodeConverter.asDiagnostics(published.slice(prefix, published.length - suffix));
    if (this.latest.get(params.uri) !== turn) return; // a newer set arrived meanwhile
    const kept = before?.converted ?? [];
    const converted = [...kept.slice(0, prefix), ...fresh, ...kept.slice(kept.length - suffix)];
    this.applied.set(params.uri, { published, converted });
    collection.set(this.client.protocol2CodeConverter.asUri(params.uri), converted);
  }

  /** Forgets what was applied (for one URI whose diagnostics were cleared, or all after a restart). */
  forget(uri?: string): void {
    // Sets still being converted are dropped too (`latest` no longer names them).
    if (uri === undefined) {
      this.applied.clear();
      this.latest.clear();
    } else {
      this.applied.delete(uri);
      this.latest.delete(uri);
    }
  }
}

export class LintClient implements vscode.Disposable {
  readonly client: LanguageClient;
  private readonly workers = new Set<Worker>();
  private readonly diagnosticsApplier: DiagnosticsApplier;
  /** Kept across server restarts, so the count only grows. */
  private readonly lintActivityBuffer = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);

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
          this.diagnosticsApplier.forget(this.client.code2ProtocolConverter.asUri(document.uri));
          return next(document);
        },
        workspace: {
          configuration: (params, token, next) => this.answerConfiguration(params, token, next),
        },
      },
    };
    // The server registers for settings changes (it then pulls them) and pyproject.toml changes itself.
    this.client = new LanguageClient('dropoutLab', 'Dropout Lab', serverOptions, clientOptions);
    this.diagnosticsApplier = new DiagnosticsApplier(this.client, this.logger);
    // A restarted server starts from an empty collection.
    this.client.onDidChangeState((event) => {
      if (event.newState !== State.Running) this.diagnosticsApplier.forget();
    });
  }

  /** Starts the server; resolves when it answered `initialize`. Failures are logged, never thrown. */
  async start(): Promise<void> {
    try {
      await this.client.start();
    } catch (error) {
      this.logger.error('The Dropout Lab linter could not start', error);
    }
  }

  /** Read from shared memory without a message, so it is current even while the server is busy. */
  lintActivity(): { started: number; running: boolean } {
    const count = Atomics.load(new Int32Array(this.lintActivityBuffer), 0);
    return { started: Math.ceil(count / 2), running: count % 2 === 1 };
  }

  private startWorker(): Worker {
    const workerData: LintServerWorkerData = { wasmDir: this.dist, lintActivity: this.lintActivityBuffer };
    // The linting young generation (src/lint/heapSize.ts): a lint's garbage dies young instead of being copied.
    const worker = new Worker(path.join(this.dist, SERVER_WORKER), { workerData, name: 'Dropout Lab linter', resourceLimits: { maxYoungGenerationSizeMb: LINT_YOUNG_GENERATION_MB } });
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
