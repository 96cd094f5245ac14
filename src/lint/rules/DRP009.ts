// DRP009 unscaled-manual-dropout: a hand-made dropout mask — `torch.bernoulli(...)`,
// `x.new_empty(...).bernoulli_(q)`, `torch.rand_like(x) > p`, `np.random.rand(*h.shape) < q`,
// `np.random.binomial(1, q, ...)` — multiplied into activations with neither the inverted
// `1/(1-p)` scaling at train time nor the original `(1-p)` scaling at test time. Without either,
// the expected activation during training is `(1-p)·x` but `x` at test time, so everything
// downstream sees inputs 1/(1-p) times larger after training. Not flagged: a mask or product that
// is divided or multiplied by another factor (`x * mask / keep`, `mask.div_(q)`, `x.mul(m) * scale`),
// a result rescaled later in the function, any test-time scaling by the same rate name elsewhere
// in the file, masks used for indexing or `masked_fill`, and per-sample / per-channel masks such as
// `torch.rand(B, 1) < p` (conditioning drop, stochastic depth without scaling is a design choice
// there), and — outside a model's forward/call or a `*drop*` function — masks with a literal
// threshold or no dropout wording (augmentation and noise masks are unscaled on purpose); a mask
// that blends the activations with a fill (`x * block_mask + noise * (1 - block_mask)`, DropBlock
// with noise): the dropped units are replaced, not zeroed, so there is nothing to rescale.
import type { Rule } from '../rule';
import { keepOperand, manualDropouts, operand, stripCasts } from '../flow/manualDropouts';
import { nodeRange } from '../syntax';
import type { Fix } from '../types';

export const unscaledManualDropout: Rule = {
  id: 'DRP009',
  check(context) {
    for (const record of manualDropouts(context)) {
      const { product, mask, variable, inPlace } = record;
      const maskNode = inPlace ? (product.childForFieldName('right') ?? product) : record.maskNode;
      const label = variable ? `'${variable}'` : `'${stripCasts(record.maskNode).text.slice(0, 40)}'`;
      const keepText = mask.keep ? ` (keep probability ${mask.keep})` : '';
      if (record.scaling === 'wrong' && record.wrongFactor) {
        const factor = record.wrongFactor.node;
        const scaled = factor.parent!;
        const fixText = mask.keep ? `${product.type === 'call' ? product.text : `(${product.text})`} / ${keepOperand(mask.keep)}` : undefined;
        context.report('DRP009', scaled,
          `Hand-made dropout mask ${label}${keepText} is scaled by ${record.wrongFactor.operator} ${factor.text}, which ${record.wrongFactor.why}: the expected activation during training is no longer the one the network sees at test time. Divide by the keep probability${mask.keep ? ` (/ ${keepOperand(mask.keep)})` : ''}.`,
          { fixes: fixText ? [{ title: `Scale by 1/(${mask.keep}) (inverted dropout)`, safe: false, edits: [{ range: nodeRange(scaled), newText: fixText }] }] : [] });
        continue;
      }
      if (record.scaling !== 'none') continue;
      const fix: Fix | undefined = mask.keep
        ? {
          title: `Scale by 1/(${mask.keep}) (inverted dropout)`,
          safe: false,
          edits: inPlace
            ? [{ range: nodeRange(maskNode), newText: `${operand(maskNode.text, maskNode)} / ${keepOperand(mask.keep)}` }]
            : [{ range: nodeRange(product), newText: `${product.type === 'call' ? product.text : `(${product.text})`} / ${keepOperand(mask.keep)}` }],
        }
        : undefined;
      context.report('DRP009', product,
        `Hand-made dropout mask ${label}${keepText} is multiplied into '${record.activation.text.slice(0, 40)}' without 1/keep scaling at train time or keep scaling at test time: activations at test time are 1/keep times larger than the network saw in training. Divide by the keep probability (inverted dropout) or use a framework dropout.`,
        { fixes: fix ? [fix] : [] });
    }
  },
};
