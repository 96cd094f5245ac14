// The Dropout Lab panels in the real VS Code UI (offline VS Code server + headless Chromium):
// each panel opens from the command palette, reacts to the user, shows engine numbers, survives
// a window reload, and is photographed in light and dark themes for the README.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Frame } from 'playwright-core';
import { BUDGET, FIXTURE_WORKSPACE, REPO_ROOT, until, Workbench } from './workbench';
import { runExperiment } from '../../src/engine/experiments';
import type { EpochMetrics, OverfittingResult } from '../../src/engine/protocol';
import { LOSS_CURVES_LIMITS } from '../../src/extension/panels/protocol/lossCurves';

// The README's screenshots are refreshed with UPDATE_SCREENSHOTS=1; ordinary runs still switch
// themes and photograph every panel, into test-results/ so the working tree stays clean.
const IMAGES = process.env.UPDATE_SCREENSHOTS === '1' ? path.join(REPO_ROOT, 'docs', 'images') : path.join(REPO_ROOT, 'test-results', 'screenshots');

/** The content frame of the webview whose body carries `data-view-type`. */
async function panelFrame(workbench: Workbench, viewType: string, timeout: number = BUDGET.host): Promise<Frame> {
  return until(`the ${viewType} webview`, async () => {
    for (const frame of workbench.page.frames()) {
      if (frame.isDetached()) continue;
      const found = await frame.locator(`body[data-view-type="${viewType}"] #app > *`).count().catch(() => 0);
      if (found > 0) return frame;
    }
    return undefined;
  }, { timeout });
}

