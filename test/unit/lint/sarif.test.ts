import * as assert from 'assert';
import * as path from 'path';
import { toSarif } from '../../../src/cli/sarif';
import { docsUrl, RULES, type Finding } from '../../../src/lint';
import type { FileReport } from '../../../src/lint/lintFile';
import { sarifSchemaErrors } from '../cli/sarifSchema';

const range = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, column: c1 }, end: { line: l2, column: c2 } });

function finding(extra: Partial<Finding> = {}): Finding {
  return { rule: 'DRP010', severity: 'error', message: 'Invalid dropout rate p=1.5', range: range(1, 15, 1, 18), fixes: [], related: [], ...extra };
}

const root = path.resolve('/work/project');

function reports(): FileReport[] {
  return [
    {
      file: path.join(root, 'models/net with space.py'), kind: 'python', failures: [],
      findings: [
        finding({
          fixes: [{ title: 'Use 0.5', safe: true, edits: [{ range: range(1, 15, 1, 18), newText: '0.5' }] }],
          related: [{ range: range(3, 4, 3, 20), message: 'the BatchNorm it feeds' }],
        }),
        finding({ rule: 'DRP008', severity: 'hint', message: 'element-wise dropout on conv maps' }),
        finding({ rule: 'DRP007', severity: 'information', message: 'heavy dropout with BatchNorm' }),
      ],
    },
    { file: path.join(root, 'nb.ipynb'), kind: 'notebook', failures: [], findings: [finding({ cell: 2, range: range(0, 11, 0, 12) })] },
    { file: path.join(root, 'broken.ipynb'), kind: 'notebook', failures: [], findings: [], error: 'not a valid notebook: the file is not valid JSON' },
    { file: path.join(root, 'huge.py'), kind: 'python', failures: [], findings: [], skipped: 'skipped: 2 MB is over the 1 MB size limit (max-file-size)' },
    { file: '/elsewhere/x.py', kind: 'python', failures: [{ rule: 'DRP006', message: 'boom' }], findings: [] },
  ];
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('SARIF output', () => {
  it('the schema validator rejects what the SARIF 2.1.0 schema forbids', () => {
    // Without this, a validator that accepted everything would pass every test below.
    assert.deepStrictEqual(sarifSchemaErrors({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } } }] }), []);
    assert.match(sarifSchemaErrors({ runs: [] }).join('\n'), /^\/: must have required property 'version'/m);
    assert.match(sarifSchemaErrors({ version: '2.0.0', runs: [] }).join('\n'), /^\/version: must be equal to one of the allowed values/m);
    const bad = {
      version: '2.1.0',
      runs: [{
        tool: { driver: { name: 'x', rules: [{ id: 'A', helpUri: 'docs/A.md' }] } },
        results: [
          { message: { text: 'm' }, ruleId: 'A', cell: 3 },
          { message: {}, level: 'info', locations: [{ physicalLocation: { artifactLocation: { uri: 'a b.py' }, region: { startLine: 0 } } }] },
        ],
      }],
    };
    const problems = sarifSchemaErrors(bad);
    const expected = [
      /^\/runs\/0\/tool\/driver\/rules\/0\/helpUri: must match format "uri"/,
      /^\/runs\/0\/results\/0: must NOT have additional properties \(cell\)/,
      /^\/runs\/0\/results\/1\/level: must be equal to one of the allowed values/,
      /^\/runs\/0\/results\/1\/locations\/0\/physicalLocation\/artifactLocation\/uri: must match format "uri-reference"/,
      /^\/runs\/0\/results\/1\/locations\/0\/physicalLocation\/region\/startLine: must be >= 1/,
    ];
    for (const pattern of expected) assert.ok(problems.some((p) => pattern.test(p)), `${pattern} not among:\n${problems.join('\n')}`);
  });

  it('is valid SARIF 2.1.0 with rule metadata from the rule table', () => {
    const log = toSarif(reports(), { root, version: '1.2.3' }) as Json;
    assert.deepStrictEqual(sarifSchemaErrors(log), []);
    const run = log.runs[0];
    assert.strictEqual(run.tool.driver.version, '1.2.3');
    assert.deepStrictEqual(run.tool.driver.rules.map((r: Json) => r.id), RULES.map((r) => r.id));
    for (const [i, rule] of RULES.entries()) {
      const descriptor = run.tool.driver.rules[i];
      assert.strictEqual(descriptor.helpUri, docsUrl(rule.id));
      assert.strictEqual(descriptor.name, rule.name);
      assert.strictEqual(descriptor.shortDescription.text, rule.summary);
    }
    assert.strictEqual(run.columnKind, 'utf16CodeUnits');
    assert.strictEqual(run.originalUriBaseIds['%SRCROOT%'].uri, 'file:///work/project/');
  });

  it('maps findings to results: 1-based regions, levels, related locations and fixes', () => {
    const results = (toSarif(reports(), { root, version: '0' }) as Json).runs[0].results;
    assert.strictEqual(results.length, 4);
    const [first, hint, info, cell] = results;
    assert.strictEqual(first.ruleId, 'DRP010');
    assert.strictEqual(first.ruleIndex, 9);
    assert.strictEqual(first.level, 'error');
    assert.deepStrictEqual(first.locations[0].physicalLocation, {
      artifactLocation: { uri: 'models/net%20with%20space.py', uriBaseId: '%SRCROOT%' },
      region: { startLine: 2, startColumn: 16, endLine: 2, endColumn: 19 },
    });
    assert.deepStrictEqual(first.relatedLocations[0].physicalLocation.region, { startLine: 4, startColumn: 5, endLine: 4, endColumn: 21 });
    assert.deepStrictEqual(first.fixes[0].artifactChanges[0].replacements, [{ deletedRegion: { startLine: 2, startColumn: 16, endLine: 2, endColumn: 19 }, insertedContent: { text: '0.5' } }]);
    assert.strictEqual(hint.level, 'note');
    assert.strictEqual(info.level, 'note');
    // Notebook results carry the cell; a region would point into the JSON file, so there is none.
    assert.deepStrictEqual(cell.properties, { cell: 3, cellLine: 1, cellColumn: 12 });
    assert.strictEqual(cell.locations[0].physicalLocation.region, undefined);
    assert.match(cell.message.text, /^cell 3, line 1: /);
  });

  it('reports unreadable, skipped and crashed files as notifications', () => {
    const invocation = (toSarif(reports(), { root, version: '0' }) as Json).runs[0].invocations[0];
    assert.strictEqual(invocation.executionSuccessful, false);
    const notes = invocation.toolExecutionNotifications.map((n: Json) => `${n.level}: ${n.message.text} @ ${n.locations[0].physicalLocation.artifactLocation.uri}`);
    assert.deepStrictEqual(notes, [
      'error: not a valid notebook: the file is not valid JSON @ broken.ipynb',
      'warning: skipped: 2 MB is over the 1 MB size limit (max-file-size) @ huge.py',
      'error: internal error in DRP006: boom @ file:///elsewhere/x.py',
    ]);
    assert.strictEqual((toSarif([], { root, version: '0' }) as Json).runs[0].invocations[0].executionSuccessful, true);
  });
});
