// Notebooks and the "Visualize dropout" code lens inside VS Code. The notebook is created with the
// built-in `jupyter-notebook` serializer (VS Code's ipynb extension ships with the server).
import * as assert from 'assert';
import * as vscode from 'vscode';
import { openTabs, summarize, tokenRange } from './editorHelpers';
import { activateExtension, closeAllEditors, openFixture, rangeText, ruleOf, waitFor, waitForDiagnostics } from './util';

function code(text: string): vscode.NotebookCellData {
  return new vscode.NotebookCellData(vscode.NotebookCellKind.Code, text, 'python');
}

describe('Editor: notebooks and the model code lens', () => {
  before(activateExtension);
  // No closeAllEditors between these tests: the notebooks are opened without editors, and closing
  // all editors while untitled notebooks are open has hung the workbench here.
  after(closeAllEditors);

  it('lints notebook cells with context across cells and maps findings to their cells', async () => {
    const cells = [
      code('import torch.nn as nn\nimport torch.nn.functional as F'),
      new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, '# A model\nDropout(1.5) in markdown is not code.', 'markdown'),
      code('%matplotlib inline\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(8, 2)\n\n    def forward(self, x):\n        return self.fc(F.dropout(x, 0.4))'),
      code('head = nn.Dropout(1.5)'),
    ];
    // Opened without an editor: the diagnostics follow the document, and no unsaved-notebook editor is left to close.
    const notebook = await vscode.workspace.openNotebookDocument('jupyter-notebook', new vscode.NotebookData(cells));
    const modelCell = notebook.cellAt(2).document;
    const headCell = notebook.cellAt(3).document;
    // `nn` and `F` are imported in cell 1 only: finding these needs the cells linted together.
    const modelDiagnostics = await waitForDiagnostics(modelCell.uri, (d) => d.some((x) => ruleOf(x) === 'DRP004'));
    assert.deepStrictEqual(summarize(modelDiagnostics, ['DRP004']), [`DRP004@${rangeText(tokenRange(modelCell, 'return self.fc(', 'F.dropout'))}`]);
    const headDiagnostics = await waitForDiagnostics(headCell.uri, (d) => d.some((x) => ruleOf(x) === 'DRP010'));
    assert.deepStrictEqual(summarize(headDiagnostics), ['DRP010@0:18-0:21']);
    assert.deepStrictEqual(vscode.languages.getDiagnostics(notebook.cellAt(0).document.uri).filter((d) => d.source === 'Dropout Lab'), []);
    assert.deepStrictEqual(vscode.languages.getDiagnostics(notebook.cellAt(1).document.uri).filter((d) => d.source === 'Dropout Lab'), []);

    // Editing a cell re-lints the notebook: fixing the rate in cell 4 clears its diagnostic.
    const edit = new vscode.WorkspaceEdit();
    edit.replace(headCell.uri, new vscode.Range(0, 18, 0, 21), '0.5');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitForDiagnostics(headCell.uri, (d) => d.length === 0, { what: 'the fixed cell to be clean' });
    // Replacing the torch imports in cell 1 takes the context away: the other cells' findings go with it.
    // (The cell keeps an import: a notebook with none at all is read as PyTorch by the names it uses.)
    const importsCell = notebook.cellAt(0).document;
    const replaceImports = new vscode.WorkspaceEdit();
    replaceImports.replace(importsCell.uri, new vscode.Range(0, 0, importsCell.lineCount, 0), 'import numpy as np\n');
    assert.ok(await vscode.workspace.applyEdit(replaceImports));
    await waitForDiagnostics(modelCell.uri, (d) => d.length === 0, { what: 'findings that relied on the removed imports to go' });
  });

  it('points relatedInformation into another cell (DRP002: the model evaluated in cell 3 is built in cell 2)', async () => {
    const cells = [
      code('import torch\nimport torch.nn as nn'),
      code('class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(8, 2)\n        self.drop = nn.Dropout(0.2)\n\n    def forward(self, x):\n        return self.fc(self.drop(x))\n\nmodel = Net()'),
      code('with torch.no_grad():\n    predictions = model(torch.randn(4, 8))'),
    ];
    const notebook = await vscode.workspace.openNotebookDocument('jupyter-notebook', new vscode.NotebookData(cells));
    const evaluation = notebook.cellAt(2).document;
    const diagnostics = await waitForDiagnostics(evaluation.uri, (d) => d.some((x) => ruleOf(x) === 'DRP002'));
    const drp002 = diagnostics.find((d) => ruleOf(d) === 'DRP002')!;
    assert.strictEqual(rangeText(drp002.range), rangeText(tokenRange(evaluation, 'predictions = model(', 'model')));
    const related = drp002.relatedInformation ?? [];
    assert.strictEqual(related.length, 1, JSON.stringify(related.map((r) => r.message)));
    assert.strictEqual(related[0].location.uri.toString(), notebook.cellAt(1).document.uri.toString(), 'the related location is in the cell that builds the model');
    assert.strictEqual(notebook.cellAt(1).document.lineAt(related[0].location.range.start.line).text, 'model = Net()');
  });

  it('shows "Visualize dropout" over a model and its command opens the network panel with the real layers', async () => {
    const { document } = await openFixture('editor/model_lens.py');
    const lenses = await waitFor(async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
      return found?.some((l) => l.command?.title === 'Visualize dropout') ? found : undefined;
    }, { what: 'the Visualize dropout code lens' });
    const lens = lenses.find((l) => l.command?.title === 'Visualize dropout')!;
    assert.strictEqual(lens.range.start.line, tokenRange(document, 'class DigitNet', 'DigitNet').start.line);
    const [model] = lens.command!.arguments as [{ name: string; layers: { label: string; units: number; dropoutRate?: number }[] }];
    // From the fixture: Linear(784, 256) → Dropout(0.2) → Linear(256, 128) → Dropout(0.5) → Linear(128, 10).
    assert.deepStrictEqual(model.layers.map((l) => [l.units, l.dropoutRate]), [[784, undefined], [256, 0.2], [128, 0.5], [10, undefined]]);
    assert.match(model.name, /^DigitNet \(model_lens\.py\)/);

    await vscode.commands.executeCommand(lens.command!.command, ...lens.command!.arguments!);
    await waitFor(() => openTabs().some((tab) => tab.input instanceof vscode.TabInputWebview && /dropoutLab\.network$/.test(tab.input.viewType)),
      { what: 'the network panel to open' });
  });
});
