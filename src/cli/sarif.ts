// SARIF 2.1.0 output for `dropout-lab lint --format sarif` (GitHub code scanning and other CI
// viewers): rule metadata from the rule table (helpUri = the rule's docs page), one result per
// finding with 1-based UTF-16 regions, safe and suggested fixes as replacements, and files that
// could not be linted as tool execution notifications.
import * as path from 'path';
import { pathToFileURL } from 'url';
import { docsUrl, RULES, type Finding, type Fix, type Range, type Severity } from '../lint';
import type { FileReport } from '../lint/lintFile';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

type SarifLevel = 'none' | 'note' | 'warning' | 'error';

const LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

export interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

interface ArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

function region(range: Range): SarifRegion {
  return { startLine: range.start.line + 1, startColumn: range.start.column + 1, endLine: range.end.line + 1, endColumn: range.end.column + 1 };
}

function artifactLocation(file: string, root: string): ArtifactLocation {
  const absolute = path.resolve(file);
  const relative = path.relative(root, absolute);
  if (relative && !relative.startsWith('..') && !path.isAbsolute(relative)) {
    return { uri: relative.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
  }
  return { uri: pathToFileURL(absolute).href };
}

function sarifFix(fix: Fix, location: ArtifactLocation): object {
  return {
    description: { text: `${fix.title}${fix.safe ? '' : ' (suggested; review before applying)'}` },
    artifactChanges: [{
      artifactLocation: location,
      replacements: fix.edits.map((edit) => ({ deletedRegion: region(edit.range), insertedContent: { text: edit.newText } })),
    }],
  };
}

function result(report: FileReport, finding: Finding, root: string): object {
  const location = artifactLocation(report.file, root);
  const ruleIndex = RULES.findIndex((r) => r.id === finding.rule);
  const inCell = finding.cell !== undefined;
  const physical = (range: Range) => (inCell ? { artifactLocation: location } : { artifactLocation: location, region: region(range) });
  const cellNote = (cell: number | undefined, range: Range) => (cell !== undefined ? `cell ${cell + 1}, line ${range.start.line + 1}: ` : '');
  const entry: Record<string, unknown> = {
    ruleId: finding.rule,
    ruleIndex,
    level: LEVEL[finding.severity],
    message: { text: `${cellNote(finding.cell, finding.range)}${finding.message}` },
    locations: [{ physicalLocation: physical(finding.range) }],
  };
  if (finding.related.length) {
    entry.relatedLocations = finding.related.map((r, index) => ({
      id: index + 1,
      physicalLocation: physical(r.range),
      message: { text: `${cellNote(r.cell, r.range)}${r.message}` },
    }));
  }
  // Notebook fixes would need edits of the JSON file; they are offered for .py files only.
  if (!inCell && finding.fixes.length) entry.fixes = finding.fixes.map((f) => sarifFix(f, location));
  if (inCell) {
    entry.properties = { cell: finding.cell! + 1, cellLine: finding.range.start.line + 1, cellColumn: finding.range.start.column + 1 };
  }
  return entry;
}

/** Builds the SARIF log for a lint run. `root` is the folder relative paths are based on. */
export function toSarif(reports: readonly FileReport[], options: { root: string; version: string }): object {
  const notifications: object[] = [];
  for (const report of reports) {
    const location = { physicalLocation: { artifactLocation: artifactLocation(report.file, options.root) } };
    if (report.error) notifications.push({ level: 'error', message: { text: report.error }, locations: [location] });
    if (report.skipped) notifications.push({ level: 'warning', message: { text: report.skipped }, locations: [location] });
    for (const failure of report.failures) {
      notifications.push({ level: 'error', message: { text: `internal error in ${failure.rule}: ${failure.message}` }, locations: [location] });
    }
  }
  const rootUri = pathToFileURL(path.resolve(options.root)).href.replace(/\/?$/, '/');
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'Dropout Lab',
          informationUri: docsUrl('DRP001').replace(/DRP001\.md$/, 'README.md'),
          version: options.version,
          semanticVersion: options.version,
          rules: RULES.map((rule) => ({
            id: rule.id,
            name: rule.name,
            shortDescription: { text: rule.summary },
            helpUri: docsUrl(rule.id),
            help: { text: `${rule.summary} See ${docsUrl(rule.id)}` },
            defaultConfiguration: { level: LEVEL[rule.defaultSeverity] },
            properties: { tags: ['dropout', 'machine-learning'], severity: rule.defaultSeverity },
          })),
        },
      },
      invocations: [{
        executionSuccessful: !reports.some((r) => r.error || r.failures.length),
        toolExecutionNotifications: notifications,
      }],
      originalUriBaseIds: { '%SRCROOT%': { uri: rootUri } },
      columnKind: 'utf16CodeUnits',
      results: reports.flatMap((report) => report.findings.map((finding) => result(report, finding, options.root))),
    }],
  };
}
