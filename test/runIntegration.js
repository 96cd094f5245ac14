#!/usr/bin/env node
// Runs the integration tests (test/integration/*.test.ts, compiled to out/) inside a real VS Code
// extension host and exits non-zero on any failure, crash or timeout.
//
// - Default (CI, this machine): the offline VS Code server from the code-server npm package, opened
//   in headless Chromium; the workbench loads the extension under development and the mocha entry
//   out/test/integration/index.js in its (remote, Node) extension host.
// - VSCODE_EXECUTABLE=/path/to/code: desktop VS Code through @vscode/test-electron, same entry.
//
// - Then the e2e suite (test/e2e/*.test.ts): mocha on Node, each test driving the workbench through
//   Playwright (test/e2e/workbench.ts), including the packaged .vsix check.
//
// Usage: node test/runIntegration.js [--grep PATTERN] [--no-build] [--no-e2e | --e2e-only]
//                                    [--verbose] [--timeout MS] [FILE...]
//   FILE: compiled test files (out/test/{integration,e2e}/x.test.js) or their sources (test/.../x.test.ts);
//   with FILEs, only those run. *.restricted.test.* integration files run in a second session with
//   workspace trust on (Restricted Mode). --timeout bounds each extension-host session (default 20 min).
// Prints the VS Code version, mocha's own output, and a last line `N passed, N failed`.
'use strict';
const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const REPO_ROOT = path.resolve(__dirname, '..');
const OUT_DIR = path.join(REPO_ROOT, 'out', 'test', 'integration');
const TESTS_ENTRY = path.join(OUT_DIR, 'index.js');
const E2E_DIR = path.join(REPO_ROOT, 'out', 'test', 'e2e');
const WORKSPACE = path.join(REPO_ROOT, 'test', 'fixtures', 'workspace');
// Lines the mocha entry (test/integration/index.ts, OUTPUT_TAG) marks for the test output.
const OUTPUT_TAG = '[dropout-lab-tests] ';

function parseArgs(argv) {
  const args = {
    grep: undefined,
    build: true,
    verbose: !!process.env.DROPOUT_LAB_VERBOSE,
    // Bounds for a hung run, sized for a shared CI host with every core busy (a quiet run takes ~4 min).
    timeout: Number(process.env.DROPOUT_LAB_TEST_TIMEOUT) || 20 * 60 * 1000,
    hardTimeout: 60 * 60 * 1000,
    suites: ['integration', 'e2e'],
    files: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--grep' || arg === '-g') args.grep = argv[++i];
    else if (arg === '--no-build') args.build = false;
    else if (arg === '--verbose') args.verbose = true;
    else if (arg === '--timeout') args.timeout = Number(argv[++i]);
    else if (arg === '--no-e2e') args.suites = ['integration'];
    else if (arg === '--e2e-only') args.suites = ['e2e'];
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else args.files.push(arg);
  }
  if (!Number.isFinite(args.timeout) || args.timeout <= 0) throw new Error('--timeout needs a positive number of milliseconds');
  args.hardTimeout = Math.max(args.hardTimeout, args.timeout * 2);
  return args;
}

/** Maps test/integration/x.test.ts or out/.../x.test.js to the compiled file the extension host loads. */
function compiledTestFile(file) {
  const absolute = path.resolve(file);
  const relative = path.relative(REPO_ROOT, absolute);
  if (relative.startsWith(`test${path.sep}`) && absolute.endsWith('.ts')) {
    return path.join(REPO_ROOT, 'out', relative.replace(/\.ts$/, '.js'));
  }
  return absolute;
}

/** Newest modification time of the TypeScript sources tsconfig.test.json compiles. */
function newestSourceTime() {
  let newest = 0;
  const visit = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const dir of ['src', 'test']) visit(path.join(REPO_ROOT, dir));
  for (const file of ['tsconfig.json', 'tsconfig.test.json']) newest = Math.max(newest, fs.statSync(path.join(REPO_ROOT, file)).mtimeMs);
  return newest;
}

