// The rule table is the single source: the registry, package.json's severity settings, the docs
// index and the README's rule count are generated from it (`npm run generate`). This fails when a
// checked-in copy is stale, and checks that the generator really follows the table.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { RULES, type RuleMeta } from '../../../src/lint/ruleTable';
import { ALL_RULES } from '../../../src/lint/rules';
import { renderRuleRegistry, ruleArtifacts, updateDocsIndex, updatePackageJson, updateReadme } from '../../../src/lint/ruleArtifacts';

const ROOT = path.resolve(__dirname, '../../../..');
const read = (rel: string): string => fs.readFileSync(path.join(ROOT, rel), 'utf8');

// A rule that does not exist, to see the generator add it everywhere.
const extra = { id: 'DRP099', name: 'made-up-rule', defaultSeverity: 'hint', summary: 'Only in this test.' } as unknown as RuleMeta;
const withExtra: readonly RuleMeta[] = [...RULES, extra];

describe('files generated from the rule table', () => {
  for (const artifact of ruleArtifacts(read)) {
    it(`${artifact.path} is up to date (else run npm run generate)`, () => {
      assert.ok(read(artifact.path) === artifact.text, `${artifact.path} is stale: run npm run generate`);
    });
  }

  it('registers one rule per table row, in table order', () => {
    assert.deepStrictEqual(ALL_RULES.map((r) => r.id), RULES.map((r) => r.id));
  });

  it('a new row adds an import and a registry entry', () => {
    const registry = renderRuleRegistry(withExtra);
    assert.match(registry, /^import \{ madeUpRule \} from '\.\/DRP099';$/m);
    assert.match(registry, /^ {2}madeUpRule,\n\];$/m);
  });

  it('a new row adds a severity setting to package.json and changes nothing else', () => {
    const before = read('package.json');
    const after = updatePackageJson(before, withExtra);
    const parsedBefore = JSON.parse(before);
    const parsedAfter = JSON.parse(after);
    const severity = parsedAfter.contributes.configuration.properties['dropoutLab.severity'];
    assert.deepStrictEqual(Object.keys(severity.properties), withExtra.map((r) => r.id));
    assert.strictEqual(severity.properties.DRP099.markdownDescription, '`DRP099` made-up-rule: Only in this test. Default: `hint`.');
    delete severity.properties.DRP099;
    assert.deepStrictEqual(parsedAfter, parsedBefore);
    // Lines outside the severity block keep their layout.
    assert.ok(after.startsWith(before.slice(0, before.indexOf('"dropoutLab.severity"'))));
  });

  it('a new row adds a docs index row and the README counts it', () => {
    const index = updateDocsIndex(read('docs/rules/README.md'), withExtra);
    assert.match(index, /^\| \[DRP099\]\(DRP099\.md\) \| made-up-rule \| hint \| Only in this test\. \|$/m);
    assert.ok(index.includes('## Silencing a finding'), 'the text after the table is kept');
    assert.match(updateReadme(read('README.md'), withExtra), new RegExp(`${withExtra.length} rules \\(DRP001–DRP099,`));
  });

  it('refuses a file it cannot place the generated text in, with a clear message', () => {
    assert.throws(() => updatePackageJson('{"name": "x"}'), /no "dropoutLab\.severity" setting/);
    assert.throws(() => updateDocsIndex('# Rules\n'), /no rule table/);
    assert.throws(() => updateReadme('nothing here'), /README\.md has no/);
  });
});
