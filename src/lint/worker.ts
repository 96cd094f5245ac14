// Worker-thread entry (bundled to dist/lintWorker.js): lints the files the pool sends, one task
// per message, off the main thread. Protocol (see workerPool.ts):
//   in:  { id, file, options, contents?, fix? }   out: { id, report }    (report is a FileReport)
// The parser wasm is loaded once per worker; `workerData.wasmDir` says where it is.
import { parentPort, workerData } from 'worker_threads';
import { describeError } from './linter';
import { lintAndFixFile } from './fixFile';
import { lintFile, lintFileContents, type FileReport } from './lintFile';
import { loadPython } from './parser';
import type { LintOptions } from './linter';
import { ProjectIndex } from './project';
import type { LintTask } from './workerPool';

const wasmDir = (workerData as { wasmDir?: string } | undefined)?.wasmDir;
const ready = loadPython(wasmDir);

/** One project index per set of roots, for the worker's lifetime (summaries are made once, as files ask). */
const indexes = new Map<string, ProjectIndex>();

function optionsOf(task: LintTask): LintOptions {
  if (!task.project) return task.options;
  const key = task.project.roots.join('\0');
  let index = indexes.get(key);
  if (!index) indexes.set(key, index = new ProjectIndex({ roots: task.project.roots }));
  return { ...task.options, project: { index, file: task.file } };
}

parentPort?.on('message', (task: LintTask) => {
  ready.then(
    () => {
      const options = optionsOf(task);
      return task.contents ? lintFileContents(task.file, task.contents, options) : task.fix ? lintAndFixFile(task.file, options) : lintFile(task.file, options);
    },
    (error: unknown): FileReport => ({
      file: task.file,
      kind: /\.ipynb$/i.test(task.file) ? 'notebook' : 'python',
      findings: [],
      failures: [],
      error: `the lint worker could not load the Python parser: ${describeError(error)}`,
    }),
  ).then((report) => parentPort?.postMessage({ id: task.id, report }));
});