/** tsc rewrites every output on each run, so an entry newer than every source means up to date. */
function testsAreCompiled() {
  return fs.existsSync(TESTS_ENTRY) && fs.statSync(TESTS_ENTRY).mtimeMs > newestSourceTime();
}

function build() {
  const steps = [['esbuild', [path.join(REPO_ROOT, 'esbuild.js')], true]];
  // `npm test` has just compiled the tests for the unit run; compile only when sources are newer.
  // tsc emits even when files outside the integration suite have type errors (the type gate is
  // `npm run typecheck`); only a missing entry point stops the run.
  if (!testsAreCompiled()) steps.push(['tsc', [require.resolve('typescript/bin/tsc'), '-p', path.join(REPO_ROOT, 'tsconfig.test.json')], false]);
  for (const [name, args, mustSucceed] of steps) {
    const result = childProcess.spawnSync(process.execPath, args, { cwd: REPO_ROOT, encoding: 'utf8' });
    if (result.status !== 0) {
      const text = `${result.stdout}${result.stderr}`.trim();
      if (mustSucceed) throw new Error(`${name} failed:\n${text}`);
      const errors = text.split('\n').filter((l) => /error TS/.test(l));
      console.log(`(${name}: ${errors.length} type error(s) in the tree; tests compiled anyway — run npm run typecheck for details)`);
      const ours = errors.filter((l) => l.startsWith('test/integration/'));
      if (ours.length) console.log(ours.join('\n'));
    }
  }
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing after the build');
}

/** The sessions to run: files with trust disabled, then Restricted Mode files (if any). */
function plannedSessions(args) {
  const files = args.files.length
    ? args.files.map(compiledTestFile).filter((f) => !f.startsWith(E2E_DIR + path.sep))
    : fs.readdirSync(OUT_DIR).filter((f) => f.endsWith('.test.js')).sort().map((f) => path.join(OUT_DIR, f));
  for (const file of files) {
    if (!fs.existsSync(file)) throw new Error(`test file not found: ${file}`);
  }
  const restricted = files.filter((f) => f.endsWith('.restricted.test.js'));
  const trusted = files.filter((f) => !restricted.includes(f));
  return [
    { name: 'trusted', files: trusted, disableWorkspaceTrust: true },
    { name: 'restricted mode', files: restricted, disableWorkspaceTrust: false },
  ].filter((s) => s.files.length > 0);
}

