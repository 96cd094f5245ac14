import * as assert from 'assert';
import { createPythonParser } from '../../../src/lint';
import { applyEdits } from '../../../src/lint/fixes';
import { noqaEdit, parseNoqaComment } from '../../../src/lint/suppressions';
import { at, lint } from './helpers';

const IMPORT = 'import torch.nn as nn\n';

function codes(comment: string): string[] | 'all' | undefined {
  const d = parseNoqaComment(comment);
  if (!d || d.scope !== 'line') return undefined;
  return d.suppression.all ? 'all' : [...d.suppression.codes].sort();
}

describe('# noqa suppressions', () => {
  it('parses Ruff-style directives', () => {
    assert.strictEqual(codes('# noqa'), 'all');
    assert.strictEqual(codes('#NOQA'), 'all');
    assert.deepStrictEqual(codes('# noqa: DRP010'), ['DRP010']);
    assert.deepStrictEqual(codes('# noqa:DRP010,DRP001'), ['DRP001', 'DRP010']);
    assert.deepStrictEqual(codes('# noqa: DRP010 DRP001'), ['DRP001', 'DRP010']);
    assert.deepStrictEqual(codes('# noqa: E501, drp010  trailing words'), ['DRP010', 'E501']);
    assert.deepStrictEqual(codes('# type: ignore  # noqa: DRP010'), ['DRP010']);
    // `noqa:` with no valid code is a mistake, not a blanket suppression.
    assert.strictEqual(codes('# noqa:'), undefined);
    assert.strictEqual(codes('# noqa: please'), undefined);
    assert.strictEqual(codes('# noqafoo'), undefined);
    assert.strictEqual(codes('# this is not a directive'), undefined);
  });

  it('silences the listed rule on its line only', () => {
    const source = `${IMPORT}a = nn.Dropout(1.5)  # noqa: DRP010\nb = nn.Dropout(1.5)\nc = nn.Dropout(1.5)  # noqa: DRP001\n`;
    assert.deepStrictEqual(at(lint(source), 'DRP010'), ['3:16', '4:16']);
  });

  it('bare # noqa silences every rule on the line', () => {
    const source = `${IMPORT}a = nn.Dropout(1.5)  # NOQA\nb = nn.Dropout(2)\n`;
    assert.deepStrictEqual(at(lint(source), 'DRP010'), ['3:16']);
  });

  it('ignores "# noqa" inside strings (comment nodes, not text search)', () => {
    const source = `${IMPORT}note = "# noqa"; a = nn.Dropout(1.5)\ndoc = """# noqa"""; b = nn.Dropout(1.5)\n`;
    assert.deepStrictEqual(at(lint(source), 'DRP010'), ['2:33', '3:36']);
  });

  it('matches the line where a multi-line finding starts', () => {
    const source = `${IMPORT}a = nn.Dropout(  # noqa: DRP010\n    p=1.5)\nb = nn.Dropout(\n    p=1.5)  # noqa: DRP010\n`;
    // The first finding (on `p=1.5`, line 3) is not on the noqa line; the second is.
    assert.deepStrictEqual(at(lint(source), 'DRP010'), ['3:7']);
  });

  it('supports file-level "# dropout-lab: noqa" on its own line', () => {
    assert.deepStrictEqual(at(lint(`# dropout-lab: noqa: DRP010\n${IMPORT}a = nn.Dropout(1.5)\n`), 'DRP010'), []);
    assert.deepStrictEqual(at(lint(`# dropout-lab: noqa\n${IMPORT}a = nn.Dropout(1.5)\n`), 'DRP010'), []);
    assert.deepStrictEqual(at(lint(`# dropout-lab: noqa: DRP001\n${IMPORT}a = nn.Dropout(1.5)\n`), 'DRP010'), ['3:16']);
    // Trailing a statement it is not file-level.
    assert.deepStrictEqual(at(lint(`${IMPORT}x = 1  # dropout-lab: noqa\na = nn.Dropout(1.5)\n`), 'DRP010'), ['3:16']);
  });

  it('can be turned off with noqa: false', () => {
    assert.deepStrictEqual(at(lint(`${IMPORT}a = nn.Dropout(1.5)  # noqa\n`, { noqa: false }), 'DRP010'), ['2:16']);
  });

  describe('noqaEdit (the "disable for this line" quick fix)', () => {
    function edited(source: string, line: number, rule = 'DRP010'): string | undefined {
      const parser = createPythonParser();
      const tree = parser.parse(source)!;
      try {
        const edit = noqaEdit(tree, source, line, rule);
        return edit && applyEdits(source, [edit]);
      } finally {
        tree.delete();
        parser.delete();
      }
    }

    it('appends a directive, and the finding goes away', () => {
      const source = `${IMPORT}a = nn.Dropout(1.5)\n`;
      const out = edited(source, 1)!;
      assert.strictEqual(out, `${IMPORT}a = nn.Dropout(1.5)  # noqa: DRP010\n`);
      assert.deepStrictEqual(at(lint(out), 'DRP010'), []);
    });

    it('extends an existing code list and keeps other comments', () => {
      assert.strictEqual(edited(`${IMPORT}a = nn.Dropout(1.5)  # noqa: E501\n`, 1), `${IMPORT}a = nn.Dropout(1.5)  # noqa: E501, DRP010\n`);
      assert.strictEqual(edited(`${IMPORT}a = nn.Dropout(1.5)  # why\n`, 1), `${IMPORT}a = nn.Dropout(1.5)  # why  # noqa: DRP010\n`);
    });

    it('does nothing where a comment cannot go or is not needed', () => {
      assert.strictEqual(edited(`${IMPORT}a = nn.Dropout(1.5)  # noqa\n`, 1), undefined);
      assert.strictEqual(edited(`${IMPORT}a = nn.Dropout(1.5)  # noqa: DRP010\n`, 1), undefined);
      assert.strictEqual(edited(`${IMPORT}s = """abc\ndef"""\n`, 1), undefined);
      assert.strictEqual(edited(`${IMPORT}a = 1 + \\\n    2\n`, 1), undefined);
      assert.strictEqual(edited(IMPORT, 40), undefined);
    });
  });
});
