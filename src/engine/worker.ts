// worker_threads entry of the engine (bundled to dist/engineWorker.js). Speaks the protocol of
// protocol.ts over parentPort; the extension host's main thread never trains.
import { parentPort } from 'worker_threads';
import { createEngineWorkerCore } from './workerCore';

if (!parentPort) throw new Error('engineWorker.js must run in a worker thread');
const port = parentPort;
const core = createEngineWorkerCore((response) => port.postMessage(response));
port.on('message', (message: unknown) => {
  void core.handle(message);
});
