// IncrementalLinter: a document cache that keeps one syntax tree per document and re-parses
// incrementally on edits (tree.edit + parser.parse(text, oldTree)), for the editor and the
// keystroke benchmark. Pure TypeScript; no `vscode` import. `await loadPython()` first.
//
//   const linter = new IncrementalLinter({ capacity: 16 });
//   linter.open(uri, text, options)               → LintResult   full parse, tree cached under `uri`
//   linter.applyEdits(uri, changes, options)      → LintResult   changes as VS Code/LSP send them:
//        [{ range: {start, end}, text }] — applied in order, each relative to the text after the
//        previous one (VS Code's onDidChangeTextDocument lists them so that this holds). Pass
//        `expectedText` (document.getText()) to catch a missed event: on a mismatch the document is
//        re-parsed from that text instead.
//   linter.update(uri, newText, options)          → LintResult   no change list at hand: diffs the
//        cached text against `newText` (common prefix/suffix) and re-parses incrementally
//   linter.lint(uri, options)                     → LintResult   re-lint the cached tree (settings changed)
//   linter.getText(uri) / linter.getTree(uri)     the cached text / tree (the tree is owned by the
//        cache: valid until the next call for that document or its eviction; do not delete it)
//   linter.close(uri); linter.dispose()
//
// The cache is a small LRU (`capacity` documents); an evicted or closed document's tree is
// deleted (wasm memory is not garbage collected). Each parse has a deadline (`parseTimeoutMs`
// from the lint options); a document over the size limit or the deadline gets a LintResult with
// `skipped` set and is dropped from the cache. No method throws for any text.
import { createPythonParser, type Tree } from './parser';
import {
  DEFAULT_PARSE_TIMEOUT_MS, describeError, lintSnapshotSafely, parseTimeoutNotice, parseWithTimeout, sizeLimitNotice,
  type LintOptions, type LintResult,
} from './linter';
import { snapshotTree, type SnapshotNode } from './snapshot';
import type { Position, Range } from './types';

export interface DocumentChange {
  range: Range;
  text: string;
}

interface CachedDocument {
  text: string;
  tree: Tree;
}

export interface IncrementalLinterOptions {
  /** Documents whose trees are kept (least recently used are evicted). Default 16. */
  capacity?: number;
}

interface Point {
  row: number;
  column: number;
}

/** The end point of `text` inserted at `start`. */
function advance(start: Point, text: string): Point {
  let row = start.row;
  let lastBreak = -1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    row++;
    lastBreak = i;
  }
  return lastBreak < 0 ? { row, column: start.column + text.length } : { row, column: text.length - lastBreak - 1 };
}

function offsetAt(text: string, position: Position): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  const end = lineEnd < 0 ? text.length : lineEnd;
  return Math.min(offset + Math.max(0, position.column), end);
}

