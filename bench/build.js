// Bundles the engine and the linter for the benchmarks with the extension's own esbuild settings
// (node20, CommonJS, minified), so what is measured is what ships.
const path = require('path');
const fs = require('fs');

const root = path.join(__dirname, '..');
const outDir = path.join(__dirname, '.build');

function buildBenchBundles() {
  const esbuild = require(require.resolve('esbuild', { paths: [root] }));
  fs.mkdirSync(outDir, { recursive: true });
  const webTreeSitterCjs = require.resolve('web-tree-sitter', { paths: [root] });
  const results = {};
  for (const name of ['engine', 'lint', 'server']) {
    const outfile = path.join(outDir, `${name}.js`);
    try {
      esbuild.buildSync({
        entryPoints: [path.join(__dirname, 'entries', `${name}.ts`)],
        bundle: true,
        format: 'cjs',
        platform: 'node',
        target: 'node20',
        minify: true,
        logLevel: 'silent',
        alias: { 'web-tree-sitter': webTreeSitterCjs },
        outfile,
      });
      results[name] = { file: outfile };
    } catch (error) {
      const first = error.errors && error.errors[0];
      results[name] = { error: first ? `${first.text} (${first.location ? first.location.file : ''})` : String(error.message || error) };
    }
  }
  return results;
}

module.exports = { buildBenchBundles, outDir, root };
