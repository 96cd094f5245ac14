// DRP010 invalid-dropout-rate: a rate that is a literal (or a module constant) outside [0, 1)
// passed to a framework dropout (nn.Dropout, F.dropout, Keras Dropout, tf.nn.dropout, the
// `dropout=` of RNN/attention layers), or a TF1 keep probability (`keep_prob=`,
// `tf.contrib.layers.dropout`) outside (0, 1]. PyTorch raises at construction for p outside [0, 1] and
// zeroes everything at p = 1; TF.js passes input through at rate 1. Rates that are not statically
// known are never flagged, nor is anything named Dropout that was not imported from a framework.
import { DROPOUT_APIS, DROPOUT_KEYWORD_APIS, RECURRENT_RATE_KEYWORDS } from '../frameworks';
import type { Rule, RuleContext } from '../rule';
import type { SyntaxNode } from '../parser';
import { calleeName, evalNumber } from '../resolve';
import { callArgument, formatRate, keywordArgument, nodesOfType } from '../syntax';

function checkRate(context: RuleContext, rateNode: SyntaxNode | undefined, display: string, keyword: string): void {
  const rate = evalNumber(rateNode, context.constants);
  if (rateNode === undefined || rate === undefined) return;
  if (rate >= 0 && rate < 1) return;
  const shown = formatRate(rate);
  const why = rate === 1
    ? 'a rate of 1 drops every unit (PyTorch outputs zeros, TF.js passes the input through unchanged)'
    : rate > 1 && rate <= 100 && Number.isInteger(rate)
      ? 'it must be a probability in [0, 1), not a percentage'
      : 'it must be a probability in [0, 1)';
  context.report('DRP010', rateNode, `Invalid dropout rate ${keyword}=${shown} in ${display}: ${why}.`);
}

/** A keep probability (TF1 `keep_prob`) must lie in (0, 1]: 0 keeps nothing (and TF divides by it). */
function checkKeep(context: RuleContext, keepNode: SyntaxNode | undefined, display: string, keyword: string): void {
  const keep = evalNumber(keepNode, context.constants);
  if (keepNode === undefined || keep === undefined) return;
  if (keep > 0 && keep <= 1) return;
  const why = keep === 0
    ? 'a keep probability of 0 drops every unit'
    : keep > 1 && keep <= 100 && Number.isInteger(keep)
      ? 'it must be a probability in (0, 1], not a percentage'
      : 'it must be a probability in (0, 1]';
  context.report('DRP010', keepNode, `Invalid keep probability ${keyword}=${formatRate(keep)} in ${display}: ${why}.`);
}

export const invalidDropoutRate: Rule = {
  id: 'DRP010',
  check(context) {
    for (const node of nodesOfType(context.root, 'call')) {
      const name = calleeName(node, context.imports);
      if (!name) continue;
      const api = DROPOUT_APIS.get(name);
      if (api) {
        const rateNode = callArgument(node, api.rateKeyword, api.ratePosition);
        if (api.rateMeaning === 'keep') checkKeep(context, rateNode, api.display, api.rateKeyword);
        else checkRate(context, rateNode, api.display, api.rateKeyword);
        if (api.legacyKeepKeyword) checkKeep(context, keywordArgument(node, api.legacyKeepKeyword), api.display, api.legacyKeepKeyword);
        continue;
      }
      const layer = DROPOUT_KEYWORD_APIS.get(name);
      if (layer) {
        for (const keyword of RECURRENT_RATE_KEYWORDS) checkRate(context, keywordArgument(node, keyword), layer, keyword);
      }
    }
  },
};
