// Build script in the style of the `yo code` template: one esbuild context per entry,
// `--production` minifies, `--watch` rebuilds, and the problem-matcher plugin prints the
// "[watch] build started/finished" lines the VS Code task watches for.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const root = __dirname;
const dist = path.join(root, 'dist');

/** @type {import('esbuild').Plugin} */
const problemMatcherPlugin = {
  name: 'esbuild-problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

// web-tree-sitter's package.json sends esbuild to its ESM build, which breaks on
// `import.meta.url` once bundled as CommonJS; point the import at the .cjs file instead.
const webTreeSitterCjs = require.resolve('web-tree-sitter');

const nodeCommon = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'silent',
  alias: { 'web-tree-sitter': webTreeSitterCjs },
  plugins: [problemMatcherPlugin],
};

/** Entries: extension host (vscode external), CLI, worker threads, and the panels' browser code. */
function entries() {
  const list = [
    { ...nodeCommon, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
    { ...nodeCommon, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js' },
  ];
  const optionalNode = [
    ['src/engine/worker.ts', 'dist/engineWorker.js'],
    ['src/lint/worker.ts', 'dist/lintWorker.js'],
    // The language server in a worker thread of the extension host (src/extension/lintClient.ts).
    ['src/extension/lintServerWorker.ts', 'dist/lintServerWorker.js'],
  ];
  for (const [src, out] of optionalNode) {
    if (fs.existsSync(path.join(root, src))) list.push({ ...nodeCommon, entryPoints: [src], outfile: out });
  }
  const webviewDir = path.join(root, 'src/webview');
  const webviewEntries = fs.existsSync(webviewDir)
    ? fs.readdirSync(webviewDir).filter((f) => /Panel\.ts$|^main\.ts$/.test(f)).map((f) => path.join('src/webview', f))
    : [];
  if (webviewEntries.length) {
    list.push({
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      minify: production,
      sourcemap: !production,
      sourcesContent: false,
      logLevel: 'silent',
      entryPoints: webviewEntries,
      outdir: 'dist/webview',
      plugins: [problemMatcherPlugin],
    });
  }
  return list;
}

/** Copies the parser wasm files, rule docs and data assets next to the bundles that load them. */
function copyAssets() {
  fs.mkdirSync(dist, { recursive: true });
  const copies = [
    [path.join(path.dirname(webTreeSitterCjs), 'tree-sitter.wasm'), path.join(dist, 'tree-sitter.wasm')],
    [require.resolve('tree-sitter-python/tree-sitter-python.wasm'), path.join(dist, 'tree-sitter-python.wasm')],
  ];
  for (const [from, to] of copies) fs.copyFileSync(from, to);
  const docsDir = path.join(root, 'docs/rules');
  if (fs.existsSync(docsDir)) {
    fs.mkdirSync(path.join(dist, 'docs/rules'), { recursive: true });
    for (const f of fs.readdirSync(docsDir)) fs.copyFileSync(path.join(docsDir, f), path.join(dist, 'docs/rules', f));
  }
  // Build-time data extraction (e.g. the compact MNIST subset) lives in scripts/build-assets.js when present.
  const assetScript = path.join(root, 'scripts/build-assets.js');
  if (fs.existsSync(assetScript)) require(assetScript).buildAssets({ root, dist, production });
}

async function main() {
  copyAssets();
  const contexts = await Promise.all(entries().map((options) => esbuild.context(options)));
  if (watch) {
    await Promise.all(contexts.map((ctx) => ctx.watch()));
  } else {
    const results = await Promise.allSettled(contexts.map((ctx) => ctx.rebuild()));
    await Promise.all(contexts.map((ctx) => ctx.dispose()));
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length) process.exit(1);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
