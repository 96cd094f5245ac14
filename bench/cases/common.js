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

module.exports = { args, loadDataset, emit, main, now: () => performance.now() };
