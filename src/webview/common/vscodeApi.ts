// The one handle to the host a webview gets. acquireVsCodeApi() may be called only once per page.
interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | undefined;

export function vscodeApi(): VsCodeApi {
  api ??= acquireVsCodeApi();
  return api;
}

/** Sends a typed message to the host. */
export function post<T extends { type: string }>(message: T): void {
  vscodeApi().postMessage(message);
}

/** Listens for host messages; each goes through `parse` (validation) and unknown ones are dropped. */
export function onHostMessage<T>(parse: (raw: unknown) => T | undefined, handle: (message: T) => void): void {
  window.addEventListener('message', (event: MessageEvent) => {
    const message = parse(event.data);
    if (message !== undefined) handle(message);
  });
}
