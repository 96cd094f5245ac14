// DRP015 uniform-dropout-rate: a complete model with three or more dropout layers (counting the user
// blocks of the same file it is built from) whose statically known rates are all the same. Rates
// usually grow with depth — low near the input, higher in wide hidden/classifier layers — so one
// copy-pasted rate is often untuned. A hint only. Must not flag: fewer than three dropouts; any
// dropout whose rate is not a literal or module constant (a parameter, even with a default, is one
// deliberate knob); rate 0 (disabled); building blocks on their own; the same dropout module
// applied several times (one layer).
import type { Rule } from '../rule';
import { getModelGraphs } from '../modelGraph';
import { formatRate } from '../syntax';
import { allDefinitions, modelLabel, rateText } from '../model/ruleSupport';

const MIN_LAYERS = 3;

export const uniformDropoutRate: Rule = {
  id: 'DRP015',
  check(context) {
    const graphs = getModelGraphs(context);
    for (const graph of graphs) {
      if (!graph.isTopLevel) continue;
      const dropouts = allDefinitions(graph, graphs).filter((d) => d.kind === 'dropout');
      if (dropouts.length < MIN_LAYERS) continue;
      // Rates passed in as parameters are one deliberate knob, not copy-paste: only literal rates count.
      if (dropouts.some((d) => d.dropout?.rate === undefined || d.dropout.rateIsParameterDefault || d.dropout.defaultRate)) continue;
      const rates = dropouts.map((d) => d.dropout!.rate);
      if (rates[0] === 0) continue;
      if (new Set(rates).size !== 1) continue;
      const where = graph.nameNode ?? graph.node;
      context.report('DRP015', where,
        `All ${dropouts.length} dropout layers of ${modelLabel(graph)} use ${rateText(dropouts[0]) || `rate ${formatRate(rates[0]!)}`}; rates usually grow from the input (≈0.1) to the widest hidden layers (≈0.5) — tune them per layer.`,
        { related: dropouts.map((d) => ({ range: d.range, message: `${d.name ?? d.display}: ${rateText(d)}` })) });
    }
  },
};
