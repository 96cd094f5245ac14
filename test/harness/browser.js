// Headless Chromium through playwright-core, for the workbench served by the offline VS Code server.
// Debian's `chromium` package is used (playwright's own browser download is unreachable here).
'use strict';
const fs = require('fs');

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

function chromiumPath() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  const found = CANDIDATES.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`no Chromium found (looked at ${CANDIDATES.join(', ')}); install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH`);
  return found;
}

/** Launches headless Chromium; close it with `browser.close()`. */
async function launchBrowser({ headless = true } = {}) {
  const { chromium } = require('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath(),
    headless,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

module.exports = { launchBrowser, chromiumPath };
