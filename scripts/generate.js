#!/usr/bin/env node
// Regenerates the files derived from the rule table (src/lint/ruleTable.ts): the rule registry,
// package.json's per-rule severity settings, the docs index and the README's rule count.
// `--check` writes nothing and exits 1 naming the stale files (a unit test checks the same).
const esbuild = require('esbuild');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const check = process.argv.includes('--check');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dropout-lab-generate-'));
const bundle = path.join(tmp, 'ruleArtifacts.js');
try {
  esbuild.buildSync({
    entryPoints: [path.join(root, 'src/lint/ruleArtifacts.ts')],
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, logLevel: 'error',
  });
  const { ruleArtifacts } = require(bundle);
  const artifacts = ruleArtifacts((rel) => fs.readFileSync(path.join(root, rel), 'utf8'));
  const stale = artifacts.filter((a) => fs.readFileSync(path.join(root, a.path), 'utf8') !== a.text);
  if (check) {
    for (const a of stale) console.error(`${a.path} is stale: run npm run generate`);
    process.exitCode = stale.length ? 1 : 0;
  } else {
    for (const a of stale) {
      fs.writeFileSync(path.join(root, a.path), a.text);
      console.log(`wrote ${a.path}`);
    }
    if (!stale.length) console.log('generated files are up to date');
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