/** The development extension registers a few seconds after the workbench shows; wait for its commands. */
async function waitForCommand(workbench: Workbench, label: string): Promise<void> {
  const page = workbench.page;
  const labels = page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name');
  await until(`"${label}" in the command palette`, async () => {
    // The palette does not refresh when commands register later: each attempt reopens it.
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${label}`);
    const shown = await until('the filtered command list', async () => (await labels.allTextContents()).some((l) => l.trim() === label), { timeout: 15000 }).catch(() => false);
    await page.keyboard.press('Escape');
    return shown;
  }, { timeout: BUDGET.host, interval: 0 });
}

async function setRange(frame: Frame, id: string, value: number): Promise<void> {
  // Keyboard first: Home puts the slider at its minimum, then arrow steps (proves keyboard operation).
  const slider = frame.locator(`#${id}`);
  await slider.focus();
  await slider.press('Home');
  const step = Number(await slider.getAttribute('step'));
  const steps = Math.round(value / step);
  for (let i = 0; i < steps; i++) await slider.press('ArrowRight');
  assert.strictEqual(Number(await slider.inputValue()).toFixed(2), value.toFixed(2));
}

async function maskSignature(frame: Frame): Promise<string> {
  return frame.locator('circle.unit').evaluateAll((els) => els.map((e) => e.getAttribute('data-kept')).join(''));
}

async function setTheme(workbench: Workbench, theme: 'Light Modern' | 'Dark Modern'): Promise<void> {
  // "Preferences: Color Theme" opens a second quick pick (the theme list), so drive both steps here.
  const page = workbench.page;
  const input = page.locator('.quick-input-widget input.input');
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  /** Clicks the row whose label is exactly `label` once the list shows it. */
  const pickRow = async (label: string) => {
    const index = await until(`"${label}" in the list`, async () => {
      const labels = await rows.evaluateAll((els) => els.map((e) => e.querySelector('.label-name')?.textContent?.trim() ?? ''));
      const at = labels.indexOf(label);
      return at >= 0 ? at + 1 : undefined;
    });
    await rows.nth(index - 1).click();
  };
  const wanted = theme.startsWith('Light') ? 'vs' : 'vs-dark';
  if ((await page.locator(`.monaco-workbench.${wanted}`).count()) > 0) return;
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  await input.waitFor({ state: 'visible' });
  await input.fill('>Preferences: Color Theme');
  await pickRow('Preferences: Color Theme');
  await until('the theme list', async () => !(await input.inputValue()).startsWith('>'));
  await input.fill(theme);
  await pickRow(theme);
  await until(`the ${theme} theme`, async () => (await page.locator(`.monaco-workbench.${wanted}`).count()) > 0);
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Screenshots of the workbench in the light and the dark theme: <IMAGES>/panel-<name>-{light,dark}.png. */
async function shootBothThemes(workbench: Workbench, name: string): Promise<void> {
  fs.mkdirSync(IMAGES, { recursive: true });
  for (const theme of ['Light Modern', 'Dark Modern'] as const) {
    await setTheme(workbench, theme);
    // The panels re-read theme colours on the body class change; wait until the webview has it.
    const wanted = theme.startsWith('Light') ? 'vscode-light' : 'vscode-dark';
    await until(`the webview in ${theme}`, async () => {
      for (const frame of workbench.page.frames()) {
        if ((await frame.locator(`body.${wanted}[data-view-type]`).count().catch(() => 0)) > 0) return true;
      }
      return false;
    });
    // Park the mouse on the status bar so no hover or tooltip covers the panel.
    await workbench.page.mouse.move(700, (workbench.page.viewportSize()?.height ?? 900) - 5);
    await until('hovers to close', async () => (await workbench.page.locator('.workbench-hover, .monaco-hover:not(.hidden)').count()) === 0, { timeout: 10000 }).catch(() => undefined);
    // Charts drawn on canvas cannot use CSS variables: they must have re-read the new theme's colours.
    for (const frame of workbench.page.frames()) {
      const charts = frame.locator(`body.${wanted} canvas[data-theme-foreground]`);
      if ((await charts.count().catch(() => 0)) === 0) continue;
      const live = await frame.evaluate(() => getComputedStyle(document.body).getPropertyValue('--vscode-foreground').trim());
      await until(`charts redrawn in ${theme}`, async () => {
        const drawn = await charts.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.themeForeground));
        return drawn.every((c) => c === live);
      });
    }
    await workbench.page.screenshot({ path: path.join(IMAGES, `panel-${name}-${theme.startsWith('Light') ? 'light' : 'dark'}.png`) });
  }
}

/** Waits until the Loss Curves run is done with `lengths` epochs per series; a timeout says where it stood. */
async function runToFinish(frame: Frame, what: string, lengths: string): Promise<void> {
  let seen = '';
  await until(what, async () => {
    const status = await frame.locator('body').getAttribute('data-run-status');
    const now = await frame.locator('#loss-chart-box').getAttribute('data-series-lengths');
    seen = `status ${status}, series lengths ${now}`;
    return status === 'done' && now === lengths;
  }, { timeout: BUDGET.training }).catch((error: Error) => {
    throw new Error(`${error.message}; at the deadline: ${seen}`);
  });
}

/** Types the target path into VS Code's save dialog (the simple file dialog in the browser) and accepts. */
async function answerSaveDialog(workbench: Workbench, target: string): Promise<void> {
  const input = workbench.page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  // The dialog fills in its default path asynchronously; type ours until it stays put.
  let stableReads = 0;
  await until('the save dialog to hold the target path', async () => {
    if ((await input.inputValue()) !== target) {
      stableReads = 0;
      await input.fill(target);
      return false;
    }
    return ++stableReads >= 3;
  });
  await workbench.page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
}

describe('Dropout Lab panels in VS Code', function () {
  // Per test: the Loss Curves test alone holds three training waits.
  this.timeout(4 * BUDGET.training);
  let workbench: Workbench;
  let folder: string;

  before(async () => {
    for (const bundle of ['webview/networkPanel.js', 'webview/lossCurvesPanel.js', 'engineWorker.js']) {
      assert.ok(fs.existsSync(path.join(REPO_ROOT, 'dist', bundle)), `dist/${bundle} is missing: run npm run build first`);
    }
    // A scratch copy of the fixture workspace: exports are written into it.
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'dropout-lab-panels-'));
    fs.cpSync(FIXTURE_WORKSPACE, folder, { recursive: true });
    workbench = await Workbench.open({ folder, viewport: { width: 1400, height: 900 } });
    await waitForCommand(workbench, 'Dropout Lab: Network…');
  });

  after(async () => {
    await workbench?.close();
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
  });

  it('Network: the rate changes the active-unit count and Resample draws a new engine mask', async () => {
    await workbench.runCommand('Dropout Lab: Network…');
    const frame = await panelFrame(workbench, 'dropoutLab.network');
    const active = frame.locator('#active-units');
    await until('the first mask', async () => (await active.getAttribute('data-active')) !== null);
    // The page VS Code actually serves carries our policy, and our one script runs under its nonce.
    const csp = (await frame.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')) ?? '';
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, /script-src 'nonce-[A-Za-z0-9+/=]{16,}'$/);
    assert.ok(!/unsafe-(eval|inline)/.test(csp), csp);
    // (VS Code adds its own bootstrap script to every webview document; ours is the bundle.)
    const ours = await frame.locator('script[src*="dist/webview/"]').evaluateAll((els) => els.map((e) => ({ src: (e as HTMLScriptElement).src, nonce: Boolean((e as HTMLScriptElement).nonce) })));
    assert.strictEqual(ours.length, 1, JSON.stringify(ours));
    assert.ok(ours[0].nonce && ours[0].src.endsWith('/dist/webview/networkPanel.js'), JSON.stringify(ours));

    await setRange(frame, 'rate-all', 0);
    await until('all 18 units active at p = 0', async () => (await active.getAttribute('data-active')) === '18');
    assert.strictEqual(await frame.locator('circle.unit.dropped').count(), 0);
    assert.match((await frame.locator('#subnetworks').textContent()) ?? '', /^2\^0 = 1$/);

    await frame.locator('#preset-0-5').click();
    await until('the count to drop below 18 at p = 0.5', async () => Number(await active.getAttribute('data-active')) < 18);
    assert.match((await frame.locator('#subnetworks').textContent()) ?? '', /^2\^12 = 4,096$/);
    // Input (4) and output (2) units are never dropped.
    for (const layer of [0, 3]) {
      const kept = await frame.locator(`circle.unit[data-unit^="${layer}:"]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-kept')));
      assert.ok(kept.length > 0 && kept.every((k) => k === '1'), `layer ${layer} must never be dropped`);
    }

    const before = await maskSignature(frame);
    const seen = new Set([before]);
    for (let i = 0; i < 3; i++) {
      await frame.locator('#resample').click();
      seen.add(await until('a resampled mask', async () => {
        const now = await maskSignature(frame);
        return now !== [...seen].at(-1) ? now : undefined;
      }));
    }
    assert.ok(seen.size >= 3, `Resample should show new masks, saw ${seen.size}`);

    await frame.locator('label[for="mode-dropconnect"]').click();
    await until('DropConnect keeps every unit', async () => (await active.getAttribute('data-active')) === '18');
    assert.ok((await frame.locator('line.link.dropped').count()) > 0, 'DropConnect drops connections');
    await frame.locator('label[for="mode-neuron"]').click();

    await frame.locator('#view-team').click();
    const team = frame.locator('#team-count');
    await until('the team rotation view', async () => (await team.isVisible()) && (await team.getAttribute('data-playing')) !== null);
    assert.strictEqual(await frame.locator('#team-rate').inputValue(), '0.3');
    assert.strictEqual(await frame.locator('li.player').count(), 11);
    await frame.locator('#view-network').click();
    await shootBothThemes(workbench, 'network');
  });

  it('Network from the "Visualize dropout" code lens: the user\'s model, large layers summarised', async () => {
    await workbench.openFile('clean_model.py');
    const lens = workbench.page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Visualize dropout' });
    await lens.first().waitFor({ timeout: BUDGET.host });
    await lens.first().click();
    const frame = await panelFrame(workbench, 'dropoutLab.network');
    const active = frame.locator('#active-units');
    // Classifier: Linear(784, 128) → Dropout(0.2) → Linear(128, 10): 784 + 128 + 10 units.
    await until('the user model', async () => (await active.getAttribute('data-total')) === '922');
    assert.match((await frame.locator('h1').textContent()) ?? '', /Classifier/);
    assert.strictEqual(await frame.locator('circle.unit[data-unit^="0:"]').count(), 10, 'the 784 inputs are drawn as 10 units and a gap');
    assert.match((await frame.locator('.gap-label').first().textContent()) ?? '', /774 more/);
    assert.strictEqual(await frame.locator('#rate-layer-1').inputValue(), '0.2', 'the rate from the code');
    assert.match((await frame.locator('#subnetworks').textContent()) ?? '', /^2\^128 ≈ 3\.4\d* × 10\^38$/);
  });

  it('Inverted vs Standard: the sums match Σx and the mask changes on resample', async () => {
    await workbench.runCommand('Dropout Lab: Inverted vs Standard…');
    const frame = await panelFrame(workbench, 'dropoutLab.invertedVsStandard');
    const table = frame.locator('#activations-table');
    await until('the engine numbers', async () => (await table.count()) > 0);
    // Default activations 0.8 1.2 0.3 2.0 1.5 0.6 1.1 0.9: Σx = 8.4, q·Σx = 4.2 at p = 0.5.
    assert.strictEqual(await frame.locator('#sum-inverted-test').textContent(), '8.4');
    assert.strictEqual(await frame.locator('#sum-standard-test').textContent(), '4.2');
    const signature = () => frame.locator('#activations-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kept')).join(''));
    const first = await signature();
    await frame.locator('#resample').click();
    await until('a new mask after Resample', async () => (await signature()) !== first);
    await setRange(frame, 'p', 0.2);
    await until('the standard test sum at p = 0.2 (0.8 · 8.4)', async () => (await frame.locator('#sum-standard-test').textContent()) === '6.72');
    await shootBothThemes(workbench, 'inverted-vs-standard');
  });

  it('Loss Curves: four series grow epoch by epoch, CSV equals the engine, Stop stops', async () => {
    await workbench.runCommand('Dropout Lab: Loss Curves…');
    const frame = await panelFrame(workbench, 'dropoutLab.lossCurves');
    // Small enough for a loaded CI host (under a second of engine time on a quiet machine), big enough
    // that the network without dropout visibly overfits (its test-train gap ends near 0.36 here).
    const controls = { p: 0.5, epochs: 20, hiddenSizes: [32], trainSize: 300, seed: 7 };
    await frame.locator('#epochs').fill(String(controls.epochs));
    await frame.locator('#epochs').press('Tab');
    await frame.locator('#hidden-sizes').fill(controls.hiddenSizes.join(', '));
    await frame.locator('#hidden-sizes').press('Tab');
    await frame.locator('#train-size').fill(String(controls.trainSize));
    await frame.locator('#train-size').press('Tab');
    await frame.locator('#seed').fill(String(controls.seed));
    await frame.locator('#seed').press('Tab');
    // Record every chart update inside the webview (polling from here could miss some on a busy machine).
    await frame.evaluate(() => {
      const chartBox = document.getElementById('loss-chart-box')!;
      const seen: string[] = [];
      (window as unknown as Record<string, unknown>).dropoutLabSeriesLengths = seen;
      new MutationObserver(() => {
        const lengths = chartBox.dataset.seriesLengths;
        if (lengths && seen.at(-1) !== lengths) seen.push(lengths);
      }).observe(chartBox, { attributes: true, attributeFilter: ['data-series-lengths'] });
    });
    await frame.locator('#run').click();

    const box = frame.locator('#loss-chart-box');
    await runToFinish(frame, 'both runs to finish', '20,20,20,20');
    const observed = await frame.evaluate(() => (window as unknown as Record<string, string[]>).dropoutLabSeriesLengths);
    // Streaming: the chart showed intermediate epoch counts before the final one (never all at once).
    const totals = observed.map((l) => l.split(',').map(Number).reduce((a, b) => a + b, 0));
    assert.ok(totals.length >= 3, `expected the series to grow over several updates, saw ${observed.join(' | ')}`);
    for (let i = 1; i < totals.length; i++) assert.ok(totals[i] > totals[i - 1], `series only grow: ${observed.join(' | ')}`);
    assert.strictEqual(await frame.locator('#data-table tbody tr').count(), controls.epochs);

    // Export CSV through the save dialog, then compare with the engine run in this process.
    const csvPath = path.join(folder, 'curves.csv');
    await frame.locator('#export-csv').click();
    await answerSaveDialog(workbench, csvPath);
    await until('the CSV file', async () => fs.existsSync(csvPath) && fs.statSync(csvPath).size > 0);
    const result = (await runExperiment({
      experiment: 'overfitting', seed: controls.seed, epochs: controls.epochs, dropout: controls.p,
      hiddenSizes: controls.hiddenSizes, trainSize: controls.trainSize, testSize: LOSS_CURVES_LIMITS.testSize,
    })) as OverfittingResult;
    const rows = fs.readFileSync(csvPath, 'utf8').trim().split('\n').map((line) => line.split(','));
    assert.strictEqual(rows[0][0], 'epoch');
    const curve = (run: 'baseline' | 'dropout'): EpochMetrics[] => result.runs.find((r) => r.run === run)!.epochs;
    for (let e = 0; e < controls.epochs; e++) {
      const row = rows[e + 1].map(Number);
      const b = curve('baseline')[e];
      const d = curve('dropout')[e];
      assert.deepStrictEqual(row.slice(0, 5), [e + 1, b.trainLoss, b.testLoss, d.trainLoss, d.testLoss], `epoch ${e + 1}`);
      assert.strictEqual(row[5], b.testLoss - b.trainLoss);
      assert.strictEqual(row[6], d.testLoss - d.trainLoss);
    }
    const pngPath = path.join(folder, 'curves.png');
    await frame.locator('#export-png').click();
    await answerSaveDialog(workbench, pngPath);
    await until('the PNG file', async () => fs.existsSync(pngPath) && fs.statSync(pngPath).size > 1000);
    assert.deepStrictEqual([...fs.readFileSync(pngPath).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
    await shootBothThemes(workbench, 'loss-curves');

    // A long run (500 epochs of a wider network: minutes even on a quiet machine) stops on Stop and keeps what it has.
    await frame.locator('#epochs').fill(String(LOSS_CURVES_LIMITS.maxEpochs));
    await frame.locator('#epochs').press('Tab');
    await frame.locator('#hidden-sizes').fill('256, 256');
    await frame.locator('#hidden-sizes').press('Tab');
    await frame.locator('#run').click();
    await until('the first epochs of the long run', async () => {
      const [baseline] = ((await box.getAttribute('data-series-lengths')) ?? '0').split(',').map(Number);
      return (await frame.locator('body').getAttribute('data-run-status')) === 'running' && baseline >= 1;
    }, { timeout: BUDGET.training });
    await frame.locator('#stop').click();
    await until('the run to stop', async () => (await frame.locator('body').getAttribute('data-run-status')) === 'stopped', { timeout: BUDGET.host });
    const stoppedAt = (await box.getAttribute('data-series-lengths')) ?? '';
    const [baselineEpochs, , dropoutEpochs] = stoppedAt.split(',').map(Number);
    assert.ok(baselineEpochs >= 1 && baselineEpochs < LOSS_CURVES_LIMITS.maxEpochs && dropoutEpochs === 0, `stopped early: ${stoppedAt}`);
    // The panel stays responsive and the stopped run stays stopped.
    assert.strictEqual(await box.getAttribute('data-series-lengths'), stoppedAt);

    // Run the short configuration again for the reload test below.
    await frame.locator('#epochs').fill(String(controls.epochs));
    await frame.locator('#epochs').press('Tab');
    await frame.locator('#hidden-sizes').fill(controls.hiddenSizes.join(', '));
    await frame.locator('#hidden-sizes').press('Tab');
    await frame.locator('#run').click();
    await runToFinish(frame, 'the short run again', '20,20,20,20');
  });

  it('Variants: six variants of the same maps from one seed, with the guide table', async () => {
    await workbench.runCommand('Dropout Lab: Variants…');
    const frame = await panelFrame(workbench, 'dropoutLab.variants');
    await until('six variant figures', async () => (await frame.locator('#variants-grid figure.variant').count()) === 6);
    const names = await frame.locator('#variants-grid figure.variant').evaluateAll((els) => els.map((e) => e.getAttribute('data-variant')));
    assert.deepStrictEqual(names, ['standard', 'spatial', 'dropblock', 'alpha', 'gaussian', 'dropconnect']);
    assert.strictEqual(await frame.locator('#variants-guide tbody tr').count(), 6);
    const signature = () => frame.locator('figure.variant[data-variant="standard"]').getAttribute('data-mask-signature');
    const before = await signature();
    assert.ok(before);
    await frame.locator('#resample').click();
    await until('a new standard mask after Resample', async () => (await signature()) !== before);
    await shootBothThemes(workbench, 'variants');
  });

  it('Ensembles: Monte Carlo averages for growing k next to the weight-scaled network', async () => {
    await workbench.runCommand('Dropout Lab: Ensembles…');
    const frame = await panelFrame(workbench, 'dropoutLab.ensembles');
    // About 10 s of training: enough for the Monte Carlo average to meet weight scaling around k = 20.
    await frame.locator('#epochs').fill('8');
    await frame.locator('#epochs').press('Tab');
    await frame.locator('#hidden-sizes').fill('128, 64');
    await frame.locator('#hidden-sizes').press('Tab');
    await frame.locator('#train-size').fill('1000');
    await frame.locator('#train-size').press('Tab');
    await frame.locator('#run').click();
    await until('the Monte Carlo table', async () => (await frame.locator('#mc-table tbody tr').count()) === 7, { timeout: BUDGET.training });
    const ks = await frame.locator('#mc-table tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-k'))));
    assert.deepStrictEqual(ks, [1, 2, 5, 10, 20, 50, 100]);
    // 128 + 64 droppable units: 2^192 ≈ 6.3 × 10^57.
    assert.match((await frame.locator('#ensemble-count').textContent()) ?? '', /^2\^192 ≈ 10\^57$/);
    // With k = 100 the average and the weight-scaled network are nearly the same predictor.
    const agreement = Number(/^([0-9.]+) %$/.exec((await frame.locator('#mc-agreement').textContent()) ?? '')?.[1]);
    assert.ok(agreement >= 90 && agreement <= 100, `agreement at k = 100: ${agreement} %`);
    await shootBothThemes(workbench, 'ensembles');
  });

  it('Variance Shift and Dropout as L2 show the engine numbers next to the closed forms', async () => {
    await workbench.runCommand('Dropout Lab: Variance Shift…');
    const shift = await panelFrame(workbench, 'dropoutLab.varianceShift');
    await until('the variance table', async () => (await shift.locator('#variance-table').count()) > 0, { timeout: BUDGET.host });
    // c = 0, v = 1, p = 0.5: Var_train = (1/q)(c² + v) − c² = 2, ratio = q = 0.5.
    assert.strictEqual(await shift.locator('#train-variance td').first().textContent(), '2');
    assert.strictEqual(await shift.locator('#ratio td').first().textContent(), '0.5');
    await workbench.runCommand('Dropout Lab: Dropout as L2…');
    const l2 = await panelFrame(workbench, 'dropoutLab.l2Equivalence');
    await until('the L2 table', async () => (await l2.locator('#l2-table tbody tr').count()) === 5, { timeout: BUDGET.training });
  });

  it('reloading the window restores the open panels with their state', async () => {
    const page = workbench.page;
    // A flag on the old document tells the reloaded page apart from the one being torn down.
    await page.evaluate(() => { (window as unknown as Record<string, unknown>).dropoutLabBeforeReload = true; });
    await workbench.runCommand('Developer: Reload Window');
    await until('the window to reload', async () => {
      const old = await page.evaluate(() => (window as unknown as Record<string, unknown>).dropoutLabBeforeReload === true).catch(() => true);
      return !old;
    }, { timeout: BUDGET.host });
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: BUDGET.host });
    const tabs = page.locator('.tabs-container .tab');
    const labels = await until('the panel tabs after reload', async () => {
      const now = await tabs.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''));
      return now.filter((l) => l.includes('Dropout Lab: ')).length >= 7 ? now : undefined;
    }, { timeout: BUDGET.host });
    const dialog = workbench.page.locator('.monaco-dialog-box');
    if (await dialog.isVisible().catch(() => false)) {
      await workbench.screenshot('panels-reload-dialog');
      assert.fail(`a dialog appeared after reload: ${await dialog.textContent()}`);
    }
    for (const title of ['Network', 'Inverted vs Standard', 'Loss Curves', 'Variants', 'Ensembles', 'Variance Shift', 'Dropout as L2']) {
      assert.ok(labels.some((l) => l.includes(`Dropout Lab: ${title}`)), `tab "${title}" restored (tabs: ${labels.join(', ')})`);
    }
    // Each restored panel shows its content again once its tab is shown.
    await workbench.page.locator('.tabs-container .tab', { hasText: 'Dropout Lab: Loss Curves' }).click();
    const curves = await panelFrame(workbench, 'dropoutLab.lossCurves');
    await until('the restored curves', async () => (await curves.locator('#loss-chart-box').getAttribute('data-series-lengths')) === '20,20,20,20');
    await workbench.page.locator('.tabs-container .tab', { hasText: 'Dropout Lab: Network' }).click();
    const network = await panelFrame(workbench, 'dropoutLab.network');
    // The network panel comes back with the user's model from the code lens, not the example.
    await until('the restored network', async () => (await network.locator('#active-units').getAttribute('data-total')) === '922');
    assert.strictEqual(await network.locator('#rate-layer-1').inputValue(), '0.2');
  });
});
