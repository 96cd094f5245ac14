// Applying fixes: text edits → new source. `fixSource` is what `dropout-lab lint --fix` runs:
// apply the safe fixes of the enabled rules that do not overlap, re-lint, and repeat until
// nothing changes (at most `maxRounds` rounds). Every round's output is re-parsed; a fix that
// would leave the file with more syntax errors than it had is refused and reported, never written.
import { createPythonParser, type Tree } from './parser';
import { lintTreeSafely, type LintOptions, type LintResult, type RuleFailure } from './linter';
import type { Finding, Fix, Position, TextEdit } from './types';

export class EditConflictError extends Error {}

/** Offsets (UTF-16) of the start of every line; a position past the line end clamps to it. */
function lineStarts(source: string): number[] {
  const starts = [0];
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function toOffset(starts: readonly number[], source: string, position: Position): number {
  if (position.line < 0) return 0;
  if (position.line >= starts.length) return source.length;
  const lineStart = starts[position.line];
  const lineEnd = position.line + 1 < starts.length ? starts[position.line + 1] - 1 : source.length;
  return Math.min(lineStart + Math.max(0, position.column), lineEnd);
}

interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

function toOffsetEdits(source: string, edits: readonly TextEdit[], starts = lineStarts(source)): OffsetEdit[] {
  return edits.map((e) => ({ start: toOffset(starts, source, e.range.start), end: toOffset(starts, source, e.range.end), newText: e.newText }));
}

/** Two edits conflict when their ranges overlap, or both insert at the same point (order would be ambiguous). */
function overlaps(a: OffsetEdit, b: OffsetEdit): boolean {
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  return a.start < b.end && b.start < a.end || (a.start === a.end && a.start > b.start && a.start < b.end) || (b.start === b.end && b.start > a.start && b.start < a.end);
}

/** Applies edits that must not overlap (throws EditConflictError if they do). */
export function applyEdits(source: string, edits: readonly TextEdit[]): string {
  const offsetEdits = toOffsetEdits(source, edits).sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < offsetEdits.length; i++) {
    if (overlaps(offsetEdits[i - 1], offsetEdits[i])) throw new EditConflictError('edits overlap');
    if (offsetEdits[i].start < offsetEdits[i - 1].end) throw new EditConflictError('edits overlap');
  }
  let out = '';
  let cursor = 0;
  for (const e of offsetEdits) {
    out += source.slice(cursor, e.start) + e.newText;
    cursor = e.end;
  }
  return out + source.slice(cursor);
}

/** Picks fixes, in order, whose edits overlap neither each other nor an already picked fix. */
export function nonOverlappingFixes(source: string, fixes: readonly Fix[]): Fix[] {
  const starts = lineStarts(source);
  const taken: OffsetEdit[] = [];
  const picked: Fix[] = [];
  for (const fix of fixes) {
    const edits = toOffsetEdits(source, fix.edits, starts);
    const selfConflict = edits.some((a, i) => edits.some((b, j) => i < j && overlaps(a, b)));
    if (selfConflict || edits.some((e) => taken.some((t) => overlaps(e, t)))) continue;
    taken.push(...edits);
    picked.push(fix);
  }
  return picked;
}

/** ERROR and MISSING nodes in a tree: a fix may not add any. */
export function errorCount(tree: Tree): number {
  if (!tree.rootNode.hasError) return 0;
  let count = 0;
  const stack = [tree.rootNode];
  while (stack.length) {
    const node = stack.pop()!;
    if (node.isError || node.isMissing) count++;
    for (const child of node.children) if (child && (child.hasError || child.isMissing)) stack.push(child);
  }
  return count;
}

export interface AppliedFix {
  rule: Finding['rule'];
  title: string;
  /** 0-based line of the finding it fixed, in the source of the round it was applied in. */
  line: number;
}

export interface RefusedFix extends AppliedFix {
  reason: string;
}

export interface FixResult {
  output: string;
  changed: boolean;
  applied: AppliedFix[];
  refused: RefusedFix[];
  /** Findings left after the last round (from linting `output`). */
  remaining: Finding[];
  rounds: number;
  failures: RuleFailure[];
}

