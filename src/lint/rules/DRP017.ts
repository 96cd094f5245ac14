// DRP017 unused-dropout-output: `h = self.drop(x)` (or `F.dropout(x, ...)`, `Dropout(0.5)(x)`)
// assigns the dropout's result to a new name that is never read, while the code after it keeps
// using the pre-dropout `x` — so the dropout does nothing, usually a typo. Must not flag:
// `x = self.drop(x)` (same name); a result that is read anywhere in the function (including in a
// loop or a return); names starting with `_` (deliberately discarded).
import type { Rule } from '../rule';
import { getModelGraphs } from '../modelGraph';
import { nodeRange } from '../syntax';
import { describeLayer, modelLabel, ReportedOnce } from '../model/ruleSupport';

export const unusedDropoutOutput: Rule = {
  id: 'DRP017',
  check(context) {
    const once = new ReportedOnce();
    for (const graph of getModelGraphs(context)) {
      for (const unused of graph.unusedDropouts) {
        if (!once.first('DRP017', unused.call)) continue;
        const assigned = unused.assigned.text;
        const input = unused.laterUse.text;
        context.report('DRP017', unused.call,
          `The result of dropout ${describeLayer(unused.layer)} is assigned to \`${assigned}\` but never used in ${modelLabel(graph)}: line ${unused.laterUse.startPosition.row + 1} reads the pre-dropout \`${input}\`, so this dropout has no effect.`,
          {
            fixes: [{ title: `Use \`${assigned}\` instead of \`${input}\``, safe: false, edits: [{ range: nodeRange(unused.laterUse), newText: assigned }] }],
            related: [{ range: nodeRange(unused.laterUse), message: `reads \`${input}\`, the value before dropout` }],
          });
      }
    }
  },
};
