#!/usr/bin/env node
// A longer fuzz run of the linter than the unit suite's (test/unit/lint/robustness.test.ts), over
// the same generators: mutated model code, random bytes as .py and .ipynb, deep nesting, broken
// notebooks, and --fix on mutants. Any exception or crashed rule is a failure; each failing input
// is saved so it can be replayed.
//
//   npx tsc -p tsconfig.test.json            # the fuzzer runs the compiled sources in out/
//   node scripts/fuzz.js [--iterations 5000] [--seed 1] [--out DIR]
//
// Exit code 0 when nothing failed, 1 otherwise.
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
function load(relative) {
  const file = path.join(root, 'out', relative);
  if (!fs.existsSync(file)) {
    console.error(`fuzz: ${path.relative(root, file)} is missing; run "npx tsc -p tsconfig.test.json" first`);
    process.exit(2);
  }
  return require(file);
}

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

async function main() {
  const lint = load('src/lint/index.js');
  const { lintFileContents } = load('src/lint/lintFile.js');
  const gen = load('test/unit/lint/hostileInputs.js');
  const iterations = Number(option('iterations', 5000));
  const seed = Number(option('seed', 1));
  const outDir = option('out', fs.mkdtempSync(path.join(os.tmpdir(), 'dropout-lab-fuzz-')));
  if (!(iterations > 0) || !Number.isFinite(seed)) {
    console.error('usage: node scripts/fuzz.js [--iterations N] [--seed S] [--out DIR]');
    process.exit(2);
  }
  await lint.loadPython();
  const random = gen.createRandom(seed);
  const incremental = new lint.IncrementalLinter({ capacity: 2 });
  const failures = [];
  const record = (kind, index, input, problem) => {
    const file = path.join(outDir, `${kind}-${index}${kind.includes('notebook') ? '.ipynb' : '.py'}`);
    fs.writeFileSync(file, input);
    failures.push(`${kind} #${index}: ${problem} (input saved to ${file})`);
  };
  const check = (kind, index, input, run) => {
    try {
      const result = run();
      const crashed = result.failures ?? [];
      if (crashed.length) record(kind, index, input, crashed.map((f) => `${f.rule}: ${f.message}`).join('; '));
    } catch (error) {
      record(kind, index, input, `threw ${error && error.stack ? error.stack : error}`);
    }
  };

  const started = Date.now();
  for (let i = 0; i < iterations; i++) {
    const choice = random();
    if (choice < 0.6) {
      const source = gen.mutateSource(random);
      check('mutant', i, source, () => lint.lintText(source));
      check('incremental', i, source, () => incremental.update('doc', source));
      if (random() < 0.1) check('fix', i, source, () => lint.fixSource(source));
    } else if (choice < 0.85) {
      const bytes = gen.randomBytes(random, Math.floor(random() * 16384));
      check('bytes', i, bytes, () => lintFileContents('fuzz.py', bytes));
      check('bytes-notebook', i, bytes, () => lintFileContents('fuzz.ipynb', bytes));
    } else if (choice < 0.95) {
      const notebooks = gen.brokenNotebooks(random);
      const json = notebooks[Math.floor(random() * notebooks.length)];
      check('notebook', i, json, () => lintFileContents('fuzz.ipynb', Buffer.from(json)));
    } else {
      const cases = gen.pathologicalSources(1 + Math.floor(random() * 30000));
      const [name, source] = cases[Math.floor(random() * cases.length)];
      check(`deep-${name.replace(/\s+/g, '-')}`, i, source, () => lint.lintText(source, { maxFileBytes: 16 * 1024 * 1024 }));
    }
    if ((i + 1) % 500 === 0) console.log(`fuzz: ${i + 1}/${iterations} inputs, ${failures.length} failures, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  incremental.dispose();
  for (const line of failures.slice(0, 50)) console.log(line);
  console.log(`fuzz: ${iterations} inputs from seed ${seed}: ${failures.length} failure${failures.length === 1 ? '' : 's'}${failures.length ? ` (inputs in ${outDir})` : ''}`);
  process.exitCode = failures.length ? 1 : 0;
}

main().catch((error) => {
  console.error(`fuzz: ${error && error.message ? error.message : error}`);
  process.exitCode = 2;
});
