// The linter's entry points: parse (or reuse a tree), build the shared context once, run the
// enabled rules, then apply severities. Pure TypeScript: runs in the CLI, a worker and VS Code.
import { createPythonParser, type SyntaxNode, type Tree } from './parser';
import { collectImports, collectModuleConstants, type ImportTable } from './resolve';
import { ruleMeta, RULES } from './ruleTable';
import { ALL_RULES } from './rules';
import { nodeRange } from './syntax';
import type { Finding, Fix, Range, RelatedLocation, RuleId, Severity } from './types';

export interface LintOptions {
  /** Rule ids to run (default: all). */
  select?: readonly RuleId[];
  /** Rule ids to skip. */
  ignore?: readonly RuleId[];
  /** Per-rule severity overrides. */
  severity?: Partial<Record<RuleId, Severity>>;
}

export interface ReportExtras {
  fixes?: Fix[];
  related?: RelatedLocation[];
}

export interface RuleContext {
  readonly source: string;
  readonly root: SyntaxNode;
  readonly imports: ImportTable;
  /** Module-level numeric constants assigned once. */
  readonly constants: ReadonlyMap<string, number>;
  report(rule: RuleId, where: SyntaxNode | Range, message: string, extras?: ReportExtras): void;
}

export interface Rule {
  id: RuleId;
  check(context: RuleContext): void;
}

export function enabledRules(options: LintOptions = {}): Set<RuleId> {
  const selected = new Set<RuleId>(options.select?.length ? options.select : RULES.map((r) => r.id));
  for (const id of options.ignore ?? []) selected.delete(id);
  return selected;
}

/** Lints an already parsed tree (the editor passes its incrementally reparsed tree). */
export function lintTree(tree: Tree, source: string, options: LintOptions = {}): Finding[] {
  const enabled = enabledRules(options);
  const findings: Finding[] = [];
  const root = tree.rootNode;
  const context: RuleContext = {
    source,
    root,
    imports: collectImports(root),
    constants: collectModuleConstants(root),
    report(rule, where, message, extras) {
      if (!enabled.has(rule)) return;
      const range = 'start' in where && 'end' in where && !('type' in where) ? where as Range : nodeRange(where as SyntaxNode);
      findings.push({
        rule,
        severity: options.severity?.[rule] ?? ruleMeta(rule).defaultSeverity,
        message,
        range,
        fixes: extras?.fixes ?? [],
        related: extras?.related ?? [],
      });
    },
  };
  for (const rule of ALL_RULES) {
    if (enabled.has(rule.id)) rule.check(context);
  }
  return sortFindings(findings);
}

let sharedParser: ReturnType<typeof createPythonParser> | undefined;

/** Parses and lints Python source. `loadPython()` must have resolved first. */
export function lintSource(source: string, options: LintOptions = {}): Finding[] {
  sharedParser ??= createPythonParser();
  const tree = sharedParser.parse(source);
  if (!tree) throw new Error('Dropout Lab: the parser returned no tree');
  try {
    return lintTree(tree, source, options);
  } finally {
    tree.delete();
  }
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) =>
    (a.cell ?? 0) - (b.cell ?? 0)
    || a.range.start.line - b.range.start.line
    || a.range.start.column - b.range.start.column
    || a.rule.localeCompare(b.rule));
}
