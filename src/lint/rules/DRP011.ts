// DRP011 keep-prob-rate-confusion: a keep probability passed where a drop rate is expected, or the
// reverse. TF1's `tf.nn.dropout(x, keep_prob)` took the probability of *keeping* a unit; TF 1.13
// deprecated `keep_prob=` for `rate = 1 - keep_prob`, and TF2's second positional argument is the
// drop rate — so ported code silently inverts its dropout (0.8 meant "keep 80 %", now it drops
// 80 %). Flagged: `keep_prob=` in `tf.nn.dropout` (fix: `rate=1-k`, safe when k is a literal); a
// TF2 rate of 0.8 or more, or a rate whose name or same-line comment says "keep"; any framework
// dropout rate (`nn.Dropout(keep_prob)`, Keras `Dropout(self.keep_prob)`) given a keep-named
// value; a drop-rate-named value passed as TF1's positional keep probability. Not flagged:
// ordinary rates below 0.8 with no keep wording, names such as `keep_dims`, files that are
// plainly TF1 (`tf.Session`, `tf.placeholder`) passing a keep probability positionally.
import { DROPOUT_APIS } from '../frameworks';
import type { Rule, RuleContext } from '../rule';
import type { SyntaxNode } from '../parser';
import { calleeName, dottedName, evalNumber, resolveName } from '../resolve';
import { SnapshotNode } from '../snapshot';
import {
  callArgument, formatRate, keywordArgument, nodeRange, nodesOfType,
} from '../syntax';
import type { Fix } from '../types';

const KEEP_NAME = /(?:^|[^a-z])keep(?:_?prob\w*|_?rate|_?p\b|_?probability|_?ratio|$)|keepprob/i;
const RATE_NAME = /(?:^|_)(?:drop(?:out)?_?(?:rate|prob|p)?|rate)$/i;

