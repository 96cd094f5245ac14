// What every Dropout Lab panel shares: webview options (scripts on, local resources from media/ and
// dist/ only), the CSP'd HTML shell, one place that validates incoming messages, its own
// disposables, and one open panel per view type (the command reveals it instead of opening another).
import * as vscode from 'vscode';
import { createNonce, renderPanelHtml } from './html';
import type { EngineHost } from '../engineHost';

export interface PanelServices {
  extensionUri: vscode.Uri;
  /** The shared engine worker for short computations. */
  sharedEngine(): EngineHost;
  /** A dedicated engine worker (training panels), disposed by the caller. */
  createEngine(): EngineHost;
  log(message: string): void;
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist')],
  };
}

export abstract class PanelBase<FromWebview extends { type: string }, ToWebview extends { type: string }> {
  protected readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  protected constructor(
    protected readonly panel: vscode.WebviewPanel,
    protected readonly services: PanelServices,
    script: string,
    title: string,
  ) {
    const webview = panel.webview;
    webview.options = webviewOptions(services.extensionUri);
    const asUri = (...segments: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(services.extensionUri, ...segments)).toString();
    webview.html = renderPanelHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      title,
      scriptUri: asUri('dist', 'webview', script),
      styleUris: [asUri('media', 'panels.css')],
      viewType: panel.viewType,
    });
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'dropout-lab.svg');
    this.disposables.push(
      webview.onDidReceiveMessage((raw: unknown) => {
        const message = this.parseMessage(raw);
        // Unknown or malformed messages are ignored: a webview is untrusted input.
        if (!message) return;
        Promise.resolve(this.handleMessage(message)).catch((error: unknown) => {
          const text = error instanceof Error ? error.message : String(error);
          services.log(`${panel.viewType}: ${text}`);
          this.postError(text);
        });
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  protected abstract parseMessage(raw: unknown): FromWebview | undefined;
  protected abstract handleMessage(message: FromWebview): void | Promise<void>;
  protected abstract postError(message: string): void;

  protected post(message: ToWebview): void {
    if (this.disposed) return;
    void this.panel.webview.postMessage(message);
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.onDispose();
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }

  /** Panel-specific cleanup (cancel runs, stop workers). */
  protected onDispose(): void {
    // Nothing by default.
  }
}
