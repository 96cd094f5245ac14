// package.json's contributions agree with the code: the severity setting lists exactly the rule
// table's ids, every setting is documented and resource-scoped where it should be, and the
// walkthrough links to declared commands and existing media.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { RULES } from '../../../src/lint/ruleTable';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const contributes = manifest.contributes;
const properties: Record<string, Record<string, unknown>> = contributes.configuration.properties;

describe('package.json contributions', () => {
  it('offers a severity for exactly the rules of the rule table, and nothing else', () => {
    const severity = properties['dropoutLab.severity'] as { properties: Record<string, { enum: string[]; enumDescriptions: string[] }>; additionalProperties: boolean };
    assert.strictEqual(severity.additionalProperties, false);
    assert.deepStrictEqual(Object.keys(severity.properties).sort(), RULES.map((r) => r.id).sort());
    for (const rule of RULES) {
      const entry = severity.properties[rule.id];
      assert.deepStrictEqual(entry.enum, ['error', 'warning', 'information', 'hint', 'off']);
      assert.strictEqual(entry.enumDescriptions.length, entry.enum.length);
      assert.match(String((entry as unknown as { markdownDescription: string }).markdownDescription), new RegExp(`Default: \`${rule.defaultSeverity}\``));
    }
  });

  it('documents every setting in markdown, with enum descriptions and a resource scope', () => {
    const names = Object.keys(properties);
    assert.ok(names.length >= 12, names.join(', '));
    for (const name of names) {
      const setting = properties[name];
      assert.ok(name.startsWith('dropoutLab.'), name);
      assert.ok(typeof setting.markdownDescription === 'string' && setting.markdownDescription.length > 20, `${name} has no markdownDescription`);
      if (Array.isArray(setting.enum)) assert.strictEqual((setting.enumDescriptions as unknown[])?.length, setting.enum.length, `${name} enumDescriptions`);
      // Everything but the log level can differ per folder.
      assert.strictEqual(setting.scope, name === 'dropoutLab.logLevel' ? 'window' : 'resource', `${name} scope`);
    }
  });

  it('puts every command in the "Dropout Lab" category', () => {
    // That each declared command is registered at run time is checked inside VS Code (editorDiagnostics.test.ts).
    for (const command of contributes.commands) assert.strictEqual(command.category, 'Dropout Lab', command.command);
  });

  it('links the walkthrough to declared commands and existing media', () => {
    const declared = new Set<string>(contributes.commands.map((c: { command: string }) => c.command));
    const [walkthrough] = contributes.walkthroughs;
    assert.strictEqual(walkthrough.steps.length, 4);
    for (const step of walkthrough.steps) {
      for (const m of String(step.description).matchAll(/\(command:([\w.]+)\)/g)) {
        assert.ok(declared.has(m[1]) || /^(workbench|editor)\./.test(m[1]), `${step.id} links to unknown command ${m[1]}`);
      }
      assert.ok(fs.existsSync(path.join(ROOT, step.media.markdown)), `${step.media.markdown} is missing`);
    }
  });

  it('declares the code action kinds the provider returns', () => {
    const kinds = contributes.codeActions[0].actions.map((a: { kind: string }) => a.kind).sort();
    assert.deepStrictEqual(kinds, ['quickfix', 'source.fixAll.dropoutLab']);
    assert.strictEqual(manifest.capabilities.untrustedWorkspaces.supported, true);
  });
});
