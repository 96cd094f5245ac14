#!/usr/bin/env node
// Renders media/icon.png (128×128, the Marketplace / Extensions view icon) from the SVG below with
// headless Chromium: a two-layer network in which one unit is dropped (dashed) and its edges are gone.
// Run once after changing the drawing: node scripts/render-icon.js
'use strict';
const path = require('path');
const { launchBrowser } = require('../test/harness/browser');

const kept = '#3794ff';
const edge = '#9aa4b2';
const units = { left: [[28, 30], [28, 64], [28, 98]], right: [[100, 40], [100, 88]], dropped: [64, 64] };
const edges = [];
for (const [x1, y1] of units.left) for (const [x2, y2] of units.right) edges.push(`<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}"/>`);
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">
  <rect x="2" y="2" width="124" height="124" rx="24" fill="#1e1e2e"/>
  <g stroke="${edge}" stroke-width="3" stroke-linecap="round" opacity="0.8">${edges.join('')}</g>
  ${[...units.left, ...units.right].map(([x, y]) => `<circle cx="${x}" cy="${y}" r="11" fill="${kept}"/>`).join('')}
  <circle cx="${units.dropped[0]}" cy="${units.dropped[1]}" r="11" fill="#1e1e2e" stroke="#f48771" stroke-width="3" stroke-dasharray="5 4"/>
  <path d="M57 57 L71 71 M71 57 L57 71" stroke="#f48771" stroke-width="3" stroke-linecap="round"/>
</svg>`;

(async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 128, height: 128 } });
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
    const out = path.join(__dirname, '..', 'media', 'icon.png');
    await page.locator('svg').screenshot({ path: out, omitBackground: true });
    console.log(`wrote ${out}`);
  } finally {
    await browser.close();
  }
})().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
