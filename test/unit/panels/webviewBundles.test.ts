import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { build } from 'esbuild';

// The panels' browser bundles, built the way esbuild.js builds them (minified, without license
// comments), must not be able to evaluate strings, build markup from strings or reach the network:
// the CSP forbids it anyway, and a bundle that tried would break in the webview.
const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const WEBVIEW_SRC = path.join(ROOT, 'src', 'webview');

describe('webview bundles', function () {
  this.timeout(60000);
  let outputs: { name: string; text: string }[] = [];

  before(async () => {
    const entryPoints = fs.readdirSync(WEBVIEW_SRC).filter((f) => /Panel\.ts$/.test(f)).map((f) => path.join(WEBVIEW_SRC, f));
    assert.ok(entryPoints.length >= 5, `expected the panel entry points, found ${entryPoints.length}`);
    const result = await build({
      entryPoints, bundle: true, format: 'iife', platform: 'browser', target: 'es2022', minify: true,
      legalComments: 'none', write: false, outdir: path.join(ROOT, 'out', 'webview-check'), logLevel: 'silent',
    });
    outputs = result.outputFiles.map((f) => ({ name: path.basename(f.path), text: f.text }));
  });

  it('never evaluates strings as code', () => {
    for (const { name, text } of outputs) {
      assert.ok(!/\beval\(/.test(text), `${name} calls eval`);
      assert.ok(!/new Function\(/.test(text), `${name} uses new Function`);
      assert.ok(!/setTimeout\(\s*["'`]/.test(text), `${name} passes a string to setTimeout`);
    }
  });

  it('never turns strings into markup', () => {
    for (const { name, text } of outputs) {
      for (const sink of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write']) {
        assert.ok(!text.includes(sink), `${name} uses ${sink}`);
      }
    }
  });

  it('loads nothing from the network', () => {
    for (const { name, text } of outputs) {
      assert.ok(!/\bfetch\(|XMLHttpRequest|WebSocket|EventSource|importScripts|\bimport\(/.test(text), `${name} has a network or dynamic-import call`);
      const urls = (text.match(/https?:\/\/[^"'`\s)]+/g) ?? []).filter((u) => u !== 'http://www.w3.org/2000/svg');
      assert.deepStrictEqual(urls, [], `${name} mentions remote URLs`);
    }
  });
});