export interface FixOptions {
  maxRounds?: number;
  /** Rules whose fixes may be applied (default: the enabled rules). */
  fixable?: ReadonlySet<string>;
  /** The linter to run each round (default: the rules; tests pass their own). */
  lint?: (tree: Tree, source: string, options: LintOptions) => LintResult;
}

/**
 * Applies safe fixes until a fixpoint. `loadPython()` must have resolved. Never throws for bad
 * input: fixes that conflict are left for the next round, and fixes that break parsing are refused.
 */
export function fixSource(source: string, options: LintOptions = {}, fixOptions: FixOptions = {}): FixResult {
  const parser = createPythonParser();
  const maxRounds = fixOptions.maxRounds ?? 10;
  const applied: AppliedFix[] = [];
  const refused: RefusedFix[] = [];
  const refusedKeys = new Set<string>();
  const seen = new Set<string>([source]);
  let current = source;
  let tree = parser.parse(current);
  let rounds = 0;
  let failures: RuleFailure[] = [];
  try {
    if (!tree) throw new Error('the parser returned no tree');
    for (;;) {
      const result = (fixOptions.lint ?? lintTreeSafely)(tree, current, options);
      failures = result.failures;
      if (rounds >= maxRounds) return done(result.findings);
      const baseErrors = errorCount(tree);
      const candidates: { finding: Finding; fix: Fix }[] = [];
      for (const finding of result.findings) {
        if (fixOptions.fixable && !fixOptions.fixable.has(finding.rule)) continue;
        const fix = finding.fixes.find((f) => f.safe && f.edits.length > 0);
        if (!fix || refusedKeys.has(fixKey(finding, fix))) continue;
        candidates.push({ finding, fix });
      }
      const picked = new Set(nonOverlappingFixes(current, candidates.map((c) => c.fix)));
      let chosen = candidates.filter((c) => picked.has(c.fix));
      if (chosen.length === 0) return done(result.findings);

      let next = tryApply(current, chosen.map((c) => c.fix));
      let nextTree = next === undefined ? null : parser.parse(next);
      if (next === undefined || !nextTree || errorCount(nextTree) > baseErrors) {
        // Find the culprits one at a time, keep the rest.
        nextTree?.delete();
        const good: typeof chosen = [];
        for (const c of chosen) {
          const alone = tryApply(current, [c.fix]);
          const aloneTree = alone === undefined ? null : parser.parse(alone);
          const ok = !!aloneTree && errorCount(aloneTree) <= baseErrors;
          aloneTree?.delete();
          if (ok) good.push(c);
          else {
            refusedKeys.add(fixKey(c.finding, c.fix));
            refused.push({ rule: c.finding.rule, title: c.fix.title, line: c.finding.range.start.line, reason: 'the fixed code would not parse' });
          }
        }
        chosen = good;
        next = chosen.length ? tryApply(current, chosen.map((c) => c.fix)) : undefined;
        nextTree = next === undefined ? null : parser.parse(next);
        if (next === undefined || !nextTree || errorCount(nextTree) > baseErrors) {
          nextTree?.delete();
          for (const c of chosen) {
            refusedKeys.add(fixKey(c.finding, c.fix));
            refused.push({ rule: c.finding.rule, title: c.fix.title, line: c.finding.range.start.line, reason: 'the fixed code would not parse together with other fixes' });
          }
          continue;
        }
      }
      if (seen.has(next)) {
        // A cycle (fix A undoes fix B): stop at the current text.
        nextTree.delete();
        return done(result.findings);
      }
      seen.add(next);
      for (const c of chosen) applied.push({ rule: c.finding.rule, title: c.fix.title, line: c.finding.range.start.line });
      tree.delete();
      tree = nextTree;
      current = next;
      rounds++;
    }
  } finally {
    tree?.delete();
    parser.delete();
  }

  function done(remaining: Finding[]): FixResult {
    return { output: current, changed: current !== source, applied, refused, remaining, rounds, failures };
  }
}

function fixKey(finding: Finding, fix: Fix): string {
  return `${finding.rule}|${fix.title}|${JSON.stringify(fix.edits)}`;
}

function tryApply(source: string, fixes: readonly Fix[]): string | undefined {
  try {
    return applyEdits(source, fixes.flatMap((f) => f.edits));
  } catch {
    return undefined;
  }
}
