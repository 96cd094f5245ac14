// Host side of the engine worker (dist/engineWorker.js). The extension host's main thread never
// trains: every experiment runs in a worker_threads Worker, talks the typed protocol of
// src/engine/protocol.ts, and can be cancelled. If the worker dies (uncaught error, out of memory,
// killed), every run in flight settles with status 'crashed' and a message the panel shows with a
// Retry button; the next run starts a fresh worker.
//
// No `vscode` import: the same class is unit-tested with a small fake worker script.
import { Worker } from 'worker_threads';
import type {
  EngineResponse, ExperimentConfig, ExperimentName, ProgressMessage, ResultOf,
} from '../engine/protocol';

export type RunOutcome<E extends ExperimentName> =
  | { status: 'done'; result: ResultOf<E>; elapsedMs: number }
  | { status: 'cancelled' }
  | { status: 'error'; reason: 'invalid-request' | 'failed'; message: string }
  | { status: 'crashed'; message: string };

export interface EngineRun<E extends ExperimentName> {
  readonly id: string;
  readonly outcome: Promise<RunOutcome<E>>;
  /** Asks the worker to stop; if it does not confirm within the grace period, the worker is terminated. */
  cancel(): void;
}

export interface EngineHostOptions {
  /** Absolute path of the bundled worker script. */
  workerPath: string;
  /** Milliseconds a cancelled run may take to acknowledge before the worker is terminated. */
  cancelGraceMs?: number;
  /** Heap cap of the worker, so a runaway experiment kills the worker and not the extension host. */
  maxHeapMb?: number;
  log?: (message: string) => void;
  onDisposed?: () => void;
}

interface PendingRun {
  experiment: ExperimentName;
  onProgress?: (message: ProgressMessage) => void;
  settle: (outcome: RunOutcome<ExperimentName>) => void;
  cancelTimer?: ReturnType<typeof setTimeout>;
}

export class EngineHost {
  private worker: Worker | undefined;
  private readonly pending = new Map<string, PendingRun>();
  private nextId = 1;
  private disposed = false;
  private crashes = 0;

  constructor(private readonly options: EngineHostOptions) {}

  /** Number of times the worker died unexpectedly (for diagnostics and tests). */
  get crashCount(): number {
    return this.crashes;
  }

  get busy(): boolean {
    return this.pending.size > 0;
  }

  run<E extends ExperimentName>(
    config: Extract<ExperimentConfig, { experiment: E }>,
    onProgress?: (message: ProgressMessage) => void,
  ): EngineRun<E> {
    const id = `run-${this.nextId++}`;
    let settle!: (outcome: RunOutcome<E>) => void;
    const outcome = new Promise<RunOutcome<E>>((resolve) => (settle = resolve));
    if (this.disposed) {
      settle({ status: 'crashed', message: 'The engine has been shut down.' });
      return { id, outcome, cancel: () => undefined };
    }
    const entry: PendingRun = {
      experiment: config.experiment,
      onProgress,
      settle: settle as (outcome: RunOutcome<ExperimentName>) => void,
    };
    this.pending.set(id, entry);
    try {
      this.ensureWorker().postMessage({ type: 'start', id, config });
    } catch (error) {
      this.finish(id, { status: 'crashed', message: `The engine worker could not start: ${errorText(error)}` });
    }
    return { id, outcome, cancel: () => this.cancel(id) };
  }

  cancel(id: string): void {
    const entry = this.pending.get(id);
    if (!entry || entry.cancelTimer || !this.worker) return;
    this.worker.postMessage({ type: 'cancel', id });
    entry.cancelTimer = setTimeout(() => {
      if (!this.pending.has(id)) return;
      // The worker is stuck in a long synchronous step: stop it. Other runs on this worker are told why.
      this.options.log?.(`engine: run ${id} did not acknowledge cancel; terminating the worker`);
      this.finish(id, { status: 'cancelled' });
      this.terminateWorker('The engine worker was restarted to stop another run; please retry.');
    }, this.options.cancelGraceMs ?? 2000);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const id of [...this.pending.keys()]) this.finish(id, { status: 'cancelled' });
    this.terminateWorker('The engine has been shut down.');
    this.options.onDisposed?.();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.options.workerPath, {
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb ?? 1536 },
    });
    worker.on('message', (message: unknown) => this.onMessage(message));
    worker.on('error', (error: unknown) => this.onWorkerDeath(worker, `The engine worker failed: ${errorText(error)}`));
    worker.on('messageerror', (error: unknown) => this.options.log?.(`engine: undecodable message: ${errorText(error)}`));
    worker.on('exit', (code: number) => this.onWorkerDeath(worker, `The engine worker stopped unexpectedly (exit code ${code}).`));
    // An idle worker must not keep the extension host (or a test process) alive.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private onMessage(raw: unknown): void {
    const message = raw as EngineResponse;
    if (typeof message !== 'object' || message === null || typeof message.id !== 'string') return;
    const entry = this.pending.get(message.id);
    if (!entry) return;
    switch (message.type) {
      case 'progress':
        try {
          entry.onProgress?.(message);
        } catch (error) {
          this.options.log?.(`engine: progress handler failed: ${errorText(error)}`);
        }
        return;
      case 'result':
        this.finish(message.id, { status: 'done', result: message.result as ResultOf<ExperimentName>, elapsedMs: message.elapsedMs });
        return;
      case 'cancelled':
        this.finish(message.id, { status: 'cancelled' });
        return;
      case 'error':
        this.finish(message.id, { status: 'error', reason: message.reason, message: message.message });
        return;
      default:
        return;
    }
  }

  private onWorkerDeath(worker: Worker, message: string): void {
    // A worker we terminated on purpose is already detached, so its exit is not a crash.
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.crashes++;
    this.options.log?.(`engine: ${message}`);
    for (const id of [...this.pending.keys()]) this.finish(id, { status: 'crashed', message });
  }

  private terminateWorker(messageForOthers: string): void {
    const worker = this.worker;
    if (!worker) return;
    for (const id of [...this.pending.keys()]) this.finish(id, { status: 'crashed', message: messageForOthers });
    this.worker = undefined;
    void worker.terminate().catch(() => undefined);
  }

  private finish(id: string, outcome: RunOutcome<ExperimentName>): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    if (entry.cancelTimer) clearTimeout(entry.cancelTimer);
    entry.settle(outcome);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
