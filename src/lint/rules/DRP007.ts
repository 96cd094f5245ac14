// DRP007 heavy-dropout-with-batchnorm: a model (or block) that uses BatchNorm — directly or through
// a user block of the same file — also uses a dropout with a known rate above 0.2. BatchNorm already
// regularises, and strong dropout in the same network shifts the variance BatchNorm normalises
// (Li et al. 2019): rates around 0.1–0.2, or dropout only after the last BatchNorm, work better.
// Information only. Must not flag: rates ≤ 0.2; rates that are not statically known; models without
// BatchNorm (LayerNorm/GroupNorm do not count); recurrent/attention `dropout=` arguments; anything
// named BatchNorm or Dropout that is not the framework's.
import type { Rule } from '../linter';
import { getModelGraphs, isBatchNorm, type LayerDefinition, type ModelGraph } from '../modelGraph';
import { describeLayer, findInModel, modelLabel, ReportedOnce } from '../model/ruleSupport';

const LIMIT = 0.2;

/**
 * The message for a dropout, kept on its definition object: a graph reused across lints keeps its
 * definitions, and the text depends only on the definition, the graph and the BatchNorm named.
 */
const messages = new WeakMap<LayerDefinition, { graph: ModelGraph; bnText: string; message: string }>();

function messageFor(dropout: LayerDefinition, graph: ModelGraph, bnText: string): string {
  const known = messages.get(dropout);
  if (known && known.graph === graph && known.bnText === bnText) return known.message;
  const message = `${describeLayer(dropout)} is heavy for ${modelLabel(graph)}, which uses BatchNorm (${bnText}): with BatchNorm, rates above ${LIMIT} shift the variance it normalises and rarely help; try ${LIMIT} or less, or keep dropout after the last BatchNorm.`;
  messages.set(dropout, { graph, bnText, message });
  return message;
}

export const heavyDropoutWithBatchnorm: Rule = {
  id: 'DRP007',
  check(context) {
    const once = new ReportedOnce();
    const graphs = getModelGraphs(context);
    for (const graph of graphs) {
      const found = findInModel(graph, graphs, isBatchNorm);
      if (!found) continue;
      const bn = found.layer;
      const bnText = `${bn.name ?? bn.display}${found.owner === graph ? '' : ` in ${found.owner.name}`}`;
      for (const dropout of graph.definitions) {
        const rate = dropout.dropout?.rate;
        if (dropout.kind !== 'dropout' || rate === undefined || rate <= LIMIT || rate >= 1) continue;
        if (!once.first('DRP007', dropout.node)) continue;
        context.report('DRP007', dropout.node, messageFor(dropout, graph, bnText),
          { related: [{ range: bn.range, message: `${bnText} is a BatchNorm of this model` }] });
      }
    }
  },
};
