// The HTML shell and Content Security Policy every panel uses. Pure (no `vscode` import) so the
// exact policy is unit-tested: nothing but our nonce-tagged bundle runs, styles and images come only
// from the webview's own resource origin, and no remote loads or eval are possible.
import { randomBytes } from 'crypto';

export function createNonce(): string {
  return randomBytes(18).toString('base64');
}

/**
 * The panel CSP. `cspSource` is `webview.cspSource` (the origin serving local resources).
 * No 'unsafe-inline' / 'unsafe-eval': Chart.js needs neither, and it only sets styles through the
 * CSSOM, which style-src does not restrict.
 */
export function buildContentSecurityPolicy(cspSource: string, nonce: string): string {
  if (!/^[A-Za-z0-9+/=]{16,}$/.test(nonce)) throw new Error('CSP nonce must be at least 16 base64 characters');
  // cspSource is one or more source expressions (code-server gives "'self' https://*.vscode-cdn.net");
  // anything that could end the directive or add a keyword like 'unsafe-inline' is refused.
  const sources = cspSource.trim().split(/\s+/);
  if (!cspSource.trim() || sources.some((s) => /[;,"]/.test(s) || (s.includes("'") && s !== "'self'"))) {
    throw new Error(`webview cspSource must be a list of host sources, got ${JSON.stringify(cspSource)}`);
  }
  return [
    "default-src 'none'",
    `img-src ${cspSource}`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export interface PanelHtmlOptions {
  cspSource: string;
  nonce: string;
  title: string;
  /** Webview URIs (already passed through `asWebviewUri`) as strings. */
  scriptUri: string;
  styleUris: string[];
  /** The panel's view type, exposed to the script as `data-view-type`. */
  viewType: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** The document: an empty `#app` the bundle fills in, so all markup is built by trusted code. */
export function renderPanelHtml(options: PanelHtmlOptions): string {
  const csp = buildContentSecurityPolicy(options.cspSource, options.nonce);
  const styles = options.styleUris.map((uri) => `<link rel="stylesheet" href="${escapeHtml(uri)}">`).join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styles}
    <title>${escapeHtml(options.title)}</title>
  </head>
  <body data-view-type="${escapeHtml(options.viewType)}">
    <main id="app"></main>
    <script nonce="${escapeHtml(options.nonce)}" src="${escapeHtml(options.scriptUri)}"></script>
  </body>
</html>`;
}
