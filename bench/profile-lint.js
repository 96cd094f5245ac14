#!/usr/bin/env node
// Where lint time goes: `node bench/profile-lint.js [--every=N]` parses and lints the torch +
// torchvision corpus (every Nth file, default 4) and splits the time into parse, each rule's
// check() (a shared analysis such as the model graph or the mode flow is charged to the first rule
// that asks for it), and the rest (import table, constants, noqa, sorting).
const fs = require('fs');
const path = require('path');
const root = path.join(__dirname, '..');
const esbuild = require(require.resolve('esbuild', { paths: [root] }));

const every = Number((process.argv.find((a) => a.startsWith('--every=')) || '--every=4').slice(8));
const outfile = path.join(__dirname, '.build', 'lintProfile.js');
esbuild.buildSync({
  entryPoints: [path.join(__dirname, 'entries', 'lintProfile.ts')], bundle: true, format: 'cjs', platform: 'node', target: 'node20',
  minify: true, logLevel: 'silent', alias: { 'web-tree-sitter': require.resolve('web-tree-sitter', { paths: [root] }) }, outfile,
});
const lint = require(outfile);

function pythonFiles(dir, out) {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) pythonFiles(p, out);
    else if (e.name.endsWith('.py')) out.push(p);
  }
  return out;
}

(async () => {
  await lint.loadPython(path.join(root, 'dist'));
  const files = [];
  for (const d of ['/usr/lib/python3/dist-packages/torch', '/usr/lib/python3/dist-packages/torchvision']) pythonFiles(d, files);
  files.sort();
  const texts = files.filter((_, i) => i % every === 0).map((f) => fs.readFileSync(f, 'utf8'));
  const lines = texts.reduce((s, t) => s + t.split('\n').length - (t.endsWith('\n') ? 1 : 0), 0);
  const ruleMs = new Map();
  for (const rule of lint.ALL_RULES) {
    const original = rule.check;
    ruleMs.set(rule.id, 0);
    rule.check = function timedCheck(context) {
      const t0 = performance.now();
      try { return original.call(this, context); } finally { ruleMs.set(rule.id, ruleMs.get(rule.id) + performance.now() - t0); }
    };
  }
  const parser = lint.createPythonParser();
  for (const t of texts.slice(0, 20)) { lint.lintSource(t); parser.parse(t).delete(); } // warm-up
  for (const id of ruleMs.keys()) ruleMs.set(id, 0);
  let parseMs = 0;
  for (const t of texts) { const t0 = performance.now(); parser.parse(t).delete(); parseMs += performance.now() - t0; }
  let totalMs = 0;
  for (const t of texts) { const t0 = performance.now(); try { lint.lintSource(t); } catch { /* counted as time */ } totalMs += performance.now() - t0; }
  const rulesMs = [...ruleMs.values()].reduce((s, v) => s + v, 0);
  const row = (name, ms) => console.log(`${name.padEnd(28)} ${ms.toFixed(0).padStart(8)} ms ${(100 * ms / totalMs).toFixed(1).padStart(6)}%  ${(1000 * ms / lines).toFixed(2).padStart(7)} µs/line`);
  console.log(`${texts.length} files, ${lines} lines; lintSource total ${(lines / totalMs).toFixed(1)}k lines/s`);
  row('parse (tree-sitter)', parseMs);
  row('imports/constants/noqa/sort', Math.max(0, totalMs - parseMs - rulesMs));
  for (const [id, ms] of [...ruleMs.entries()].sort((a, b) => b[1] - a[1])) row(id, ms);
  row('total', totalMs);
})();
