// DRP001 dropout-on-output-layer: a dropout is the last thing applied to what a complete model
// returns — the last layer of a Sequential that *is* the model, the value `forward`/`call` returns,
// or the output tensor of a Keras functional Model — possibly followed only by activations or
// reshapes (Linear -> Dropout, Linear -> Softmax -> Dropout). During training it zeroes predictions
// at random, and the loss then trains the net on corrupted outputs. Must not flag: dropout right
// before the final Linear/Dense (the usual place); a Sequential or module that ends with dropout but
// is a building block (used as a layer by another model of the file, e.g. `self.features`, a Keras
// Layer subclass, a helper returning a block); models whose data flow could not be followed; a
// dropout whose output is merged with something else before being returned (residual `x + drop(y)`);
// early returns and auxiliary returned values (features for another head, RNN hidden states); an
// explicit functional `training=True` (a deliberate always-on dropout such as a Tacotron prenet);
// hidden states: a dropout whose input is not a Linear/Dense/conv output (possibly through an
// activation) but a norm, recurrent, attention, pooling or user block — an encoder or backbone
// returning features for a head, not predictions; a dropout with a literal rate of 0 (it does nothing).
import type { Rule } from '../rule';
import type { SyntaxNode } from '../parser';
import { callArgument } from '../syntax';
import { getModelGraphs } from '../modelGraph';
import { describeLayer, modelLabel, PASS_THROUGH, producerThrough, removeDropoutEdits, reportNode, ReportedOnce } from '../model/ruleSupport';

function isLiteralTrue(node: SyntaxNode | undefined): boolean {
  return node?.type === 'true';
}

export const dropoutOnOutputLayer: Rule = {
  id: 'DRP001',
  check(context) {
    const once = new ReportedOnce();
    for (const graph of getModelGraphs(context)) {
      if (!graph.isTopLevel || !graph.flowKnown) continue;
      for (const outputIndex of graph.primaryOutputs) {
        const dropout = producerThrough(graph, graph.layers[outputIndex], PASS_THROUGH);
        if (!dropout || dropout.kind !== 'dropout') continue;
        // Predictions come out of a weight layer; after a norm, RNN, attention or block they are hidden states.
        // Alternative heads (`nn.Linear(...) if num_classes else nn.Identity()`) count when one of them is a weight layer.
        const producers = dropout.fromModelInput ? [] : dropout.inputs.map((i) => producerThrough(graph, graph.layers[i], PASS_THROUGH));
        if (!producers.some((producer) => producer?.kind === 'dense' || producer?.kind === 'conv')) continue;
        if (dropout.dropout?.rate === 0 && !dropout.dropout.rateIsParameterDefault) continue;
        // `training=True` written out is a deliberate always-on dropout (Tacotron-style prenet).
        if (dropout.callNode && dropout.dropout?.style === 'functional' && isLiteralTrue(callArgument(dropout.callNode, 'training', 2))) continue;
        const where = reportNode(dropout);
        if (!once.first('DRP001', where)) continue;
        const edits = removeDropoutEdits(dropout);
        const after = dropout.inputs.length === 1 ? graph.layers[dropout.inputs[0]] : undefined;
        const afterText = after && (after.kind === 'dense' || after.kind === 'conv') ? ` after the last ${after.display}` : '';
        context.report('DRP001', where,
          `${describeLayer(dropout)} is applied to the output of ${modelLabel(graph)}${afterText}: during training it randomly zeroes the predictions the loss is computed on. Put dropout before the final layer instead.`,
          {
            fixes: edits ? [{ title: `Remove ${dropout.name ?? dropout.display} from the output`, safe: false, edits }] : [],
            related: dropout.callNode ? [{ range: dropout.range, message: `${dropout.name ?? dropout.display} is defined here` }] : [],
          });
      }
    }
  },
};
