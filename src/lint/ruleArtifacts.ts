// What `npm run generate` writes from the rule table: the rule registry, package.json's per-rule
// severity settings, the docs index table and the README's rule count. Pure text in, text out, so
// a unit test can regenerate in memory and fail when a checked-in file is stale.
import { RULES, type RuleMeta } from './ruleTable';

export interface Artifact {
  /** Path relative to the repository root, with forward slashes. */
  path: string;
  text: string;
}

const SEVERITY_CHOICES = ['error', 'warning', 'information', 'hint', 'off'];
const SEVERITY_CHOICE_DESCRIPTIONS = [
  'Shown as an error.',
  'Shown as a warning.',
  'Shown as information.',
  'Shown as a hint (faded, no Problems entry by default).',
  'The rule does not run.',
];

/** `dropout-on-output-layer` -> `dropoutOnOutputLayer`: the name each rule file exports. */
export function ruleExportName(rule: RuleMeta): string {
  return rule.name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function renderRuleRegistry(rules: readonly RuleMeta[] = RULES): string {
  const lines = [
    '// Generated from the rule table (src/lint/ruleTable.ts) by `npm run generate`; do not edit.',
    '// Every rule, in id order. Each lives in its own file named after its id and exports',
    '// the camel-cased rule name.',
    "import type { Rule } from '../rule';",
    ...rules.map((r) => `import { ${ruleExportName(r)} } from './${r.id}';`),
    '',
    'export const ALL_RULES: readonly Rule[] = [',
    ...rules.map((r) => `  ${ruleExportName(r)},`),
    '];',
    '',
  ];
  return lines.join('\n');
}

export function severitySettings(rules: readonly RuleMeta[] = RULES): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const rule of rules) {
    properties[rule.id] = {
      type: 'string',
      enum: SEVERITY_CHOICES,
      enumDescriptions: SEVERITY_CHOICE_DESCRIPTIONS,
      markdownDescription: `\`${rule.id}\` ${rule.name}: ${rule.summary} Default: \`${rule.defaultSeverity}\`.`,
    };
  }
  return properties;
}

/** The end (exclusive) of the JSON value that starts at `start` (an object or array). */
function jsonValueEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  throw new Error('unbalanced JSON');
}

/**
 * package.json with `contributes.configuration.properties["dropoutLab.severity"].properties`
 * replaced; only that object's text changes, the rest of the file keeps its layout.
 */
export function updatePackageJson(text: string, rules: readonly RuleMeta[] = RULES): string {
  const key = text.indexOf('"dropoutLab.severity"');
  if (key < 0) throw new Error('package.json has no "dropoutLab.severity" setting');
  const settingStart = text.indexOf('{', key);
  const settingEnd = jsonValueEnd(text, settingStart);
  const setting = text.slice(settingStart, settingEnd);
  const propertiesKey = setting.indexOf('"properties"');
  if (propertiesKey < 0) throw new Error('"dropoutLab.severity" has no "properties"');
  const valueStart = setting.indexOf('{', propertiesKey);
  const valueEnd = jsonValueEnd(setting, valueStart);
  const lineStart = setting.lastIndexOf('\n', propertiesKey) + 1;
  const indent = setting.slice(lineStart, propertiesKey);
  const rendered = JSON.stringify(severitySettings(rules), null, 2).replace(/\n/g, `\n${indent}`);
  return text.slice(0, settingStart) + setting.slice(0, valueStart) + rendered + setting.slice(valueEnd) + text.slice(settingEnd);
}

export function renderDocsIndexTable(rules: readonly RuleMeta[] = RULES): string {
  return [
    '| id | name | default severity | summary |',
    '|---|---|---|---|',
    ...rules.map((r) => `| [${r.id}](${r.id}.md) | ${r.name} | ${r.defaultSeverity} | ${r.summary} |`),
  ].join('\n');
}

/** docs/rules/README.md with its rule table (the block that starts with the header row) regenerated. */
export function updateDocsIndex(text: string, rules: readonly RuleMeta[] = RULES): string {
  const lines = text.split('\n');
  const start = lines.indexOf('| id | name | default severity | summary |');
  if (start < 0) throw new Error('docs/rules/README.md has no rule table');
  let end = start;
  while (end < lines.length && lines[end].startsWith('|')) end++;
  return [...lines.slice(0, start), renderDocsIndexTable(rules), ...lines.slice(end)].join('\n');
}

/** README.md's "N rules (DRP001–DRPnnn, …" phrase. */
export function updateReadme(text: string, rules: readonly RuleMeta[] = RULES): string {
  const pattern = /\d+ rules \(DRP\d{3}–DRP\d{3},/;
  if (!pattern.test(text)) throw new Error('README.md has no "N rules (DRPnnn–DRPnnn," phrase');
  return text.replace(pattern, `${rules.length} rules (${rules[0].id}–${rules[rules.length - 1].id},`);
}

/** Every generated file, given a reader for the current checked-in text (paths relative to the root). */
export function ruleArtifacts(read: (path: string) => string, rules: readonly RuleMeta[] = RULES): Artifact[] {
  return [
    { path: 'src/lint/rules/index.ts', text: renderRuleRegistry(rules) },
    { path: 'package.json', text: updatePackageJson(read('package.json'), rules) },
    { path: 'docs/rules/README.md', text: updateDocsIndex(read('docs/rules/README.md'), rules) },
    { path: 'README.md', text: updateReadme(read('README.md'), rules) },
  ];
}
