// The editor stays responsive while a 5,000-line model file is edited and re-linted: the linter is
// a language server in a worker thread, so the extension host's main thread (which runs every
// extension's code and answers the UI) only syncs the text and applies the results.
//
// No absolute timing: the test measures, on this machine and at this moment, what one whole-file
// lint of the same text costs on the main thread, then asserts that while the editor re-lints the
// file several times, the main thread's event loop never stalls that long. Were the lint moved
// back onto the main thread, every re-lint would block the loop for a whole lint and this fails.
import * as assert from 'assert';
import * as path from 'path';
import { monitorEventLoopDelay, performance } from 'perf_hooks';
import * as vscode from 'vscode';
import { lintSource, loadPython } from '../../src/lint';
import { summarize } from './editorHelpers';
import { testLog } from './index';
import { activateExtension, BUDGET, closeAllEditors, REPO_ROOT, waitForDiagnostics } from './util';

/** A model file of at least `lineCount` lines: many small torch modules, one invalid rate near the end. */
function largeModelFile(lineCount: number): { text: string; rateLine: number } {
  const lines = ['import torch.nn as nn', ''];
  for (let i = 0; lines.length < lineCount; i++) {
    lines.push(`class Block${i}(nn.Module):`, '    def __init__(self):', '        super().__init__()', `        self.fc = nn.Linear(${i + 1}, 8)`, '');
  }
  lines.push('class Head(nn.Module):', '    def __init__(self):', '        super().__init__()', '        self.drop = nn.Dropout(1.5)', '');
  return { text: lines.join('\n'), rateLine: lines.length - 2 };
}

describe('Editor responsiveness', () => {
  before(activateExtension);
  afterEach(closeAllEditors);

  it('never blocks the extension host\'s main thread for a whole-file lint while a 5,000-line file is re-linted', async function () {
    this.timeout(4 * BUDGET.heavy);
    const { text, rateLine } = largeModelFile(5000);
    const rate = new vscode.Range(rateLine, 31, rateLine, 34);

    // What a whole-file lint of this text costs on this thread now (best of three, after a warm-up).
    await loadPython(path.join(REPO_ROOT, 'dist'));
    assert.deepStrictEqual(lintSource(text).map((f) => f.rule), ['DRP010'], 'the file has exactly one finding');
    const lintMs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      lintSource(text);
      lintMs.push(performance.now() - started);
    }
    const wholeLintMs = Math.min(...lintMs);

    const document = await vscode.workspace.openTextDocument({ language: 'python', content: text });
    const editor = await vscode.window.showTextDocument(document);
    const invalid = `DRP010@${rateLine}:31-${rateLine}:34`;
    await waitForDiagnostics(document.uri, (d) => summarize(d).join() === invalid, { what: 'the first lint', timeout: BUDGET.heavy });

    // Edits that each need a whole re-lint to show: the rate turns valid (finding gone), then invalid again.
    const stalls = monitorEventLoopDelay({ resolution: 5 });
    stalls.enable();
    const rounds = 4;
    for (let round = 0; round < rounds; round++) {
      assert.ok(await editor.edit((b) => b.replace(rate, '0.5')));
      await waitForDiagnostics(document.uri, (d) => d.length === 0, { what: `round ${round + 1}: the fixed rate to clear`, timeout: BUDGET.heavy });
      assert.ok(await editor.edit((b) => b.replace(rate, '1.5')));
      await waitForDiagnostics(document.uri, (d) => summarize(d).join() === invalid, { what: `round ${round + 1}: DRP010 to return`, timeout: BUDGET.heavy });
    }
    stalls.disable();
    const longestStallMs = stalls.max / 1e6;
    testLog(`      longest main-thread stall ${longestStallMs.toFixed(1)} ms; one whole-file lint on the main thread ${lintMs.map((ms) => ms.toFixed(1)).join(', ')} ms`);
    assert.ok(longestStallMs < wholeLintMs,
      `the extension host's main thread stalled for ${longestStallMs.toFixed(1)} ms while ${2 * rounds} re-lints ran, `
      + `not less than one whole-file lint (${lintMs.map((ms) => ms.toFixed(1)).join(', ')} ms on this thread): is linting back on the main thread?`);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