function readReport(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The test-output part of a page console message (the workbench prefixes a styled log level). */
function testOutputLine(text) {
  const at = text.indexOf(OUTPUT_TAG);
  return at < 0 ? undefined : text.slice(at + OUTPUT_TAG.length);
}

async function runInServer(session, args, reportFile) {
  const { startVSCodeServer, workbenchUrl } = require('./harness/vscodeServer');
  const { launchBrowser } = require('./harness/browser');
  const server = await startVSCodeServer({
    disableWorkspaceTrust: session.disableWorkspaceTrust,
    // The remote extension host inherits the server's environment: this is how index.ts gets its inputs.
    env: {
      DROPOUT_LAB_TEST_REPORT: reportFile,
      DROPOUT_LAB_TEST_FILES: session.files.join(path.delimiter),
      ...(args.grep ? { DROPOUT_LAB_TEST_GREP: args.grep } : {}),
    },
    onLine: args.verbose ? (line) => console.log(`[server] ${line}`) : undefined,
  });
  console.log(`Running ${session.files.length} integration test file(s) in VS Code ${server.version} (offline server ${server.url}, ${session.name})`);
  let browser;
  let timer;
  try {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const finished = new Promise((resolve, reject) => {
      // The workbench calls window.codeAutomationExit(code) when the extension tests end.
      page.exposeFunction('codeAutomationExit', (code) => resolve({ code: Number(code), via: 'workbench' })).catch(reject);
      server.onLine((line) => {
        const match = /Extension Host Process exited with code: (\d+|null)/.exec(line);
        if (match) resolve({ code: match[1] === 'null' ? 1 : Number(match[1]), via: 'server' });
      });
      server.exited.then((info) => reject(new Error(`the VS Code server exited unexpectedly (${info.signal ?? `code ${info.code}`})`)));
      page.on('crash', () => reject(new Error('the workbench page crashed')));
      timer = setTimeout(() => reject(new Error(`timed out after ${args.timeout} ms`)), args.timeout);
    });
    page.on('console', (message) => {
      const line = testOutputLine(message.text());
      if (line !== undefined) console.log(line);
      else if (message.type() === 'error' && /dropout[ -]lab/i.test(message.text())) console.log(`[extension error] ${message.text().replace(/^%c\s*ERR\s*color:\s*#\w+\s*/, '')}`);
      else if (args.verbose) console.log(`[page ${message.type()}] ${message.text()}`);
    });
    page.on('pageerror', (error) => args.verbose && console.log(`[page error] ${error.message}`));
    await page.goto(workbenchUrl(server, { folder: WORKSPACE, extensionDevelopmentPath: REPO_ROOT, extensionTestsPath: TESTS_ENTRY }));
    const result = await finished;
    return { exitCode: result.code, version: server.version, serverOutput: server.output };
  } catch (error) {
    error.serverOutput = server.output;
    throw error;
  } finally {
    clearTimeout(timer);
    if (browser) await browser.close().catch(() => undefined);
    await server.stop();
  }
}

async function runInElectron(session, args, reportFile) {
  const { runTests } = require('@vscode/test-electron');
  const executable = process.env.VSCODE_EXECUTABLE;
  console.log(`Running ${session.files.length} integration test file(s) in desktop VS Code (${executable}, ${session.name})`);
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'dropout-lab-electron-'));
  let timer;
  try {
    const exitCode = await Promise.race([
      runTests({
        vscodeExecutablePath: executable,
        extensionDevelopmentPath: REPO_ROOT,
        extensionTestsPath: TESTS_ENTRY,
        launchArgs: [WORKSPACE, '--disable-extensions', `--user-data-dir=${userData}`, ...(session.disableWorkspaceTrust ? ['--disable-workspace-trust'] : [])],
        extensionTestsEnv: {
          DROPOUT_LAB_TEST_REPORT: reportFile,
          DROPOUT_LAB_TEST_FILES: session.files.join(path.delimiter),
          ...(args.grep ? { DROPOUT_LAB_TEST_GREP: args.grep } : {}),
        },
      }).then(() => 0, () => 1),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${args.timeout} ms`)), args.timeout); }),
    ]);
    return { exitCode, version: undefined, serverOutput: [] };
  } finally {
    clearTimeout(timer);
    fs.rmSync(userData, { recursive: true, force: true });
  }
}

/** Runs the e2e suite (test/e2e/*.test.ts, mocha on Node driving the workbench) in this process. */
async function runE2E(files, args) {
  const Mocha = require('mocha');
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 180000, color: false });
  if (args.grep) mocha.grep(args.grep);
  for (const file of files) mocha.addFile(file);
  console.log(`\nRunning ${files.length} e2e test file(s) against the workbench in headless Chromium`);
  await mocha.loadFilesAsync();
  const counts = { passed: 0, failed: 0, pending: 0 };
  await new Promise((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', () => { counts.passed++; });
    runner.on('fail', () => { counts.failed++; });
    runner.on('pending', () => { counts.pending++; });
  });
  return counts;
}

/** Splits explicit FILE arguments between the extension-host suite and the e2e suite. */
function e2eFiles(args) {
  const explicit = args.files.map(compiledTestFile).filter((f) => f.startsWith(E2E_DIR + path.sep));
  if (args.files.length) return explicit;
  if (!fs.existsSync(E2E_DIR)) return [];
  return fs.readdirSync(E2E_DIR).filter((f) => f.endsWith('.test.js')).sort().map((f) => path.join(E2E_DIR, f));
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  // A last line of defence: whatever hangs, the run ends, and the exit hooks kill the servers.
  const watchdog = setTimeout(() => {
    console.error(`Integration run exceeded its hard limit of ${Math.round(args.hardTimeout / 1000)} s; aborting.`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }, args.hardTimeout);
  watchdog.unref();
  if (args.build) build();
  if (!fs.existsSync(TESTS_ENTRY)) throw new Error(`${TESTS_ENTRY} is missing; compile the tests with npm run compile-tests`);
  const runHost = args.suites.includes('integration');
  const runBrowser = args.suites.includes('e2e');
  const sessions = runHost ? plannedSessions(args) : [];
  const browserFiles = runBrowser ? e2eFiles(args) : [];
  if (!sessions.length && !browserFiles.length) throw new Error('no test files found');

  const totals = { passed: 0, failed: 0, pending: 0 };
  const versions = new Set();
  const started = Date.now();
  for (const session of sessions) {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dropout-lab-it-'));
    const reportFile = path.join(scratch, 'report.json');
    try {
      let outcome;
      try {
        outcome = process.env.VSCODE_EXECUTABLE ? await runInElectron(session, args, reportFile) : await runInServer(session, args, reportFile);
      } catch (error) {
        console.error(`Integration session "${session.name}" failed: ${error.message}`);
        if (error.serverOutput?.length) console.error(`Last server output:\n${error.serverOutput.slice(-40).join('\n')}`);
        outcome = { exitCode: 1, serverOutput: [], reason: error.message };
      }
      const report = readReport(reportFile);
      if (report) {
        versions.add(report.vscodeVersion);
        totals.passed += report.passed;
        totals.failed += report.failed;
        totals.pending += report.pending;
      }
      if (!report || (outcome.exitCode !== 0 && report.failed === 0)) {
        // The host died, never ran the suite, or exited non-zero without a failing test: count it.
        console.error(outcome.reason
          ? `The session ended early (${outcome.reason}) ${report ? 'after the tests reported' : 'without a test report'}.`
          : `The extension host ended with exit code ${outcome.exitCode} and ${report ? 'no failing test' : 'no test report'}.`);
        if (outcome.serverOutput.length && !args.verbose) console.error(`Last server output:\n${outcome.serverOutput.slice(-40).join('\n')}`);
        totals.failed += 1;
      } else if (outcome.version && report.vscodeVersion !== outcome.version) {
        console.error(`warning: the server says VS Code ${outcome.version} but the extension host reports ${report.vscodeVersion}`);
      }
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }
  if (sessions.length) {
    console.log(`\nVS Code ${[...versions].join(', ') || 'unknown (no test report)'}`);
    console.log(`Extension-host tests: ${totals.passed} passing, ${totals.failed} failing, ${totals.pending} pending`);
  }

  if (browserFiles.length) {
    const { readVSCodeVersion } = require('../scripts/install-vscode-server');
    let counts;
    try {
      counts = await runE2E(browserFiles, args);
    } catch (error) {
      console.error(`The e2e suite could not run: ${error.stack ?? error.message}`);
      counts = { passed: 0, failed: 1, pending: 0 };
    }
    console.log(`\nVS Code ${readVSCodeVersion() ?? 'unknown'} (e2e, offline server)`);
    console.log(`E2E tests: ${counts.passed} passing, ${counts.failed} failing, ${counts.pending} pending`);
    totals.passed += counts.passed;
    totals.failed += counts.failed;
    totals.pending += counts.pending;
  }

  console.log(`\nAll integration + e2e tests: ${totals.passed} passing, ${totals.failed} failing, ${totals.pending} pending (${Math.round((Date.now() - started) / 1000)} s)`);
  console.log(`${totals.passed} passed, ${totals.failed} failed`);
  return totals.failed === 0 && totals.passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`Integration run failed: ${error.message}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
