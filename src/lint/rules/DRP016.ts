// DRP016 dropout-forced-on-at-inference: `training=True` (Flax: `deterministic=False`) passed explicitly on an inference path —
// a Keras `model(x, training=True)`, a dropout layer call `drop(x, training=True)`, or a functional
// `F.dropout(x, p, training=True)` — inside `torch.no_grad()`, a predict/evaluate/infer function
// or a loop over a val/test loader, without averaging several stochastic passes. Every prediction
// is then one random sub-network: noisy, and (with BatchNorm in Keras) computed with batch
// statistics. Not flagged: Monte Carlo dropout (the call repeated in a loop or comprehension over
// `range(T)` in a function that averages the samples), custom training steps under
// `tf.GradientTape` or in `train_step`, deliberate always-on dropout inside a model's own
// forward/call (a Tacotron-style prenet — no inference context there), `training=False` or a
// variable, and code that is not on an inference path.
import type { Rule } from '../rule';
import { inferenceContexts, inGradientTape, isMonteCarloSampling } from '../modeFlow';
import { calleeName } from '../resolve';
import type { SyntaxNode } from '../parser';
import { nodeRange, nodesOfType } from '../syntax';
import { DROPOUT_APIS } from '../frameworks';

/** `training=True`, or Flax's `deterministic=False`: the keyword as written, else undefined. */
function forcedOnText(keyword: SyntaxNode): string | undefined {
  const name = keyword.childForFieldName('name')?.text;
  const value = keyword.childForFieldName('value')?.type;
  if (name === 'training' && value === 'true') return 'training=True';
  if (name === 'deterministic' && value === 'false') return 'deterministic=False';
  return undefined;
}

export const dropoutForcedOnAtInference: Rule = {
  id: 'DRP016',
  check(context) {
    for (const keyword of nodesOfType(context.root, 'keyword_argument')) {
      const forced = forcedOnText(keyword);
      if (!forced) continue;
      const call = keyword.parent?.parent;
      if (call?.type !== 'call') continue;
      const contexts = inferenceContexts(call, context.imports);
      if (contexts.length === 0 || inGradientTape(call) || isMonteCarloSampling(call)) continue;
      const callee = call.childForFieldName('function');
      const qualified = calleeName(call, context.imports);
      const api = qualified ? DROPOUT_APIS.get(qualified) : undefined;
      const flax = forced.startsWith('deterministic');
      const off = flax ? 'deterministic=True' : 'training=False';
      const what = api ? `${api.display}(..., ${forced})` : `${callee?.text ?? 'the model'}(..., ${forced})`;
      context.report('DRP016', keyword,
        `${what} forces dropout on ${contexts.at(-1)!.label}, and the result is not averaged over several stochastic passes: each prediction comes from one random sub-network (noisy, biased scores). Use ${off}, or average T passes for Monte Carlo dropout.`,
        { fixes: [{ title: `Use ${off}`, safe: false, edits: [{ range: nodeRange(keyword.childForFieldName('value')!), newText: flax ? 'True' : 'False' }] }] });
    }
  },
};
