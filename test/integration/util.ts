// Helpers shared by the integration tests: locate fixtures, open documents, and wait for
// asynchronous results by polling (plus change events) with a deadline, never by fixed sleeps.
import * as path from 'path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'dropout-lab.dropout-lab';

/** The repository root (this file runs from out/test/integration/). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** The fixture workspace; the launchers open it as the window's folder. */
export function fixtureWorkspace(): vscode.Uri {
  return vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(path.join(REPO_ROOT, 'test', 'fixtures', 'workspace'));
}

/** A file inside test/fixtures/workspace, e.g. `fixtureUri('invalid_rate.py')`. */
export function fixtureUri(relativePath: string): vscode.Uri {
  return vscode.Uri.joinPath(fixtureWorkspace(), ...relativePath.split('/'));
}

/**
 * How long a wait may take before it counts as a failure. A budget bounds how long a broken feature
 * takes to report, not how fast a working one must be: on a shared CI host with every core busy the
 * extension host runs several times slower than on a quiet machine, so budgets hold many times
 * what the wait takes there.
 */
export const BUDGET = {
  /** A lint, a settings change, a command: what usually takes well under a second. */
  wait: 60000,
  /** One test (mocha's timeout; index.ts), which may hold several waits. */
  test: 180000,
  /** A wait on a whole-file lint of a 5,000-line file or other heavy work. */
  heavy: 120000,
} as const;

export interface WaitOptions {
  /** Give up after this many milliseconds (default BUDGET.wait). */
  timeout?: number;
  /** Poll interval in milliseconds (default 50). */
  interval?: number;
  /** Says what was awaited, for the timeout error. */
  what?: string;
}

/**
 * Resolves with the first truthy value of `probe()`, polling until `timeout`. `probe` may be async
 * and may throw (treated as "not yet"); the last error or value is included in the timeout message.
 */
export async function waitFor<T>(probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, options: WaitOptions = {}): Promise<T> {
  const timeout = options.timeout ?? BUDGET.wait;
  const interval = options.interval ?? 50;
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeout} ms waiting for ${options.what ?? 'a condition'} (last: ${detail})`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** Diagnostics of our extension only (source 'Dropout Lab'). */
export function dropoutDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Dropout Lab');
}

/** The rule id of a diagnostic (`code` is `{ value, target }`). */
export function ruleOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}

/**
 * Waits until the Dropout Lab diagnostics of `uri` satisfy `accept` (default: at least one), and
 * returns them. Use `accept` to wait for a specific state, e.g. after an edit.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (diagnostics: vscode.Diagnostic[]) => boolean = (d) => d.length > 0,
  options: WaitOptions = {},
): Promise<vscode.Diagnostic[]> {
  let last: vscode.Diagnostic[] = [];
  return waitFor(() => {
    last = dropoutDiagnostics(uri);
    return accept(last) ? last : false;
  }, { what: `diagnostics on ${path.basename(uri.path)}`, ...options }).catch((error: Error) => {
    const seen = last.map((d) => `${ruleOf(d)} ${rangeText(d.range)} ${d.message}`).join('; ') || 'none';
    throw new Error(`${error.message}; diagnostics at the deadline: ${seen}`);
  });
}

/** Opens a fixture file and shows it in an editor. */
export async function openFixture(relativePath: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(fixtureUri(relativePath));
  return vscode.window.showTextDocument(document);
}

/** Activates Dropout Lab (tests should not depend on which activation event fired first). */
export async function activateExtension(): Promise<void> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not loaded in this VS Code`);
  await extension.activate();
}

/** Closes every editor, so one test's documents do not leak into the next. */
export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** A range as compact text, 0-based `line:col-line:col`, for readable assertion diffs. */
export function rangeText(range: vscode.Range): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}
