// A small pool of lint workers (worker.ts, bundled to dist/lintWorker.js) for workspace-wide lint
// off the main thread. One file per task; results come back in the order the files were given.
// A worker that crashes, or a file that takes longer than `taskTimeoutMs`, costs only that file:
// it is reported with an error, the worker is replaced, and the rest go on.
//
//   const pool = new LintWorkerPool({ workerScript: path.join(dist, 'lintWorker.js'), size: 2 });
//   const reports = await pool.lintFiles([{ file, options }], (report) => progress(report));
//   (pass `contents` with a request to lint bytes the caller read itself, e.g. from a virtual workspace)
//   await pool.dispose();
import * as os from 'os';
import { Worker } from 'worker_threads';
import { LINT_YOUNG_GENERATION_MB } from './heapSize';
import type { LintOptions } from './linter';
import type { FileReport } from './lintFile';

export interface LintTask {
  id: number;
  /** Path (or URI string) of the file; it is read from disk unless `contents` is given. */
  file: string;
  options: LintOptions;
  /** The file's bytes when the caller read them itself (e.g. through vscode.workspace.fs). */
  contents?: Uint8Array;
  /** Apply safe fixes and write the file back (`--fix`); ignored with `contents`. */
  fix?: boolean;
  /** Lint with the project index (the worker keeps one per set of roots, filled as files ask). */
  project?: { roots: string[] };
}

export interface LintRequest {
  file: string;
  options: LintOptions;
  contents?: Uint8Array;
  fix?: boolean;
  project?: { roots: string[] };
}

export interface LintWorkerPoolOptions {
  /** Path of the worker script (dist/lintWorker.js, or out/src/lint/worker.js in tests). */
  workerScript: string;
  /** Number of workers (default: CPU count − 1, at least 1, at most 4). */
  size?: number;
  /** A file that takes longer is reported as such and its worker replaced (default 60 s). */
  taskTimeoutMs?: number;
  /** Folder holding the tree-sitter wasm files, when not next to the worker script. */
  wasmDir?: string;
  /** Stack of each worker thread (default 64 MB, Node's default is 4): deeply nested code needs it. */
  stackSizeMb?: number;
}

interface Slot {
  worker: Worker;
  task?: LintTask;
  timer?: NodeJS.Timeout;
  /** The thread has started running (its 'online' event). */
  online?: boolean;
}

function kindOf(file: string): FileReport['kind'] {
  return /\.ipynb$/i.test(file) ? 'notebook' : 'python';
}

export class LintWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: LintTask[] = [];
  private readonly pending = new Map<number, (report: FileReport) => void>();
  private nextId = 1;
  private disposed = false;
  private readonly size: number;
  private readonly taskTimeoutMs: number;

  constructor(private readonly options: LintWorkerPoolOptions) {
    this.size = Math.max(1, Math.min(options.size ?? Math.min(4, os.cpus().length - 1), 16));
    this.taskTimeoutMs = options.taskTimeoutMs ?? 60_000;
  }

  /** Lints files; resolves with one report per file, in order. Never rejects for a bad file. */
  lintFiles(files: readonly LintRequest[], onReport?: (report: FileReport) => void): Promise<FileReport[]> {
    if (this.disposed) return Promise.reject(new Error('the lint worker pool was disposed'));
    const results = files.map(({ file, options, contents, fix, project }) => new Promise<FileReport>((resolve) => {
      const task: LintTask = { id: this.nextId++, file, options, contents, fix, project };
      this.pending.set(task.id, (report) => {
        onReport?.(report);
        resolve(report);
      });
      this.queue.push(task);
    }));
    this.pump();
    return Promise.all(results);
  }

  /** Hands queued tasks to idle workers, starting workers up to `size`. */
  private pump(): void {
    while (this.queue.length && !this.disposed) {
      let slot = this.slots.find((s) => !s.task);
      if (!slot) {
        if (this.slots.length >= this.size) return;
        slot = this.startWorker();
      }
      this.run(slot, this.queue.shift()!);
    }
  }

  private startWorker(): Slot {
    const worker = new Worker(this.options.workerScript, {
      workerData: { wasmDir: this.options.wasmDir },
      // A lint's garbage dies young in a larger young generation (heapSize.ts).
      resourceLimits: { stackSizeMb: this.options.stackSizeMb ?? 64, maxYoungGenerationSizeMb: LINT_YOUNG_GENERATION_MB },
    });
    const slot: Slot = { worker };
    this.slots.push(slot);
    // A file's time starts when its thread runs: a busy machine's slow thread start is not the file's fault.
    worker.once('online', () => {
      slot.online = true;
      if (slot.task && !slot.timer) this.startTimer(slot, slot.task);
    });
    worker.on('message', (message: { id: number; report: FileReport }) => {
      if (!slot.task || message.id !== slot.task.id) return;
      const task = slot.task;
      clearTimeout(slot.timer);
      slot.task = undefined;
      this.finish(task, message.report);
      this.pump();
    });
    const fail = (why: string) => {
      clearTimeout(slot.timer);
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots.splice(index, 1);
      const task = slot.task;
      slot.task = undefined;
      if (task) this.finish(task, { file: task.file, kind: kindOf(task.file), findings: [], failures: [], error: why });
      this.pump();
    };
    worker.on('error', (error) => fail(`the lint worker crashed on this file: ${error.message}`));
    worker.on('exit', (code) => {
      if (this.slots.includes(slot)) fail(`the lint worker exited (code ${code}) on this file`);
    });
    return slot;
  }

  private run(slot: Slot, task: LintTask): void {
    slot.task = task;
    slot.timer = undefined;
    if (slot.online) this.startTimer(slot, task);
    slot.worker.postMessage(task);
  }

  private startTimer(slot: Slot, task: LintTask): void {
    slot.timer = setTimeout(() => {
      // Stuck on one file: report it, replace the worker, carry on.
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots.splice(index, 1);
      slot.task = undefined;
      this.finish(task, { file: task.file, kind: kindOf(task.file), findings: [], failures: [], error: `linting took longer than ${this.taskTimeoutMs} ms; skipped` });
      void slot.worker.terminate();
      this.pump();
    }, this.taskTimeoutMs);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const task of this.queue.splice(0)) this.finish(task, { file: task.file, kind: kindOf(task.file), findings: [], failures: [], error: 'cancelled' });
    await Promise.all(this.slots.splice(0).map((slot) => {
      clearTimeout(slot.timer);
      if (slot.task) this.finish(slot.task, { file: slot.task.file, kind: kindOf(slot.task.file), findings: [], failures: [], error: 'cancelled' });
      return slot.worker.terminate();
    }));
  }

  private finish(task: LintTask, report: FileReport): void {
    const resolve = this.pending.get(task.id);
    this.pending.delete(task.id);
    resolve?.(report);
  }
}
