// DRP014 heavy-input-dropout: a dropout with a known rate above 0.3 applied directly to the input of
// a complete model — the first layer of a Sequential model, dropout of the first argument of forward
// / call (possibly after a reshape or flatten), or of a Keras `Input`. Dropping more than ~20–30 % of
// raw input features destroys information the network cannot recover (Srivastava et al. 2014 used
// 0.2 on inputs and 0.5 on hidden units). Information only. Must not flag: dropout after an
// embedding or any weight layer (a hidden representation); rates ≤ 0.3 or unknown; building blocks
// (their input is another layer's output, not the model's).
import type { Rule } from '../rule';
import { getModelGraphs, type LayerNode, type ModelGraph } from '../modelGraph';
import { describeLayer, modelLabel, reportNode, ReportedOnce } from '../model/ruleSupport';

const LIMIT = 0.3;

/** Reads the model input, possibly through reshapes/flatten/identity only. */
function onModelInput(graph: ModelGraph, layer: LayerNode): boolean {
  let current = layer;
  for (let steps = 0; steps < 16; steps++) {
    if (current.fromModelInput) return current.inputs.length === 0;
    if (current.inputs.length !== 1) return false;
    current = graph.layers[current.inputs[0]];
    if (current.kind !== 'reshape' && current.kind !== 'flatten' && current.kind !== 'identity' && current.kind !== 'input') return false;
  }
  return false;
}

export const heavyInputDropout: Rule = {
  id: 'DRP014',
  check(context) {
    const once = new ReportedOnce();
    for (const graph of getModelGraphs(context)) {
      if (!graph.isTopLevel || !graph.flowKnown) continue;
      for (const layer of graph.layers) {
        const rate = layer.dropout?.rate;
        if (layer.kind !== 'dropout' || rate === undefined || rate <= LIMIT || rate >= 1) continue;
        if (!onModelInput(graph, layer)) continue;
        const where = reportNode(layer);
        if (!once.first('DRP014', where)) continue;
        context.report('DRP014', where,
          `${describeLayer(layer)} drops more than ${LIMIT * 100}% of the raw input of ${modelLabel(graph)}: input features are not redundant like hidden units; rates of 0.1–0.2 on inputs are usual.`);
      }
    }
  },
};
