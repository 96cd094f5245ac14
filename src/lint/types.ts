// Plain data shared by the linter core, the CLI and the extension. Positions are 0-based
// (line, UTF-16 column) like VS Code's; the CLI converts to 1-based when it prints.
import type { RuleId, Severity } from './ruleTable';

// Declared with the rule table (RuleId is derived from its rows), which sits below this module.
export type { RuleId, Severity };

export interface Position {
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

/** A fix is data: edits the CLI (`--fix`) or the editor applies. Only `safe` fixes are applied automatically. */
export interface Fix {
  title: string;
  safe: boolean;
  edits: TextEdit[];
}

/** The other half of a pair, e.g. the BatchNorm a dropout feeds. */
export interface RelatedLocation {
  range: Range;
  message: string;
  /** 0-based notebook cell index when the location is in another cell. */
  cell?: number;
}

export interface Finding {
  rule: RuleId;
  severity: Severity;
  message: string;
  range: Range;
  fixes: Fix[];
  related: RelatedLocation[];
  /** 0-based notebook cell index (the CLI prints it 1-based). */
  cell?: number;
}
