import * as assert from 'assert';
import { createPythonParser, lintText } from '../../../src/lint';
import { lintFileContents } from '../../../src/lint/lintFile';
import { blankMagics, mapFindingsToCells, NotebookError, notebookSource, readNotebookCells } from '../../../src/lint/notebook';
import { fixNotebook } from '../../../src/lint/notebookFixes';
import './helpers';

type Cell = { cell_type: string; source: unknown };

function notebook(cells: Cell[], metadata: object = {}): string {
  return JSON.stringify({ cells: cells.map((c) => ({ metadata: {}, outputs: [], ...c })), metadata, nbformat: 4, nbformat_minor: 5 });
}

const code = (source: unknown): Cell => ({ cell_type: 'code', source });
const markdown = (source: string): Cell => ({ cell_type: 'markdown', source });

/** Lints a notebook like the CLI does; returns `cell:line:column` (all 1-based) of DRP010 findings. */
function drp010(json: string): string[] {
  const report = lintFileContents('nb.ipynb', Buffer.from(json));
  assert.strictEqual(report.error, undefined, report.error);
  return report.findings.filter((f) => f.rule === 'DRP010').map((f) => `${f.cell! + 1}:${f.range.start.line + 1}:${f.range.start.column + 1}`);
}

function notebookError(json: string): string {
  try {
    notebookSource(json);
  } catch (error) {
    assert.ok(error instanceof NotebookError, String(error));
    return error.message;
  }
  assert.fail('expected a NotebookError');
}

