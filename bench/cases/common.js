// Shared by the benchmark cases: each case runs in its own process and prints one JSON line last.
const fs = require('fs');
const path = require('path');

/** Arguments as --key=value pairs. */
function args() {
  const out = {};
  for (const a of process.argv.slice(2)) {
    const m = /^--([^=]+)=(.*)$/.exec(a);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/** The shared training set written by run.js: x (count × 784 float32) and y (count uint8). */
function loadDataset(dir) {
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8'));
  const xBytes = fs.readFileSync(path.join(dir, 'x.f32'));
  const x = new Float32Array(xBytes.buffer.slice(xBytes.byteOffset, xBytes.byteOffset + xBytes.byteLength));
  const y = new Uint8Array(fs.readFileSync(path.join(dir, 'y.u8')));
  return { ...meta, x, y };
}

function emit(result) {
  process.stdout.write(`\n${JSON.stringify(result)}\n`);
}

/** Runs `fn` and reports failure as a result instead of a crash. */
async function main(fn) {
  try {
    emit(await fn(args()));
  } catch (error) {
    emit({ error: String((error && error.stack) || error).split('\n').slice(0, 3).join(' | ') });
  }
}

/**
 * A training case. `setup(args)` builds and warms up the model and returns { runEpoch, info }.
 * Standalone (`--epochs=N`): times N epochs and emits the best. With `--serve`: prints
 * {"ready":true}, then runs one epoch per `epoch` line on stdin and answers {"ms":…}, so run.js can
 * interleave the systems epoch by epoch and a busy machine hurts them alike.
 */
async function trainingCase(setup) {
  const a = args();
  let session;
  try {
    session = await setup(a);
  } catch (error) {
    emit({ error: String((error && error.stack) || error).split('\n').slice(0, 3).join(' | ') });
    return;
  }
  const { runEpoch, samples, info } = session;
  if (a.serve) {
    emit({ ready: true, ...info });
    const lines = require('readline').createInterface({ input: process.stdin });
    for await (const line of lines) {
      if (line.trim() !== 'epoch') break;
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const loss = runEpoch();
      const cpu = process.cpuUsage(c0);
      emit({ ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, loss });
    }
    process.exit(0);
  }
  const times = [];
  const losses = [];
  for (let e = 0; e < Number(a.epochs); e++) {
    const t0 = performance.now();
    losses.push(runEpoch());
    times.push(performance.now() - t0);
  }
  emit({ samplesPerSec: samples / (Math.min(...times) / 1000), epochMs: times, loss: losses, ...info });
}

/**
 * The matrix products of one training step of the bench MLP (784-256-128-10, batch 64), as
 * [transA, transB, m, n, k]: forward X·W per layer, then per layer from the top the weight
 * gradient Xᵀ·dZ and (above the first layer) the input gradient dZ·Wᵀ. Weights are stored in × out.
 */
const MLP_GEMMS = [
  [false, false, 64, 256, 784], [false, false, 64, 128, 256], [false, false, 64, 10, 128],
  [true, false, 128, 10, 64], [false, true, 64, 128, 10],
  [true, false, 256, 128, 64], [false, true, 64, 256, 128],
  [true, false, 784, 256, 64],
];

module.exports = { MLP_GEMMS, args, loadDataset, emit, main, trainingCase, now: () => performance.now() };
