// Mocha entry loaded by a real VS Code extension host (the `extensionTestsPath`). The same `run()`
// serves both launchers: test/runIntegration.js (offline VS Code server + headless Chromium, what
// CI uses) and @vscode/test-electron (desktop VS Code, when VSCODE_EXECUTABLE names one).
//
// Adding an integration test:
//   1. Create test/integration/<feature>.test.ts with mocha `describe`/`it` blocks (BDD, as the unit tests); it runs
//      inside VS Code with the extension under development loaded, so `import * as vscode` works.
//   2. Open documents from the fixture workspace (test/fixtures/workspace, see `fixtureUri`) or make
//      untitled ones; wait for results with `waitFor`/`waitForDiagnostics` from ./util (they poll,
//      never sleep a fixed time) and compare ranges exactly.
//   3. Run: `npm run test:integration` (all), or `npm run test:integration -- --grep DRP010`,
//      or `npm run test:integration -- out/test/integration/diagnostics.test.js`.
//   A file named *.restricted.test.ts runs in a separate session with workspace trust enabled and
//   the workspace untrusted (Restricted Mode); every other file runs with trust disabled.
//
// Environment (set by the launcher, read here):
//   DROPOUT_LAB_TEST_FILES   files to run, separated by the path delimiter (default: every *.test.js
//                            in this folder except the restricted ones)
//   DROPOUT_LAB_TEST_GREP    mocha grep pattern
//   DROPOUT_LAB_TEST_REPORT  where to write the JSON summary the launcher prints counts from
import * as fs from 'fs';
import * as path from 'path';
import { format } from 'util';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { BUDGET } from './util';

export interface TestReport {
  vscodeVersion: string;
  passed: number;
  failed: number;
  pending: number;
  failures: { title: string; error: string }[];
}

function defaultTestFiles(): string[] {
  return fs.readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js') && !f.endsWith('.restricted.test.js'))
    .sort()
    .map((f) => path.join(__dirname, f));
}

function selectedTestFiles(): string[] {
  const listed = process.env.DROPOUT_LAB_TEST_FILES;
  if (!listed) return defaultTestFiles();
  return listed.split(path.delimiter).filter(Boolean).map((f) => path.resolve(f));
}

/**
 * Extension-host console output reaches the launcher as browser console messages, interleaved
 * with the workbench's own logging; this tag marks the lines the launcher prints.
 */
export const OUTPUT_TAG = '[dropout-lab-tests] ';

/** Logs one line (util.format style) that the launcher shows in the test output. */
export function testLog(...args: unknown[]): void {
  console.log(OUTPUT_TAG + format(...args));
}

function writeReport(report: TestReport): void {
  const file = process.env.DROPOUT_LAB_TEST_REPORT;
  if (file) fs.writeFileSync(file, JSON.stringify(report, null, 2));
}

export async function run(): Promise<void> {
  // Format mocha's reporter lines here: the forwarded console does not apply printf-style arguments.
  Mocha.reporters.Base.consoleLog = testLog;
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: BUDGET.test });
  const grep = process.env.DROPOUT_LAB_TEST_GREP;
  if (grep) mocha.grep(grep);
  const files = selectedTestFiles();
  for (const file of files) {
    if (!fs.existsSync(file)) throw new Error(`integration test file not found: ${file} (compile with npm run compile-tests)`);
    mocha.addFile(file);
  }
  testLog(`VS Code ${vscode.version}, ${files.length} test file(s)`);

  const report: TestReport = { vscodeVersion: vscode.version, passed: 0, failed: 0, pending: 0, failures: [] };
  try {
    await mocha.loadFilesAsync();
  } catch (error) {
    report.failed = 1;
    report.failures.push({ title: 'loading test files', error: String((error as Error).stack ?? error) });
    writeReport(report);
    throw error;
  }
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', () => { report.passed++; });
    runner.on('pending', () => { report.pending++; });
    runner.on('fail', (test, error: Error) => {
      report.failed++;
      report.failures.push({ title: test.fullTitle(), error: String(error?.stack ?? error) });
    });
  });
  writeReport(report);
  testLog(`${report.passed} passing, ${report.failed} failing, ${report.pending} pending`);
  if (report.failed > 0) throw new Error(`${report.failed} integration test(s) failed`);
  // Zero tests is a broken file list, unless a --grep left nothing to run in this session.
  if (report.passed === 0 && !grep) throw new Error('no integration test ran (check the file list)');
}
