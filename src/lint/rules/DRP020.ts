// DRP020 flax-apply-without-dropout-rng: `model.apply(variables, x, train=True)` (or
// `deterministic=False`, `training=True`; also `state.apply_fn(...)` of a TrainState) in a file
// whose Flax model has an `nn.Dropout`, with no `rngs=` at all. In training mode linen's dropout
// draws its mask from the 'dropout' PRNG stream, which only `rngs={'dropout': key}` provides, so
// the first dropout raises an InvalidRngError. Not flagged: calls passing `rngs=` (any value),
// `**kwargs`, a mode given by a variable (it may be evaluation), evaluation calls
// (`train=False` / `deterministic=True`), and files without a linen dropout.
import type { Rule } from '../rule';
import type { SyntaxNode } from '../parser';
import { calleeName } from '../resolve';
import { nodesOfType } from '../syntax';

const APPLY_METHODS = new Set(['apply', 'apply_fn']);

/** `train=True`, `training=True` or `deterministic=False` as written, else undefined. */
function trainingModeKeyword(call: SyntaxNode): SyntaxNode | undefined {
  for (const arg of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (arg?.type !== 'keyword_argument') continue;
    const name = arg.childForFieldName('name')?.text;
    const value = arg.childForFieldName('value')?.type;
    if ((name === 'train' || name === 'training') && value === 'true') return arg;
    if (name === 'deterministic' && value === 'false') return arg;
  }
  return undefined;
}

function passesRngs(call: SyntaxNode): boolean {
  return call.childForFieldName('arguments')?.namedChildren.some((arg) => arg?.type === 'dictionary_splat'
    || (arg?.type === 'keyword_argument' && arg.childForFieldName('name')?.text === 'rngs')) ?? false;
}

export const flaxApplyWithoutDropoutRng: Rule = {
  id: 'DRP020',
  check(context) {
    const calls = nodesOfType(context.root, 'call');
    if (!calls.some((call) => calleeName(call, context.imports) === 'flax.linen.Dropout')) return;
    for (const call of calls) {
      const callee = call.childForFieldName('function');
      if (callee?.type !== 'attribute' || !APPLY_METHODS.has(callee.childForFieldName('attribute')?.text ?? '')) continue;
      const mode = trainingModeKeyword(call);
      if (!mode || passesRngs(call)) continue;
      context.report('DRP020', call,
        `${callee.text}(..., ${mode.text}) runs the model's nn.Dropout in training mode without rngs={'dropout': key}: linen draws the dropout mask from the 'dropout' PRNG stream, so the first dropout raises an InvalidRngError. Pass rngs={'dropout': dropout_key} (a fresh key from jax.random.split every step).`);
    }
  },
};