describe('notebooks', () => {
  it('lints code cells together and maps findings to {cell, line in cell}', () => {
    const json = notebook([
      markdown('# Title'),
      code(['import torch.nn as nn\n', 'RATE = 1.5\n']),
      markdown('more text'),
      code('x = 1\nlayer = nn.Dropout(RATE)\n'),
      code(['\n', '\n', 'other = nn.Dropout(p=2)']),
    ]);
    // The import and the constant come from cell 2; the findings are in cells 4 and 5.
    assert.deepStrictEqual(drp010(json), ['4:2:20', '5:3:22']);
  });

  it('accepts `source` as a string or a list of strings, with the same result', () => {
    const asString = notebook([code('import torch.nn as nn\nnn.Dropout(3)\n')]);
    const asList = notebook([code(['import torch.nn as nn\n', 'nn.Dropout(3)\n'])]);
    assert.deepStrictEqual(drp010(asString), ['1:2:12']);
    assert.deepStrictEqual(drp010(asList), ['1:2:12']);
  });

  it('blanks magics and shell lines but keeps every line in place', () => {
    const json = notebook([
      code(['%matplotlib inline\n', '!pip install torch\n', 'import torch.nn as nn\n', 'files = !ls\n', 'nn.Dropout?\n', 'a = nn.Dropout(5)\n']),
      code(['%%bash\n', 'echo nn.Dropout(9)\n']),
      code(['%%time\n', 'b = nn.Dropout(6)\n']),
    ]);
    // The %%bash body is not Python; the %%time body is.
    assert.deepStrictEqual(drp010(json), ['1:6:16', '3:2:16']);
  });

  it('keeps blocks parseable when an indented line is a magic', () => {
    const blanked = blankMagics('for i in range(3):\n    !echo $i\n    %time f(i)\nx = 1');
    assert.strictEqual(blanked, 'for i in range(3):\n    pass\n    pass\nx = 1');
    const parser = createPythonParser();
    const tree = parser.parse(blanked)!;
    assert.strictEqual(tree.rootNode.hasError, false);
    tree.delete();
    parser.delete();
  });

  it('does not blank Python that merely starts with % or ! or ends with ?', () => {
    const text = 'x = (10\n% 3)\ny = 7 \\\n% 2\ns = """\n%s is fine?\n!= also\n"""\nt = "a?"\n# why?';
    assert.strictEqual(blankMagics(text), text);
  });

  it('skips notebooks declared in another language', () => {
    const report = lintFileContents('r.ipynb', Buffer.from(notebook([code('x <- 1')], { kernelspec: { language: 'R' } })));
    assert.match(report.skipped ?? '', /not a Python notebook \(language: R\)/);
    assert.deepStrictEqual(report.findings, []);
  });

  it('reads nbformat 3 worksheets', () => {
    const json = JSON.stringify({ nbformat: 3, worksheets: [{ cells: [{ cell_type: 'code', input: ['import torch.nn as nn\n', 'nn.Dropout(1.5)\n'] }] }] });
    assert.deepStrictEqual(drp010(json), ['1:2:12']);
  });

  it('gives one clear error for each kind of broken notebook', () => {
    const cases: [string, RegExp][] = [
      ['{"cells": [', /not valid JSON/],
      ['[1, 2]', /expected a JSON object at the top, found a list/],
      ['{"metadata": {}}', /has no "cells" list/],
      ['{"cells": {"a": 1}}', /"cells" must be a list, not object/],
      ['{"cells": [7]}', /cell 1: expected an object, found number/],
      ['{"cells": [{"source": "x"}]}', /cell 1: "cell_type" is missing/],
      [notebook([markdown('ok'), code(42)]), /cell 2: "source" must be a string or a list of strings, not number/],
      [notebook([code(['a\n', null])]), /cell 1: "source" must be a string or a list of strings, but item 2 is null/],
      ['{"cells": [{"cell_type": "code"}]}', /cell 1: a code cell has no "source"/],
    ];
    for (const [json, message] of cases) {
      assert.match(notebookError(json), message);
      const report = lintFileContents('broken.ipynb', Buffer.from(json));
      assert.match(report.error ?? '', message);
      assert.deepStrictEqual(report.findings, []);
    }
  });

  it('lets markdown cells have any source shape', () => {
    const { cells } = readNotebookCells('{"cells": [{"cell_type": "markdown", "source": 5}, {"cell_type": "code", "source": "x = 1"}]}');
    assert.deepStrictEqual(cells.map((c) => c.kind), ['markdown', 'code']);
  });

  it('maps related locations and fix edits into cells, dropping fixes that reach another cell', () => {
    const nb = notebookSource(notebook([code('a = 1\nb = 2\n'), markdown('m'), code('c = 3\n')]));
    assert.strictEqual(nb.source, 'a = 1\nb = 2\nc = 3\n');
    const range = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, column: c1 }, end: { line: l2, column: c2 } });
    const [mapped] = mapFindingsToCells(nb, [{
      rule: 'DRP006', severity: 'warning', message: 'm', range: range(2, 0, 2, 5),
      related: [{ range: range(1, 0, 1, 5), message: 'the other half' }],
      fixes: [
        { title: 'local', safe: true, edits: [{ range: range(2, 4, 2, 5), newText: '4' }] },
        { title: 'cross-cell', safe: true, edits: [{ range: range(0, 0, 0, 1), newText: 'z' }] },
      ],
    }]);
    assert.strictEqual(mapped.cell, 2);
    assert.deepStrictEqual(mapped.range, range(0, 0, 0, 5));
    assert.deepStrictEqual(mapped.related, [{ range: range(1, 0, 1, 5), message: 'the other half', cell: 0 }]);
    assert.deepStrictEqual(mapped.fixes.map((f) => f.title), ['local']);
    assert.deepStrictEqual(mapped.fixes[0].edits[0].range, range(0, 4, 0, 5));
  });

  it('treats an empty notebook as nothing to lint', () => {
    const nb = notebookSource(notebook([]));
    assert.strictEqual(nb.source, '');
    assert.deepStrictEqual(lintText(nb.source).findings, []);
  });

  describe('--fix on notebooks', () => {
    // Jupyter writes indent 1 and a trailing newline; sources are lists of lines.
    const jupyter = (cells: object[], metadata: object = {}) => `${JSON.stringify({ cells, metadata, nbformat: 4, nbformat_minor: 5 }, null, 1)}\n`;
    const lines = (text: string) => text.split(/(?<=\n)/);
    const head = 'class Head(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(128, 10)\n\n    def forward(self, x):\n        return self.fc(F.dropout(x, 0.5))\n';
    const cells = [
      { cell_type: 'code', execution_count: 1, metadata: {}, outputs: [], source: lines('import torch.nn as nn\nimport torch.nn.functional as F\n') },
      { cell_type: 'markdown', metadata: {}, source: ['# Model'] },
      { cell_type: 'code', execution_count: 2, metadata: {}, outputs: [], source: lines(`%load_ext autoreload\n${head}`) },
    ];

    it('applies safe fixes inside the cell, keeps magics and every other byte', () => {
      const json = jupyter(cells);
      assert.strictEqual(lintFileContents('nb.ipynb', Buffer.from(json)).findings.filter((f) => f.rule === 'DRP004').length, 1);
      const result = fixNotebook(json);
      assert.strictEqual(result.applied.length, 1);
      const fixed = JSON.parse(result.output!);
      assert.deepStrictEqual(fixed.cells[0], cells[0]);
      assert.deepStrictEqual(fixed.cells[1], cells[1]);
      const source: string[] = fixed.cells[2].source;
      assert.strictEqual(source[0], '%load_ext autoreload\n');
      assert.strictEqual(source.length, (cells[2].source as string[]).length);
      assert.ok(source.every((line, i) => i === source.length - 1 || line.endsWith('\n')));
      assert.strictEqual(result.output, jupyter([cells[0], cells[1], { ...cells[2], source }]));
      assert.deepStrictEqual(lintFileContents('nb.ipynb', Buffer.from(result.output!)).findings.filter((f) => f.rule === 'DRP004'), []);
    });

    it('does not rewrite a notebook whose JSON layout it cannot reproduce', () => {
      const json = jupyter(cells, { version: 1.5 }).replace('"version": 1.5', '"version": 1.50');
      const result = fixNotebook(json);
      assert.strictEqual(result.output, undefined);
      assert.match(result.notWritten ?? '', /JSON formatting/);
    });
  });
});
