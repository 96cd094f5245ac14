// What a rule sees and implements: the context built once per lint (tree, imports, constants,
// project view) and the report callback. Below the rules and the linter, so rules never import the
// linter (which imports the rule registry).
import type { SyntaxNode } from './parser';
import type { ProjectView } from './project';
import type { ImportTable } from './resolve';
import type { Fix, Range, RelatedLocation, RuleId } from './types';

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
  /** The project around the file, when the caller indexed it (the CLI, the editor): ask it, never read files. */
  readonly project?: ProjectView;
  report(rule: RuleId, where: SyntaxNode | Range, message: string, extras?: ReportExtras): void;
}

export interface Rule {
  id: RuleId;
  check(context: RuleContext): void;
}
