// DRP006 dropout-before-batchnorm: a dropout whose output reaches a BatchNorm with only
// activations, reshapes, flattening or identities in between, in any model or block whose data flow
// is known (Sequential order, forward/call, Keras functional). Dropout changes the variance of its
// output between training and inference, so the BatchNorm's running statistics, collected in
// training, do not match what it sees at test time ("variance shift", Li et al. 2019). The usual
// order is BN -> activation -> dropout. Must not flag: BatchNorm before dropout; a dropout separated
// from the BatchNorm by a weight layer (Linear/Conv) — that is the ordinary conv/dense stack; a user
// class named BatchNorm; LayerNorm/GroupNorm (no running statistics).
import type { Rule } from '../rule';
import { getModelGraphs, type LayerNode, type ModelGraph } from '../modelGraph';
import { describeLayer, modelLabel, PASS_THROUGH, permuteTexts, reportNode, ReportedOnce } from '../model/ruleSupport';
import { nodeRange } from '../syntax';
import type { Fix } from '../types';

/** The BatchNorm reached from `dropout` through pass-through layers, with the layers in between. */
function batchNormAfter(graph: ModelGraph, dropout: LayerNode): { bn: LayerNode; path: LayerNode[] } | undefined {
  const stack: Array<{ layer: LayerNode; path: LayerNode[] }> = dropout.outputs.map((i) => ({ layer: graph.layers[i], path: [] }));
  const seen = new Set<number>();
  while (stack.length) {
    const { layer, path } = stack.pop()!;
    if (seen.has(layer.index)) continue;
    seen.add(layer.index);
    if (layer.kind === 'batchnorm') return { bn: layer, path };
    if (!PASS_THROUGH.has(layer.kind)) continue;
    for (const next of layer.outputs) stack.push({ layer: graph.layers[next], path: [...path, layer] });
  }
  return undefined;
}

/** Swap within a Sequential (or successive model.add calls): [Dropout, ...between, BN] -> [BN, ...between, Dropout]. */
function swapFix(dropout: LayerNode, between: LayerNode[], bn: LayerNode): Fix | undefined {
  const chain = [dropout, ...between, bn];
  // Reshapes in between would change the shape BatchNorm sees; only activations/identities move freely.
  if (chain.some((l) => l.callNode) || between.some((l) => l.kind !== 'activation' && l.kind !== 'identity')) return undefined;
  const nodes = chain.map((l) => l.node);
  const sameList = nodes.every((n) => n.parent?.id === nodes[0].parent?.id && (n.parent?.type === 'argument_list' || n.parent?.type === 'list'));
  const successiveAdds = nodes.every((n) => n.parent?.type === 'argument_list' && n.parent.parent?.childForFieldName('function')?.type === 'attribute'
    && /^(?:add|append)$/.test(n.parent.parent.childForFieldName('function')?.childForFieldName('attribute')?.text ?? ''));
  if (!sameList && !successiveAdds) return undefined;
  for (let i = 1; i < nodes.length; i++) if (nodes[i].startIndex <= nodes[i - 1].endIndex) return undefined;
  const order = [nodes.length - 1, ...between.map((_, i) => i + 1), 0];
  return { title: `Move ${dropout.name ?? dropout.display} after ${bn.name ?? bn.display}`, safe: false, edits: permuteTexts(nodes, order) };
}

/** Each dropout of the graph that feeds a BatchNorm, with the BatchNorm and the path between. */
function dropoutsFeedingBatchNorm(graph: ModelGraph): Array<{ dropout: LayerNode; bn: LayerNode; path: LayerNode[] }> {
  const found: Array<{ dropout: LayerNode; bn: LayerNode; path: LayerNode[] }> = [];
  if (!graph.flowKnown) return found;
  for (const dropout of graph.layers) {
    if (dropout.kind !== 'dropout') continue;
    const after = batchNormAfter(graph, dropout);
    if (after) found.push({ dropout, ...after });
  }
  return found;
}

export const dropoutBeforeBatchnorm: Rule = {
  id: 'DRP006',
  check(context) {
    const once = new ReportedOnce();
    for (const graph of getModelGraphs(context)) {
      for (const { dropout, bn, path } of dropoutsFeedingBatchNorm(graph)) {
        const where = reportNode(dropout);
        if (!once.first('DRP006', where)) continue;
        const between = path.length ? ` (through ${path.map((l) => l.display).join(', ')})` : '';
        const fix = swapFix(dropout, path, bn);
        context.report('DRP006', where,
          `${describeLayer(dropout)} feeds BatchNorm ${bn.name ?? bn.display}${between} in ${modelLabel(graph)}: the BatchNorm's running statistics are collected under dropout noise and do not match inference (variance shift). Order them BatchNorm -> activation -> dropout.`,
          {
            fixes: fix ? [fix] : [],
            related: [{ range: nodeRange(reportNode(bn)), message: `${bn.name ?? bn.display} receives the dropout's output` }],
          });
      }
    }
  },
};
