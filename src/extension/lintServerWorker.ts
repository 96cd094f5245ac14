// Entry of the linter's worker thread (bundled to dist/lintServerWorker.js): Dropout Lab's language
// server (src/server) speaking LSP over the worker's message port to the extension's client
// (lintClient.ts). No `vscode` import: this runs outside the extension host's main thread.
import { parentPort, workerData } from 'worker_threads';
import { PortMessageReader, PortMessageWriter } from 'vscode-languageserver/node';
import { startServer } from '../server/server';
import { createServerConnection } from '../server/transport';
import type { LintServerWorkerData } from './lintClient';

if (!parentPort) throw new Error('lintServerWorker.js runs as a worker thread of the extension host');
const { wasmDir, lintActivity } = workerData as LintServerWorkerData;
startServer(createServerConnection(new PortMessageReader(parentPort), new PortMessageWriter(parentPort)), { wasmDir, lintActivity: lintActivity && new Int32Array(lintActivity) });
