import * as assert from 'assert';
import { buildContentSecurityPolicy, createNonce, escapeHtml, renderPanelHtml } from '../../../src/extension/panels/html';

const SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';

function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
}

describe('panel CSP and HTML shell', () => {
  it('denies everything by default and allows scripts only by nonce', () => {
    const nonce = createNonce();
    const csp = directives(buildContentSecurityPolicy(SOURCE, nonce));
    assert.deepStrictEqual(csp.get('default-src'), ["'none'"]);
    assert.deepStrictEqual(csp.get('script-src'), [`'nonce-${nonce}'`]);
    assert.deepStrictEqual(csp.get('style-src'), [SOURCE]);
    assert.deepStrictEqual(csp.get('img-src'), [SOURCE]);
    const all = [...csp.values()].flat().join(' ');
    for (const forbidden of ["'unsafe-eval'", "'unsafe-inline'", 'http:', 'https:', '*', 'data:']) {
      assert.ok(!all.split(' ').includes(forbidden), `CSP must not contain ${forbidden}`);
    }
    assert.ok(!csp.has('connect-src'), 'no network access from the webview');
  });

  it('gives every panel a fresh unguessable nonce', () => {
    const nonces = new Set(Array.from({ length: 50 }, createNonce));
    assert.strictEqual(nonces.size, 50);
    for (const n of nonces) assert.match(n, /^[A-Za-z0-9+/]{24}$/);
  });

  it('refuses a nonce or source that could smuggle extra directives', () => {
    assert.throws(() => buildContentSecurityPolicy(SOURCE, "abc'; script-src *"), /nonce/);
    assert.throws(() => buildContentSecurityPolicy(`${SOURCE}; script-src *`, createNonce()), /cspSource/);
    assert.throws(() => buildContentSecurityPolicy(`${SOURCE} 'unsafe-inline'`, createNonce()), /cspSource/);
  });

  it('accepts the multi-source cspSource of browser-hosted VS Code', () => {
    const web = "'self' https://*.vscode-cdn.net";
    const csp = directives(buildContentSecurityPolicy(web, createNonce()));
    assert.deepStrictEqual(csp.get('style-src'), ["'self'", 'https://*.vscode-cdn.net']);
  });

  it('puts the policy in a meta tag and tags the only script with the nonce', () => {
    const nonce = createNonce();
    const html = renderPanelHtml({
      cspSource: SOURCE, nonce, title: 'Net <b>', scriptUri: `${SOURCE}/dist/webview/networkPanel.js`,
      styleUris: [`${SOURCE}/media/panels.css`], viewType: 'dropoutLab.network',
    });
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
    assert.ok(meta, 'CSP meta tag present');
    assert.strictEqual(meta[1], escapeHtml(buildContentSecurityPolicy(SOURCE, nonce)));
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.strictEqual(scripts.length, 1);
    assert.ok(scripts[0].includes(`nonce="${nonce}"`));
    assert.ok(html.includes('<title>Net &lt;b&gt;</title>'), 'title is escaped');
    assert.ok(!/\sstyle=|\son[a-z]+=/i.test(html), 'no inline styles or handlers');
  });
});
