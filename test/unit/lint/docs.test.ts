// The rule table is the one declaration of the rules: the docs pages, their index and package.json
// must agree with it, and each page's examples must do what the page says.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { createPythonParser, docsUrl, lintSource, RULES } from '../../../src/lint';
import { errorCount } from '../../../src/lint/fixes';
import './helpers';

const ROOT = path.resolve(__dirname, '../../../..');
const DOCS = path.join(ROOT, 'docs', 'rules');
const SECTIONS = ['What it flags', 'Why it matters', 'Bad', 'Good', 'How to fix', 'When it is fine'];

function page(id: string): string {
  return fs.readFileSync(path.join(DOCS, `${id}.md`), 'utf8');
}

function example(text: string, section: 'Bad' | 'Good'): string {
  const match = new RegExp(`^## ${section}\\n\`\`\`python\\n([\\s\\S]*?)\`\`\``, 'm').exec(text);
  assert.ok(match, `no python block right under "## ${section}"`);
  return match[1];
}

describe('rule documentation', () => {
  it('has one page per rule, and no page for a rule that does not exist', () => {
    const pages = fs.readdirSync(DOCS).filter((f) => /^DRP\d{3}\.md$/.test(f)).sort();
    assert.deepStrictEqual(pages, RULES.map((r) => `${r.id}.md`));
    for (const rule of RULES) assert.ok(docsUrl(rule.id).endsWith(`docs/rules/${rule.id}.md`), docsUrl(rule.id));
  });

  for (const rule of RULES) {
    describe(`${rule.id} ${rule.name}`, () => {
      it('names the rule and its default severity, and has every section in order', () => {
        const text = page(rule.id);
        assert.strictEqual(text.split('\n')[0], `# ${rule.id} — ${rule.name}`);
        assert.match(text, new RegExp(`^\\*\\*Default severity:\\*\\* ${rule.defaultSeverity}$`, 'm'));
        const headings = [...text.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
        assert.deepStrictEqual(headings, SECTIONS);
      });

      it('has examples that parse, a bad one the rule flags and a good one with no finding at all', () => {
        const text = page(rule.id);
        const parser = createPythonParser();
        try {
          for (const block of [...text.matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1])) {
            const tree = parser.parse(block)!;
            assert.strictEqual(errorCount(tree), 0, `syntax error in an example:\n${block}`);
            tree.delete();
          }
        } finally {
          parser.delete();
        }
        const bad = lintSource(example(text, 'Bad'));
        assert.ok(bad.some((f) => f.rule === rule.id), `the Bad example is not flagged by ${rule.id}`);
        const good = lintSource(example(text, 'Good'));
        assert.deepStrictEqual(good.map((f) => `${f.rule}: ${f.message}`), [], 'the Good example has findings');
      });

      it('links only to pages that exist', () => {
        for (const [, target] of page(rule.id).matchAll(/\]\(([^)#]+\.md)\)/g)) {
          assert.ok(fs.existsSync(path.join(DOCS, target)), `${rule.id}.md links to missing ${target}`);
        }
      });
    });
  }

  it('the index table matches the rule table row for row', () => {
    const index = fs.readFileSync(path.join(DOCS, 'README.md'), 'utf8');
    const rows = [...index.matchAll(/^\| \[(DRP\d{3})\]\((DRP\d{3})\.md\) \| (.+?) \| (.+?) \| (.+) \|$/gm)]
      .map((m) => ({ id: m[1], link: m[2], name: m[3], severity: m[4], summary: m[5] }));
    assert.deepStrictEqual(rows, RULES.map((r) => ({ id: r.id, link: r.id, name: r.name, severity: r.defaultSeverity, summary: r.summary })));
  });

  it('package.json names only real rules, and its per-rule severity settings cover the rule table', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const ids = new Set(RULES.map((r) => r.id));
    for (const [mention] of JSON.stringify(manifest).matchAll(/DRP\d{3}/g)) assert.ok(ids.has(mention as never), `package.json mentions unknown rule ${mention}`);
    const severity = manifest.contributes?.configuration?.properties?.['dropoutLab.severity'];
    if (severity?.properties) {
      assert.deepStrictEqual(Object.keys(severity.properties).sort(), [...ids].sort());
      for (const rule of RULES) {
        const description: string = severity.properties[rule.id].markdownDescription ?? severity.properties[rule.id].description ?? '';
        assert.ok(description.includes(rule.name) && description.includes(rule.defaultSeverity), `dropoutLab.severity.${rule.id} does not describe ${rule.name} (${rule.defaultSeverity})`);
      }
    }
  });
});
