// The engine worker's message handling, independent of worker_threads so it can be tested
// directly: validates each request, runs experiments (several may interleave at their yield
// points), streams progress and answers with exactly one result, cancelled or error message.
import { CancelledError, runExperiment } from './experiments';
import { validateRequest, type EngineResponse } from './protocol';

export interface EngineWorkerCore {
  /** Handles one incoming message; resolves when a started experiment has finished. */
  handle(message: unknown): Promise<void>;
  /** Ids of experiments still running. */
  readonly running: ReadonlySet<string>;
}

export function createEngineWorkerCore(post: (response: EngineResponse) => void): EngineWorkerCore {
  const controllers = new Map<string, AbortController>();
  const running = new Set<string>();

  async function handle(message: unknown): Promise<void> {
    const validation = validateRequest(message);
    if (!validation.ok) {
      post({ type: 'error', id: validation.id, reason: 'invalid-request', message: validation.message });
      return;
    }
    const request = validation.request;
    if (request.type === 'cancel') {
      controllers.get(request.id)?.abort();
      return;
    }
    const { id, config } = request;
    if (controllers.has(id)) {
      post({ type: 'error', id, reason: 'invalid-request', message: `an experiment with id '${id}' is already running` });
      return;
    }
    const controller = new AbortController();
    controllers.set(id, controller);
    running.add(id);
    const started = Date.now();
    try {
      const result = await runExperiment(config, {
        signal: controller.signal,
        onProgress: (progress) => post({ type: 'progress', id, experiment: config.experiment, ...progress }),
      });
      post({ type: 'result', id, experiment: config.experiment, result, elapsedMs: Date.now() - started });
    } catch (error) {
      if (error instanceof CancelledError) post({ type: 'cancelled', id });
      else post({ type: 'error', id, reason: 'failed', message: error instanceof Error ? error.message : String(error) });
    } finally {
      controllers.delete(id);
      running.delete(id);
    }
  }

  return { handle, running };
}
