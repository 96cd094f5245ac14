// Shared by the lint unit tests: load the grammar once and lint a snippet.
import { lintSource, loadPython, type Finding, type LintOptions } from '../../../src/lint';

before(async function () {
  this.timeout(30000);
  await loadPython();
});

export function lint(source: string, options?: LintOptions): Finding[] {
  return lintSource(source, options);
}

/** Findings of one rule, as `line:column` (1-based, as a user reads them) for compact assertions. */
export function at(findings: Finding[], rule: string): string[] {
  return findings.filter((f) => f.rule === rule).map((f) => `${f.range.start.line + 1}:${f.range.start.column + 1}`);
}
