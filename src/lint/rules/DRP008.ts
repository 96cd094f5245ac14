// DRP008 elementwise-dropout-on-conv-maps: plain element-wise dropout (nn.Dropout, F.dropout,
// Keras Dropout, tf.nn.dropout) applied to convolutional feature maps — its input comes from a
// convolution (through activations, pooling or normalisation) and its output still goes through
// convolutions/pooling before a flatten or global pooling. Neighbouring activations of a feature map
// are strongly correlated, so dropping single elements barely regularises; channel dropout
// (Dropout2d / SpatialDropout2D) or DropBlock drops whole maps (Tompson et al. 2015). A hint only:
// canonical examples do this on purpose. Must not flag: dropout after flatten / global pooling /
// a dense layer (the classifier); channel dropouts; paths where the conv origin is not certain
// (user blocks, unknown calls, merges).
import type { Rule } from '../rule';
import { getModelGraphs, type LayerKind, type LayerNode, type ModelGraph } from '../modelGraph';
import { canonicalName } from '../resolve';
import { describeLayer, modelLabel, renameCallee, reportNode, ReportedOnce } from '../model/ruleSupport';

/** Layers that keep a conv feature map a feature map. */
const SPATIAL: ReadonlySet<LayerKind> = new Set(['activation', 'pool', 'batchnorm', 'norm', 'identity', 'dropout']);

/** The convolution feeding `layer` through spatial layers (single path), if any. */
function convBefore(graph: ModelGraph, layer: LayerNode): LayerNode | undefined {
  let current = layer;
  for (let steps = 0; steps < 64; steps++) {
    if (current.inputs.length !== 1 || current.fromModelInput) return undefined;
    const prev = graph.layers[current.inputs[0]];
    if (prev.kind === 'conv') return prev;
    if (!SPATIAL.has(prev.kind)) return undefined;
    current = prev;
  }
  return undefined;
}

/** Reaches a flatten / global pooling through conv and spatial layers on every path. */
function reachesFlatten(graph: ModelGraph, layer: LayerNode): boolean {
  const stack = [...layer.outputs];
  const seen = new Set<number>();
  let found = false;
  while (stack.length) {
    const i = stack.pop()!;
    if (seen.has(i)) continue;
    seen.add(i);
    const next = graph.layers[i];
    if (next.kind === 'flatten' || next.kind === 'global-pool') {
      found = true;
      continue;
    }
    if (next.kind !== 'conv' && !SPATIAL.has(next.kind)) return false;
    stack.push(...next.outputs);
  }
  return found;
}

function dimensions(conv: LayerNode): 1 | 2 | 3 | undefined {
  const m = /(\d)[dD](?:Transpose)?$|conv(?:_transpose)?(\d)d$/.exec(conv.qualifiedName ?? conv.display);
  const d = Number(m?.[1] ?? m?.[2]);
  return d === 1 || d === 2 || d === 3 ? d : undefined;
}

function channelDropout(qualified: string, dims: 1 | 2 | 3): string | undefined {
  if (qualified === 'torch.nn.Dropout') return `torch.nn.Dropout${dims}d`;
  if (qualified === 'torch.nn.functional.dropout') return `torch.nn.functional.dropout${dims}d`;
  if (qualified === 'keras.layers.Dropout') return `keras.layers.SpatialDropout${dims}D`;
  return undefined;
}

/** Each element-wise dropout of the graph on conv feature maps, with the convolution feeding it. */
function dropoutsOnConvMaps(graph: ModelGraph): Array<{ dropout: LayerNode; conv: LayerNode }> {
  const found: Array<{ dropout: LayerNode; conv: LayerNode }> = [];
  if (!graph.flowKnown) return found;
  for (const dropout of graph.layers) {
    if (dropout.kind !== 'dropout' || dropout.dropout?.variant !== 'standard') continue;
    const conv = convBefore(graph, dropout);
    if (conv && reachesFlatten(graph, dropout)) found.push({ dropout, conv });
  }
  return found;
}

export const elementwiseDropoutOnConvMaps: Rule = {
  id: 'DRP008',
  check(context) {
    const once = new ReportedOnce();
    for (const graph of getModelGraphs(context)) {
      for (const { dropout, conv } of dropoutsOnConvMaps(graph)) {
        const where = reportNode(dropout);
        if (!once.first('DRP008', where)) continue;
        const dims = dimensions(conv) ?? 2;
        const target = dropout.qualifiedName ? channelDropout(dropout.qualifiedName, dims) : undefined;
        // A module applied elsewhere too (e.g. also after a Linear) must not be renamed for this one use.
        const shared = graph.layers.filter((l) => l.definition === dropout.definition).length > 1;
        const edits = target && !shared ? renameCallee(dropout.node, target, context.imports, canonicalName) : undefined;
        const suggestion = target ? target.slice(target.lastIndexOf('.') + 1) : /^(?:keras|tensorflow)\./.test(dropout.qualifiedName ?? '') ? `SpatialDropout${dims}D` : `Dropout${dims}d`;
        context.report('DRP008', where,
          `${describeLayer(dropout)} drops single elements of the feature maps of ${conv.name ?? conv.display} in ${modelLabel(graph)}; neighbouring activations are correlated, so channel dropout (${suggestion}) or DropBlock regularises better.`,
          { fixes: edits ? [{ title: `Use ${suggestion}`, safe: false, edits }] : [] });
      }
    }
  },
};
