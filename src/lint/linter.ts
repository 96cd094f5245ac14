// The linter's entry points: parse (or reuse a tree), build the shared context once, run the
// enabled rules, then apply severities. Pure TypeScript: runs in the CLI, a worker and VS Code.
import { createPythonParser, snapshotTree, type SyntaxNode, type Tree } from './parser';
import type { SnapshotNode } from './snapshot';
import { applySuppressions } from './suppressions';
import { collectImports, collectModuleConstants } from './resolve';
import { ruleMeta, RULES } from './ruleTable';
import { ALL_RULES } from './rules';
import { nodeRange } from './syntax';
import type { Finding, Range, RuleId, Severity } from './types';
import type { ProjectView } from './project';
import type { RuleContext } from './rule';

/** The project a file belongs to (see src/lint/project): what its imports resolve to across modules. */
export interface ProjectOption {
  index: { forFile(file: string, root?: SyntaxNode, source?: string): ProjectView };
  /** The linted file's path (absolute or relative to the working folder). */
  file: string;
}

export interface LintOptions {
  /** Rule ids to run (default: all). */
  select?: readonly RuleId[];
  /** Rule ids to skip. */
  ignore?: readonly RuleId[];
  /** Per-rule severity overrides. */
  severity?: Partial<Record<RuleId, Severity>>;
  /** Honour `# noqa` comments (default true). */
  noqa?: boolean;
  /** Sources longer than this many UTF-8 bytes are skipped with a notice (lintText, default 1 MiB). */
  maxFileBytes?: number;
  /** Parsing stops after this many milliseconds and the file is reported as skipped (lintText, default 5000; Infinity: no deadline). */
  parseTimeoutMs?: number;
  /** Cross-module knowledge: models, builders and mode helpers defined in other modules of the project. */
  project?: ProjectOption;
}

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
export const DEFAULT_PARSE_TIMEOUT_MS = 5000;

/** A rule that threw: the other rules still ran; the CLI and the editor report it. */
export interface RuleFailure {
  rule: RuleId | 'setup';
  message: string;
}

/** What the robust entry points return: findings, or why the source was not linted. */
export interface LintResult {
  findings: Finding[];
  /** Set when the source was not linted at all (too large, parse timeout); never silent. */
  skipped?: string;
  /** Rules that crashed on this source (their other findings are kept). */
  failures: RuleFailure[];
}

export type { ReportExtras, Rule, RuleContext } from './rule';

export function enabledRules(options: LintOptions = {}): Set<RuleId> {
  const selected = new Set<RuleId>(options.select?.length ? options.select : RULES.map((r) => r.id));
  for (const id of options.ignore ?? []) selected.delete(id);
  return selected;
}

/**
 * Runs the rules over a parsed tree. With `onFailure` a crashing rule is recorded and the others
 * still run; without it the exception propagates (what rule unit tests want to see).
 */
function runRules(root: SnapshotNode, source: string, options: LintOptions, onFailure?: (failure: RuleFailure) => void): Finding[] {
  const enabled = enabledRules(options);
  const findings: Finding[] = [];
  const context: RuleContext = {
    source,
    root,
    imports: collectImports(root),
    constants: collectModuleConstants(root),
    project: options.project ? options.project.index.forFile(options.project.file, root, source) : undefined,
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
    if (!enabled.has(rule.id)) continue;
    if (!onFailure) {
      rule.check(context);
      continue;
    }
    try {
      rule.check(context);
    } catch (error) {
      onFailure({ rule: rule.id, message: describeError(error) });
    }
  }
  const kept = options.noqa === false ? findings : applySuppressions(findings, root);
  return sortFindings(kept);
}

/** Lints an already parsed tree (the editor passes its incrementally reparsed tree). */
export function lintTree(tree: Tree, source: string, options: LintOptions = {}): Finding[] {
  // Rules read the tree through a plain-JS snapshot: far cheaper than web-tree-sitter's wasm nodes.
  const root = snapshotTree(tree, source);
  try {
    return runRules(root, source, options);
  } finally {
    root.releaseSnapshot();
  }
}

