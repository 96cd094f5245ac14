import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EngineHost } from '../../../src/extension/engineHost';
import type { ProgressMessage } from '../../../src/engine/protocol';

// A stand-in for dist/engineWorker.js that speaks the protocol and misbehaves on request (by seed).
const FAKE_WORKER = `
const { parentPort } = require('worker_threads');
const running = new Map();
parentPort.on('message', (m) => {
  if (m.type === 'cancel') {
    const timer = running.get(m.id);
    if (timer) { clearInterval(timer); running.delete(m.id); parentPort.postMessage({ type: 'cancelled', id: m.id }); }
    return;
  }
  const seed = m.config.seed;
  if (seed === 1) {
    parentPort.postMessage({ type: 'progress', id: m.id, experiment: m.config.experiment, fraction: 0.5, label: 'half' });
    parentPort.postMessage({ type: 'result', id: m.id, experiment: m.config.experiment, result: { experiment: m.config.experiment, echo: m.config }, elapsedMs: 1 });
  } else if (seed === 2) {
    process.exit(3);
  } else if (seed === 3) {
    throw new Error('boom in experiment');
  } else if (seed === 4) {
    for (;;) {}
  } else if (seed === 5) {
    let n = 0;
    running.set(m.id, setInterval(() => parentPort.postMessage({ type: 'progress', id: m.id, experiment: 'overfitting', fraction: 0, label: String(n++) }), 5));
  } else if (seed === 6) {
    parentPort.postMessage({ type: 'error', id: m.id, reason: 'invalid-request', message: 'epochs must be an integer in [1, 1000], got 0' });
  }
});
`;

describe('engine host (worker thread lifecycle)', function () {
  this.timeout(20000);
  let dir: string;
  let workerPath: string;
  const hosts: EngineHost[] = [];

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dropout-lab-engine-host-'));
    workerPath = path.join(dir, 'fakeWorker.js');
    fs.writeFileSync(workerPath, FAKE_WORKER);
  });
  after(() => {
    for (const host of hosts) host.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const newHost = (grace = 300) => {
    const host = new EngineHost({ workerPath, cancelGraceMs: grace });
    hosts.push(host);
    return host;
  };

  it('streams progress and resolves the result', async () => {
    const progress: ProgressMessage[] = [];
    const outcome = await newHost().run({ experiment: 'network-mask', seed: 1 }, (m) => progress.push(m)).outcome;
    assert.strictEqual(outcome.status, 'done');
    assert.deepStrictEqual(progress.map((p) => p.label), ['half']);
  });

  it('passes the engine refusal through with its message', async () => {
    const outcome = await newHost().run({ experiment: 'overfitting', seed: 6 }).outcome;
    assert.deepStrictEqual(outcome, { status: 'error', reason: 'invalid-request', message: 'epochs must be an integer in [1, 1000], got 0' });
  });

  it('reports a worker that exits as crashed, then restarts a fresh worker for the retry', async () => {
    const host = newHost();
    const crashed = await host.run({ experiment: 'network-mask', seed: 2 }).outcome;
    assert.strictEqual(crashed.status, 'crashed');
    assert.match((crashed as { message: string }).message, /stopped unexpectedly \(exit code 3\)/);
    assert.strictEqual(host.crashCount, 1);
    const retry = await host.run({ experiment: 'network-mask', seed: 1 }).outcome;
    assert.strictEqual(retry.status, 'done');
  });

  it('reports an uncaught exception in the worker with its message', async () => {
    const host = newHost();
    const crashed = await host.run({ experiment: 'network-mask', seed: 3 }).outcome;
    assert.strictEqual(crashed.status, 'crashed');
    assert.match((crashed as { message: string }).message, /boom in experiment/);
    assert.strictEqual((await host.run({ experiment: 'network-mask', seed: 1 }).outcome).status, 'done');
  });

  it('cancels a cooperative run through the protocol', async () => {
    const host = newHost(60_000);
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const run = host.run({ experiment: 'overfitting', seed: 5 }, () => started());
    await running;
    run.cancel();
    assert.deepStrictEqual(await run.outcome, { status: 'cancelled' });
    assert.strictEqual(host.crashCount, 0);
  });

  it('terminates a worker stuck in a synchronous loop when cancel is not acknowledged', async () => {
    const host = newHost(200);
    const run = host.run({ experiment: 'overfitting', seed: 4 });
    run.cancel();
    assert.deepStrictEqual(await run.outcome, { status: 'cancelled' });
    assert.strictEqual(host.crashCount, 0, 'a deliberate termination is not a crash');
    assert.strictEqual((await host.run({ experiment: 'network-mask', seed: 1 }).outcome).status, 'done');
  });

  it('settles every run in flight when disposed and refuses new runs', async () => {
    const host = newHost();
    const run = host.run({ experiment: 'overfitting', seed: 5 });
    host.dispose();
    assert.deepStrictEqual(await run.outcome, { status: 'cancelled' });
    assert.strictEqual((await host.run({ experiment: 'network-mask', seed: 1 }).outcome).status, 'crashed');
  });
});
