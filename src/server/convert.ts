// Core findings → LSP diagnostics. Positions are already 0-based lines and UTF-16 columns in the
// core, which is LSP's default position encoding.
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { DiagnosticSeverity, type Diagnostic, type Range as LspRange } from 'vscode-languageserver';
import { docsUrl } from '../lint/ruleTable';
import type { Finding, Range, RuleId, Severity } from '../lint/types';

export const DIAGNOSTIC_SOURCE = 'Dropout Lab';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toLspRange(range: Range): LspRange {
  return {
    start: { line: range.start.line, character: range.start.column },
    end: { line: range.end.line, character: range.end.column },
  };
}

export function fromLspRange(range: LspRange): Range {
  return {
    start: { line: range.start.line, column: range.start.character },
    end: { line: range.end.line, column: range.end.character },
  };
}

export function rangesIntersect(a: Range, b: Range): boolean {
  const before = (p: Range['start'], q: Range['start']) => p.line < q.line || (p.line === q.line && p.column < q.column);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

/** Where rule ids link: the page installed next to the server (works offline), else the online docs. */
export class RuleDocs {
  private readonly links = new Map<RuleId, string>();

  constructor(private readonly installedDir?: string) {}

  link(rule: RuleId): string {
    let link = this.links.get(rule);
    if (!link) {
      const local = this.installedDir && path.join(this.installedDir, `${rule}.md`);
      link = local && fs.existsSync(local) ? pathToFileURL(local).toString() : docsUrl(rule);
      this.links.set(rule, link);
    }
    return link;
  }
}

/** A finding as a diagnostic; `uriOfCell` places related locations that sit in other notebook cells. */
export function toDiagnostic(finding: Finding, uri: string, docs: RuleDocs, uriOfCell?: (cell: number) => string | undefined): Diagnostic {
  const diagnostic: Diagnostic = {
    range: toLspRange(finding.range),
    severity: SEVERITY[finding.severity],
    code: finding.rule,
    codeDescription: { href: docs.link(finding.rule) },
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
  };
  if (finding.related.length) {
    diagnostic.relatedInformation = finding.related.map((related) => ({
      location: { uri: (related.cell !== undefined && uriOfCell?.(related.cell)) || uri, range: toLspRange(related.range) },
      message: related.message,
    }));
  }
  return diagnostic;
}
