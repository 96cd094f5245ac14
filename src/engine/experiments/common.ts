// Plumbing shared by the experiments: progress reporting, cancellation and yielding so a worker
// stays responsive to cancel messages between epochs.
import type { ExperimentName, ProgressMessage } from '../protocol';

export type Progress = Omit<ProgressMessage, 'type' | 'id' | 'experiment'>;

export interface RunOptions {
  /** Called with progress updates (fraction, label, per-epoch metrics for training experiments). */
  onProgress?: (progress: Progress) => void;
  /** Aborting stops the experiment at its next checkpoint with a CancelledError. */
  signal?: AbortSignal;
  /** Yield to the event loop at checkpoints (default true; the CLI may turn it off). */
  yieldBetweenSteps?: boolean;
}

export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor(readonly experiment: ExperimentName) {
    super(`${experiment} was cancelled`);
  }
}

const defer: (resolve: () => void) => void = typeof setImmediate === 'function'
  ? (resolve) => setImmediate(resolve)
  : (resolve) => setTimeout(resolve, 0);

/** A cancellation and yield point: lets queued messages (cancel) run, then throws if aborted. */
export async function checkpoint(experiment: ExperimentName, options: RunOptions): Promise<void> {
  if (options.yieldBetweenSteps !== false) await new Promise<void>(defer);
  if (options.signal?.aborted) throw new CancelledError(experiment);
}

/** Population mean and variance of a typed array (double accumulation). */
export function meanAndVariance(values: ArrayLike<number>): { mean: number; variance: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const mean = sum / values.length;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += (values[i] - mean) ** 2;
  return { mean, variance: sq / values.length };
}

/** Plain arrays for the protocol (JSON-compatible). */
export function toArray(values: ArrayLike<number>): number[] {
  return Array.from(values);
}
