// package.json's contributions agree with the code: the severity setting lists exactly the rule
// table's ids, every setting is documented and resource-scoped where it should be, and every
// command the extension registers or the walkthrough links to is declared (and vice versa).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { RULES } from '../../../src/lint/ruleTable';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const contributes = manifest.contributes;
const properties: Record<string, Record<string, unknown>> = contributes.configuration.properties;

/** Command ids passed to registerCommand in the extension's sources. */
function registeredCommands(): Set<string> {
  const ids = new Set<string>();
  const constants = new Map<string, string>();
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) files.push(full);
    }
  };
  walk(path.join(ROOT, 'src', 'extension'));
  const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
  for (const text of texts) {
    for (const m of text.matchAll(/export const (\w+) = '(dropoutLab\.\w+)'/g)) constants.set(m[1], m[2]);
  }
  for (const text of texts) {
    for (const m of text.matchAll(/registerCommand\(\s*(?:'(dropoutLab\.\w+)'|(\w+))/g)) {
      const id = m[1] ?? constants.get(m[2]);
      if (id) ids.add(id);
    }
    for (const m of text.matchAll(/command: '(dropoutLab\.\w+)'/g)) ids.add(m[1]);
  }
  return ids;
}

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

  it('declares every command the code registers, in the "Dropout Lab" category, and no command nobody registers', () => {
    const declared = new Set<string>(contributes.commands.map((c: { command: string }) => c.command));
    const registered = registeredCommands();
    assert.deepStrictEqual([...registered].filter((id) => !declared.has(id)).sort(), [], 'registered but not declared');
    assert.deepStrictEqual([...declared].filter((id) => !registered.has(id)).sort(), [], 'declared but never registered');
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