/** Last dotted segment of a value's name (`self.keep_prob` -> `keep_prob`, `cfg["keep"]` -> `keep`). */
function valueName(node: SyntaxNode): string | undefined {
  if (node.type === 'identifier') return node.text;
  if (node.type === 'attribute') return node.childForFieldName('attribute')?.text;
  if (node.type === 'subscript') {
    const index = node.childForFieldName('subscript');
    if (index?.type === 'string') return index.text.replace(/^[rbuf]*['"]+|['"]+$/gi, '');
  }
  return undefined;
}

/** The comment on the line where `node` ends, if any. */
function trailingComment(source: string, node: SyntaxNode): string | undefined {
  if (node instanceof SnapshotNode) {
    // A snapshot's columns are UTF-16 offsets from the line start: the rest of the line follows endIndex.
    const lineEnd = source.indexOf('\n', node.endIndex);
    const rest = source.slice(node.endIndex, lineEnd < 0 ? source.length : lineEnd);
    const hash = rest.indexOf('#');
    return hash >= 0 ? rest.slice(hash) : undefined;
  }
  const lines = source.split('\n', node.endPosition.row + 1);
  const line = lines[node.endPosition.row] ?? '';
  const hash = line.indexOf('#', node.endPosition.column);
  return hash >= 0 ? line.slice(hash) : undefined;
}

/** Is this file plainly TF1 code (where the positional second argument of tf.nn.dropout is keep_prob)? */
function isTf1File(context: RuleContext): boolean {
  let tf1 = false;
  for (const node of nodesOfType(context.root, 'attribute')) {
    const qualified = resolveName(node, context.imports);
    if (qualified && /^tensorflow\.(?:Session|placeholder|InteractiveSession|train\.AdamOptimizer|train\.GradientDescentOptimizer)$/.test(qualified)) tf1 = true;
    if (tf1) break;
  }
  return tf1;
}

function oneMinus(node: SyntaxNode, constants: ReadonlyMap<string, number>): { text: string; literal: boolean } {
  const value = evalNumber(node, constants);
  if (value !== undefined && node.type !== 'identifier') return { text: formatRate(Number((1 - value).toFixed(10))), literal: true };
  // keep_prob=1 - rate -> rate=rate
  if (node.type === 'binary_operator' && node.childForFieldName('operator')?.text === '-' && evalNumber(node.childForFieldName('left'), constants) === 1) {
    const right = node.childForFieldName('right');
    if (right) return { text: right.text, literal: false };
  }
  const operand = /^(?:identifier|attribute|integer|float|call|subscript|parenthesized_expression)$/.test(node.type) ? node.text : `(${node.text})`;
  return { text: `1 - ${operand}`, literal: false };
}

/** Whether the comment at the end of `node`'s line mentions keep. */
function commentSaysKeep(context: RuleContext, node: SyntaxNode): boolean {
  return /keep/i.test(trailingComment(context.source, node) ?? '');
}

// Wording that says "this number is a keep probability", not just any "keep" in a comment.
const KEEP_PROBABILITY_WORDS = /keep[_ -]?prob|keep(?:ing)? probability|probability (?:of|to|for) keep|(?:fraction|share|ratio) (?:of units )?(?:to )?keep|units to keep|to keep units|retain(?:ed|ing)? probability|probability (?:of|to) retain/i;

/** The comment on the call's line says the value is a keep probability (whatever the value). */
function commentSaysKeepProbability(context: RuleContext, node: SyntaxNode): boolean {
  return KEEP_PROBABILITY_WORDS.test(trailingComment(context.source, node) ?? '');
}

/**
 * `dropout = 0.75  # probability to keep units` … `Dropout(rate=dropout)`: the value's only
 * assignment (in the enclosing function, its class for `self.x`, or at module level) carries a
 * comment that calls it a keep probability. Returns that assignment's 1-based line, or 0.
 */
function keepAssignmentLine(context: RuleContext, value: SyntaxNode, assignmentsTo: (target: string) => readonly SyntaxNode[]): number {
  if (value.type !== 'identifier' && value.type !== 'attribute') return 0;
  const target = value.text;
  const candidates = assignmentsTo(target);
  if (candidates.length === 0) return 0;
  const scopes: SyntaxNode[] = [];
  for (let current = value.parent; current; current = current.parent) {
    if (current.type === 'function_definition' || current.type === 'class_definition') scopes.push(current);
  }
  scopes.push(context.root);
  for (const scope of scopes.filter((s) => (s.type === 'class_definition') === (value.type === 'attribute'))) {
    const found: SyntaxNode[] = [];
    for (const assignment of candidates) {
      if (assignment.startIndex < scope.startIndex || assignment.endIndex > scope.endIndex) continue;
      // An identifier's assignments of this scope only, not of a nested function; a class sees its methods' `self.x =`.
      const owner = ownerScope(assignment);
      const ownScope = scope.type === 'class_definition' || (scope === context.root ? owner === undefined : owner?.equals(scope) === true);
      if (ownScope) found.push(assignment);
    }
    if (found.length === 0) continue;
    if (found.length > 1) return 0;
    const [assignment] = found;
    if (evalNumber(assignment.childForFieldName('right')) === undefined) return 0;
    return KEEP_PROBABILITY_WORDS.test(trailingComment(context.source, assignment) ?? '') ? assignment.startPosition.row + 1 : 0;
  }
  return 0;
}

function ownerScope(node: SyntaxNode): SyntaxNode | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'function_definition' || current.type === 'class_definition') return current;
  }
  return undefined;
}