function positionAt(text: string, offset: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

const DIFF_BLOCK = 1024;

export class IncrementalLinter {
  private readonly parser = createPythonParser();
  private readonly documents = new Map<string, CachedDocument>();
  private readonly capacity: number;
  private disposed = false;

  constructor(options: IncrementalLinterOptions = {}) {
    this.capacity = Math.max(1, Math.floor(options.capacity ?? 16));
  }

  get size(): number {
    return this.documents.size;
  }

  has(key: string): boolean {
    return this.documents.has(key);
  }

  getText(key: string): string | undefined {
    return this.documents.get(key)?.text;
  }

  getTree(key: string): Tree | undefined {
    return this.documents.get(key)?.tree;
  }

  /** Full parse of a document (replaces any cached tree). */
  open(key: string, text: string, options: LintOptions = {}): LintResult {
    this.drop(key);
    return this.parseAndLint(key, text, undefined, options);
  }

  /** Applies editor change events incrementally; falls back to a full parse when the document is not cached. */
  applyEdits(key: string, changes: readonly DocumentChange[], options: LintOptions = {}, expectedText?: string): LintResult {
    const cached = this.documents.get(key);
    if (!cached) {
      if (expectedText === undefined) return this.skippedResult('the document is not open in the linter cache; call open() first');
      return this.open(key, expectedText, options);
    }
    let text = cached.text;
    try {
      for (const change of changes) {
        const startIndex = offsetAt(text, change.range.start);
        const oldEndIndex = Math.max(startIndex, offsetAt(text, change.range.end));
        const startPosition = positionAt(text, startIndex);
        const oldEndPosition = positionAt(text, oldEndIndex);
        text = text.slice(0, startIndex) + change.text + text.slice(oldEndIndex);
        cached.tree.edit({
          startIndex,
          oldEndIndex,
          newEndIndex: startIndex + change.text.length,
          startPosition,
          oldEndPosition,
          newEndPosition: advance(startPosition, change.text),
        });
      }
    } catch (error) {
      this.drop(key);
      return expectedText !== undefined ? this.open(key, expectedText, options) : this.skippedResult(`could not apply the edit: ${describeError(error)}`);
    }
    if (expectedText !== undefined && expectedText !== text) return this.open(key, expectedText, options);
    return this.reparse(key, cached, text, options);
  }

  /** Re-lints after the text changed, without a change list: diffs against the cached text. */
  update(key: string, newText: string, options: LintOptions = {}): LintResult {
    const cached = this.documents.get(key);
    if (!cached) return this.open(key, newText, options);
    const old = cached.text;
    if (old === newText) return this.lint(key, options);
    // Common prefix and suffix, compared a block at a time first (slices share the strings'
    // memory, and comparing two is one native call): a keystroke in a 150 KB file leaves
    // nearly all of it equal.
    const shorter = Math.min(old.length, newText.length);
    let prefix = 0;
    while (prefix + DIFF_BLOCK <= shorter && old.slice(prefix, prefix + DIFF_BLOCK) === newText.slice(prefix, prefix + DIFF_BLOCK)) prefix += DIFF_BLOCK;
    while (prefix < shorter && old.charCodeAt(prefix) === newText.charCodeAt(prefix)) prefix++;
    let suffix = 0;
    while (suffix + DIFF_BLOCK <= shorter - prefix
      && old.slice(old.length - suffix - DIFF_BLOCK, old.length - suffix) === newText.slice(newText.length - suffix - DIFF_BLOCK, newText.length - suffix)) suffix += DIFF_BLOCK;
    while (suffix < shorter - prefix && old.charCodeAt(old.length - 1 - suffix) === newText.charCodeAt(newText.length - 1 - suffix)) suffix++;
    const startPosition = positionAt(old, prefix);
    cached.tree.edit({
      startIndex: prefix,
      oldEndIndex: old.length - suffix,
      newEndIndex: newText.length - suffix,
      startPosition,
      oldEndPosition: positionAt(old, old.length - suffix),
      newEndPosition: advance(startPosition, newText.slice(prefix, newText.length - suffix)),
    });
    return this.reparse(key, cached, newText, options);
  }

  /** Re-runs the rules on the cached tree. */
  lint(key: string, options: LintOptions = {}): LintResult {
    const cached = this.documents.get(key);
    if (!cached) return this.skippedResult('the document is not open in the linter cache; call open() first');
    this.touch(key, cached);
    return this.lintCached(cached, options);
  }

  close(key: string): void {
    this.drop(key);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const key of [...this.documents.keys()]) this.drop(key);
    this.parser.delete();
  }

  private reparse(key: string, cached: CachedDocument, text: string, options: LintOptions): LintResult {
    const oldTree = cached.tree;
    this.documents.delete(key);
    try {
      return this.parseAndLint(key, text, oldTree, options);
    } finally {
      oldTree.delete();
    }
  }

  private parseAndLint(key: string, text: string, oldTree: Tree | undefined, options: LintOptions): LintResult {
    if (this.disposed) return this.skippedResult('the linter was disposed');
    try {
      const tooLarge = sizeLimitNotice(text, options);
      if (tooLarge) return { findings: [], skipped: tooLarge, failures: [] };
      const timeout = options.parseTimeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS;
      const tree = parseWithTimeout(this.parser, text, timeout, oldTree);
      if (!tree) return { findings: [], skipped: parseTimeoutNotice(timeout), failures: [] };
      const entry: CachedDocument = { text, tree };
      this.touch(key, entry);
      return this.lintCached(entry, options);
    } catch (error) {
      return { findings: [], failures: [{ rule: 'setup', message: describeError(error) }] };
    }
  }

  private lintCached(entry: CachedDocument, options: LintOptions): LintResult {
    // The snapshot lives for this lint only: kept, its node objects would be the bulk of what the
    // next collection has to keep (a re-lint without an edit takes a new one, a few ms).
    let snapshot: SnapshotNode;
    try {
      snapshot = snapshotTree(entry.tree, entry.text);
    } catch (error) {
      return { findings: [], failures: [{ rule: 'setup', message: describeError(error) }] };
    }
    try {
      return lintSnapshotSafely(snapshot, entry.text, options);
    } finally {
      snapshot.releaseSnapshot();
    }
  }

  /** Marks a document most recently used and evicts beyond capacity. */
  private touch(key: string, entry: CachedDocument): void {
    this.documents.delete(key);
    this.documents.set(key, entry);
    while (this.documents.size > this.capacity) {
      const oldest = this.documents.keys().next().value as string;
      this.drop(oldest);
    }
  }

  private drop(key: string): void {
    const cached = this.documents.get(key);
    if (!cached) return;
    this.documents.delete(key);
    cached.tree.delete();
  }

  private skippedResult(reason: string): LintResult {
    return { findings: [], skipped: `skipped: ${reason}`, failures: [] };
  }
}
