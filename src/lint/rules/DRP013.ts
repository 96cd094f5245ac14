// DRP013 alpha-dropout-activation-mismatch: AlphaDropout (nn.AlphaDropout, FeatureAlphaDropout,
// F.alpha_dropout, Keras AlphaDropout) in a network whose hidden activations are known and none is
// SELU; or plain/channel dropout in a SELU network (every hidden activation SELU). Alpha dropout sets
// dropped units to SELU's negative saturation and re-normalises so SELU's self-normalising mean 0 /
// variance 1 survive (Klambauer et al. 2017); with ReLU that correction is wrong, and plain dropout
// (zeros + 1/(1-p) scaling) in a SELU network breaks self-normalisation. Must not flag: networks
// whose activations are not statically known (user blocks, activations passed in); output
// activations (softmax, sigmoid, linear) do not decide; a network mixing SELU with other hidden
// activations (its intent is unclear).
import type { Rule } from '../rule';
import { getModelGraphs, type ActivationKind, type LayerDefinition } from '../modelGraph';
import { canonicalName } from '../resolve';
import { allDefinitions, describeLayer, modelLabel, renameCallee, ReportedOnce } from '../model/ruleSupport';

const OUTPUT_ACTIVATIONS: ReadonlySet<ActivationKind> = new Set(['softmax', 'log-softmax', 'sigmoid', 'linear']);

function alternative(layer: LayerDefinition, toAlpha: boolean): string | undefined {
  const q = layer.qualifiedName;
  if (!q) return undefined;
  if (toAlpha) {
    if (q === 'torch.nn.Dropout') return 'torch.nn.AlphaDropout';
    if (q === 'torch.nn.functional.dropout') return 'torch.nn.functional.alpha_dropout';
    if (q === 'keras.layers.Dropout') return 'keras.layers.AlphaDropout';
    return undefined;
  }
  if (q === 'torch.nn.AlphaDropout') return 'torch.nn.Dropout';
  if (q === 'keras.layers.AlphaDropout') return 'keras.layers.Dropout';
  return undefined;
}

/** The hidden activations of a network: how many are SELU and which others it uses; undefined when not judged. */
function activationsOf(definitions: readonly LayerDefinition[]): { selu: number; others: ActivationKind[] } | undefined {
  const hidden = definitions.filter((d) => d.activation && !OUTPUT_ACTIVATIONS.has(d.activation)).map((d) => d.activation!);
  // Unknown user blocks may hide activations: only judge fully known networks.
  if (!hidden.length || hidden.includes('other')) return undefined;
  return { selu: hidden.filter((a) => a === 'selu').length, others: [...new Set(hidden.filter((a) => a !== 'selu'))] };
}

export const alphaDropoutActivationMismatch: Rule = {
  id: 'DRP013',
  check(context) {
    const once = new ReportedOnce();
    const graphs = getModelGraphs(context);
    for (const graph of graphs) {
      const activations = activationsOf(graph.usesClasses.length ? allDefinitions(graph, graphs) : graph.definitions);
      if (!activations) continue;
      const { selu, others } = activations;
      for (const layer of graph.definitions) {
        if (layer.kind !== 'dropout' || !layer.dropout) continue;
        const variant = layer.dropout.variant;
        const isAlpha = variant === 'alpha' || variant === 'feature-alpha';
        let message: string | undefined;
        if (isAlpha && selu === 0) {
          message = `AlphaDropout ${describeLayer(layer)} is meant for SELU networks, but ${modelLabel(graph)} uses ${others.join(', ')}: its correction assumes SELU's negative saturation. Use plain dropout here, or switch the activations to SELU.`;
        } else if (!isAlpha && (variant === 'standard' || variant === 'channel') && selu > 0 && others.length === 0) {
          message = `Plain dropout ${describeLayer(layer)} in SELU network ${graph.name}: zeroing and 1/(1-p) scaling break SELU's self-normalisation (mean 0, variance 1). Use AlphaDropout.`;
        }
        if (!message || !once.first('DRP013', layer.node)) continue;
        const target = alternative(layer, !isAlpha);
        const edits = target ? renameCallee(layer.node, target, context.imports, canonicalName) : undefined;
        const title = `Use ${target ? target.slice(target.lastIndexOf('.') + 1) : ''}`;
        context.report('DRP013', layer.node, message, { fixes: edits ? [{ title, safe: false, edits }] : [] });
      }
    }
  },
};
