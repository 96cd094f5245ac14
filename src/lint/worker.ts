// Worker-thread entry (bundled to dist/lintWorker.js): lints the files the pool sends, one task
// per message, off the main thread. Protocol (see workerPool.ts):
//   in:  { id, file, options, contents?, fix? }   out: { id, report }    (report is a FileReport)
// The parser wasm is loaded once per worker; `workerData.wasmDir` says where it is.
import { parentPort, workerData } from 'worker_threads';
import { describeError } from './linter';
import { lintAndFixFile } from './fixFile';
import { lintFile, lintFileContents, type FileReport } from './lintFile';
import { loadPython } from './parser';
import type { LintTask } from './workerPool';

const wasmDir = (workerData as { wasmDir?: string } | undefined)?.wasmDir;
const ready = loadPython(wasmDir);

parentPort?.on('message', (task: LintTask) => {
  ready.then(
    () => (task.contents ? lintFileContents(task.file, task.contents, task.options) : task.fix ? lintAndFixFile(task.file, task.options) : lintFile(task.file, task.options)),
    (error: unknown): FileReport => ({
      file: task.file,
      kind: /\.ipynb$/i.test(task.file) ? 'notebook' : 'python',
      findings: [],
      failures: [],
      error: `the lint worker could not load the Python parser: ${describeError(error)}`,
    }),
  ).then((report) => parentPort?.postMessage({ id: task.id, report }));
});
