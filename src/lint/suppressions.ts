// `# noqa` suppressions, Ruff-style, read from the syntax tree's comment nodes (so `# noqa` inside
// a string is not a directive):
//   x = nn.Dropout(1.5)  # noqa: DRP010          silences DRP010 on this line
//   x = nn.Dropout(1.5)  # noqa: DRP010, DRP001  several codes (commas and/or spaces)
//   x = nn.Dropout(1.5)  # noqa                  silences every rule on this line
//   # dropout-lab: noqa                          (own line) silences the whole file
//   # dropout-lab: noqa: DRP015                  (own line) silences DRP015 in the whole file
// A finding is matched on the line where it starts. `# noqa:` followed by no valid code is not
// a blanket suppression (Ruff treats it as a mistake, and so do we). Codes of other tools
// (`# noqa: E501, DRP010`) are allowed next to ours.
import type { SyntaxNode, Tree } from './parser';
import { SnapshotNode } from './snapshot';
import type { Finding, TextEdit } from './types';

/** What one line (or the file) suppresses: every rule, or a set of codes (upper-case). */
export type Suppression = { all: true } | { all: false; codes: Set<string> };

export interface SuppressionMap {
  lines: Map<number, Suppression>;
  file?: Suppression;
}

const LINE_DIRECTIVE = /#\s*noqa(?![\w-])(?<colon>\s*:\s*(?<codes>[^#]*))?/i;
const FILE_DIRECTIVE = /^#\s*dropout-lab\s*:\s*noqa(?![\w-])(?<colon>\s*:\s*(?<codes>.*))?$/i;
const CODE = /^[A-Za-z]+[0-9]+$/;

/** Parses the code list after `noqa:`; undefined when no valid code starts it. */
function parseCodes(text: string): Set<string> | undefined {
  const codes = new Set<string>();
  for (const token of text.split(/[\s,]+/)) {
    if (token === '') continue;
    if (!CODE.test(token)) break;
    codes.add(token.toUpperCase());
  }
  return codes.size ? codes : undefined;
}

/** The directive in one comment's text, if any. */
export function parseNoqaComment(comment: string): { scope: 'line' | 'file'; suppression: Suppression } | undefined {
  const file = FILE_DIRECTIVE.exec(comment.trim());
  if (file) {
    if (!file.groups?.colon) return { scope: 'file', suppression: { all: true } };
    const codes = parseCodes(file.groups.codes ?? '');
    return codes ? { scope: 'file', suppression: { all: false, codes } } : undefined;
  }
  const line = LINE_DIRECTIVE.exec(comment);
  if (!line) return undefined;
  if (!line.groups?.colon) return { scope: 'line', suppression: { all: true } };
  const codes = parseCodes(line.groups.codes ?? '');
  return codes ? { scope: 'line', suppression: { all: false, codes } } : undefined;
}

function merge(a: Suppression | undefined, b: Suppression): Suppression {
  if (!a) return b;
  if (a.all || b.all) return { all: true };
  return { all: false, codes: new Set([...a.codes, ...b.codes]) };
}

function isOwnLine(comment: SyntaxNode): boolean {
  const previous = comment.previousSibling;
  return !previous || previous.endPosition.row < comment.startPosition.row;
}

/** Every comment of a tree in source order; a snapshot root has them indexed already. */
function comments(root: SyntaxNode): readonly (SyntaxNode | null)[] {
  // A comment is never empty, so the index holds exactly what `descendantsOfType` walks to.
  return root instanceof SnapshotNode && root.id === 0 ? root.namedNodesOfType('comment') : root.descendantsOfType('comment');
}

/** Every suppression in a tree, keyed by 0-based line. */
export function collectSuppressions(root: SyntaxNode): SuppressionMap {
  const map: SuppressionMap = { lines: new Map() };
  for (const comment of comments(root)) {
    if (!comment) continue;
    const text = comment.text;
    if (!/noqa/i.test(text)) continue;
    const directive = parseNoqaComment(text);
    if (!directive) continue;
    if (directive.scope === 'file' && isOwnLine(comment)) {
      map.file = merge(map.file, directive.suppression);
    } else if (directive.scope === 'line') {
      const line = comment.startPosition.row;
      map.lines.set(line, merge(map.lines.get(line), directive.suppression));
    }
  }
  return map;
}

export function isSuppressed(map: SuppressionMap, finding: Pick<Finding, 'rule' | 'range'>): boolean {
  const covers = (s: Suppression | undefined) => !!s && (s.all || s.codes.has(finding.rule));
  return covers(map.file) || covers(map.lines.get(finding.range.start.line));
}

/** Drops the findings a `# noqa` covers. */
export function applySuppressions(findings: Finding[], root: SyntaxNode): Finding[] {
  if (findings.length === 0) return findings;
  const map = collectSuppressions(root);
  if (!map.file && map.lines.size === 0) return findings;
  return findings.filter((f) => !isSuppressed(map, f));
}

/**
 * The edit behind "Disable DRPxxx for this line": extends an existing `# noqa: …` on the line, or
 * appends `  # noqa: DRPxxx` at the end of the line. Undefined when the line is already
 * suppressed for that rule, or when a comment cannot go there (the line ends inside a string or
 * with a `\` continuation).
 */
export function noqaEdit(tree: Tree, source: string, line: number, rule: string): TextEdit | undefined {
  const lines = source.split('\n');
  if (line < 0 || line >= lines.length) return undefined;
  const text = lines[line].replace(/\r$/, '');
  const comment = tree.rootNode.descendantsOfType('comment', { row: line, column: 0 }, { row: line, column: text.length })
    .find((c) => c?.startPosition.row === line);
  if (comment) {
    const directive = parseNoqaComment(comment.text);
    if (directive?.scope === 'line') {
      if (directive.suppression.all || directive.suppression.codes.has(rule)) return undefined;
      // Insert after the last code of the existing list.
      const match = LINE_DIRECTIVE.exec(comment.text)!;
      const codesText = match.groups?.codes ?? '';
      const listEnd = match.index + match[0].length - (codesText.length - codesText.trimEnd().length);
      const column = comment.startPosition.column + listEnd;
      return { range: { start: { line, column }, end: { line, column } }, newText: `, ${rule}` };
    }
  }
  const trimmedEnd = text.trimEnd().length;
  if (!comment && text.trimEnd().endsWith('\\')) return undefined;
  if (!comment && trimmedEnd > 0) {
    const last = tree.rootNode.descendantForPosition({ row: line, column: trimmedEnd - 1 });
    for (let node: SyntaxNode | null = last; node; node = node.parent) {
      if ((node.type === 'string' || node.type === 'string_content') && node.endPosition.row > line) return undefined;
    }
  }
  const column = comment ? comment.endPosition.column : trimmedEnd;
  return { range: { start: { line, column }, end: { line, column } }, newText: `  # noqa: ${rule}` };
}
