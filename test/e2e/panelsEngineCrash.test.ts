// A crashed engine worker in the real VS Code UI: the panel says what happened and offers Retry,
// and Retry runs the experiment on a fresh worker. The extension is pointed (through
// DROPOUT_LAB_ENGINE_WORKER) at a wrapper that kills its worker thread on the first request and
// loads the real dist/engineWorker.js on every later start.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Frame } from 'playwright-core';
import { BUDGET, REPO_ROOT, until, Workbench } from './workbench';

describe('Dropout Lab panels when the engine worker crashes', function () {
  this.timeout(4 * BUDGET.host);
  let workbench: Workbench | undefined;
  let dir: string;
  const previous = process.env.DROPOUT_LAB_ENGINE_WORKER;

  before(async () => {
    const realWorker = path.join(REPO_ROOT, 'dist', 'engineWorker.js');
    assert.ok(fs.existsSync(realWorker), 'dist/engineWorker.js is missing: run npm run build first');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dropout-lab-crash-'));
    const marker = path.join(dir, 'crashed-once');
    const wrapper = path.join(dir, 'crashOnceWorker.js');
    fs.writeFileSync(wrapper, [
      "const fs = require('fs');",
      "const { parentPort } = require('worker_threads');",
      `if (fs.existsSync(${JSON.stringify(marker)})) {`,
      `  require(${JSON.stringify(realWorker)});`,
      '} else {',
      `  parentPort.once('message', () => { fs.writeFileSync(${JSON.stringify(marker)}, ''); process.exit(7); });`,
      '}',
    ].join('\n'));
    // The server passes its environment on to the extension host.
    process.env.DROPOUT_LAB_ENGINE_WORKER = wrapper;
    workbench = await Workbench.open();
  });

  after(async () => {
    if (previous === undefined) delete process.env.DROPOUT_LAB_ENGINE_WORKER;
    else process.env.DROPOUT_LAB_ENGINE_WORKER = previous;
    await workbench?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows the crash with Retry, and Retry computes on a new worker', async () => {
    const wb = workbench!;
    // The development extension registers a little after the workbench appears.
    await until('the panel command', async () => {
      try {
        await wb.runCommand('Dropout Lab: Inverted vs Standard…');
        return true;
      } catch {
        await wb.page.keyboard.press('Escape');
        return false;
      }
    }, { timeout: BUDGET.host, interval: 0 });
    const frame: Frame = await until('the panel', async () => {
      for (const f of wb.page.frames()) {
        if ((await f.locator('body[data-view-type="dropoutLab.invertedVsStandard"] #app > *').count().catch(() => 0)) > 0) return f;
      }
      return undefined;
    }, { timeout: BUDGET.host });
    const error = frame.locator('#error');
    await until('the crash report', async () => (await error.isVisible()) && (await error.textContent())?.includes('exit code 7'));
    assert.match((await error.textContent()) ?? '', /The engine worker stopped unexpectedly \(exit code 7\)\./);
    assert.strictEqual(await frame.locator('#activations-table').count(), 0, 'no numbers from a dead worker');
    await frame.locator('#retry').click();
    await until('the numbers after Retry', async () => (await frame.locator('#sum-inverted-test').textContent()) === '8.4');
    assert.ok(!(await error.isVisible()), 'the error is cleared after a successful retry');
  });
});