function checkFile(context: RuleContext): void {
  let tf1: boolean | undefined;
  const fileIsTf1 = (): boolean => (tf1 ??= isTf1File(context));
  // The file's assignments by target text, read once per lint (not once per rate argument).
  let byTarget: Map<string, SyntaxNode[]> | undefined;
  const assignmentsTo = (target: string): readonly SyntaxNode[] => {
    if (!byTarget) {
      byTarget = new Map();
      for (const assignment of nodesOfType(context.root, 'assignment')) {
        const left = assignment.childForFieldName('left')?.text;
        if (left === undefined) continue;
        const list = byTarget.get(left);
        if (list) list.push(assignment);
        else byTarget.set(left, [assignment]);
      }
    }
    return byTarget.get(target) ?? [];
  };
  for (const node of nodesOfType(context.root, 'call')) {
    const callee = node.childForFieldName('function');
    const qualified = calleeName(node, context.imports);
    if (!qualified) continue;
    if (qualified === 'tensorflow.nn.dropout') {
      const keep = keywordArgument(node, 'keep_prob');
      if (keep) {
        const keyword = keep.parent!;
        const rate = oneMinus(keep, context.constants);
        const fix: Fix = { title: `Replace keep_prob=${keep.text} with rate=${rate.text}`, safe: rate.literal, edits: [{ range: nodeRange(keyword), newText: `rate=${rate.text}` }] };
        context.report('DRP011', keyword,
          `tf.nn.dropout(keep_prob=${keep.text}) uses the deprecated keep probability (removed in TF2, where the argument is the drop rate): write rate=${rate.text}.`,
          { fixes: [fix] });
        continue;
      }
      // `tf.compat.v1.nn.dropout(x, 0.8)`: the second positional argument is still keep_prob there.
      const raw = dottedName(callee) ?? '';
      const headBound = context.imports.lookup(raw.split('.')[0] ?? '') ?? '';
      const compatV1 = /compat\.v1/.test(`${headBound}.${raw}`);
      const byKeyword = keywordArgument(node, 'rate');
      const rateNode = byKeyword ?? callArgument(node, 'rate', 1);
      if (!rateNode) continue;
      const name = valueName(rateNode);
      if (!byKeyword && (compatV1 || fileIsTf1())) {
        if (name && RATE_NAME.test(name) && !KEEP_NAME.test(name)) {
          context.report('DRP011', rateNode,
            `'${rateNode.text}' looks like a drop rate, but the second positional argument of TF1 tf.nn.dropout is the keep probability: pass rate=${rateNode.text} instead.`,
            { fixes: [{ title: `Pass it as rate=${rateNode.text}`, safe: false, edits: [{ range: nodeRange(rateNode), newText: `rate=${rateNode.text}` }] }] });
        }
        continue;
      }
      const value = evalNumber(rateNode, context.constants);
      const keepWording = (name !== undefined && KEEP_NAME.test(name)) || commentSaysKeep(context, node);
      // An explicit `rate=` keyword says the author knew the TF2 meaning: only wording overrides it.
      const highPositional = !byKeyword && value !== undefined && value >= 0.8 && value < 1;
      if (keepWording || highPositional) {
        const rate = oneMinus(rateNode, context.constants);
        const shown = value !== undefined ? formatRate(value) : rateNode.text;
        const why = keepWording ? 'its name or comment says it is a keep probability' : `a drop rate of ${shown} discards ${Math.round(value! * 100)} % of the units`;
        context.report('DRP011', rateNode,
          `tf.nn.dropout rate=${shown} looks like a keep probability (${why}); in TF2 the argument is the drop rate. Use rate=${rate.text} if ${shown} was meant to be kept.`,
          { fixes: [{ title: `Use rate=${rate.text}`, safe: false, edits: [{ range: nodeRange(rateNode), newText: rate.text }] }] });
      }
      continue;
    }
    const api = DROPOUT_APIS.get(qualified);
    if (!api) continue;
    const rateNode = callArgument(node, api.rateKeyword, api.ratePosition);
    if (!rateNode) continue;
    const name = valueName(rateNode);
    const value = evalNumber(rateNode, context.constants);
    if (api.rateMeaning === 'keep') {
      // TF1 tf.contrib.layers.dropout / slim.dropout take keep_prob: the mistake is the reverse.
      if (!name || !RATE_NAME.test(name) || KEEP_NAME.test(name)) continue;
      const keep = oneMinus(rateNode, context.constants);
      context.report('DRP011', rateNode,
        `${api.display} expects a keep probability but receives '${rateNode.text}', a drop rate by its name: ${api.rateKeyword}=${keep.text} keeps the intended fraction.`,
        { fixes: [{ title: `Use ${keep.text}`, safe: false, edits: [{ range: nodeRange(rateNode), newText: keep.text }] }] });
      continue;
    }
    const keepNamed = name !== undefined && KEEP_NAME.test(name);
    const keepComment = !keepNamed && ((value !== undefined && value >= 0.8 && value < 1 && commentSaysKeep(context, node))
      || commentSaysKeepProbability(context, node));
    const keepAssigned = !keepNamed && !keepComment && keepAssignmentLine(context, rateNode, assignmentsTo);
    if (!keepNamed && !keepComment && !keepAssigned) continue;
    const rate = oneMinus(rateNode, context.constants);
    const evidence = keepNamed
      ? `'${rateNode.text}', a keep probability by its name`
      : keepAssigned
        ? `'${rateNode.text}', which its assignment (line ${keepAssigned}) describes as a keep probability`
        : `${rateNode.text}, described as a keep probability`;
    context.report('DRP011', rateNode,
      `${api.display} expects a drop rate but receives ${evidence}: ${api.rateKeyword}=${rate.text} drops the intended fraction.`,
      { fixes: [{ title: `Use ${rate.text}`, safe: false, edits: [{ range: nodeRange(rateNode), newText: rate.text }] }] });
  }
}

export const keepProbRateConfusion: Rule = {
  id: 'DRP011',
  check: checkFile,
};
