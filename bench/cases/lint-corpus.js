// Lint throughput over a corpus of Python files, one thread. --tool=ours | ruff | parse.
// Files are read into memory first; the best of --passes passes counts.
const fs = require('fs');
const path = require('path');
const { main, now } = require('./common');

function countLines(text) {
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  return text.length && !text.endsWith('\n') ? lines + 1 : lines;
}

async function makeTool(tool, bundle) {
  if (tool === 'ruff') {
    const ruff = require('@astral-sh/ruff-wasm-nodejs');
    const workspace = new ruff.Workspace(ruff.Workspace.defaultSettings(), ruff.PositionEncoding.Utf16);
    return { run: (text) => workspace.check(text).length, version: ruff.Workspace.version() };
  }
  const lint = require(bundle);
  await lint.loadPython(path.join(__dirname, '..', '..', 'dist'));
  if (tool === 'parse') {
    const parser = lint.createPythonParser();
    return { run: (text) => { const tree = parser.parse(text); tree.delete(); return 0; } };
  }
  // How the snapshot reads trees in this run: `memory`, or `cursor` when the probe did not match (much slower).
  return { run: (text) => lint.lintSource(text).length, treeWalk: lint.usesMemoryWalk() ? 'memory' : 'cursor' };
}

main(async (a) => {
  const files = JSON.parse(fs.readFileSync(a.files, 'utf8'));
  const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
  const lines = texts.reduce((s, t) => s + countLines(t), 0);
  const bytes = texts.reduce((s, t) => s + Buffer.byteLength(t), 0);
  const tool = await makeTool(a.tool, a.bundle);
  // Warm-up on a slice of the corpus.
  for (let i = 0; i < Math.min(60, texts.length); i++) { try { tool.run(texts[i]); } catch { /* counted below */ } }
  const times = [];
  let findings = 0;
  let errors = 0;
  let firstError = '';
  for (let pass = 0; pass < Number(a.passes); pass++) {
    findings = 0;
    errors = 0;
    const t0 = now();
    for (const text of texts) {
      try {
        findings += tool.run(text);
      } catch (error) {
        errors++;
        firstError ||= String(error && error.message || error).slice(0, 200);
      }
    }
    times.push(now() - t0);
    // A slow tool on a busy machine: one full pass is the measurement, do not repeat it.
    if (times[times.length - 1] > Number(a.maxPassMs || 90_000)) break;
  }
  const best = Math.min(...times);
  return { linesPerSec: lines / (best / 1000), files: texts.length, lines, bytes, passMs: times, findings, errors, firstError, version: tool.version, treeWalk: tool.treeWalk };
});
