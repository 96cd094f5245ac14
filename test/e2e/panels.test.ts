// The Dropout Lab panels in the real VS Code UI (offline VS Code server + headless Chromium):
// each panel opens from the command palette, reacts to the user, shows engine numbers, survives
// a window reload, and is photographed in light and dark themes for the README.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Frame } from 'playwright-core';
import { FIXTURE_WORKSPACE, REPO_ROOT, Workbench } from './workbench';

const IMAGES = path.join(REPO_ROOT, 'docs', 'images');

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeout = 30000): Promise<T> {
  const deadline = Date.now() + timeout;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** The content frame of the webview whose body carries `data-view-type`. */
async function panelFrame(workbench: Workbench, viewType: string, timeout = 60000): Promise<Frame> {
  return until(`the ${viewType} webview`, async () => {
    for (const frame of workbench.page.frames()) {
      if (frame.isDetached()) continue;
      const found = await frame.locator(`body[data-view-type="${viewType}"] #app > *`).count().catch(() => 0);
      if (found > 0) return frame;
    }
    return undefined;
  }, timeout);
}

/** The development extension registers a few seconds after the workbench shows; wait for its commands. */
async function waitForCommand(workbench: Workbench, label: string): Promise<void> {
  const page = workbench.page;
  await until(`"${label}" in the command palette`, async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${label}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const labels = await page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name').allTextContents();
    await page.keyboard.press('Escape');
    return labels.some((l) => l.trim() === label);
  }, 90000);
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
  await workbench.runCommand('Preferences: Color Theme');
  const input = workbench.page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  await input.fill(theme);
  await until(`"${theme}" in the theme picker`, async () => {
    const label = await workbench.page.locator('.quick-input-widget .monaco-list-row.focused .label-name').first().textContent().catch(() => '');
    return label?.trim() === theme;
  });
  await workbench.page.keyboard.press('Enter');
  const wanted = theme.startsWith('Light') ? 'vs' : 'vs-dark';
  await until(`the ${theme} theme`, async () => (await workbench.page.locator(`.monaco-workbench.${wanted}`).count()) > 0);
}

async function shoot(workbench: Workbench, name: string): Promise<void> {
  fs.mkdirSync(IMAGES, { recursive: true });
  await workbench.page.screenshot({ path: path.join(IMAGES, `${name}.png`) });
}

describe('Dropout Lab panels in VS Code', function () {
  this.timeout(600000);
  let workbench: Workbench;
  let folder: string;

  before(async () => {
    for (const bundle of ['networkPanel.js', 'lossCurvesPanel.js']) {
      assert.ok(fs.existsSync(path.join(REPO_ROOT, 'dist', 'webview', bundle)), `dist/webview/${bundle} is missing: run npm run build first`);
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
  });
});