/** Like `lintTree`, but never throws: a crashing rule becomes a `failures` entry. */
export function lintTreeSafely(tree: Tree, source: string, options: LintOptions = {}): LintResult {
  let root: SnapshotNode;
  try {
    root = snapshotTree(tree, source);
  } catch (error) {
    return { findings: [], failures: [{ rule: 'setup', message: describeError(error) }] };
  }
  try {
    return lintSnapshotSafely(root, source, options);
  } finally {
    root.releaseSnapshot();
  }
}

/** `lintTreeSafely` over a snapshot already taken (the incremental linter keeps one per document). */
export function lintSnapshotSafely(root: SnapshotNode, source: string, options: LintOptions = {}): LintResult {
  const failures: RuleFailure[] = [];
  try {
    const findings = runRules(root, source, options, (failure) => failures.push(failure));
    return { findings, failures };
  } catch (error) {
    // Building the shared context (imports, constants) or suppressions failed.
    return { findings: [], failures: [...failures, { rule: 'setup', message: describeError(error) }] };
  }
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

/** UTF-8 length of a JS string without allocating (lone surrogates count 3, like TextEncoder's U+FFFD). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} bytes`;
}

/** The size-limit notice, or undefined when the source is within the limit. */
export function sizeLimitNotice(source: string, options: LintOptions = {}): string | undefined {
  const limit = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  // Cheap pre-check: a string is at most 3 bytes per UTF-16 unit.
  if (source.length * 3 <= limit) return undefined;
  const size = utf8Length(source);
  if (size <= limit) return undefined;
  return `skipped: ${formatBytes(size)} is over the ${formatBytes(limit)} size limit (max-file-size)`;
}

/**
 * Parses `source` with a deadline. Returns the tree, or undefined when the deadline passed (the
 * parser is reset so its next parse starts fresh). `oldTree` enables incremental reparsing.
 */
export function parseWithTimeout(parser: ReturnType<typeof createPythonParser>, source: string, timeoutMs: number, oldTree?: Tree): Tree | undefined {
  const deadline = now() + timeoutMs;
  const tree = parser.parse(source, oldTree ?? null, {
    // Typed as returning void in 0.25's .d.ts, but returning true cancels the parse.
    progressCallback: (() => now() > deadline) as unknown as () => void,
  });
  if (!tree) {
    parser.reset();
    return undefined;
  }
  return tree;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

export function parseTimeoutNotice(timeoutMs: number): string {
  return `skipped: parsing took longer than ${timeoutMs} ms (parse-timeout-ms)`;
}

/**
 * The robust entry point for the CLI, the worker and the editor: applies the size limit and the
 * parse timeout, and never throws whatever the text.
 */
export function lintText(source: string, options: LintOptions = {}): LintResult {
  try {
    const tooLarge = sizeLimitNotice(source, options);
    if (tooLarge) return { findings: [], skipped: tooLarge, failures: [] };
    sharedParser ??= createPythonParser();
    const timeout = options.parseTimeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS;
    const tree = parseWithTimeout(sharedParser, source, timeout);
    if (!tree) return { findings: [], skipped: parseTimeoutNotice(timeout), failures: [] };
    try {
      return lintTreeSafely(tree, source, options);
    } finally {
      tree.delete();
    }
  } catch (error) {
    return { findings: [], failures: [{ rule: 'setup', message: describeError(error) }] };
  }
}

export function describeError(error: unknown): string {
  if (error instanceof RangeError && /call stack/i.test(error.message)) return 'input nested too deeply (stack overflow)';
  if (error instanceof Error) return error.message;
  return String(error);
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) =>
    (a.cell ?? 0) - (b.cell ?? 0)
    || a.range.start.line - b.range.start.line
    || a.range.start.column - b.range.start.column
    || a.rule.localeCompare(b.rule));
}
