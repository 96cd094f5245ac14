import * as assert from 'assert';
import * as path from 'path';
import {
  ConfigError, findProjectConfig, globToRegExp, loadConfigFile, matchesGlob, parseSettings, resolveLintOptions, type ConfigLayer,
} from '../../../src/lint/config';
import { at, lint } from './helpers';
import { tempDir, writeFiles } from './tempFiles';
import { RULES } from '../../../src/lint/ruleTable';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a ConfigError');
}

const layer = (settings: ConfigLayer['settings'], baseDir = '/project'): ConfigLayer => ({ settings, baseDir });

describe('configuration', () => {
  describe('parseSettings', () => {
    it('accepts every setting in pyproject style', () => {
      const settings = parseSettings({
        select: ['ALL'],
        ignore: ['uniform-dropout-rate', 'DRP00'],
        severity: { DRP007: 'warning', 'heavy-input-dropout': 'off' },
        'per-file-ignores': { 'tests/**': ['DRP002'], '__init__.py': ['DRP010'] },
        exclude: ['build/**'],
        'max-file-size': '2 MB',
        'parse-timeout-ms': 1500,
      }, 'pyproject', 'pyproject.toml');
      assert.strictEqual(settings.select?.length, RULES.length);
      // DRP00 is a prefix: DRP001…DRP009.
      assert.deepStrictEqual(settings.ignore, ['DRP015', 'DRP001', 'DRP002', 'DRP003', 'DRP004', 'DRP005', 'DRP006', 'DRP007', 'DRP008', 'DRP009']);
      assert.deepStrictEqual(settings.severity, { DRP007: 'warning', DRP014: 'off' });
      assert.deepStrictEqual(settings.perFileIgnores, [{ pattern: 'tests/**', rules: ['DRP002'] }, { pattern: '__init__.py', rules: ['DRP010'] }]);
      assert.strictEqual(settings.maxFileSize, 2 * 1024 * 1024);
      assert.strictEqual(settings.parseTimeoutMs, 1500);
    });

    it('accepts the editor style (camelCase) and points at the other style on a mix-up', () => {
      assert.strictEqual(parseSettings({ maxFileSize: 1000 }, 'editor').maxFileSize, 1000);
      const e = configError(() => parseSettings({ maxFileSize: 1000 }, 'pyproject', 'pyproject.toml'));
      assert.strictEqual(e.file, 'pyproject.toml');
      assert.strictEqual(e.key, 'tool.dropout-lab.maxFileSize');
      assert.match(e.message, /did you mean "max-file-size"/);
      assert.match(configError(() => parseSettings({ 'per-file-ignores': {} }, 'editor')).message, /dropoutLab\.per-file-ignores.*perFileIgnores/);
    });

    it('names the file and key of each mistake', () => {
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [{ select: 'DRP001' }, 'tool.dropout-lab.select', /must be a list/],
        [{ select: ['DRP999'] }, 'tool.dropout-lab.select', /unknown rule "DRP999"/],
        [{ ignore: [3] }, 'tool.dropout-lab.ignore', /entry 1 must be a string/],
        [{ severity: { DRP007: 'warn' } }, 'tool.dropout-lab.severity.DRP007', /one of error, warning, information, hint, off/],
        [{ severity: { NOPE: 'hint' } }, 'tool.dropout-lab.severity.NOPE', /unknown rule/],
        [{ severity: ['DRP007'] }, 'tool.dropout-lab.severity', /must be a table/],
        [{ 'per-file-ignores': { 'a/[b': ['DRP001'] } }, 'tool.dropout-lab.per-file-ignores."a/[b"', /invalid glob/],
        [{ 'per-file-ignores': { 'tests/**': 'DRP001' } }, 'tool.dropout-lab.per-file-ignores."tests/**"', /must be a list/],
        [{ 'max-file-size': -5 }, 'tool.dropout-lab.max-file-size', /positive number of bytes/],
        [{ 'max-file-size': 'huge' }, 'tool.dropout-lab.max-file-size', /"huge"/],
        [{ 'parse-timeout-ms': 0 }, 'tool.dropout-lab.parse-timeout-ms', /positive number of milliseconds/],
        [{ exclude: [''] }, 'tool.dropout-lab.exclude', /glob patterns/],
        [{ colour: 'red' }, 'tool.dropout-lab.colour', /unknown setting \(known: select, ignore/],
      ];
      for (const [raw, key, message] of cases) {
        const e = configError(() => parseSettings(raw, 'pyproject', '/p/pyproject.toml'));
        assert.strictEqual(e.key, key, JSON.stringify(raw));
        assert.match(e.message, message);
        assert.ok(e.message.startsWith(`/p/pyproject.toml: ${key}: `), e.message);
      }
      assert.match(configError(() => parseSettings('x', 'pyproject')).message, /must be a table/);
    });
  });

  describe('globs', () => {
    it('translates glob syntax', () => {
      const cases: [string, string, boolean][] = [
        ['tests/**', 'tests/a/b.py', true],
        ['tests/**', 'src/tests/a.py', false],
        ['**/test_*.py', 'test_a.py', true],
        ['**/test_*.py', 'a/b/test_a.py', true],
        ['*.py', 'a/b.py', false],
        ['src/*.py', 'src/a.py', true],
        ['src/?.py', 'src/ab.py', false],
        ['src/[ab].py', 'src/b.py', true],
        ['src/[!ab].py', 'src/b.py', false],
        ['{src,lib}/**/*.ipynb', 'lib/x/y.ipynb', true],
        ['a.b', 'aXb', false],
      ];
      for (const [pattern, file, expected] of cases) assert.strictEqual(globToRegExp(pattern).test(file), expected, `${pattern} ~ ${file}`);
    });

    it('matches relative to the base folder; a pattern without "/" matches a name anywhere', () => {
      assert.ok(matchesGlob('__init__.py', '/project/pkg/sub/__init__.py', '/project'));
      assert.ok(matchesGlob('legacy', '/project/a/legacy/m.py', '/project'));
      assert.ok(matchesGlob('pkg/legacy', '/project/pkg/legacy/deep/m.py', '/project'));
      assert.ok(!matchesGlob('pkg/legacy', '/project/other/pkg/legacy/m.py', '/project'));
      assert.ok(!matchesGlob('**', '/elsewhere/m.py', '/project'));
    });
  });

  describe('resolveLintOptions (precedence: defaults < pyproject < command line)', () => {
    it('defaults to every rule at its table severity and the default limits', () => {
      const options = resolveLintOptions([]);
      assert.strictEqual(options.select?.length, RULES.length);
      assert.deepStrictEqual(options.ignore, []);
      assert.strictEqual(options.maxFileBytes, 1024 * 1024);
      assert.strictEqual(options.parseTimeoutMs, 5000);
    });

    it('a higher layer\'s select replaces the set; ignores and severities layer per rule', () => {
      const project = layer({ ignore: ['DRP010', 'DRP015'], severity: { DRP007: 'warning', DRP008: 'off' }, maxFileSize: 100 });
      const cli = layer({ select: ['DRP010', 'DRP007', 'DRP008'] });
      const options = resolveLintOptions([project, cli]);
      // The command line selected DRP010 again (Ruff's model); DRP008 stays off via severity.
      assert.deepStrictEqual(options.select, ['DRP007', 'DRP010']);
      assert.deepStrictEqual(options.severity, { DRP007: 'warning' });
      assert.strictEqual(options.maxFileBytes, 100);
      const ignoreOnly = resolveLintOptions([project, layer({ ignore: ['DRP001'] })]);
      assert.ok(!ignoreOnly.select?.includes('DRP010') && !ignoreOnly.select?.includes('DRP001'));
      assert.strictEqual(ignoreOnly.select?.length, RULES.length - 4); // all but DRP010, DRP015, DRP001 and DRP008 (off)
    });

    it('applies per-file-ignores last, relative to the layer\'s folder', () => {
      const project = layer({ perFileIgnores: [{ pattern: 'tests/**', rules: ['DRP010'] }] }, '/repo');
      const cli = layer({ select: ['DRP010'] }, '/elsewhere');
      assert.deepStrictEqual(resolveLintOptions([project, cli], '/repo/tests/t.py').select, []);
      assert.deepStrictEqual(resolveLintOptions([project, cli], '/repo/tests/t.py').ignore?.length, RULES.length);
      assert.deepStrictEqual(resolveLintOptions([project, cli], '/repo/src/m.py').select, ['DRP010']);
    });

    it('drives the linter: a severity override and a disabled rule', () => {
      const source = 'import torch.nn as nn\na = nn.Dropout(1.5)\n';
      const warned = lint(source, resolveLintOptions([layer({ severity: { DRP010: 'warning' } })]));
      assert.strictEqual(warned.find((f) => f.rule === 'DRP010')?.severity, 'warning');
      assert.deepStrictEqual(at(lint(source, resolveLintOptions([layer({ severity: { DRP010: 'off' } })])), 'DRP010'), []);
      // Everything disabled must mean nothing runs, not "no selection = all rules".
      assert.deepStrictEqual(lint(source, resolveLintOptions([layer({ select: ['DRP010'], ignore: ['DRP010'] })])), []);
    });
  });

  describe('finding pyproject.toml', () => {
    it('uses the nearest pyproject.toml with a [tool.dropout-lab] table', () => {
      const root = tempDir();
      writeFiles(root, {
        'pyproject.toml': '[tool.dropout-lab]\nignore = ["DRP010"]\n',
        'pkg/pyproject.toml': '[project]\nname = "pkg"\n',
        'pkg/sub/m.py': '',
        'other/pyproject.toml': '[tool.dropout-lab.severity]\nDRP010 = "hint"\n',
        'other/m.py': '',
      });
      const cache = new Map<string, ConfigLayer | null>();
      const found = findProjectConfig(path.join(root, 'pkg/sub/m.py'), cache)!;
      assert.strictEqual(found.file, path.join(root, 'pyproject.toml'));
      assert.deepStrictEqual(found.settings.ignore, ['DRP010']);
      assert.strictEqual(found.baseDir, root);
      assert.strictEqual(cache.get(path.join(root, 'pkg')), found);
      assert.deepStrictEqual(findProjectConfig(path.join(root, 'other/m.py'), cache)!.settings.severity, { DRP010: 'hint' });
    });

    it('reports invalid TOML that mentions dropout-lab with its line; passes over other tools\' broken files', () => {
      const root = tempDir();
      writeFiles(root, {
        'pyproject.toml': '[tool.dropout-lab]\nselect = ["DRP001"\n',
        'a/pyproject.toml': '[tool.black\nline-length = 88\n',
        'a/m.py': '',
      });
      const e = configError(() => findProjectConfig(path.join(root, 'a/m.py')));
      assert.strictEqual(e.file, path.join(root, 'pyproject.toml'));
      assert.match(e.message, /not valid TOML at line \d+, column \d+/);
    });

    it('does not ignore a misspelt [tool.dropout_lab] table', () => {
      const root = tempDir();
      writeFiles(root, { 'pyproject.toml': '[tool.dropout_lab]\nignore = ["DRP010"]\n', 'm.py': '' });
      const e = configError(() => findProjectConfig(path.join(root, 'm.py')));
      assert.match(e.message, /unknown table \[tool\.dropout_lab\]; did you mean \[tool\.dropout-lab\]\?/);
    });

    it('loads an explicit --config file: pyproject.toml needs the table, other TOML files are the table', () => {
      const root = tempDir();
      writeFiles(root, {
        'pyproject.toml': '[project]\nname = "x"\n',
        'dropout-lab.toml': 'ignore = ["DRP015"]\n[severity]\nDRP007 = "error"\n',
      });
      assert.match(configError(() => loadConfigFile(path.join(root, 'pyproject.toml'))).message, /has no \[tool\.dropout-lab\] table/);
      assert.deepStrictEqual(loadConfigFile(path.join(root, 'dropout-lab.toml')).settings, { ignore: ['DRP015'], severity: { DRP007: 'error' } });
      assert.match(configError(() => loadConfigFile(path.join(root, 'missing.toml'))).message, /cannot read the configuration file \(ENOENT\)/);
    });
  });
});
